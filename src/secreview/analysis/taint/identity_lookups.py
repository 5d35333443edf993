"""Look-ups answer with what they find, not with the key they were given.

An ORM session's look-up by primary key returns a row.

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

A query whose keywords are field look-ups (`schedules.filter(version__iexact=v)`,
`Talk.all_objects.get(event__slug=s)`) is a Django (or Tortoise) queryset's, whatever its
receiver is (a related manager, a custom manager, a queryset kept in a variable): `__` between a
field and its operator spells nothing else, nor does `get(pk=...)`; and a `filter` or `exclude`
given only keywords (`questions.filter(pk=pk)`) is a queryset's too (SQLAlchemy's `filter` takes
expressions, a dictionary has none; pandas' `DataFrame.filter` keywords are told apart). It is
read as `django.QuerySet`'s method, whose rows are what the database holds (`queryset_names`).

Likewise a call named for a look-up by a key (`repository.stream_by_organization(ids, org)`,
`users.find_by_email(email)`, `get_user_by_name(name)`) that nothing describes answers with the
rows it finds (`answers_with_rows`): the keys choose them, and none of their text comes back.

A sink model that checks only keywords the call does not pass says nothing about its result
(`consumed_kinds`): DynamoDB's `table.query(KeyConditionExpression=...)` is its model's, but
`connection.query("SELECT * FROM $id", {"id": x})` is only the SQL model's, whose rows do not
carry the bound parameters; the DynamoDB model, which consumes nothing, used to veto that.

Likewise `store.get(key)` of an object nothing describes (a cache, a registry, a settings store,
`Model.query.get(pk)`) returns what the store holds under the key, or the default: the key only
chooses the element (`reads_a_store`).
"""

from __future__ import annotations

import ast

from secreview.analysis.models import Models
from secreview.analysis.taint.guessed_sinks import CLIENT_WORDS
from secreview.analysis.taint.name_words import words_of
from secreview.patterns import lazy_pattern

_LOOKUPS = frozenset({"get", "get_one", "get_or_404"})
_QUERYSET_READS = frozenset({"filter", "exclude", "get", "aget"})
_QUERYSET = "django.QuerySet"
_FILTERS = frozenset({"filter", "exclude"})
_OTHER_FILTERS = frozenset({"items", "like", "regex", "axis"})
"""Keywords of pandas' `DataFrame.filter`, the other `filter` method taking only keywords."""
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


_KEYED_LOOKUP = lazy_pattern(
    r"_*(?:get|find|list|stream|fetch|load|select|query|search|count|lookup|read)(?:_\w+)?_by(?:_\w+)?"
)
"""Names of a look-up by a key: a reading verb, then `_by` (`get_by_id`, `find_user_by_email`)."""

_SESSION_WORDS = CLIENT_WORDS | frozenset({"session", "api", "requests", "browser", "agent"})
"""Words of a receiver named for something whose `get(url)` fetches what the URL names."""


def reads_a_store(node: ast.Call, names: list[str], models: Models) -> bool:
    """Whether `x.get(key)` reads an element of a store nothing describes (a cache, a registry,
    a settings object), whose answer is what the store holds, not the key: no model names the
    call, and the receiver is not named for an HTTP client or a session (`client.get(url)`
    answers with what the URL names)."""
    if models.names_any(names):
        return False
    owner = node.func.value if isinstance(node.func, ast.Attribute) else None
    named = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
    return not words_of(named) & _SESSION_WORDS


def answers_with_rows(node: ast.Call, names: list[str], models: Models) -> bool:
    """Whether `node` answers with the rows a store holds, not with its arguments: a look-up by
    primary key through an ORM session, or a call nothing describes named for a look-up by a
    key (see the module docstring)."""
    if is_identity_lookup(node):
        return True
    if models.names_any(names):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return _KEYED_LOOKUP.fullmatch(name) is not None


def queryset_names(node: ast.Call, names: list[str]) -> list[str]:
    """`names` with the queryset method first when the call filters by field look-ups (see the
    module docstring): `obj.items.filter(name__iexact=n)` is `django.QuerySet.filter`."""
    func = node.func
    if (
        not isinstance(func, ast.Attribute)
        or func.attr not in _QUERYSET_READS
        or (names and names[0].startswith(_QUERYSET))
    ):
        return names
    fields = [k.arg for k in node.keywords if k.arg]
    lookups = any("__" in f.strip("_") for f in fields)
    by_key = "pk" in fields
    keywords_only = fields and not node.args and not _OTHER_FILTERS.intersection(fields)
    if lookups or by_key or (keywords_only and func.attr in _FILTERS):
        return [f"{_QUERYSET}.{func.attr}", *names]
    return names


def consumed_kinds(node: ast.Call, names: list[str], models: Models) -> list[str]:
    """The kinds of the sink models naming `node` that can apply to it (see the module
    docstring): a model that checks only keywords the call does not pass is left out."""
    passed = {k.arg for k in node.keywords}
    kinds: list[str] = []
    for name in names:
        for sink in models.sinks.get(name, ()):
            positional = sink.args or sink.all_args or sink.receiver
            spread = None in passed  # a `**mapping` may pass any keyword
            if sink.keywords and not (positional or spread or passed & set(sink.keywords)):
                continue
            kinds.append(sink.kind)
    return kinds
