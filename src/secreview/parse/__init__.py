"""Text -> `ast.Module`, whatever Python the code was written for.

One entry point, `parse_module`, so that every analysis works on standard-library `ast` nodes and
never needs to know how the tree was obtained. The host `ast.parse` is tried first and costs
nothing extra; when it rejects the text (syntax newer than the host, a diff fragment, a real
syntax error, Python 2), tree-sitter parses it and the tree is converted to the same `ast` nodes;
Python 2 forms become what they mean in Python 3 (`print x` a call, `0600` the int 0o600). A file is
only reported as broken where no grammar can read it, and even then the rest of it is reviewed.
"""

from __future__ import annotations

import ast
import warnings
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from secreview.parse.treesitter import Conversion


class ParseOutcome(NamedTuple):
    """A parsed module (or None), which parser produced it, and what could not be parsed.

    `error` is the first unrecoverable error ("syntax error at line N: ..."), None when the whole
    text was understood; `unrecoverable_lines` lists the first line of every region that was
    left out of `tree` (or, when tree-sitter tolerated it, where the host parser failed).
    """

    tree: ast.Module | None
    parser: str
    error: str | None = None
    unrecoverable_lines: tuple[int, ...] = ()

    @property
    def used_fallback(self) -> bool:
        """Whether the host `ast.parse` rejected the text and another parser was needed."""
        return self.parser != "ast"


def parse_module(text: str, filename: str = "<unknown>") -> ParseOutcome:
    """Parse `text` into an `ast.Module`; never raises, whatever the text."""
    text = text.removeprefix("\ufeff")
    verdict: _HostVerdict | None = None
    with warnings.catch_warnings():
        # Invalid escape sequences in the code under review are not our warnings to print.
        warnings.simplefilter("ignore")
        try:
            return ParseOutcome(tree=ast.parse(text, filename=filename), parser="ast")
        except SyntaxError as error:
            verdict = _HostVerdict(error.lineno or 1, error.msg)
        except ValueError as error:  # null bytes: Python would refuse to run the file
            verdict = _HostVerdict(1, str(error))
        except (RecursionError, MemoryError):
            pass  # a limit of the host parser, not a verdict on the code
        # Imported only here: tree-sitter and the converter are start-up cost for every scan,
        # and most files never need them.
        from secreview.parse.nesting import NestedTooDeeplyError
        from secreview.parse.treesitter import convert_with_tree_sitter

        try:
            conversion = convert_with_tree_sitter(text)
        except NestedTooDeeplyError as error:
            return ParseOutcome(
                tree=None,
                parser="tree-sitter",
                error=f"syntax error at line {error.line}: {error}",
                unrecoverable_lines=(error.line,),
            )
        except Exception as error:  # never let a converter defect or a timeout stop the scan
            line, message = (verdict.line, verdict.message) if verdict else (1, "cannot be parsed")
            return ParseOutcome(
                tree=None,
                parser="tree-sitter",
                error=f"syntax error at line {line}: {message} ({error})",
                unrecoverable_lines=(line,),
            )
    return _outcome(conversion, verdict)


class _HostVerdict(NamedTuple):
    """Where and why the host parser rejected the text."""

    line: int
    message: str


def _outcome(conversion: Conversion, verdict: _HostVerdict | None) -> ParseOutcome:
    """Combine what tree-sitter could not convert with the host parser's verdict."""
    lines = {line for line, _ in conversion.failures}
    # tree-sitter's grammar is more lenient than Python's (it accepts `f(**a, *b)`, `async = 1`):
    # the host's error stands unless newer syntax or a fragment's first line explains it.
    if verdict is not None and not _explains(conversion, verdict.line):
        lines.add(verdict.line)
        line, reason = verdict.line, verdict.message
    elif conversion.failures:
        line, reason = conversion.failures[0]
        if verdict is not None and verdict.line == line:
            reason = verdict.message  # the host parser words its own errors best
    else:
        return ParseOutcome(tree=conversion.tree, parser="tree-sitter")
    return ParseOutcome(
        tree=conversion.tree,
        parser="tree-sitter",
        error=f"syntax error at line {line}: {reason}",
        unrecoverable_lines=tuple(sorted(lines)),
    )


def _explains(conversion: Conversion, host_line: int) -> bool:
    """Whether newer or Python 2 syntax (or a fragment's first line) explains the host's error."""
    if conversion.fragment and host_line <= _first_statement_line(conversion.tree):
        return True
    spans = (*conversion.newer_syntax_lines, *conversion.python2_syntax_lines)
    return any(first <= host_line <= last for first, last in spans)


def _first_statement_line(tree: ast.Module) -> int:
    return tree.body[0].lineno if tree.body else 1
