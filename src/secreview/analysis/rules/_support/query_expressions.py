"""Comparisons that build a database query rather than compare two values in Python.

`session.query(Token).filter(Token.value == token)` hands SQLAlchemy (or Peewee, or SQLModel) a
column expression: `==` on a mapped column returns a clause, and the database compares the
values (usually through an index) when the statement runs. No Python string comparison happens,
so nothing returns at the first differing character in this process.

Three shapes say so wherever the clause is then handed: a side that is a column of SQLAlchemy
Core's `Table.c` (or `.columns`) collection (`tbl.c.name_hash == name_hash`, passed on as a
`whereclause=`), which is a `Column` by the documented API; comparisons joined with `&`, `|` or
`~` (`(Model.repo == r) & (Model.digest == d)`), the operators Peewee and SQLAlchemy overload to
combine clauses because `and`/`or` cannot be overloaded; and Peewee's `Model.get(Model.f == x)`
(`get_or_none` too), where the receiver's own field is compared.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.call_names import last_name
from secreview.index.context import ModuleContext

_QUERY_METHODS = frozenset({"filter", "where", "having", "filter_by", "on", "join", "outerjoin"})
"""Query-builder methods whose arguments are clauses (the builtin `filter` takes a function)."""
_CLAUSE_COMBINERS = frozenset({"and_", "or_", "not_"})
"""SQLAlchemy's clause combinators (`and_(A.x == a, A.y == b)`), as functions or methods."""
_COLUMN_COLLECTIONS = frozenset({"c", "columns"})
"""SQLAlchemy Core's `Table.c`/`Table.columns`: every attribute read off it is a `Column`."""
_MODEL_GETTERS = frozenset({"get", "get_or_none"})
"""Peewee's `Model.get(*query)`/`Model.get_or_none(*query)`, whose arguments are clauses."""
_CLAUSE_OPERATORS = (ast.BitAnd, ast.BitOr)


def builds_query(node: ast.Compare, context: ModuleContext) -> bool:
    """Whether `node` is a clause handed to a query builder (`.filter(Model.token == token)`,
    `.where(and_(...))`) rather than a comparison Python evaluates."""
    if any(_table_column(side) for side in (node.left, *node.comparators)):
        return True  # `tbl.c.token == token`: a Core column's `==` is always a clause
    parent = context.parent(node)
    if _combined_clause(parent):
        return True
    while isinstance(parent, ast.Call) and last_name(parent.func) in _CLAUSE_COMBINERS:
        parent = context.parent(parent)
    if not isinstance(parent, ast.Call) or not isinstance(parent.func, ast.Attribute):
        return False
    if not any(node is a or _inside(node, a) for a in parent.args):
        return False
    return parent.func.attr in _QUERY_METHODS or _model_getter(parent.func, node)


def _table_column(side: ast.expr) -> bool:
    """Whether `side` reads a column off a Core table's collection (`tbl.c.name`,
    `self.db.model.projects.c.name_hash`, `users.columns.token`)."""
    return (
        isinstance(side, ast.Attribute)
        and isinstance(side.value, ast.Attribute)
        and side.value.attr in _COLUMN_COLLECTIONS
    )


def _combined_clause(parent: ast.AST | None) -> bool:
    """Whether the comparison is an operand of `&`/`|` or `~`: on plain values Python spells
    these `and`/`or`/`not`; the bitwise forms are the ones query builders overload."""
    if isinstance(parent, ast.BinOp) and isinstance(parent.op, _CLAUSE_OPERATORS):
        return True
    return isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Invert)


def _model_getter(func: ast.Attribute, node: ast.Compare) -> bool:
    """`Invite.get(Invite.token == code)`: a getter called on a class whose own field the
    clause compares (the receiver and the compared attribute's owner are the same name)."""
    if func.attr not in _MODEL_GETTERS or not isinstance(func.value, ast.Name):
        return False
    owner = func.value.id
    return any(
        isinstance(side, ast.Attribute)
        and isinstance(side.value, ast.Name)
        and side.value.id == owner
        for side in (node.left, *node.comparators)
    )


def _inside(node: ast.AST, argument: ast.expr) -> bool:
    """Whether `node` sits in `argument` through clause combinators only."""
    if not isinstance(argument, ast.Call) or last_name(argument.func) not in _CLAUSE_COMBINERS:
        return False
    return any(node is a or _inside(node, a) for a in argument.args)
