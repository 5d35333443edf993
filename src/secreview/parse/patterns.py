"""`match` statement patterns -> `ast.pattern` nodes.

tree-sitter keeps patterns flatter than `ast` does: in `case -1 | x.y:` the `-`, the `1`, the `|`
and the dotted name are siblings, so patterns are converted from groups of sibling nodes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from tree_sitter import Node

from secreview.parse.base import LOAD, Unconvertible, locate, locate_between, named, significant
from secreview.parse.expressions import ExpressionConversion

_SINGLETONS = {"true": True, "false": False, "none": None}
_SEPARATORS = frozenset({",", "(", ")", "[", "]", "{", "}"})


_HANDLERS = {
    "as_pattern": "_match_as",
    "union_pattern": "_match_union",
    "list_pattern": "_match_list",
    "tuple_pattern": "_match_tuple",
    "splat_pattern": "_match_splat",
    "dict_pattern": "_match_dict",
    "class_pattern": "_match_class",
}


class PatternConversion(ExpressionConversion):
    """Converts `case` patterns."""

    def __init__(self, source: bytes) -> None:
        super().__init__(source)
        self._patterns: dict[str, Callable[[Node], ast.pattern]] = {
            kind: getattr(self, name) for kind, name in _HANDLERS.items()
        }

    def pattern(self, node: Node) -> ast.pattern:
        """One pattern node (`case_pattern`, `as_pattern`, ...)."""
        return self._pattern_group(significant(node) if node.type == "case_pattern" else [node])

    def open_sequence(self, patterns: list[Node], last: Node) -> ast.pattern:
        """`case a, b:`: patterns separated by commas without brackets, ending at `last`."""
        elements = [self.pattern(p) for p in patterns]
        return locate_between(ast.MatchSequence(elements), patterns[0], last)

    def _pattern_group(self, group: list[Node]) -> ast.pattern:
        first = group[0]
        if len(group) == 2 and first.type == "-":
            return locate_between(ast.MatchValue(self._signed(group)), first, group[1])
        if len(group) != 1:
            raise Unconvertible(first, "invalid pattern")
        kind = first.type
        if kind == "_":
            return locate(ast.MatchAs(), first)
        if kind == "case_pattern":
            return self.pattern(first)
        if kind == "dotted_name":
            parts = named(first)
            if len(parts) == 1:
                return locate(ast.MatchAs(None, self.identifier(parts[0])), first)
            return locate(ast.MatchValue(self._dotted_value(parts)), first)
        if kind in _SINGLETONS:
            return locate(ast.MatchSingleton(_SINGLETONS[kind]), first)
        if kind in ("integer", "float", "string", "concatenated_string"):
            return locate(ast.MatchValue(self.expr(first)), first)
        if kind == "complex_pattern":
            return locate(ast.MatchValue(self._complex(first)), first)
        try:
            handler = self._patterns[kind]
        except KeyError:
            raise Unconvertible(first, f"invalid pattern ({kind.replace('_', ' ')})") from None
        return handler(first)

    def _signed(self, group: list[Node]) -> ast.expr:
        minus, number = group
        return locate_between(ast.UnaryOp(ast.USub(), self.expr(number)), minus, number)

    def _dotted_value(self, parts: list[Node]) -> ast.expr:
        value: ast.expr = locate(ast.Name(self.identifier(parts[0]), LOAD), parts[0])
        for part in parts[1:]:
            value = locate_between(
                ast.Attribute(value, self.identifier(part), LOAD), parts[0], part
            )
        return value

    def _complex(self, node: Node) -> ast.expr:
        children = significant(node)
        real: ast.expr
        if children[0].type == "-":
            real = self._signed(children[:2])
            children = children[2:]
        else:
            real = self.expr(children[0])
            children = children[1:]
        operator = ast.Add() if children[0].type == "+" else ast.Sub()
        return locate(ast.BinOp(real, operator, self.expr(children[1])), node)

    def _match_as(self, node: Node) -> ast.pattern:
        inner, name = named(node)
        if name.type != "identifier":
            raise Unconvertible(name, "invalid pattern target")
        return locate(ast.MatchAs(self.pattern(inner), self.identifier(name)), node)

    def _match_union(self, node: Node) -> ast.pattern:
        alternatives: list[ast.pattern] = []
        group: list[Node] = []
        for child in significant(node):
            if child.type == "|":
                alternatives.append(self._pattern_group(group))
                group = []
            else:
                group.append(child)
        alternatives.append(self._pattern_group(group))
        return locate(ast.MatchOr(alternatives), node)

    def _sequence(self, node: Node) -> list[ast.pattern]:
        return [self.pattern(child) for child in named(node)]

    def _match_list(self, node: Node) -> ast.pattern:
        return locate(ast.MatchSequence(self._sequence(node)), node)

    def _match_tuple(self, node: Node) -> ast.pattern:
        elements = named(node)
        if len(elements) == 1 and not any(c.type == "," for c in node.children):
            return self.pattern(elements[0])  # `(p)` groups, it is not a one-element tuple
        return locate(ast.MatchSequence(self._sequence(node)), node)

    def _match_splat(self, node: Node) -> ast.pattern:
        children = significant(node)
        name = None if children[1].type == "_" else self.identifier(children[1])
        return locate(ast.MatchStar(name), node)

    def _match_dict(self, node: Node) -> ast.pattern:
        keys: list[ast.expr] = []
        values: list[ast.pattern] = []
        rest = None
        key: list[Node] = []
        for child in significant(node):
            kind = child.type
            if kind in _SEPARATORS:
                continue
            if kind == "splat_pattern":
                rest = self.identifier(significant(child)[1])
            elif kind == ":":
                keys.append(self._mapping_key(key))
                key = []
            elif kind == "case_pattern" and not key:
                values.append(self.pattern(child))
            else:
                key.append(child)
        return locate(ast.MatchMapping(keys, values, rest), node)

    def _mapping_key(self, key: list[Node]) -> ast.expr:
        if len(key) == 2:
            return self._signed(key)
        node = key[0]
        if node.type == "dotted_name":
            return self._dotted_value(named(node))
        if node.type == "complex_pattern":
            return self._complex(node)
        return self.expr(node)

    def _match_class(self, node: Node) -> ast.pattern:
        name, *arguments = named(node)
        positional: list[ast.pattern] = []
        keywords: list[str] = []
        keyword_patterns: list[ast.pattern] = []
        for argument in arguments:
            inner = named(argument)
            keyword_node = inner[0] if inner else argument
            alias = None
            if keyword_node.type == "as_pattern":
                # `value=str() as doc` parses as `(value=str()) as doc`: the alias binds the
                # keyword's pattern, not the keyword.
                aliased, alias = named(keyword_node)
                keyword_node = named(aliased)[0] if aliased.type == "case_pattern" else aliased
            if keyword_node.type != "keyword_pattern":
                positional.append(self.pattern(argument))
                continue
            keyword, _, *value = significant(keyword_node)
            keywords.append(self.identifier(keyword))
            pattern = self._pattern_group(value)
            if alias is not None:
                pattern = locate_between(
                    ast.MatchAs(pattern, self.identifier(alias)), value[0], alias
                )
            keyword_patterns.append(pattern)
        cls = self._dotted_value(named(name))
        return locate(ast.MatchClass(cls, positional, keywords, keyword_patterns), node)
