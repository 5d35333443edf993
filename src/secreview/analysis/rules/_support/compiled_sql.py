"""Run-time parts of SQL text that carry no input of their own: SQL the ORM compiled with
placeholders, model primary keys and fresh UUIDs.

Django compiles a queryset's filter (`qs.query.where.as_sql(compiler, connection)`) or its whole
statement (`qs.query.sql_with_params()`) into a pair `(sql, params)`: the text holds `%s`
placeholders and the values travel in `params`, which the caller hands on to `execute`. Raw SQL
that reuses an ORM filter this way is parameterised, not spliced (`str(qs.query)`, which writes
the values into the text, is not such a pair and stays reported). In a module that imports
Django, `obj.pk` or `obj.id` is a model's primary key, an integer (or a UUID) unless the model
declares otherwise, and carries no SQL syntax; so is a row's `id` in an Alembic migration
(`for row in connection.execute(table.select()): op.execute(f"... WHERE id = {row.id}")`),
which reads back the keys of the program's own table. A UUID the code draws (`uuid.uuid4()`,
`str(uuid4())`) is hex digits and dashes.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.local_bindings import bindings_before, single_value
from secreview.index.context import ModuleContext

_COMPILERS = frozenset({"as_sql", "sql_with_params"})
"""Django's methods returning compiled `(sql, params)` pairs."""
_PRIMARY_KEYS = frozenset({"pk", "id"})
_UUID_CALLS = frozenset({"uuid.uuid1", "uuid.uuid3", "uuid.uuid4", "uuid.uuid5"})


def _compiles(context: ModuleContext, expr: ast.expr) -> bool:
    """Whether `expr` is (a local bound once to) a call returning an ORM's `(sql, params)`."""
    value = single_value(context, expr)
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in _COMPILERS
    )


def _unpacked_text(context: ModuleContext, name: ast.Name) -> bool:
    """`sql, params = qs.query.sql_with_params()`: `name` holds the first of a compiled pair."""
    bindings = bindings_before(context, name)
    if not bindings:
        return False
    for binding in bindings:
        target = context.parent(binding.node)
        statement = context.parent(target) if target is not None else None
        if not (
            isinstance(target, ast.Tuple)
            and len(target.elts) == 2
            and target.elts[0] is binding.node
            and isinstance(statement, ast.Assign)
            and _compiles(context, statement.value)
        ):
            return False
    return True


def is_compiled_sql(context: ModuleContext, expr: ast.expr) -> bool:
    """Whether `expr` is SQL text an ORM compiled with placeholders (`pair[0]` of `.as_sql(...)`
    or `.sql_with_params()`, or the first name such a pair was unpacked into), in a Django
    module or an Alembic migration a primary key (`user.id`, `obj.pk`), or a fresh UUID."""
    match expr:
        case ast.Subscript(value=pair, slice=ast.Constant(value=0)):
            return _compiles(context, pair)
        case ast.Name():
            return _unpacked_text(context, expr)
        case ast.Attribute(attr=attr) if attr in _PRIMARY_KEYS:
            return context.imports_module("django") or context.imports_module("alembic")
        case ast.Call(func=ast.Name(id="str"), args=[ast.Call() as inner]):
            return context.call_name(inner) in _UUID_CALLS
        case ast.Call():
            return context.call_name(expr) in _UUID_CALLS
    return False
