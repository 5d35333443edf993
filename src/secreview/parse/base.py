"""What every part of the tree-sitter -> `ast` converter shares: source text, positions, failures.

The converter is split by node family (strings, expressions, patterns, statements), one mixin per
module; this base holds the state they all read, so each module stays small and the one converter
object still dispatches every node kind through a single table.
"""

from __future__ import annotations

import ast
import unicodedata
from collections.abc import Callable
from typing import TypeVar

from tree_sitter import Node

# CPython shares one instance of each context and operator node between all trees; so do we.
LOAD = ast.Load()
STORE = ast.Store()
DEL = ast.Del()

_Located = TypeVar("_Located", bound=ast.AST)

# A converted node's position: (lineno, col_offset, end_lineno, end_col_offset).
Span = tuple[int, int, int, int]


class Unconvertible(Exception):
    """A node the converter cannot turn into valid `ast` (a syntax error, or Python 2 syntax)."""

    def __init__(self, node: Node, reason: str) -> None:
        super().__init__(reason)
        self.line = node.start_point[0] + 1
        self.reason = reason


def locate(tree: _Located, node: Node) -> _Located:
    """Give `tree` the position of `node` (ast and tree-sitter columns are both UTF-8 bytes)."""
    return locate_between(tree, node, node)


def locate_between(tree: _Located, first: Node, last: Node) -> _Located:
    """Give `tree` the position from the start of `first` to the end of `last`."""
    start, end = first.start_point, last.end_point
    tree.lineno = start[0] + 1  # type: ignore[attr-defined]
    tree.col_offset = start[1]  # type: ignore[attr-defined]
    tree.end_lineno = end[0] + 1  # type: ignore[attr-defined]
    tree.end_col_offset = end[1]  # type: ignore[attr-defined]
    return tree


def locate_span(tree: _Located, span: Span) -> _Located:
    """Give `tree` an explicit position."""
    tree.lineno, tree.col_offset, tree.end_lineno, tree.end_col_offset = span  # type: ignore[attr-defined]
    return tree


def span_of(first: Node, last: Node) -> Span:
    """The position from the start of `first` to the end of `last`."""
    start, end = first.start_point, last.end_point
    return (start[0] + 1, start[1], end[0] + 1, end[1])


def significant(node: Node) -> list[Node]:
    """The children of `node` without comments and line continuations, which may sit anywhere."""
    return _without_extras(node.children)


def named(node: Node) -> list[Node]:
    """The named children of `node` without comments and line continuations."""
    return _without_extras(node.named_children)


def _without_extras(children: list[Node]) -> list[Node]:
    """`children` without extras; the list itself when it holds none, which is the common case."""
    for child in children:
        if child.is_extra:
            return [c for c in children if not c.is_extra]
    return children


class ConverterBase:
    """Source access and node dispatch shared by the converter mixins."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        # Lines of constructs newer than Python 3.11: a host SyntaxError inside one of them is
        # explained by the new syntax, anywhere else it is a real error tree-sitter tolerated.
        self.newer_syntax_lines: list[tuple[int, int]] = []
        # Lines of Python 2 forms read as their Python 3 equivalent (`print x`, `0600`): a host
        # SyntaxError there is explained by the older dialect, not a defect of the file.
        self.python2_syntax_lines: list[tuple[int, int]] = []
        self._expressions: dict[str, Callable[[Node], ast.expr]] = {}
        text = source.decode("utf-8", "surrogatepass")
        # For ASCII source a byte offset is a character offset: slice the str, skip decoding.
        self._ascii_text = text if text.isascii() else None

    def text(self, node: Node) -> str:
        """The source text of `node`."""
        if self._ascii_text is not None:
            return self._ascii_text[node.start_byte : node.end_byte]
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "surrogatepass")

    def text_between(self, start_byte: int, end_byte: int) -> str:
        """The source text between two byte offsets."""
        if self._ascii_text is not None:
            return self._ascii_text[start_byte:end_byte]
        return self.source[start_byte:end_byte].decode("utf-8", "surrogatepass")

    def identifier(self, node: Node) -> str:
        """An identifier's name, NFKC-normalised as the Python tokenizer does (PEP 3131)."""
        name = self.text(node)
        if name.isascii():
            return name
        return unicodedata.normalize("NFKC", name)

    def expr(self, node: Node) -> ast.expr:
        """Convert an expression node, whatever its kind."""
        try:
            handler = self._expressions[node.type]
        except KeyError:
            raise Unconvertible(node, _describe(node)) from None
        return handler(node)

    def mark_newer_syntax(self, node: Node) -> None:
        """Remember that `node` uses syntax the host parser may reject."""
        self.newer_syntax_lines.append((node.start_point[0] + 1, node.end_point[0] + 1))

    def mark_python2_syntax(self, node: Node) -> None:
        """Remember that `node` is a Python 2 form, converted to what it means in Python 3."""
        self.python2_syntax_lines.append((node.start_point[0] + 1, node.end_point[0] + 1))


def _describe(node: Node) -> str:
    if node.is_error:
        return "invalid syntax"
    if node.is_missing:
        return f"expected {node.type!r}"
    return f"unexpected {node.type.replace('_', ' ')}"
