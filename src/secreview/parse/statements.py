"""Compound statements of the tree-sitter Python grammar -> `ast` statements, and whole modules.

One method per node kind, found through one table; the statements without a suite are converted
by the class this one builds on (simple_statements.py). Compound statements convert their suites
through `body`, which recovers from syntax errors statement by statement (see recovery.py).

Constructs newer than the host `ast` map to their nearest Python 3.11 node: PEP 695 type
parameters (and PEP 696 defaults) are dropped, PEP 758 `except A, B:` becomes `except (A, B):`.
"""

from __future__ import annotations

import ast

from tree_sitter import Node

from secreview.parse.base import LOAD, Unconvertible, locate_between, named, significant
from secreview.parse.simple_statements import SimpleStatementConversion

_HANDLERS = {
    "if_statement": "_if_statement",
    "for_statement": "_for_statement",
    "while_statement": "_while_statement",
    "try_statement": "_try_statement",
    "with_statement": "_with_statement",
    "function_definition": "_function_definition",
    "class_definition": "_class_definition",
    "decorated_definition": "_decorated_definition",
    "match_statement": "_match_statement",
}


class ModuleConverter(SimpleStatementConversion):
    """Converts a whole tree-sitter tree into an `ast.Module`, recording unrecoverable lines."""

    def __init__(self, source: bytes) -> None:
        super().__init__(source)
        self._statements.update({kind: getattr(self, name) for kind, name in _HANDLERS.items()})

    def module(self, root: Node) -> ast.Module:
        """The module for a tree-sitter root node."""
        return ast.Module(self.statements(root), [])

    def _if_statement(self, node: Node) -> ast.stmt:
        children = named(node)
        test, block, *clauses = children
        orelse: list[ast.stmt] = []
        for clause in reversed(clauses):
            if clause.type == "else_clause":
                orelse = self.body(named(clause)[-1])
            else:
                condition, clause_block = named(clause)
                branch = ast.If(self.expr(condition), self.body(clause_block), orelse)
                orelse = [self._ending(branch, clause, orelse or branch.body)]
        statement = ast.If(self.expr(test), self.body(block), orelse)
        return self._ending(statement, node, orelse or statement.body)

    def _for_statement(self, node: Node) -> ast.stmt:
        children = significant(node)
        is_async = children[0].type == "async"
        left, _, right, _, block, *rest = children[1 + is_async :]
        target = self.target(left)
        orelse = self.body(named(rest[0])[-1]) if rest else []
        kind = ast.AsyncFor if is_async else ast.For
        loop = kind(target, self.expr(right), self.body(block), orelse)
        return self._ending(loop, node, orelse or loop.body)

    def _while_statement(self, node: Node) -> ast.stmt:
        test, block, *rest = named(node)
        orelse = self.body(named(rest[0])[-1]) if rest else []
        loop = ast.While(self.expr(test), self.body(block), orelse)
        return self._ending(loop, node, orelse or loop.body)

    def _try_statement(self, node: Node) -> ast.stmt:
        block, *clauses = named(node)
        handlers: list[ast.excepthandler] = []
        orelse: list[ast.stmt] = []
        final: list[ast.stmt] = []
        star = False
        for clause in clauses:
            kind = clause.type
            if kind == "except_clause":
                star = star or significant(clause)[1].type == "*"
                handlers.append(self._except_clause(clause))
            elif kind == "else_clause":
                orelse = self.body(named(clause)[-1])
            else:
                final = self.body(named(clause)[-1])
        body = self.body(block)
        statement = (ast.TryStar if star else ast.Try)(body, handlers, orelse, final)
        return self._ending(statement, node, final or orelse or handlers or body)

    def _except_clause(self, node: Node) -> ast.excepthandler:
        *values, block = named(node)
        name = None
        kind: ast.expr | None = None
        if values:
            last = values[-1]
            if last.type == "as_pattern":
                left, alias = named(last)
                target = named(alias)[0]
                if target.type != "identifier":
                    raise Unconvertible(target, "invalid exception name")
                name = self.identifier(target)
                values[-1] = left
            if len(values) == 1:
                kind = self.expr(values[0])
            elif name is None and _binds_python2_name(values):
                # Python 2's `except ValueError, error:` binds the exception to `error`.
                self.mark_python2_syntax(node)
                kind = self.expr(values[0])
                name = self.identifier(values[1])
            else:
                # PEP 758: `except A, B:` is `except (A, B):`.
                self.mark_newer_syntax(node)
                elements = [self.expr(value) for value in values]
                kind = locate_between(ast.Tuple(elements, LOAD), values[0], values[-1])
        body = self.body(block)
        return self._ending(ast.ExceptHandler(kind, name, body), node, body)

    def _with_statement(self, node: Node) -> ast.stmt:
        children = significant(node)
        is_async = children[0].type == "async"
        clause = children[2 if is_async else 1]
        items = [item for value in named(clause) for item in self._with_items(named(value)[0])]
        body = self.body(children[-1])
        kind = ast.AsyncWith if is_async else ast.With
        return self._ending(kind(items, body), node, body)

    def _with_items(self, value: Node) -> list[ast.withitem]:
        """One `with` item, or several when tree-sitter read `with (a as b, c):` as a tuple."""
        if value.type == "parenthesized_expression" and named(value)[0].type == "as_pattern":
            value = named(value)[0]
        elif value.type == "tuple" and any(e.type == "as_pattern" for e in named(value)):
            return [item for element in named(value) for item in self._with_items(element)]
        context, alias, _ = self._split_alias(value)
        if alias is None:
            return [ast.withitem(context)]
        return [ast.withitem(context, self.target(named(alias)[0]))]

    def _split_alias(self, node: Node) -> tuple[ast.expr, Node | None, Node]:
        """A `with` item's expression, its `as` target if any, and where the expression ends.

        tree-sitter binds `as` tighter than a conditional expression or a lambda body:
        `with a if b else c as d:` reads as `a if b else (c as d)`; Python reads
        `(a if b else c) as d`, so the alias is lifted out of the right-most operand.
        """
        if node.type == "as_pattern":
            context, alias = named(node)
            return self.expr(context), alias, context
        if node.type not in ("conditional_expression", "lambda"):
            return self.expr(node), None, node
        *parts, last = named(node)
        inner, alias, end = self._split_alias(last)
        if alias is None:
            return self.expr(node), None, node
        tree: ast.expr
        if node.type == "lambda":
            empty = ast.arguments([], [], None, [], [], None, [])
            tree = ast.Lambda(self.parameters(parts[0]) if parts else empty, inner)
        else:
            body, test = parts
            tree = ast.IfExp(self.expr(test), self.expr(body), inner)
        return locate_between(tree, node, end), alias, end

    def _function_definition(
        self, node: Node, decorators: list[ast.expr] | None = None
    ) -> ast.stmt:
        children = significant(node)
        is_async = children[0].type == "async"
        name = children[2 if is_async else 1]
        parameters = block = None
        returns = None
        for child in children:
            kind = child.type
            if kind == "parameters":
                parameters = child
            elif kind == "type":
                returns = self.expr(child)
            elif kind == "type_parameter":
                self.mark_newer_syntax(child)
            elif kind == "block":
                block = child
        if name.type != "identifier" or parameters is None or block is None:
            raise Unconvertible(node, "invalid function definition")
        arguments = self.parameters(parameters)
        body = self.body(block)
        maker = ast.AsyncFunctionDef if is_async else ast.FunctionDef
        function = maker(self.identifier(name), arguments, body, decorators or [], returns)
        return self._ending(function, node, body)

    def _class_definition(self, node: Node, decorators: list[ast.expr] | None = None) -> ast.stmt:
        bases: list[ast.expr] = []
        keywords: list[ast.keyword] = []
        name = block = None
        for child in named(node):
            kind = child.type
            if kind == "identifier" and name is None:
                name = child
            elif kind == "argument_list":
                bases, keywords = self.call_arguments(child)
            elif kind == "type_parameter":
                self.mark_newer_syntax(child)
            elif kind == "block":
                block = child
        if name is None or block is None:
            raise Unconvertible(node, "invalid class definition")
        body = self.body(block)
        definition = ast.ClassDef(self.identifier(name), bases, keywords, body, decorators or [])
        return self._ending(definition, node, body)

    def _decorated_definition(self, node: Node) -> ast.stmt:
        *decorators, definition = named(node)
        expressions = [self.expr(named(decorator)[0]) for decorator in decorators]
        if definition.type == "class_definition":
            return self._class_definition(definition, expressions)
        return self._function_definition(definition, expressions)

    def _match_statement(self, node: Node) -> ast.stmt:
        children = significant(node)
        block = children[-1]
        subjects = [c for c in children[1:-2] if c.is_named]
        if len(subjects) == 1 and children[-3].type != ",":
            subject = self.expr(subjects[0])
        else:
            elements = [self.expr(s) for s in subjects]
            subject = locate_between(ast.Tuple(elements, LOAD), subjects[0], children[-3])
        cases = [self._case_clause(clause) for clause in named(block)]
        last_body = cases[-1].body if cases else []
        return self._ending(ast.Match(subject, cases), node, last_body)

    def _case_clause(self, node: Node) -> ast.match_case:
        children = significant(node)
        patterns = [c for c in children if c.type == "case_pattern"]
        guard = next((c for c in children if c.type == "if_clause"), None)
        colon = next(i for i, c in enumerate(children) if c.type == ":")
        if len(patterns) == 1 and children[colon - 1 - (guard is not None)].type != ",":
            pattern = self.pattern(patterns[0])
        else:
            last = children[colon - 1 - (guard is not None)]
            pattern = self.open_sequence(patterns, last)
        test = self.expr(named(guard)[0]) if guard is not None else None
        return ast.match_case(pattern, test, self.body(children[-1]))


def _binds_python2_name(values: list[Node]) -> bool:
    """Whether `except A, b:` is Python 2's `except A as b:` rather than PEP 758's `(A, b)`.

    Both read the same; exception classes are CapWords (PEP 8, and every built-in one), so a
    second name that starts in lower case is the variable Python 2 binds (`e`, `err`, `exc`).
    """
    if len(values) != 2 or values[1].type != "identifier":
        return False
    second = values[1].text or b""
    return second[:1].islower() or second[:1] == b"_"
