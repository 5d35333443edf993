"""Comparisons that build a database query rather than compare two values in Python.

`session.query(Token).filter(Token.value == token)` hands SQLAlchemy (or Peewee, or SQLModel) a
column expression: `==` on a mapped column returns a clause, and the database compares the
values (usually through an index) when the statement runs. No Python string comparison happens,
so nothing returns at the first differing character in this process.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.call_names import last_name
from secreview.index.context import ModuleContext

_QUERY_METHODS = frozenset({"filter", "where", "having", "filter_by", "on", "join", "outerjoin"})
"""Query-builder methods whose arguments are clauses (the builtin `filter` takes a function)."""
_CLAUSE_COMBINERS = frozenset({"and_", "or_", "not_"})
"""SQLAlchemy's clause combinators (`and_(A.x == a, A.y == b)`), as functions or methods."""


def builds_query(node: ast.Compare, context: ModuleContext) -> bool:
    """Whether `node` is a clause handed to a query builder (`.filter(Model.token == token)`,
    `.where(and_(...))`) rather than a comparison Python evaluates."""
    parent = context.parent(node)
    while isinstance(parent, ast.Call) and last_name(parent.func) in _CLAUSE_COMBINERS:
        parent = context.parent(parent)
    return (
        isinstance(parent, ast.Call)
        and isinstance(parent.func, ast.Attribute)
        and parent.func.attr in _QUERY_METHODS
        and any(node is a or _inside(node, a) for a in parent.args)
    )


def _inside(node: ast.AST, argument: ast.expr) -> bool:
    """Whether `node` sits in `argument` through clause combinators only."""
    if not isinstance(argument, ast.Call) or last_name(argument.func) not in _CLAUSE_COMBINERS:
        return False
    return any(node is a or _inside(node, a) for a in argument.args)
