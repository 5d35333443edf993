"""Syntax-error recovery for the converter: keep every statement that can be kept.

A statement that holds a syntax error (an ERROR or MISSING node from tree-sitter's error
recovery, or Python 2 syntax the grammar tolerates) is dropped and its line recorded, but the
statements nested in its blocks are still converted and kept in its place, so a broken `def`
line does not hide the body below it; calls left loose in a broken region are kept as expression
statements, so a sink does not disappear with its line.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import TypeVar

from tree_sitter import Node, Point

from secreview.parse.base import LOAD, Unconvertible, locate, named
from secreview.parse.literals import LiteralError
from secreview.parse.patterns import PatternConversion
from secreview.parse.python2 import exec_arguments, parse_embedded_expression

_Compound = TypeVar("_Compound", bound=ast.AST)
# Nodes whose children are statements or hold blocks of them: where recovery looks for more.
_CLAUSES = frozenset(
    {
        "elif_clause",
        "else_clause",
        "except_clause",
        "finally_clause",
        "case_clause",
        "function_definition",
        "class_definition",
        "decorated_definition",
    }
)


class RecoveringConversion(PatternConversion):
    """Converts statement lists one statement at a time, recording what cannot be converted."""

    def __init__(self, source: bytes) -> None:
        super().__init__(source)
        # Statement handlers by node kind, filled in by the statement converter.
        self._statements: dict[str, Callable[[Node], ast.stmt]] = {}
        # (line, reason) of each region that could not be converted, in discovery order.
        self.failures: list[tuple[int, str]] = []
        # End of the `;` after the last statement of a suite, keyed by that statement's id().
        self._semicolon_ends: dict[int, Point] = {}
        # What each block and ERROR region gave, by tree-sitter node id (see `statements`).
        self._recovered: dict[int, list[ast.stmt]] = {}
        # Ids of statement nodes another statement's conversion read as its own text: the rest
        # of a Python 2 `exec "x = " + y` that tree-sitter split into a second statement.
        self.absorbed: set[int] = set()

    def statements(self, container: Node) -> list[ast.stmt]:
        """Every statement of a module or block that can be converted, in source order.

        Each block is converted once: when a compound statement fails after converting some of
        its blocks (`elif 0999:` after the `else:` branch), recovery reuses them. Converting
        them again would repeat the work at every level of nesting (2**depth conversions) and
        record their failures twice.
        """
        known = self._recovered.get(container.id)
        if known is not None:
            return list(known)
        converted: list[ast.stmt] = []
        for child in container.named_children:
            if child.id in self.absorbed:
                continue
            if child.is_error:  # before is_extra: tree-sitter marks some ERROR nodes extra
                converted.extend(self._recover_error(child))
            elif not child.is_extra:
                converted.extend(self._convert_or_recover(child))
        self._recovered[container.id] = converted
        return list(converted)

    def _convert_or_recover(self, node: Node) -> list[ast.stmt]:
        try:
            return [self._statement(node)]
        except Exception as failure:  # one statement's failure must not lose the others
            self._record(node, failure)
        try:
            return self._recover(node)
        except RecursionError:
            # Recovery nests as deep as the conversion that failed. Let the error escape and
            # every enclosing statement would fail and recover in turn, each one converting
            # the blocks below it again: exponential in the depth. What is this deep is lost.
            return []

    def _statement(self, node: Node) -> ast.stmt:
        if node.has_error:
            broken = _error_outside_blocks(node)
            if broken is not None:
                rescued = self.python2_exec(node)
                if rescued is None:
                    raise Unconvertible(broken, "invalid syntax")
                return rescued
        try:
            handler = self._statements[node.type]
        except KeyError:
            raise Unconvertible(node, "invalid syntax") from None
        return handler(node)

    def python2_exec(self, node: Node) -> ast.stmt | None:
        """A broken statement read as Python 2's `exec expression`; None when it is not one."""
        first = node.child(0)
        while first is not None and first.child_count:
            first = first.child(0)
        if first is None or first.type != "identifier" or self.text(first) != "exec":
            return None
        row, column = first.end_point
        rest = self.text_between(first.end_byte, node.end_byte)
        if not rest[:1].isspace():
            return None
        value = parse_embedded_expression(rest, row, column)
        if value is None:
            return None
        self.mark_python2_syntax(node)
        name = locate(ast.Name("exec", LOAD), first)
        return locate(ast.Expr(locate(ast.Call(name, exec_arguments(value), []), node)), node)

    def _record(self, node: Node, failure: Exception) -> None:
        if isinstance(failure, Unconvertible):
            self.failures.append((failure.line, failure.reason))
        elif isinstance(failure, RecursionError):
            self.failures.append((node.start_point[0] + 1, "nested too deeply to convert"))
        elif isinstance(failure, LiteralError):
            self.failures.append((node.start_point[0] + 1, str(failure)))
        else:
            reason = f"cannot be converted ({type(failure).__name__}: {failure})"
            self.failures.append((node.start_point[0] + 1, reason))

    def _recover(self, node: Node) -> list[ast.stmt]:
        """What can be kept of a statement that could not be converted as a whole.

        The statements of its blocks are converted one by one, and the calls in its other parts
        are kept as expression statements: a sink must not disappear with its broken line.
        """
        recovered: list[ast.stmt] = []
        for child in node.named_children:
            kind = child.type
            if child.is_error:
                recovered.extend(self._recover_error(child))
            elif kind == "block" and node.type == "match_statement":
                for clause in named(child):
                    recovered.extend(self._recover(clause))
            elif kind == "block":
                recovered.extend(self.statements(child))
            elif kind in _CLAUSES:
                recovered.extend(self._recover(child))
            elif not child.is_extra:
                recovered.extend(self._calls_in(child))
        return recovered

    def _recover_error(self, node: Node) -> list[ast.stmt]:
        """An ERROR region: record where it goes wrong, keep what tree-sitter found inside it.

        Whole statements are converted; calls left loose in the region are kept as expression
        statements: after `x = compute(1,` the unclosed parenthesis swallows the next lines, but
        an `eval(z)` there is still a call for the rules to see. Each region is recovered once
        (see `statements`): `body` and the recovery of its statement may both reach it.
        """
        known = self._recovered.get(node.id)
        if known is not None:
            return list(known)
        recovered: list[ast.stmt] = []
        stray: Node | None = None
        for child in node.children:
            kind = child.type
            if child.is_error:
                recovered.extend(self._recover_error(child))
            elif child.is_extra:
                continue
            elif kind == "block":
                recovered.extend(self.statements(child))
            elif kind in self._statements:
                recovered.extend(self._convert_or_recover(child))
            elif kind in _CLAUSES:
                recovered.extend(self._recover(child))
            else:
                stray = stray or child
                recovered.extend(self._calls_in(child))
        if stray is not None or not recovered:
            where = stray or node
            self.failures.append((where.start_point[0] + 1, "invalid syntax"))
        self._recovered[node.id] = recovered
        return list(recovered)

    def _calls_in(self, node: Node) -> list[ast.stmt]:
        """Every outermost error-free call in `node`, each as an expression statement."""
        calls: list[ast.stmt] = []
        pending = [node]
        while pending:
            current = pending.pop()
            if current.type == "call" and not current.has_error:
                try:
                    calls.append(locate(ast.Expr(self.expr(current)), current))
                except Exception:  # the region is already recorded as unrecoverable
                    continue
            else:
                pending.extend(reversed(current.named_children))
        return calls

    def body(self, block: Node) -> list[ast.stmt]:
        """The statements of a suite; an empty one is recorded, as Python requires a body."""
        statements = self.statements(block)
        before = block.prev_sibling
        if before is not None and before.is_error:
            # `def f():` then `    x = eval(`: the broken statement sits before the block.
            statements = self._recover_error(before) + statements
        elif not statements and not block.has_error:
            self.failures.append((block.start_point[0] + 1, "expected an indented block"))
        if not statements:
            return statements
        for child in reversed(block.children):
            if child.type == ";":
                # CPython ends a compound statement after a semicolon that ends its last line.
                self._semicolon_ends[id(statements[-1])] = child.end_point
            if not child.is_extra:
                break
        return statements

    def _ending(self, statement: _Compound, node: Node, last_part: Sequence[ast.AST]) -> _Compound:
        """Locate a compound statement: from its first token to the end of its last statement."""
        start = node.start_point
        statement.lineno = start[0] + 1  # type: ignore[attr-defined]
        statement.col_offset = start[1]  # type: ignore[attr-defined]
        if last_part:
            last = last_part[-1]
            semicolon = self._semicolon_ends.get(id(last))
            if semicolon is not None:
                statement.end_lineno = semicolon[0] + 1  # type: ignore[attr-defined]
                statement.end_col_offset = semicolon[1]  # type: ignore[attr-defined]
            else:
                statement.end_lineno = last.end_lineno  # type: ignore[attr-defined]
                statement.end_col_offset = last.end_col_offset  # type: ignore[attr-defined]
        else:
            end = node.end_point
            statement.end_lineno = end[0] + 1  # type: ignore[attr-defined]
            statement.end_col_offset = end[1]  # type: ignore[attr-defined]
        return statement


def _error_outside_blocks(node: Node) -> Node | None:
    """The first ERROR or MISSING node of a statement, not counting those inside its blocks.

    Errors inside a nested block belong to the statements there, which recovery handles one by
    one. Errors inside PEP 695 type parameters are ignored: the parameters are dropped anyway,
    and tree-sitter's grammar does not know PEP 696 defaults (`[T = int]`).
    """
    pending = [node]
    while pending:
        current = pending.pop()
        if current.is_error or current.is_missing:
            return current
        children = current.children  # a new list of new nodes at each call: read it once
        pending.extend(
            child
            for index in reversed(range(len(children)))
            if (child := children[index]).has_error
            and not _holds_others_errors(current, child, children[index + 1 : index + 2])
        )
    return None


def _holds_others_errors(parent: Node, child: Node, following: list[Node]) -> bool:
    """Whether errors in `child` are not the statement's own (see `_error_outside_blocks`).

    `following` is the sibling after `child` (empty for the last child).
    """
    kind = child.type
    if kind == "named_expression" and parent.type == "interpolation":
        return True  # `{x:=^10}` is a format spec, read from the source text, not parsed
    if kind == "block":
        return parent.type != "match_statement"  # a match block holds its case clauses
    if child.is_error:  # just before a block: the body's first statement, broken (see body)
        # Not `child.next_sibling`: it skips the empty block that follows a broken last line.
        return bool(following) and following[0].type == "block"
    if kind != "type_parameter":
        return False
    if parent.type in ("function_definition", "class_definition"):
        return True
    # `type X[T = int] = ...`: the generic_type naming the alias, first child of the statement.
    wrapper = parent.parent
    statement = wrapper.parent if wrapper is not None else None
    return (
        parent.type == "generic_type"
        and statement is not None
        and statement.type == "type_alias_statement"
        and statement.named_children[0] == wrapper
    )
