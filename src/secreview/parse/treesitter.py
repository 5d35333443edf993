"""The fallback parser: tree-sitter's Python grammar, converted to standard-library `ast`.

tree-sitter-python understands every Python 3 grammar (3.12 f-strings, PEP 695 generics, 3.14
`except A, B:` and t-strings) and recovers from syntax errors, so code the host `ast.parse`
rejects is still reviewed. `convert_with_tree_sitter` never consults the host parser; the oracle
test calls it directly to compare its trees with the host's.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass

from secreview.parse.fragments import wrap_fragment
from secreview.parse.grammar import parse_source
from secreview.parse.nesting import MAX_NESTING, NestedTooDeeplyError, measure_nesting
from secreview.parse.python2 import (
    rename_old_keyword_attributes,
    restore_old_keyword_attributes,
)
from secreview.parse.statements import ModuleConverter


@dataclass(frozen=True, slots=True)
class Conversion:
    """A module converted from tree-sitter, and what could not be converted.

    `failures` holds (line, reason) for every region left out of the tree, sorted by line;
    `newer_syntax_lines` the (first, last) lines of constructs newer than Python 3.11;
    `python2_syntax_lines` those of Python 2 forms converted to their Python 3 meaning;
    `fragment` says the text is a piece of a module (it starts indented or with a branch).
    """

    tree: ast.Module
    failures: tuple[tuple[int, str], ...]
    newer_syntax_lines: tuple[tuple[int, int], ...]
    fragment: bool
    python2_syntax_lines: tuple[tuple[int, int], ...] = ()


def convert_with_tree_sitter(text: str) -> Conversion:
    """Parse `text` with tree-sitter and convert it to an `ast.Module` (no host parser involved).

    Raises nesting.NestedTooDeeplyError, before tree-sitter runs, for text nested deeper than
    any analysis can follow, and grammar.ParseTimeoutError when tree-sitter itself cannot finish
    in time; every syntax error is otherwise recorded in `failures` and the rest of the module
    is converted.
    """
    if "\r" in text:  # the host tokenizer reads \r\n and a lone \r as \n; so must we
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, renamed_lines = rename_old_keyword_attributes(text)
    nesting = measure_nesting(text)
    if nesting.depth > MAX_NESTING:
        raise NestedTooDeeplyError(nesting.line)
    wrapped = wrap_fragment(text)
    source = wrapped.text.encode("utf-8", "surrogatepass")
    converter = ModuleConverter(source)
    with warnings.catch_warnings():
        # Decoding `"\d"` warns about the invalid escape: the reviewed code's problem, not ours.
        warnings.simplefilter("ignore")
        tree = converter.module(parse_source(source).root_node)
    if renamed_lines:
        restore_old_keyword_attributes(tree)
    failures = sorted(converter.failures)
    newer = converter.newer_syntax_lines
    python2 = converter.python2_syntax_lines + [(line, line) for line in renamed_lines]
    if wrapped.added_lines:
        tree = wrapped.unwrap(tree)
        shift = wrapped.added_lines
        failures = [(max(line - shift, 1), reason) for line, reason in failures]
        newer = [(first - shift, last - shift) for first, last in newer]
        python2 = [(first - shift, last - shift) for first, last in python2]
    return Conversion(tree, tuple(failures), tuple(newer), wrapped.is_fragment, tuple(python2))
