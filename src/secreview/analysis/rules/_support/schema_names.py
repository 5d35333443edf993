"""Names of the program's own database schema, read off its model metadata.

SQL that names tables and columns cannot take them as parameters, so code that builds a
statement for a model splices them in: `f'UPDATE "{meta.db_table}" SET ...'`, a column list
`", ".join(f'"{c}" = %s' for c in columns)` over `[meta.get_field(f).column for f in fields]`.
Such names come from the models' definitions (Django's `_meta`, SQLAlchemy's tables and
columns), not from anyone's input; `sql_injection` does not report them.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.built_strings import string_pieces
from secreview.analysis.rules._support.comprehension_names import (
    generator_binds,
    iterated_collection,
)
from secreview.analysis.rules._support.local_bindings import MAX_DEPTH, single_value
from secreview.index.context import ModuleContext

_SCHEMA_NAME_ATTRIBUTES = frozenset({"fullname", "__tablename__", "db_table"})
_SCHEMA_OBJECT_WORDS = ("column", "table", "constraint", "index")
_MODEL_FIELD_NAMES = frozenset({"column", "attname", "db_column"})
"""What a Django field read off a model's `_meta` calls its database names (`field.column`)."""
_META_FIELD_LOOKUPS = frozenset({"get_field", "get_fields"})


def is_schema_identifier(context: ModuleContext, expr: ast.expr, depth: int = 0) -> bool:
    """A name of the program's own schema: a table's `fullname`, a model's `__tablename__`,
    Django's `_meta.db_table` and the `column` of a field its `_meta` gives, the `name` of a
    column, table, constraint or index object (a migration helper's `column.table.fullname`),
    or a comprehension's name running over such names."""
    value = single_value(context, expr)
    if isinstance(value, ast.Name) and generator_binds(context, value) and depth < MAX_DEPTH:
        items = _collection_items(context, iterated_collection(context, value))
        return bool(items) and all(is_schema_identifier(context, e, depth + 1) for e in items)
    if not isinstance(value, ast.Attribute):
        return False
    if value.attr in _SCHEMA_NAME_ATTRIBUTES:
        return True
    if value.attr in _MODEL_FIELD_NAMES and _read_off_model_meta(context, value.value):
        return True
    owner = value.value
    owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
    return value.attr in ("name", "key") and any(
        word in owner_name.lower() for word in _SCHEMA_OBJECT_WORDS
    )


def _collection_items(context: ModuleContext, collection: ast.expr | None) -> list[ast.expr]:
    """What a comprehension over `collection` binds, when `collection` is itself a
    comprehension seen here (its item expression); else nothing known."""
    if collection is None:
        return []
    built = single_value(context, collection)
    if isinstance(built, ast.ListComp | ast.GeneratorExp | ast.SetComp):
        return [built.elt]
    return []


def _read_off_model_meta(context: ModuleContext, expr: ast.expr) -> bool:
    """Whether `expr` is a field a Django model's `_meta` describes: `Model._meta.pk`,
    `meta.get_field(name)` after `meta = model._meta`, `f` of `for f in model._meta.fields`."""
    current: ast.expr | None = expr
    for _ in range(MAX_DEPTH):
        if current is None:
            return False
        current = single_value(context, current)
        match current:
            case ast.Attribute(attr="_meta"):
                return True
            case ast.Attribute(value=owner):
                current = owner
            case ast.Call(func=ast.Attribute(attr=lookup, value=owner)):
                if lookup in _META_FIELD_LOOKUPS:
                    return _read_off_model_meta(context, owner)
                current = owner
            case ast.Name() if generator_binds(context, current):
                current = iterated_collection(context, current)
            case _:
                return False
    return False


def joins_schema_names(context: ModuleContext, expr: ast.expr) -> bool:
    """`", ".join(f'"{col}" = %s' for col in columns)`: a join whose every item is fixed text,
    numbers and schema names (`is_schema_identifier`)."""
    value = single_value(context, expr)
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "join"
        and len(value.args) == 1
        and isinstance(value.args[0], ast.GeneratorExp | ast.ListComp)
    ):
        return False
    items = string_pieces(context, value.args[0].elt)
    return all(
        not p.is_dynamic or (p.node is not None and is_schema_identifier(context, p.node))
        for p in items
    )
