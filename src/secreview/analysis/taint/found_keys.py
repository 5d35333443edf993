"""Keys a look-up found: an identifier logged once a look-up by it found a stored record.

A route deletes a record and logs the identifier it was given:

    episode = await PodcastService.get_episode(episode_id)
    if not episode:
        raise HTTPException(404)
    logger.info(f"deleted episode {episode_id}")

Past the refusal the look-up found a record whose key equals `episode_id` exactly, so the value
is one of the keys the application stored; and keys the program makes (ids, primary keys,
UUIDs, slugs) hold no line break, so the line cannot forge a log entry. That is all it proves:
the key is safe for log sinks (line breaks), not for SQL, HTML or paths.

What counts, for both proofs below:
- the key is named for an identifier (`id`, `pk`, `uuid`, `guid`, `slug`, or a name ending in
  one: `episode_id`, `AuthorID`, `event__slug`): a key the program makes. A look-up by a field
  a user wrote (`get(name=x)`, `get_by_name(title)`) proves the text was stored, which a user
  may have done with a line break in it;
- it is matched exactly: a positional argument, a keyword (`pk=x`, `user__id=x`, with
  `__exact` or `__iexact` at most), or `Model.id == x` in a `filter`/`where`; any other field
  operator (`__icontains`, `__in`, `__startswith`) and any fuzzy search prove nothing;
- the call is named for reading one record (`get`, `get_episode`, `fetch_source`,
  `find_by_id`, `load_item`, `lookup`, ...), not for searching, matching or creating
  (`search`, `get_or_create`, `find_similar`) nor for reading request or configuration data
  (`get_argument`, `get_header`, `get_setting`); after `_by`, the words name an identifier
  (`get_by_id`, not `get_by_name`); `get(key, default)` answers with the default and proves
  nothing; a receiver that carries request data (`request.args.get(x_id)`) is no store, and
  an HTTP client's `get` fetches a URL (checked by the guard rules, `GuardRules`).

Two proofs:
- a check of the answer (`if not row: raise`, `if row is None: return`, `if row:`, or the
  look-up itself as the condition, awaited or not): past it, or inside it, the record was
  found. Any reading call may return None when nothing matched, so only the check proves it;
- a look-up that raises when nothing matched, completed: Django's and Flask-SQLAlchemy's
  `get_object_or_404(Model, pk=x)`, `get_list_or_404`, `query.get_or_404(x)`,
  `filter_by(id=x).first_or_404()`, `one_or_404()`, SQLAlchemy's `session.get_one(Model, x)`
  and `.one()`, and a queryset's `get` by keywords or by `Model.id == x` (Django's and
  Tortoise's `objects.get(pk=x)`, peewee's `Model.get(Model.id == x)` raise `DoesNotExist`).
  A `get` given a positional key is a project's own or a store's, which may answer None.
A handler of the look-up's own `try` may start before the look-up: it still sees the key as
given (`statements.try_statement` joins the state before the body), so `except
DoesNotExist: logger.warning(f"no episode {episode_id}")` stays reported, as does a log
before the check. A project's helper that raises on a miss inside its body
(`get_episode` catching the error and raising HTTPException) is not read: without a check its
call proves nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.taint.host_guards import Guard, HostGuards
from secreview.analysis.taint.name_words import CLIENT_WORDS, last_word, words_of
from secreview.patterns import lazy_pattern

FOUND_KEY_KINDS = ("log",)
"""What a found key is safe for: a log line (it holds no line break), nothing else."""

_ID_WORDS = frozenset({"id", "pk", "uuid", "guid", "slug"})
_EXACT_LOOKUPS = frozenset({"exact", "iexact"})
_READER = lazy_pattern(r"_*(?:a?get|fetch|lookup|retrieve)(?:_\w+)?|_*(?:find|load|read)_\w+")
"""Names of a call reading one record (`get`, `aget`, `get_episode`, `find_by_id`): a bare
`find`, `load` or `read` is a string's search (`-1`, true, when nothing is found), a cursor's
or a file's, not a look-up of one record."""
_NOT_A_RECORD_WORDS = frozenset(
    {
        "create",
        "insert",
        "add",
        "new",
        "make",
        "default",
        "search",
        "like",
        "fuzzy",
        "similar",
        "match",
        "matching",
        "matches",
        "suggest",
        "suggestions",
        "complete",
        "autocomplete",
        "argument",
        "arguments",
        "arg",
        "args",
        "param",
        "params",
        "parameter",
        "header",
        "headers",
        "cookie",
        "cookies",
        "form",
        "json",
        "body",
        "input",
        "env",
        "environ",
        "config",
        "setting",
        "settings",
        "attr",
        "attribute",
        "url",
        "file",
    }
)
"""Words of a reading call's name that say it does not read one stored record by its key."""
_FETCH_MODULES = ("requests.", "httpx.", "aiohttp.", "urllib.", "urllib3.", "os.")
"""Modules whose `get`-named functions fetch a URL or read the environment, not a store."""
_RAISING_FUNCTIONS = frozenset({"get_object_or_404", "aget_object_or_404", "get_list_or_404"})
_RAISING_METHODS = frozenset({"get_or_404", "first_or_404", "one_or_404", "get_one", "one"})
_RAISING_TERMINALS = frozenset({"one", "scalar_one", "first_or_404", "one_or_404"})
_TERMINALS = frozenset(
    {"first", "last", "one_or_none", "exists", "scalar", "scalar_one_or_none", "get", "aget"}
)
"""A query chain's last call, answering one row (or whether one exists) of the filters before."""
_CHAIN_STEPS = frozenset(
    {"filter", "filter_by", "where", "select_related", "prefetch_related", "only", "defer"}
)
_QUERYSET_WORDS = frozenset({"objects", "queryset", "qs", "query"})


def names_a_key(name: str) -> bool:
    """Whether a field or variable name names a key the program makes: `id`, `pk`,
    `episode_id`, `AuthorID`, `event__slug`, `pk__exact` (not `id__in`, `slug__icontains`)."""
    parts = [p for p in name.split("__") if p]
    if len(parts) > 1 and parts[-1] in _EXACT_LOOKUPS:
        parts.pop()
    return bool(parts) and last_word(parts[-1]) in _ID_WORDS


def _spelled_name(node: ast.expr) -> str:
    """The name a key argument is spelled with: a variable's, an attribute's, or a constant
    subscript's (`data["episode_id"]`); empty for anything else."""
    match node:
        case ast.Name(id=name) | ast.Attribute(attr=name):
            return name
        case ast.Subscript(slice=ast.Constant(value=str() as name)):
            return name
    return ""


def _callee_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def reads_one_record(name: str) -> bool:
    """Whether a call's name says it reads one stored record by its key (module docstring)."""
    if _READER.fullmatch(name) is None:
        return False
    words = [w for w in name.lower().split("_") if w]
    if words_of(name) & _NOT_A_RECORD_WORDS:
        return False
    if "by" in words:  # `get_by_id`, not `get_by_name`
        return bool(set(words[len(words) - words[::-1].index("by") :]) & _ID_WORDS)
    return True


def _is_class(node: ast.expr) -> bool:
    """`Model`, `models.User`, `cls`, `self.model`: the class an ORM session looks up in."""
    match node:
        case ast.Name(id="cls"):
            return True
        case ast.Name(id=name) | ast.Attribute(attr=name):
            return (name[:1].isupper() and not name.isupper()) or name in ("model", "model_class")
    return False


def _keyword_keys(call: ast.Call) -> Iterator[ast.expr]:
    """The values of keywords matching an identifier field exactly (`pk=x`, `user__id=x`)."""
    for keyword in call.keywords:
        if keyword.arg and names_a_key(keyword.arg):
            yield keyword.value


def _compared_keys(call: ast.Call) -> Iterator[ast.expr]:
    """The values compared equal to an identifier column (`Model.id == x`, `x == Model.pk`)."""
    for argument in call.args:
        match argument:
            case ast.Compare(left=left, ops=[ast.Eq()], comparators=[right]):
                for column, value in ((left, right), (right, left)):
                    if isinstance(column, ast.Attribute) and names_a_key(column.attr):
                        yield value


def _chain_keys(call: ast.Call) -> list[ast.expr]:
    """The keys a query chain ending in `call` (`...filter_by(id=x).first()`) filters on."""
    keys: list[ast.expr] = []
    node = call.func.value if isinstance(call.func, ast.Attribute) else None
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr not in _CHAIN_STEPS:
            break
        keys += [*_keyword_keys(node), *_compared_keys(node)]
        node = node.func.value
    return keys


def _positional_keys(call: ast.Call, name: str) -> list[ast.expr]:
    """The positional keys of a reading call named for an identifier, the class an ORM
    session looks up in left out; none for `get(key, default)`, which answers the default."""
    arguments = list(call.args)
    if arguments and len(arguments) > 1 and _is_class(arguments[0]):
        arguments = arguments[1:]
    if name in ("get", "aget") and len(arguments) > 1:
        return []
    return [a for a in arguments if names_a_key(_spelled_name(a))]


def _queryset_receiver(call: ast.Call) -> bool:
    """Whether `call`'s receiver is a queryset or a model class (`Model.objects`,
    `Model.objects.filter(...)`, `Model`, `self.queryset`), whose `get` raises on a miss."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):
        return receiver.func.attr in _CHAIN_STEPS | {"all", "using", "annotate", "order_by"}
    if receiver is None or _is_class(receiver):
        return receiver is not None
    return bool(words_of(_spelled_name(receiver)) & _QUERYSET_WORDS)


def found_if_answered(call: ast.Call, qualified: str) -> list[ast.expr]:
    """The keys `call` proves found when its answer is true or not None (a record, a
    non-empty queryset, `exists()`): see the module docstring."""
    name = _callee_name(call)
    if qualified.startswith(_FETCH_MODULES):
        return []
    if name in _TERMINALS and not call.args and not call.keywords:
        keys = _chain_keys(call)
        if keys:
            return keys
    if name in _RAISING_TERMINALS | _RAISING_METHODS and not call.args:
        return _chain_keys(call)
    if name == "filter" and call.keywords and not call.args:  # a Django queryset's truth
        return [*_keyword_keys(call)]
    if not (reads_one_record(name) or name in _RAISING_FUNCTIONS | _RAISING_METHODS):
        return []
    return [*_positional_keys(call, name), *_keyword_keys(call), *_compared_keys(call)]


def found_once_completed(call: ast.Call, qualified: str) -> list[ast.expr]:
    """The keys `call` proves found by returning at all: a look-up that raises when nothing
    matched (see the module docstring)."""
    name = _callee_name(call)
    if qualified.startswith(_FETCH_MODULES):
        return []
    if name in _RAISING_TERMINALS and not call.args:  # `first_or_404(description=...)`
        return _chain_keys(call)
    if name in _RAISING_FUNCTIONS or name in _RAISING_METHODS - {"one"}:
        return found_if_answered(call, qualified)
    if name in ("get", "aget") and _queryset_receiver(call):
        if call.keywords and not call.args:
            return [*_keyword_keys(call)]
        if call.args and all(isinstance(a, ast.Compare) for a in call.args):
            return [*_compared_keys(call)]
    return []


_FETCHER_WORDS = CLIENT_WORDS | frozenset({"session", "requests", "browser", "api"})
"""Words of a receiver named for an HTTP client, whose `get(url)` fetches what the URL names
(an ORM session's look-ups are told apart by the class they are given)."""


class FoundKeys(HostGuards):
    """Guards from a look-up that found a record by a key (see the module docstring)."""

    def found_key_guards(self, test: ast.expr, outcome: bool) -> Iterator[Guard]:
        """The keys a look-up tested for its answer (`if row:`, past `if not row: raise`)
        proves found: safe for log sinks."""
        if outcome and isinstance(test, ast.Call):  # (`await` is read through by the caller)
            yield from self._keys(test, found_if_answered(test, self.qualified(test.func) or ""))

    def found_not_none(self, answer: ast.expr) -> Iterator[Guard]:
        """The keys a look-up proves found when its answer, or the variable holding it, is not
        None (`if row is None: raise`)."""
        found = self.defined_as(answer.id) if isinstance(answer, ast.Name) else answer
        found = found.value if isinstance(found, ast.Await) else found
        if found is not None:
            yield from self.found_key_guards(found, True)

    def completed_key_guards(self, node: ast.expr) -> Iterator[Guard]:
        """The keys a look-up that raises on a miss proves found once it returned."""
        call = node.value if isinstance(node, ast.Await) else node
        if isinstance(call, ast.Call):
            yield from self._keys(call, found_once_completed(call, self.qualified(call.func) or ""))

    def _keys(self, call: ast.Call, keys: list[ast.expr]) -> Iterator[Guard]:
        if not keys or not self._a_store(call):
            return
        for key in keys:
            target = self._target(key)
            if target is not None:
                yield target, FOUND_KEY_KINDS, None

    def _a_store(self, call: ast.Call) -> bool:
        """Whether `call` reads something the application keyed: a function, a class, an
        object not named for an HTTP client and carrying no request data (a parameter's
        object, the receiver's own state, a model class); `request.args.get(x_id)` is the
        sender's, and a session's `get(url)` fetches."""
        node = call.func.value if isinstance(call.func, ast.Attribute) else None
        named = _spelled_name(node) if node is not None else ""
        if words_of(named) & _FETCHER_WORDS and not (call.args and _is_class(call.args[0])):
            return False
        while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            node = node.func.value  # the queryset's manager, the chain's start
        if node is None or isinstance(node, ast.Call):
            return True
        return all(flow.parameter is not None for flow in self.expr(node).all_flows())
