"""Operator nodes of the tree-sitter Python grammar -> `ast` operations, with Python's precedence.

tree-sitter-python and Python disagree on how some operators bind (`^` against `&`, `await`
against `**`, a star against the chain it starts), so the repairs live here with the operator
tables they need. Runs of binary operators grow leftwards and are walked in loops, not by
recursion, because generated code nests them thousands deep.
"""

from __future__ import annotations

import ast

from tree_sitter import Node

from secreview.parse.base import (
    ConverterBase,
    Unconvertible,
    locate,
    locate_between,
    named,
    significant,
)

BINARY_OPERATORS: dict[str, ast.operator] = {
    "+": ast.Add(),
    "-": ast.Sub(),
    "*": ast.Mult(),
    "@": ast.MatMult(),
    "/": ast.Div(),
    "%": ast.Mod(),
    "//": ast.FloorDiv(),
    "**": ast.Pow(),
    "|": ast.BitOr(),
    "&": ast.BitAnd(),
    "^": ast.BitXor(),
    "<<": ast.LShift(),
    ">>": ast.RShift(),
}
AUGMENTED_OPERATORS: dict[str, ast.operator] = {
    f"{symbol}=": operator for symbol, operator in BINARY_OPERATORS.items()
}
_UNARY_OPERATORS: dict[str, ast.unaryop] = {"+": ast.UAdd(), "-": ast.USub(), "~": ast.Invert()}
_COMPARISONS: dict[str, ast.cmpop] = {
    "<": ast.Lt(),
    "<=": ast.LtE(),
    "==": ast.Eq(),
    "!=": ast.NotEq(),
    ">=": ast.GtE(),
    ">": ast.Gt(),
    "in": ast.In(),
    "not in": ast.NotIn(),
    "is": ast.Is(),
    "is not": ast.IsNot(),
}
# Python's binding strength of binary operators, weakest first.
_PRECEDENCE = {
    "|": 1,
    "^": 2,
    "&": 3,
    "<<": 4,
    ">>": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "@": 6,
    "/": 6,
    "//": 6,
    "%": 6,
    "**": 7,
}
_BOOLEAN_OPERATORS: dict[str, ast.boolop] = {"and": ast.And(), "or": ast.Or()}

_HANDLERS = {
    "binary_operator": "_binary_operator",
    "unary_operator": "_unary_operator",
    "not_operator": "_not_operator",
    "boolean_operator": "_boolean_operator",
    "comparison_operator": "_comparison_operator",
    "await": "_await",
}


def unstarred(tree: ast.expr) -> tuple[ast.expr, ast.Starred | None]:
    """Split off a star that tree-sitter bound too tightly.

    The grammar lets `*name` be a primary expression, so `*a.b()` parses as a call of the
    attribute `b` of `*a`. A starred expression is never an operand in Python: the star belongs
    to the whole chain, `*(a.b())`, and is put back on it by `restarred`.
    """
    if isinstance(tree, ast.Starred):
        return tree.value, tree
    return tree, None


def restarred(tree: ast.expr, star: ast.Starred | None, top: Node) -> ast.expr:
    """Put the star `unstarred` split off back around the whole chain `tree` built from `top`."""
    if star is None:
        return tree
    star.value = tree
    end = top.end_point
    star.end_lineno, star.end_col_offset = end[0] + 1, end[1]
    return star


def start_at(tree: ast.expr, start: ast.expr) -> None:
    """Start `tree` where `start` does: a link of a starred chain begins after the star."""
    tree.lineno, tree.col_offset = start.lineno, start.col_offset


def _is_xor(node: Node) -> bool:
    return node.type == "binary_operator" and significant(node)[1].type == "^"


class OperatorConversion(ConverterBase):
    """Converts unary, binary, boolean and comparison operators and `await`."""

    def __init__(self, source: bytes) -> None:
        super().__init__(source)
        self._expressions.update({kind: getattr(self, name) for kind, name in _HANDLERS.items()})

    def _binary_operator(self, node: Node) -> ast.expr:
        top = node
        links: list[tuple[Node, Node, Node]] = []
        while node.type == "binary_operator":
            left, operator, right = significant(node)
            if operator.type == "&" and (_is_xor(left) or _is_xor(right)):
                return self._reassociated(top)
            links.append((node, operator, right))
            node = left
        tree, star = unstarred(self.expr(node))
        for link, operator, right in reversed(links):
            tree = locate(
                ast.BinOp(tree, self._binary_op(operator), self.expr(right)),
                link,
            )
            if star is not None:
                start_at(tree, star.value)
        return restarred(tree, star, top)

    def _reassociated(self, top: Node) -> ast.expr:
        """Rebuild a run of binary operators with Python's precedence (shunting-yard).

        tree-sitter-python ranks `^` above `&`; Python ranks `&` above `^`, so `a ^ b & c` is
        `a ^ (b & c)`. Only runs mixing the two take this path.
        """
        operands: list[tuple[Node, ast.expr]] = []
        operators: list[Node] = []
        pending = [top]
        while pending:  # in-order walk of the run: operand, operator, operand, ...
            current = pending.pop()
            if current.type == "binary_operator":
                left, operator, right = significant(current)
                pending.extend((right, operator, left))
            elif current.is_named:
                operands.append((current, self.expr(current)))
            else:
                operators.append(current)
        output: list[tuple[Node, Node, ast.expr]] = []  # (first node, last node, tree)
        stack: list[Node] = []

        def reduce() -> None:
            operator = stack.pop()
            _, right_last, right = output.pop()
            left_first, _, left = output.pop()
            tree = ast.BinOp(left, self._binary_op(operator), right)
            output.append((left_first, right_last, locate_between(tree, left_first, right_last)))

        output.append((operands[0][0], operands[0][0], operands[0][1]))
        for operator, (operand, tree) in zip(operators, operands[1:], strict=True):
            rank = _PRECEDENCE[operator.type]
            while stack and (
                _PRECEDENCE[stack[-1].type] > rank
                or (_PRECEDENCE[stack[-1].type] == rank and operator.type != "**")
            ):
                reduce()
            stack.append(operator)
            output.append((operand, operand, tree))
        while stack:
            reduce()
        return output[0][2]

    def _binary_op(self, operator: Node) -> ast.operator:
        try:
            return BINARY_OPERATORS[operator.type]
        except KeyError:
            raise Unconvertible(operator, f"invalid operator {operator.type!r}") from None

    def _unary_operator(self, node: Node) -> ast.expr:
        operator, operand = significant(node)
        return locate(ast.UnaryOp(_UNARY_OPERATORS[operator.type], self.expr(operand)), node)

    def _not_operator(self, node: Node) -> ast.expr:
        return locate(ast.UnaryOp(ast.Not(), self.expr(named(node)[0])), node)

    def _boolean_operator(self, node: Node) -> ast.expr:
        top = node
        operator = significant(node)[1].type
        rights: list[Node] = []
        while node.type == "boolean_operator":
            left, this_operator, right = significant(node)
            if this_operator.type != operator:
                break
            rights.append(right)
            node = left
        values = [self.expr(node)]
        values.extend(self.expr(right) for right in reversed(rights))
        return locate(ast.BoolOp(_BOOLEAN_OPERATORS[operator], values), top)

    def _comparison_operator(self, node: Node) -> ast.expr:
        children = significant(node)
        operators: list[ast.cmpop] = []
        for operator in children[1::2]:
            try:
                if operator.type == "<>":  # Python 2's spelling of `!=`
                    self.mark_python2_syntax(operator)
                    operators.append(ast.NotEq())
                    continue
                operators.append(_COMPARISONS[operator.type])
            except KeyError:
                raise Unconvertible(operator, f"invalid comparison {operator.type!r}") from None
        comparators = [self.expr(child) for child in children[2::2]]
        return locate(ast.Compare(self.expr(children[0]), operators, comparators), node)

    def _await(self, node: Node) -> ast.expr:
        (operand,) = named(node)
        if operand.type == "binary_operator":
            left, operator, right = significant(operand)
            if operator.type == "**":
                # tree-sitter reads `await x ** 2` as `await (x ** 2)`; Python as `(await x) ** 2`.
                awaited = locate_between(ast.Await(self.expr(left)), node, left)
                return locate(ast.BinOp(awaited, BINARY_OPERATORS["**"], self.expr(right)), node)
        return locate(ast.Await(self.expr(operand)), node)
