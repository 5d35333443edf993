"""What a look at a module's words says about the untrusted input it may read.

Reading the words of a module's text is far cheaper than walking its tree, and without a source
API that is imported and named, a request-like parameter where a framework is imported, a view
decorator or a handler base class, no untrusted input can appear: the taint analysis is skipped
there (`ModuleIndex.may_read_untrusted_input`, `module_taint.reported_events`).
"""

from __future__ import annotations

from typing import NamedTuple

from secreview.analysis.models import Models
from secreview.analysis.taint.name_words import names_a_download
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_WORD = lazy_pattern(r"[A-Za-z_][A-Za-z0-9_]*")
_DECORATOR = lazy_pattern(r"@[\w.]+\.(\w+)\s*\(")
_CLASS_BASES = lazy_pattern(r"class\s+\w+\s*\(([^)]*)\)")


class InputClues(NamedTuple):
    """What a look at a module's words says about the untrusted input it may read.

    `origins`: the origins of the source APIs it imports and names. `request_shaped`: a clue of
    a request whatever its origin (a `request`-like parameter where a framework is imported, a
    view decorator, a handler base class, a modelled request object type). `request_named`: a
    `request`-like parameter name or annotation, framework or not.
    """

    origins: frozenset[str]
    request_shaped: bool
    request_named: bool = False
    download_named: bool = False
    """A client's method named for a download is called (`self._fetcher.fetch_bytes(url)`), read
    as a socket: see `guessed_sources.py`."""
    download_verb_named: bool = False
    """The same, with the verb a word of its own (`download_bytes`, `fetch_page`, not a
    cursor's `fetchall`): the stricter clue `may_read_network_input` takes."""
    only_objects: bool = False
    """`request_shaped` holds only because a modelled object that is no request is named
    (`django.db.connection`, `loguru.logger`): the taint run is gated by it, a script's or a
    command's rating is not."""

    def may_read(self, origins: frozenset[str]) -> bool:
        """Whether input of one of `origins` can appear in the module."""
        return self._reads(origins, self.download_named, self.request_shaped)

    def shows_network_input(self, network: frozenset[str]) -> bool:
        """Whether input of one of the `network` origins can appear, a download counted only
        when its verb is a word of its own and a named object only when it is a request: a
        maintainer's script that reads database rows beside an `https` setting, or a command
        using `django.db.connection`, is not reached from the network."""
        shaped = self.request_shaped and not self.only_objects
        return self._reads(network, self.download_verb_named, shaped)

    def _reads(self, origins: frozenset[str], download: bool, shaped: bool) -> bool:
        """`may_read` with the download clue and the request clue given."""
        return (download and "socket" in origins) or shaped or not self.origins.isdisjoint(origins)


def input_clues(context: ModuleContext, models: Models) -> InputClues:
    """The module's `InputClues` under `models`, gathered once per module and models.

    Without a source API that is imported and used, a `request`-like parameter, a view
    decorator or a handler base class, no source can appear, so per-file scans skip the
    module. The test reads the words of the source text: far cheaper than a walk of the tree.
    """
    known = context.derived(_clues_by_models)
    entry = known.get(id(models))
    if entry is None or entry[0] is not models:
        entry = (models, _gather_input_clues(context, models))
        known[id(models)] = entry
    return entry[1]


def _clues_by_models(context: ModuleContext) -> dict[int, tuple[Models, InputClues]]:
    """The per-module memo of `input_clues`: models by identity (kept, so no id is reused)."""
    return {}


def _gather_input_clues(context: ModuleContext, models: Models) -> InputClues:
    """`input_clues`, computed."""
    text = context.text
    words = set(_WORD.findall(text))
    imported = {q.split(".")[0] for q in context.import_aliases.values()}
    table = _clue_table(models)
    origins: set[str] = set()
    for word in words & table.sources.keys():
        for root, qualified, origin in table.sources[word]:
            if root in imported or not qualified:
                origins.add(origin)
    # A call whose result is an object with source attributes: `requests.get(url).json()` is
    # what the server sent, though no source API is named (`.json` is read off the response).
    for word in words & table.returned.keys():
        for root, returned in table.returned[word]:
            if root in imported:
                origins.update(returned)
    named = not words.isdisjoint(table.request_parameters)
    # A parameter is taken for the request by its name or annotation only where a framework
    # (or the annotation's module) is imported (`ParameterRules.bind_parameters`): elsewhere a
    # `request` is a task's, a `Request` a queue's, and no request can come of them.
    framework = not imported.isdisjoint(table.request_roots)
    objects = [o for o in models.object_types if o.split(".")[0] in imported and _last(o) in words]
    shaped = _request_shaped(text, words, imported, models, named and framework)
    requests = any(models.object_types[o] in models.typed_sources for o in objects)
    only_objects = bool(objects) and not shaped and not requests  # `django.db.connection`
    download = names_a_download(text, words)
    verb = download and names_a_download(text, words, verb_first=True)
    shaped = shaped or bool(objects)
    return InputClues(frozenset(origins), shaped, named, download, verb, only_objects)


class _ClueTable(NamedTuple):
    """The models as the look at a module's words reads them, by the last word of each name
    (built once per `Models`: reading every model for every module was a per-file cost)."""

    sources: dict[str, list[tuple[str, bool, str]]]
    """last word of a source API -> (its top-level module, whether it is qualified, origin)"""
    returned: dict[str, list[tuple[str, frozenset[str]]]]
    """last word of a call returning an object with source attributes -> (its top-level
    module, the origins of those attributes)"""
    request_parameters: frozenset[str]
    """The parameter names and annotations (last part) that make a parameter the request."""
    request_roots: frozenset[str]
    """The top-level modules whose import lets such a name or annotation make it the request:
    every framework's, and those of the qualified request annotations."""


_CLUE_TABLES: dict[int, tuple[Models, _ClueTable]] = {}
"""`_clue_table`'s memo: models by identity (kept, so no id is reused)."""


def _clue_table(models: Models) -> _ClueTable:
    """The `_ClueTable` of `models`, built on first use."""
    kept = _CLUE_TABLES.get(id(models))
    if kept is None or kept[0] is not models:
        kept = _CLUE_TABLES[id(models)] = (models, _build_clue_table(models))
    return kept[1]


def _build_clue_table(models: Models) -> _ClueTable:
    """`_clue_table`, computed."""
    sources: dict[str, list[tuple[str, bool, str]]] = {}
    producers = _type_roots(models)
    for table in (models.source_names, models.source_calls):
        for name, source in table.items():
            root, _, rest = name.partition(".")
            word = name.rsplit(".", 1)[-1]
            sources.setdefault(word, []).append((root, bool(rest), source.origin))
            sources[word].extend((m, True, source.origin) for m in _producers(name, producers))
    returned: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for name, results in models.returns.items():
        found = frozenset(
            source.origin
            for model in results
            for source in models.typed_sources.get(model.type, {}).values()
        )
        word = name.rsplit(".", 1)[-1]
        returned.setdefault(word, []).append((name.partition(".")[0], found))
        # `http.Session.get`: `aiohttp.ClientSession()` makes the session, so `aiohttp`.
        returned[word].extend((module, found) for module in _producers(name, producers))
    requests = [n for n, kind in models.parameter_types.items() if kind in models.typed_sources]
    qualified = [name for name in requests if "." in name]
    return _ClueTable(
        sources,
        returned,
        frozenset(name.rsplit(".", 1)[-1] for name in requests),  # a request, not a response
        frozenset(name.split(".")[0] for name in (*models.frameworks, *qualified)),
    )


def _last(name: str) -> str:
    """The last part of a dotted name."""
    return name.rsplit(".", 1)[-1]


def _producers(name: str, producers: dict[str, set[str]]) -> list[str]:
    """The modules whose calls make the type `name` is a method of, when it is one
    (`llm.OpenAI.chat.completions.create`): what a module imports to reach the method."""
    typed = next((p for p in _prefixes(name) if p in producers), None)
    return sorted(producers[typed]) if typed else []


def _prefixes(name: str) -> list[str]:
    """`a.b.c.d` -> `a.b.c`, `a.b`: the names a method's owner may have, longest first."""
    parts = name.split(".")
    return [".".join(parts[:end]) for end in range(len(parts) - 1, 1, -1)]


def _type_roots(models: Models) -> dict[str, set[str]]:
    """Each type the models give values -> the top-level modules of the calls and annotations
    that make it, through methods of other types (`llm.GenerativeChat` of
    `llm.GenerativeModel.start_chat` of `google.generativeai.GenerativeModel`: `google`)."""
    made: dict[str, set[str]] = {}
    for name, results in models.returns.items():
        for model in results:
            made.setdefault(model.type, set()).add(name)
    for name, kind in models.parameter_types.items():
        made.setdefault(kind, set()).add(name)
    roots: dict[str, set[str]] = {kind: set() for kind in made}
    changed = True
    while changed:  # to a fixed point: a type made by a method of a type made by ...
        changed = False
        for kind, names in made.items():
            for name in names:
                owner = next((p for p in _prefixes(name) if p in made), None)
                found = roots[owner] if owner else {name.split(".")[0]}
                if not found <= roots[kind]:
                    roots[kind] |= found
                    changed = True
    return roots


def _request_shaped(
    text: str, words: set[str], imported: set[str], models: Models, request_parameter: bool
) -> bool:
    """Whether the text shows a request of any origin (see `InputClues.request_shaped`) other
    than a modelled object it names (`_gather_input_clues` looks for those)."""
    if request_parameter:
        return True
    for decorator in _DECORATOR.findall(text):
        if decorator in models.route_decorators:
            return True
    if any(entry.may_apply(words, imported) for entry in models.entries):
        return True
    handler_bases = {b.rsplit(".", 1)[-1] for b in models.request_handler_bases}
    for bases in _CLASS_BASES.findall(text):
        for name in _WORD.findall(bases):
            if name in handler_bases or name.endswith(models.view_base_suffixes):
                return True
    return False
