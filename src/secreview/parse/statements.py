"""Statement nodes of the tree-sitter Python grammar -> standard-library `ast` statements.

One method per node kind, found through one table; compound statements convert their suites
through `body`, which recovers from syntax errors statement by statement (see recovery.py).

Constructs newer than the host `ast` map to their nearest Python 3.11 node: PEP 695 type
parameters (and PEP 696 defaults) are dropped, `type X = ...` becomes an assignment, PEP 758
`except A, B:` becomes `except (A, B):`.
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
from secreview.parse.expressions import AUGMENTED_OPERATORS
from secreview.parse.grammar import parse_source
from secreview.parse.recovery import RecoveringConversion

_HANDLERS = {
    "expression_statement": "_expression_statement",
    "return_statement": "_return_statement",
    "pass_statement": "_pass_statement",
    "break_statement": "_break_statement",
    "continue_statement": "_continue_statement",
    "delete_statement": "_delete_statement",
    "raise_statement": "_raise_statement",
    "global_statement": "_global_statement",
    "nonlocal_statement": "_nonlocal_statement",
    "import_statement": "_import_statement",
    "import_from_statement": "_import_from_statement",
    "future_import_statement": "_future_import_statement",
    "assert_statement": "_assert_statement",
    "type_alias_statement": "_type_alias_statement",
    "if_statement": "_if_statement",
    "for_statement": "_for_statement",
    "while_statement": "_while_statement",
    "try_statement": "_try_statement",
    "with_statement": "_with_statement",
    "function_definition": "_function_definition",
    "class_definition": "_class_definition",
    "decorated_definition": "_decorated_definition",
    "match_statement": "_match_statement",
    "print_statement": "_print_statement",
    "exec_statement": "_exec_statement",
}
_BLANK = bytes(10 if byte == 10 else 32 for byte in range(256))  # every byte but \n -> space


class ModuleConverter(RecoveringConversion):
    """Converts a whole tree-sitter tree into an `ast.Module`, recording unrecoverable lines."""

    def __init__(self, source: bytes) -> None:
        super().__init__(source)
        self._statements.update({kind: getattr(self, name) for kind, name in _HANDLERS.items()})

    def module(self, root: Node) -> ast.Module:
        """The module for a tree-sitter root node."""
        return ast.Module(self.statements(root), [])

    # Simple statements.

    def _expression_statement(self, node: Node) -> ast.stmt:
        children = named(node)
        first = children[0]
        if len(children) == 1:
            kind = first.type
            if kind == "assignment":
                return self._assignment(first)
            if kind == "augmented_assignment":
                return self._augmented_assignment(first)
            if node.child_count == 1 or not any(c.type == "," for c in node.children):
                return locate(ast.Expr(self.expr(first)), node)
        value = locate(ast.Tuple([self.expr(child) for child in children], LOAD), node)
        return locate(ast.Expr(value), node)

    def _assignment(self, node: Node) -> ast.stmt:
        top = node
        targets: list[ast.expr] = []
        while True:
            children = significant(node)
            left = children[0]
            if children[1].type == ":":
                if targets:
                    raise Unconvertible(node, "invalid annotated assignment")
                return self._annotated_assignment(node, children)
            targets.append(self.target(left))
            node = children[2]
            if node.type != "assignment":
                break
            if significant(node)[1].type != "=":
                raise Unconvertible(node, "invalid annotated assignment")
        if node.type == "augmented_assignment":
            raise Unconvertible(node, "invalid augmented assignment")
        return locate(ast.Assign(targets, self.expr(node)), top)

    def _annotated_assignment(self, node: Node, children: list[Node]) -> ast.stmt:
        left = children[0]
        target = self.target(left)
        if not isinstance(target, ast.Name | ast.Attribute | ast.Subscript):
            raise Unconvertible(left, "only single target can be annotated")
        value = self.expr(children[4]) if len(children) > 4 else None
        simple = int(left.type == "identifier")
        return locate(ast.AnnAssign(target, self.expr(children[2]), value, simple), node)

    def _augmented_assignment(self, node: Node) -> ast.stmt:
        left, operator, right = significant(node)
        target = self.target(left)
        if not isinstance(target, ast.Name | ast.Attribute | ast.Subscript):
            raise Unconvertible(left, "illegal target for augmented assignment")
        if right.type in ("assignment", "augmented_assignment"):
            raise Unconvertible(right, "invalid augmented assignment")
        operation = AUGMENTED_OPERATORS[operator.type]
        return locate(ast.AugAssign(target, operation, self.expr(right)), node)

    def _return_statement(self, node: Node) -> ast.stmt:
        children = named(node)
        return locate(ast.Return(self.expr(children[0]) if children else None), node)

    def _pass_statement(self, node: Node) -> ast.stmt:
        return locate(ast.Pass(), node)

    def _break_statement(self, node: Node) -> ast.stmt:
        return locate(ast.Break(), node)

    def _continue_statement(self, node: Node) -> ast.stmt:
        return locate(ast.Continue(), node)

    def _delete_statement(self, node: Node) -> ast.stmt:
        (value,) = named(node)
        parts = named(value) if value.type == "expression_list" else [value]
        return locate(ast.Delete([self.target(part, DEL) for part in parts]), node)

    def _raise_statement(self, node: Node) -> ast.stmt:
        exception = cause = None
        after_from = False
        for child in significant(node)[1:]:
            if child.type == "from":
                after_from = True
            elif child.type == "expression_list":
                raise Unconvertible(child, "Python 2 raise statement")
            elif after_from:
                cause = self.expr(child)
            else:
                exception = self.expr(child)
        return locate(ast.Raise(exception, cause), node)

    def _global_statement(self, node: Node) -> ast.stmt:
        return locate(ast.Global([self.identifier(c) for c in named(node)]), node)

    def _nonlocal_statement(self, node: Node) -> ast.stmt:
        return locate(ast.Nonlocal([self.identifier(c) for c in named(node)]), node)

    def _assert_statement(self, node: Node) -> ast.stmt:
        test, *message = named(node)
        return locate(ast.Assert(self.expr(test), self.expr(message[0]) if message else None), node)

    def _dotted_name(self, node: Node) -> str:
        return ".".join(self.identifier(part) for part in named(node))

    def _alias(self, node: Node) -> ast.alias:
        if node.type == "aliased_import":
            name, alias = named(node)
            return locate(ast.alias(self._dotted_name(name), self.identifier(alias)), node)
        if node.type == "wildcard_import":
            return locate(ast.alias("*"), node)
        return locate(ast.alias(self._dotted_name(node)), node)

    def _import_statement(self, node: Node) -> ast.stmt:
        return locate(ast.Import([self._alias(child) for child in named(node)]), node)

    def _import_from_statement(self, node: Node) -> ast.stmt:
        module: str | None = None
        level = 0
        names: list[ast.alias] = []
        seen_import = False
        for child in significant(node):
            kind = child.type
            if kind == "import":
                seen_import = True
            elif not child.is_named:
                continue
            elif seen_import:
                names.append(self._alias(child))
            elif kind == "relative_import":
                prefix, *dotted = named(child)
                level = self.text(prefix).count(".")
                module = self._dotted_name(dotted[0]) if dotted else None
            else:
                module = self._dotted_name(child)
        return locate(ast.ImportFrom(module, names, level), node)

    def _future_import_statement(self, node: Node) -> ast.stmt:
        names = [self._alias(child) for child in named(node)]
        return locate(ast.ImportFrom("__future__", names, 0), node)

    def _type_alias_statement(self, node: Node) -> ast.stmt:
        """PEP 695 `type X[T] = ...`: the nearest 3.11 statement is `X = ...`."""
        left, right = named(node)
        name = named(left)[0]
        if name.type == "generic_type":
            name = named(name)[0]
        if name.type != "identifier":
            return self._reparse_type_call(node)
        self.mark_newer_syntax(node)
        target = locate(ast.Name(self.identifier(name), STORE), name)
        return locate(ast.Assign([target], self.expr(right)), node)

    def _reparse_type_call(self, node: Node) -> ast.stmt:
        """`type(x).y = z` read as an alias of `(x).y`: parse it again with `type` as a name.

        tree-sitter prefers the soft keyword. The statement is parsed alone, `type` spelled
        `TYPE` so it cannot be a keyword, and everything before it blanked (newlines kept) so
        every line, column and byte offset stays that of the original text.
        """
        start = node.start_byte
        masked = self.source[:start].translate(_BLANK) + b"TYPE" + self.source[start + 4 :]
        masked = masked[: node.end_byte]
        converter = ModuleConverter(masked)
        statements = converter.statements(parse_source(masked).root_node)
        if converter.failures or len(statements) != 1:
            raise Unconvertible(node, "invalid type alias")
        row, column = node.start_point
        for name in ast.walk(statements[0]):
            if (
                isinstance(name, ast.Name)
                and name.id == "TYPE"
                and (name.lineno, name.col_offset) == (row + 1, column)
            ):
                name.id = "type"
        return statements[0]

    def _print_statement(self, node: Node) -> ast.stmt:
        """`print >> f, x` is valid Python 3 (a tuple holding a shift); other forms are not."""
        keyword, *rest = significant(node)
        if not rest or rest[0].type != "chevron":
            raise Unconvertible(node, "Python 2 print statement")
        chevron = rest[0]
        name = locate(ast.Name("print", LOAD), keyword)
        shift = ast.BinOp(name, ast.RShift(), self.expr(named(chevron)[0]))
        value: ast.expr = locate_between(shift, keyword, chevron)
        if len(rest) > 1:
            elements = [value] + [self.expr(child) for child in rest[1:] if child.is_named]
            value = locate(ast.Tuple(elements, LOAD), node)
        return locate(ast.Expr(value), node)

    def _exec_statement(self, node: Node) -> ast.stmt:
        raise Unconvertible(node, "Python 2 exec statement")

    # Compound statements: each ends where its last nested statement ends.

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
