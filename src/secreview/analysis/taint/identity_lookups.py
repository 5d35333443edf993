"""An ORM session's look-up by primary key returns a row, not the key it was given.

`session.get(User, user_id)` (SQLAlchemy 1.4 and 2), `db.session.get(User, uid)`,
`db.get_or_404(User, uid)` (Flask-SQLAlchemy 3) and a model's own `cls` handed to its session
(`db_session.get(cls, model_id)` in a base model's `get_by_id`) find the row whose key equals the
value: the row's fields are what the database holds, as those of a `filter_by` query are (see
the `*.filter_by` model). Without this, every field of the row carried the key's taint, so a log
line of `user.email` after a look-up by a request's id read as injectable.

A call is such a look-up when its method is one of the ORM's, its first argument spells a class
(`cls`, a capitalised name, `type(self)`, `self.model`) and the receiver is named like a session
(or is `db` for `get_or_404`): a dictionary's `get(key, default)` returns the default, and no
dictionary is keyed by a model class and named a session.
"""

from __future__ import annotations

import ast

_LOOKUPS = frozenset({"get", "get_one", "get_or_404"})
_MODEL_HOLDERS = frozenset({"model", "model_class", "model_cls", "klass"})
"""Attributes that hold a model class by convention (`self.model` of a repository or a view)."""


def is_identity_lookup(node: ast.Call) -> bool:
    """Whether `node` looks a row up by its primary key through an ORM session (see above)."""
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in _LOOKUPS or len(node.args) < 2:
        return False
    if not _spells_a_class(node.args[0]):
        return False
    holder = func.value
    name = holder.attr if isinstance(holder, ast.Attribute) else getattr(holder, "id", "")
    return "session" in name.lower() or (func.attr == "get_or_404" and name == "db")


def _spells_a_class(node: ast.expr) -> bool:
    """Whether `node` names a class by its spelling: `cls`, `Model`, `models.User`, `type(x)`,
    `self.model`."""
    match node:
        case ast.Name(id="cls"):
            return True
        case ast.Name(id=name) | ast.Attribute(attr=name) if name[:1].isupper():
            return not name.isupper()  # `User`, not a constant such as `DEFAULT`
        case ast.Attribute(attr=name):
            return name in _MODEL_HOLDERS
        case ast.Call(func=ast.Name(id="type"), args=[_]):
            return True
    return False
