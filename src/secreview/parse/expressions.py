"""Expression nodes of the tree-sitter Python grammar -> standard-library `ast` expressions.

One method per node kind, found through one table; operators (operators.py), strings
(strings.py) and parameter lists (parameters.py) are converted by their own mixins, and this
class joins them into the one expression converter. Positions follow CPython: a parenthesised
expression keeps the position of what is inside the parentheses, a tuple includes them, a bare
tuple runs from its first element to its last token (a trailing comma included). Chains that
grow leftwards (`x.y().z()...`) are walked in loops, not by recursion, because generated code
nests them thousands deep.
"""

from __future__ import annotations

import ast

from tree_sitter import Node

from secreview.parse.base import (
    DEL,
    LOAD,
    STORE,
    Unconvertible,
    locate,
    locate_between,
    named,
    significant,
)
from secreview.parse.literals import LiteralError, number_value, python2_integer_value
from secreview.parse.operators import (
    BINARY_OPERATORS,
    OperatorConversion,
    restarred,
    start_at,
    unstarred,
)
from secreview.parse.parameters import ParameterConversion
from secreview.parse.strings import StringConversion

_CONSTANTS: dict[str, object] = {"true": True, "false": False, "none": None, "ellipsis": ...}
_ASSIGNABLE = (ast.Name, ast.Attribute, ast.Subscript, ast.Starred, ast.List, ast.Tuple)
_DELETABLE = (ast.Name, ast.Attribute, ast.Subscript, ast.List, ast.Tuple)

_HANDLERS = {
    "identifier": "_identifier",
    "attribute": "_attribute",
    "call": "_call",
    "subscript": "_subscript",
    "lambda": "_lambda",
    "conditional_expression": "_conditional_expression",
    "named_expression": "_named_expression",
    "yield": "_yield",
    "list": "_list",
    "set": "_set",
    "tuple": "_tuple",
    "dictionary": "_dictionary",
    "parenthesized_expression": "_parenthesized_expression",
    "list_comprehension": "_list_comprehension",
    "set_comprehension": "_set_comprehension",
    "dictionary_comprehension": "_dictionary_comprehension",
    "generator_expression": "_generator_expression",
    "string": "string",
    "concatenated_string": "concatenated_string",
    "integer": "_number",
    "float": "_number",
    "true": "_constant",
    "false": "_constant",
    "none": "_constant",
    "ellipsis": "_constant",
    "list_splat": "_starred",
    "list_splat_pattern": "_starred",
    "expression_list": "_tuple",
    "pattern_list": "_tuple",
    "tuple_pattern": "_tuple_pattern",
    "list_pattern": "_list",
    "type": "_type",
    "generic_type": "_generic_type",
    "constrained_type": "_constrained_type",
    "union_type": "_union_type",
    "member_type": "_member_type",
    "splat_type": "_starred",
}


def _set_context(tree: ast.expr, ctx: ast.expr_context, node: Node) -> ast.expr:
    """Mark an assignment or `del` target (and the parts of a tuple/list target) as such."""
    allowed = _DELETABLE if ctx is DEL else _ASSIGNABLE
    if not isinstance(tree, allowed):
        raise Unconvertible(node, f"cannot assign to {type(tree).__name__.lower()}")
    tree.ctx = ctx  # type: ignore[union-attr]
    if isinstance(tree, ast.Starred):
        _set_context(tree.value, ctx, node)
    elif isinstance(tree, ast.List | ast.Tuple):
        for element in tree.elts:
            _set_context(element, ctx, node)
    return tree


def _has_comma(node: Node) -> bool:
    return any(child.type == "," for child in node.children)


class ExpressionConversion(StringConversion, OperatorConversion, ParameterConversion):
    """Converts every expression node kind; statements build on it."""

    def __init__(self, source: bytes) -> None:
        super().__init__(source)
        self._expressions.update({kind: getattr(self, name) for kind, name in _HANDLERS.items()})

    def target(self, node: Node, ctx: ast.expr_context = STORE) -> ast.expr:
        """Convert an assignment (or `del`) target."""
        return _set_context(self.expr(node), ctx, node)

    # Names and the left-growing chains of attribute access, calls and subscripts.

    def _identifier(self, node: Node) -> ast.expr:
        return locate(ast.Name(self.identifier(node), LOAD), node)

    def _attribute(self, node: Node) -> ast.expr:
        return self._chain(node)

    def _call(self, node: Node) -> ast.expr:
        return self._chain(node)

    def _subscript(self, node: Node) -> ast.expr:
        return self._chain(node)

    def _chain(self, node: Node) -> ast.expr:
        top = node
        links: list[Node] = []
        while node.type in ("attribute", "call", "subscript"):
            links.append(node)
            node = node.children[0]
        tree, star = unstarred(self.expr(node))
        for link in reversed(links):
            kind = link.type
            if kind == "attribute":
                tree = ast.Attribute(tree, self.identifier(named(link)[-1]), LOAD)
            elif kind == "call":
                arguments = named(link)[-1]
                if arguments.type == "generator_expression":
                    tree = ast.Call(tree, [self.expr(arguments)], [])
                else:
                    tree = ast.Call(tree, *self.call_arguments(arguments))
            else:
                tree = ast.Subscript(tree, self._subscript_slice(link), LOAD)
            locate(tree, link)
            if star is not None:
                start_at(tree, star.value)
        return restarred(tree, star, top)

    def call_arguments(self, node: Node) -> tuple[list[ast.expr], list[ast.keyword]]:
        """Positional arguments and keywords of an `argument_list` (calls and class bases)."""
        args: list[ast.expr] = []
        keywords: list[ast.keyword] = []
        for child in named(node):
            kind = child.type
            if kind == "keyword_argument":
                name, value = named(child)
                keywords.append(locate(ast.keyword(self.identifier(name), self.expr(value)), child))
            elif kind == "dictionary_splat":
                keywords.append(locate(ast.keyword(None, self.expr(named(child)[0])), child))
            else:
                args.append(self.expr(child))
        return args, keywords

    def _subscript_slice(self, node: Node) -> ast.expr:
        children = significant(node)
        items = [child for child in children[2:-1] if child.type != ","]
        elements = [self._slice_item(item) for item in items]
        if len(elements) == 1 and len(children) == 4 and not isinstance(elements[0], ast.Starred):
            return elements[0]
        # `x[a, b]`, `x[a,]`, and `x[*a]`, which CPython also makes a one-element tuple.
        return locate_between(ast.Tuple(elements, LOAD), children[2], children[-2])

    def _slice_item(self, node: Node) -> ast.expr:
        if node.type != "slice":
            return self.expr(node)
        parts: list[ast.expr | None] = [None, None, None]
        index = 0
        for child in significant(node):
            if child.type == ":":
                index += 1
            else:
                parts[index] = self.expr(child)
        return locate(ast.Slice(*parts), node)

    def _conditional_expression(self, node: Node) -> ast.expr:
        body, test, orelse = named(node)
        if body.type == "named_expression":
            # tree-sitter reads `y := a if b else c` as `(y := a) if b else c`; `:=` binds
            # loosest in Python: `y := (a if b else c)`.
            name, value = named(body)
            choice = ast.IfExp(self.expr(test), self.expr(value), self.expr(orelse))
            target = locate(ast.Name(self.identifier(name), STORE), name)
            return locate(ast.NamedExpr(target, locate_between(choice, value, node)), node)
        return locate(ast.IfExp(self.expr(test), self.expr(body), self.expr(orelse)), node)

    def _named_expression(self, node: Node) -> ast.expr:
        name, value = named(node)
        target = locate(ast.Name(self.identifier(name), STORE), name)
        return locate(ast.NamedExpr(target, self.expr(value)), node)

    def _yield(self, node: Node) -> ast.expr:
        children = significant(node)
        if len(children) > 1 and children[1].type == "from":
            return locate(ast.YieldFrom(self.expr(children[2])), node)
        value = self.expr(children[1]) if len(children) > 1 else None
        return locate(ast.Yield(value), node)

    def _lambda(self, node: Node) -> ast.expr:
        children = named(node)
        body = children[-1]
        if len(children) == 2:
            parameters = self.parameters(children[0])
        else:
            parameters = ast.arguments([], [], None, [], [], None, [])
        return locate(ast.Lambda(parameters, self.expr(body)), node)

    # Displays and comprehensions.

    def _elements(self, node: Node) -> list[ast.expr]:
        return [self.expr(child) for child in named(node)]

    def _list(self, node: Node) -> ast.expr:
        return locate(ast.List(self._elements(node), LOAD), node)

    def _set(self, node: Node) -> ast.expr:
        return locate(ast.Set(self._elements(node)), node)

    def _tuple(self, node: Node) -> ast.expr:
        return locate(ast.Tuple(self._elements(node), LOAD), node)

    def _tuple_pattern(self, node: Node) -> ast.expr:
        elements = named(node)
        if len(elements) == 1 and not _has_comma(node):
            return self.expr(elements[0])  # `(x) = ...`: a parenthesised target
        return locate(ast.Tuple([self.expr(e) for e in elements], LOAD), node)

    def _dictionary(self, node: Node) -> ast.expr:
        keys: list[ast.expr | None] = []
        values: list[ast.expr] = []
        for child in named(node):
            if child.type == "pair":
                key, value = named(child)
                keys.append(self.expr(key))
                values.append(self.expr(value))
            else:  # dictionary_splat
                keys.append(None)
                values.append(self.expr(named(child)[0]))
        return locate(ast.Dict(keys, values), node)

    def _parenthesized_expression(self, node: Node) -> ast.expr:
        inner = named(node)
        if len(inner) != 1 or inner[0].type == "list_splat":
            raise Unconvertible(node, "invalid parenthesised expression")
        return self.expr(inner[0])

    def _starred(self, node: Node) -> ast.expr:
        return locate(ast.Starred(self.expr(named(node)[-1]), LOAD), node)

    def _list_comprehension(self, node: Node) -> ast.expr:
        body, *clauses = named(node)
        return locate(ast.ListComp(self.expr(body), self._generators(clauses)), node)

    def _set_comprehension(self, node: Node) -> ast.expr:
        body, *clauses = named(node)
        return locate(ast.SetComp(self.expr(body), self._generators(clauses)), node)

    def _generator_expression(self, node: Node) -> ast.expr:
        body, *clauses = named(node)
        return locate(ast.GeneratorExp(self.expr(body), self._generators(clauses)), node)

    def _dictionary_comprehension(self, node: Node) -> ast.expr:
        pair, *clauses = named(node)
        key, value = named(pair)
        generators = self._generators(clauses)
        return locate(ast.DictComp(self.expr(key), self.expr(value), generators), node)

    def _generators(self, clauses: list[Node]) -> list[ast.comprehension]:
        generators: list[ast.comprehension] = []
        for clause in clauses:
            if clause.type == "if_clause":
                generators[-1].ifs.append(self.expr(named(clause)[0]))
                continue
            children = significant(clause)
            is_async = int(children[0].type == "async")
            left, _, *right = children[1 + is_async :]
            iterables = [child for child in right if child.type != ","]
            if len(iterables) != 1:
                raise Unconvertible(clause, "invalid comprehension iterable")
            generators.append(
                ast.comprehension(self.target(left), self.expr(iterables[0]), [], is_async)
            )
        return generators

    # Literals.

    def _number(self, node: Node) -> ast.expr:
        text = self.text(node)
        try:
            value = number_value(text)
        except LiteralError:
            old_value = python2_integer_value(text)
            if old_value is None:
                raise
            self.mark_python2_syntax(node)
            value = old_value
        return locate(ast.Constant(value), node)

    def _constant(self, node: Node) -> ast.expr:
        return locate(ast.Constant(_CONSTANTS[node.type]), node)

    # The type sub-grammar tree-sitter uses for annotations and aliases: plain expressions in ast.

    def _type(self, node: Node) -> ast.expr:
        return self.expr(named(node)[0])

    def _generic_type(self, node: Node) -> ast.expr:
        name, parameters = named(node)
        value = self.expr(name)
        elements = [self.expr(item) for item in named(parameters)]
        children = significant(parameters)
        index = elements[0]
        if len(children) != 3 or isinstance(index, ast.Starred):
            index = locate_between(ast.Tuple(elements, LOAD), children[1], children[-2])
        return locate(ast.Subscript(value, index, LOAD), node)

    def _constrained_type(self, node: Node) -> ast.expr:
        """`dict[str:Item]`: a slice written in an annotation (valid, if odd), typed by the grammar
        like a type parameter's bound."""
        bounds = named(node)
        inner = named(bounds[-1]) if len(bounds) == 2 else []
        if len(inner) == 1 and inner[0].type == "constrained_type":  # `a:b:c` nests rightwards
            bounds = [bounds[0], *named(inner[0])]
        if len(bounds) not in (2, 3):
            raise Unconvertible(node, "invalid slice in an annotation")
        lower, upper, *step = (self.expr(bound) for bound in bounds)
        return locate(ast.Slice(lower, upper, step[0] if step else None), node)

    def _union_type(self, node: Node) -> ast.expr:
        """`A | B | C` in an annotation: tree-sitter nests it either way, Python to the left."""
        operands: list[Node] = []
        pending = [node]
        while pending:
            current = pending.pop()
            if current.type == "type":
                pending.append(named(current)[0])
            elif current.type == "union_type" or (
                current.type == "binary_operator" and significant(current)[1].type == "|"
            ):
                left, _, right = significant(current)
                pending.extend((right, left))
            else:
                operands.append(current)
        tree = self.expr(operands[0])
        for operand in operands[1:]:
            union = ast.BinOp(tree, BINARY_OPERATORS["|"], self.expr(operand))
            tree = locate_between(union, operands[0], operand)
        return tree

    def _member_type(self, node: Node) -> ast.expr:
        value, attribute = named(node)
        return locate(ast.Attribute(self.expr(value), self.identifier(attribute), LOAD), node)
