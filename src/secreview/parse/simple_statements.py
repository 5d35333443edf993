"""Simple statements of the tree-sitter Python grammar -> standard-library `ast` statements.

Statements that hold no suite (assignments, imports, `return`, `raise`, ...), one method per node
kind, found through one table; the compound statements that contain them build on this class
(statements.py). The Python 2 statements `print x`, `exec code in g` and `raise E, "msg"` become
the Python 3 calls and raise they mean, at their own lines, so the rules still see the sinks of
old code. A PEP 695 `type X = ...`, newer than the host `ast`, becomes an assignment.
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
from secreview.parse.grammar import parse_source
from secreview.parse.operators import AUGMENTED_OPERATORS
from secreview.parse.python2 import exec_arguments, parse_embedded_expression
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
    "print_statement": "_print_statement",
    "exec_statement": "_exec_statement",
}
_BLANK = bytes(10 if byte == 10 else 32 for byte in range(256))  # every byte but \n -> space


class SimpleStatementConversion(RecoveringConversion):
    """Converts the statements that hold no suite."""

    def __init__(self, source: bytes) -> None:
        super().__init__(source)
        self._statements.update({kind: getattr(self, name) for kind, name in _HANDLERS.items()})

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
                exception = self._python2_raised(child)
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
        converter = type(self)(masked)
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

    def _python2_raised(self, values: Node) -> ast.expr:
        """`raise E, V[, tb]` (Python 2) raises `E(V)`, with the traceback `tb` when given."""
        self.mark_python2_syntax(values)
        parts = named(values)
        if len(parts) not in (2, 3):
            raise Unconvertible(values, "invalid raise statement")
        kind, argument = parts[0], parts[1]
        raised: ast.expr = locate_between(
            ast.Call(self.expr(kind), [self.expr(argument)], []), kind, argument
        )
        if len(parts) == 3:
            method = locate_between(ast.Attribute(raised, "with_traceback", LOAD), kind, argument)
            raised = locate(ast.Call(method, [self.expr(parts[2])], []), values)
        return raised

    def _print_statement(self, node: Node) -> ast.stmt:
        """Python 2's `print a, b` is `print(a, b)`; `>> f` names the file, a trailing comma
        ends the line with a space instead of a newline."""
        self.mark_python2_syntax(node)
        keyword, *rest = significant(node)
        arguments: list[ast.expr] = []
        keywords: list[ast.keyword] = []
        for child in rest:
            if child.type == "chevron":
                target = named(child)[0]
                keywords.append(locate(ast.keyword("file", self.expr(target)), child))
            elif child.is_named:
                arguments.append(self.expr(child))
        if rest and rest[-1].type == ",":
            keywords.append(
                locate(ast.keyword("end", locate(ast.Constant(" "), rest[-1])), rest[-1])
            )
        name = locate(ast.Name("print", LOAD), keyword)
        return locate(ast.Expr(locate(ast.Call(name, arguments, keywords), node)), node)

    def _exec_statement(self, node: Node) -> ast.stmt:
        """Python 2's `exec code in globals, locals` is the call `exec(code, globals, locals)`.

        The grammar takes only a name or a string as the code: `exec "x = " + y` ends after
        the string, and the rest of the line becomes a statement of its own. The statement is
        read from its text to the end of the line, and that second statement absorbed.
        """
        self.mark_python2_syntax(node)
        keyword = significant(node)[0]
        last = node
        following = node.next_named_sibling
        while (
            following is not None
            and not following.is_extra
            and following.start_point[0] == last.end_point[0]
            and b";" not in self.source[last.end_byte : following.start_byte]
        ):
            last, following = following, following.next_named_sibling
        value = parse_embedded_expression(
            self.text_between(keyword.end_byte, last.end_byte), *keyword.end_point
        )
        if value is not None:
            arguments = exec_arguments(value)
        elif last is node:  # Python 2 syntax inside the code: the grammar's reading
            arguments = [self.expr(child) for child in named(node)]
        else:
            raise Unconvertible(node, "invalid exec statement")
        if not 1 <= len(arguments) <= 3:
            raise Unconvertible(node, "invalid exec statement")
        following = node.next_named_sibling
        while last is not node and following is not None:
            self.absorbed.add(following.id)
            if following == last:
                break
            following = following.next_named_sibling
        name = locate(ast.Name("exec", LOAD), keyword)
        call = locate_between(ast.Call(name, arguments, []), node, last)
        return locate_between(ast.Expr(call), node, last)
