"""Text -> `ast.Module`, whatever Python the code was written for.

One entry point, `parse_module`, so that every analysis works on standard-library `ast` nodes and
never needs to know how the tree was obtained.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ParseOutcome:
    """A parsed module (or None), which parser produced it, and the first unrecoverable error."""

    tree: ast.Module | None
    parser: str
    error: str | None = None

    @property
    def used_fallback(self) -> bool:
        """Whether the host `ast.parse` rejected the text and another parser was needed."""
        return self.parser != "ast"


def _syntax_error_message(error: SyntaxError) -> str:
    return f"syntax error at line {error.lineno}: {error.msg}"


def parse_module(text: str, filename: str = "<unknown>") -> ParseOutcome:
    """Parse `text` with the host `ast`; report a clear error when it cannot be parsed."""
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences in the code under review are not our warnings to print.
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=filename)
    except SyntaxError as error:
        return ParseOutcome(tree=None, parser="ast", error=_syntax_error_message(error))
    except (ValueError, RecursionError, MemoryError) as error:
        return ParseOutcome(tree=None, parser="ast", error=f"cannot be parsed: {error}")
    return ParseOutcome(tree=tree, parser="ast")
