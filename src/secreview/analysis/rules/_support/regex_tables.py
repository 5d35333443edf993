"""Patterns a loop compiles from a table written in the source (a lexer's token table).

Lexers and routers keep their patterns in a constant table and compile them in a loop:

    TOKENS = [(r"[a-z]+", "NAME"), (r"\\d+", "NUMBER")]
    compiled = [(re.compile(pattern), kind) for pattern, kind in TOKENS]

The `re.compile` call sees only a loop variable, so the patterns are found by going back to what
the loop iterates over: a list, tuple or dict written in the source (inline, in a module
constant, or in an attribute of the class the loop runs in, read as `self.PATTERNS`,
`cls.PATTERNS` or `Detector.PATTERNS`, when no method assigns that attribute anew), unpacked by
the loop's target (`pattern`, `pattern, kind`, `kind, pattern`, or a
dict's `.items()`, `.keys()`, `.values()`). Each pattern is returned with its node in the table,
where a finding belongs: that is the text to change.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import cast

from secreview.index.context import ModuleContext

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Module)
_DICT_VIEWS = ("items", "keys", "values")


def _loop_over(context: ModuleContext, name: ast.Name) -> tuple[ast.expr, ast.expr] | None:
    """The innermost loop or comprehension around `name` that binds it: (its target, what it
    iterates over); None when the name is bound some other way."""
    node: ast.AST | None = name
    while node is not None and not isinstance(node, _SCOPES):
        parent = context.parent(node)
        if (
            isinstance(parent, ast.For | ast.AsyncFor)
            and node is not parent.iter
            and _binds(parent.target, name.id)
        ):
            if _rebinds(parent, parent.target, name.id):
                return None
            return parent.target, parent.iter
        if isinstance(parent, _COMPREHENSIONS):
            for generator in parent.generators:
                if _binds(generator.target, name.id):
                    return generator.target, generator.iter
        node = parent
    return None


def _binds(target: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target))


def _rebinds(loop: ast.AST, target: ast.expr, name: str) -> bool:
    """Whether the loop binds `name` again besides its target (`pattern = re.escape(pattern)`):
    then the call may see another value than the row."""
    return any(
        isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
        for n in ast.walk(loop)
        if not _inside(n, target)
    )


def _inside(node: ast.AST, target: ast.expr) -> bool:
    return any(n is node for n in ast.walk(target))


def _table_node(context: ModuleContext, expr: ast.expr) -> ast.expr | None:
    """The list, tuple or dict written in the source that `expr` names or is."""
    if isinstance(expr, ast.Name) and not context.is_local_name(expr):
        expr = context.module_constants.get(expr.id, expr)
    elif isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        expr = _class_table(context, expr) or expr
    return expr if isinstance(expr, ast.List | ast.Tuple | ast.Dict) else None


def _class_table(context: ModuleContext, expr: ast.Attribute) -> ast.expr | None:
    """The value a class body gives the attribute `expr` reads, when `expr` reads it from the
    class the loop runs in (`self.X` or `cls.X` in one of its methods, or `Name.X`) and no
    statement of the class assigns the attribute anew (`self.X = other` would replace the rows;
    `self.X.append(...)` only adds to them)."""
    owner = cast(ast.Name, expr.value)
    cls = _enclosing_class(context, expr, owner.id)
    if cls is None:
        return None
    value = None
    for statement in cls.body:
        targets = (
            statement.targets
            if isinstance(statement, ast.Assign)
            else [statement.target]
            if isinstance(statement, ast.AnnAssign) and statement.value is not None
            else []
        )
        if any(isinstance(t, ast.Name) and t.id == expr.attr for t in targets):
            value = cast(ast.Assign | ast.AnnAssign, statement).value
    replaced = any(
        isinstance(n, ast.Attribute) and n.attr == expr.attr and isinstance(n.ctx, ast.Store)
        for n in ast.walk(cls)
    )
    return None if replaced else value


def _enclosing_class(context: ModuleContext, node: ast.AST, owner: str) -> ast.ClassDef | None:
    """The class whose attribute `owner.<name>` reads: the class named `owner` around `node`, or
    the class of the method around `node` (or around the function `node` is in) whose first
    parameter is `owner` (a static method has none)."""
    method: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for ancestor in context.ancestors(node):
        if isinstance(ancestor, ast.ClassDef):
            if ancestor.name == owner:
                return ancestor
            if method is None:
                return None
            first = (method.args.posonlyargs + method.args.args)[:1]
            static = any(
                isinstance(d, ast.Name) and d.id == "staticmethod" for d in method.decorator_list
            )
            return ancestor if first and first[0].arg == owner and not static else None
        if isinstance(ancestor, ast.FunctionDef | ast.AsyncFunctionDef):
            method = ancestor  # the outermost function below the class is its method
    return None


def _rows(context: ModuleContext, iterable: ast.expr) -> list[ast.expr] | None:
    """The rows the loop sees, as source nodes: a list's or tuple's items, a dict's keys, or
    its (key, value) pairs as two-item tuples for `.items()`."""
    view = None
    if (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Attribute)
        and iterable.func.attr in _DICT_VIEWS
        and not iterable.args
    ):
        view, iterable = iterable.func.attr, iterable.func.value
    table = _table_node(context, iterable)
    if isinstance(table, ast.Dict):
        keys = [k for k in table.keys if k is not None]
        if len(keys) != len(table.values):
            return None  # `**other` spreads rows this cannot see
        if view == "values":
            return list(table.values)
        if view == "items":
            pairs = zip(keys, table.values, strict=True)
            return [ast.Tuple(elts=[k, v], ctx=ast.Load()) for k, v in pairs]
        return list(keys)
    if table is None or view is not None:
        return None
    return list(table.elts)


def _position(target: ast.expr, name: str) -> int | None:
    """Where the loop's target puts `name`: -1 for the whole row, else its index in the row."""
    if isinstance(target, ast.Name):
        return -1 if target.id == name else None
    if isinstance(target, ast.Tuple | ast.List):
        for index, part in enumerate(target.elts):
            if isinstance(part, ast.Name) and part.id == name:
                return index
    return None


def table_patterns(
    context: ModuleContext, pattern: ast.expr | None
) -> Iterator[tuple[ast.expr, str | bytes]]:
    """The constant patterns a loop variable `pattern` takes from a table in the source, each
    with its node in the table; nothing when `pattern` is not such a variable."""
    if not isinstance(pattern, ast.Name):
        return
    loop = _loop_over(context, pattern)
    if loop is None:
        return
    target, iterable = loop
    position = _position(target, pattern.id)
    rows = _rows(context, iterable) if position is not None else None
    for row in rows or ():
        cell: ast.expr | None = row
        if position is not None and position >= 0:
            parts = row.elts if isinstance(row, ast.Tuple | ast.List) else []
            cell = parts[position] if position < len(parts) else None
        value = context.constant_value(cell)
        if cell is not None and isinstance(value, str | bytes):
            yield cell, value
