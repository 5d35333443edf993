"""Parameter lists of the tree-sitter Python grammar -> `ast.arguments`, for `def` and `lambda`.

tree-sitter lists parameters flat, with `/` and `*` as separator nodes among them; `ast` groups
them by kind (positional-only, positional, keyword-only) with their defaults apart, so one walk
sorts them, and knows which side of each separator it is on.
"""

from __future__ import annotations

import ast

from tree_sitter import Node

from secreview.parse.base import ConverterBase, Unconvertible, locate, locate_between, named


class ParameterConversion(ConverterBase):
    """Converts the parameter lists of functions and lambdas."""

    def parameters(self, node: Node) -> ast.arguments:
        """Convert `parameters` (of a def) or `lambda_parameters` into `ast.arguments`."""
        positional_only: list[ast.arg] = []
        positional: list[ast.arg] = []
        defaults: list[ast.expr] = []
        keyword_only: list[ast.arg] = []
        keyword_defaults: list[ast.expr | None] = []
        star: ast.arg | None = None
        double_star: ast.arg | None = None
        after_star = False
        for child in named(node):
            kind = child.type
            if kind == "positional_separator":
                positional_only, positional = positional, []
                continue
            if kind == "keyword_separator":
                after_star = True
                continue
            if kind in ("list_splat_pattern", "dictionary_splat_pattern", "typed_parameter"):
                splat, parameter = self._plain_parameter(child)
                if splat == "*":
                    star, after_star = parameter, True
                    continue
                if splat == "**":
                    double_star = parameter
                    continue
                default = None
            elif kind == "identifier":
                parameter, default = locate(ast.arg(self.identifier(child)), child), None
            elif kind == "default_parameter":
                name, value = named(child)
                if name.type != "identifier":
                    raise Unconvertible(name, "tuple parameters are Python 2 syntax")
                parameter = locate(ast.arg(self.identifier(name)), name)
                default = self.expr(value)
            elif kind == "typed_default_parameter":
                name, annotation, value = named(child)
                parameter = locate_between(
                    ast.arg(self.identifier(name), self.expr(annotation)), name, annotation
                )
                default = self.expr(value)
            else:
                raise Unconvertible(child, f"invalid parameter ({kind.replace('_', ' ')})")
            if after_star:
                keyword_only.append(parameter)
                keyword_defaults.append(default)
            else:
                positional.append(parameter)
                if default is not None:
                    defaults.append(default)
        return ast.arguments(
            positional_only,
            positional,
            star,
            keyword_only,
            keyword_defaults,
            double_star,
            defaults,
        )

    def _plain_parameter(self, node: Node) -> tuple[str, ast.arg]:
        """`name`, `*name` or `**name`, with an annotation when typed: (splat, arg)."""
        annotation = None
        inner = node
        if node.type == "typed_parameter":
            inner, annotation_node = named(node)
            annotation = self.expr(annotation_node)
        splat = ""
        name = inner
        if inner.type in ("list_splat_pattern", "dictionary_splat_pattern"):
            splat = "*" if inner.type == "list_splat_pattern" else "**"
            name = named(inner)[0]
        if name.type != "identifier":
            raise Unconvertible(name, "invalid parameter")
        return splat, locate_between(ast.arg(self.identifier(name), annotation), name, node)
