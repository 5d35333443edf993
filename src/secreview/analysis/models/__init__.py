"""Sources, sinks, sanitisers and types of library APIs, declared as data in TOML files.

The taint engine knows nothing about Flask or sqlite3: everything it knows about an API comes from
the `*.toml` files of this package (and, later, from a user's `--models DIR`), so supporting a new
library is a data change, the way CodeQL's models-as-data and Pysa's model files work.

Names are fully qualified (`subprocess.run`) for module-level APIs, `TYPE.method` for methods of a
value whose type the engine tracked (`dbapi.Cursor.execute`), and `*.method` for a method on any
receiver, used only for method names distinctive enough to be safe without a type. A view's
return value (the response body) is checked as the argument of the pseudo-call `web.View.return`.

Every flow has an *origin*. Most origins are trust kinds (`remote`, `local`, `env`): attacker-chosen
text, dangerous to every sink. *Dedicated* origins (`[engine] dedicated_origins`) are kinds of
value instead (a password, a predictable random number): only sinks whose model names them in
`origins` report them, so a password in a query is SQL injection because it is remote input, never
because it is a password. `[[label]]` models create such origins from names: data of the `from`
origins read, stored, passed or returned under a matching name also carries the label's origin.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from secreview.analysis.models.entries import EntryModel, HookModel, parse_entry, parse_hook
from secreview.analysis.models.files import (
    builtin_model_documents,
    parsed_model_file,
    user_model_files,
)
from secreview.analysis.models.records import (
    ALL_KINDS,
    HandlerAttribute,
    LabelModel,
    ReturnModel,
    SanitizerModel,
    SinkModel,
    SourceModel,
    name_words,
)
from secreview.analysis.models.schema import ModelError, check_model_document

__all__ = [
    "ALL_KINDS",
    "LabelModel",
    "ModelError",
    "Models",
    "ReturnModel",
    "SanitizerModel",
    "SinkModel",
    "SourceModel",
    "default_models",
    "load_models",
    "modelled_names",
    "modelled_packages",
    "name_words",
]


@dataclass(frozen=True, slots=True)
class Models:
    """Every model the engine uses, indexed by name for constant-time lookup."""

    source_names: dict[str, SourceModel] = field(default_factory=dict)
    source_calls: dict[str, SourceModel] = field(default_factory=dict)
    typed_sources: dict[str, dict[str, SourceModel]] = field(default_factory=dict)
    """type -> attribute -> source: `web.Request` -> `args` -> remote HTTP input."""
    object_types: dict[str, str] = field(default_factory=dict)
    """Qualified name of a module attribute -> the type of the object it is (`flask.request`)."""
    sinks: dict[str, tuple[SinkModel, ...]] = field(default_factory=dict)
    sanitizers: dict[str, SanitizerModel] = field(default_factory=dict)
    key_sanitizers: dict[str, tuple[SanitizerModel, ...]] = field(default_factory=dict)
    """`TYPE.__item__` -> the models of reading some constant keys of a value of TYPE."""
    returns: dict[str, tuple[ReturnModel, ...]] = field(default_factory=dict)
    """Call (or typed attribute) name -> the type of what it returns, first matching wins."""
    returned_types: frozenset[str] = frozenset()
    """Every type a `returns` model gives: what a project helper may hand on to its callers."""
    parameter_types: dict[str, str] = field(default_factory=dict)
    """Parameter name or annotation -> type (`request` -> `web.Request`)."""
    parameter_scopes: dict[str, frozenset[str]] = field(default_factory=dict)
    """Parameter name -> the only functions (by decorator or own name) where it has its type."""
    view_base_suffixes: tuple[str, ...] = ()
    frameworks: tuple[str, ...] = ()
    """Modules whose import makes `request`-named parameters HTTP requests (see web.toml)."""
    view_methods: frozenset[str] = frozenset()
    """Methods of class-based views that receive `(self, request, *url_arguments)`."""
    view_attributes: dict[str, SourceModel] = field(default_factory=dict)
    """Attributes of a class-based view holding request data (`self.kwargs`)."""
    consuming_sinks: frozenset[str] = frozenset()
    """Sink kinds whose call results do not carry the input (query rows, file objects)."""
    route_decorators: frozenset[str] = frozenset()
    """Method names of decorators that make a function an HTTP view (`route`, `get`, ...)."""
    clean_annotations: frozenset[str] = frozenset()
    """Annotations of view parameters the framework validates into a safe value (`int`)."""
    framework_annotations: frozenset[str] = frozenset()
    """Annotations of view parameters the framework fills with non-request objects."""
    pattern_types: dict[str, str] = field(default_factory=dict)
    """Library string types the framework checks against a pattern before the view runs
    (fideslang's `FidesKey`), by qualified name -> the pattern, as pydantic 2 checks
    `StringConstraints(pattern=...)`: searched, `$` the end of the text (`pattern_types.py`)."""
    request_handler_bases: frozenset[str] = frozenset()
    """Base classes whose instances' attributes are request data (`http.server` handlers)."""
    handler_attributes: dict[str, tuple[HandlerAttribute, ...]] = field(default_factory=dict)
    """Attribute name -> what it holds in the handlers of each family of `request_handler_bases`
    that names it (a handler takes the first family it derives from)."""
    entries: tuple[EntryModel, ...] = ()
    """Functions frameworks call with client data beyond routed views (see `entries.py`)."""
    hooks: tuple[HookModel, ...] = ()
    """Methods frameworks run on a view before its handler method (see `entries.py`)."""
    labels: tuple[LabelModel, ...] = ()
    dedicated_origins: frozenset[str] = frozenset()
    """Origins that are kinds of value, not of trust: reported only by sinks naming them."""
    _labels_by_name: dict[str, tuple[LabelModel, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def names_any(self, names: list[str]) -> bool:
        """Whether a source, sink, sanitiser or return model names one of a call's `names`."""
        return any(
            name in self.sinks
            or name in self.returns
            or name in self.source_calls
            or name in self.sanitizers
            for name in names
        )

    def labels_for(self, name: str) -> tuple[LabelModel, ...]:
        """The labels whose patterns match `name` (memoised: names repeat across a scan)."""
        found = self._labels_by_name.get(name)
        if found is None:
            words = name_words(name)
            found = tuple(label for label in self.labels if label.matcher.fullmatch(words))
            if len(self._labels_by_name) < 100_000:
                self._labels_by_name[name] = found
        return found


def _strings(table: dict[str, object], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ModelError(f"{where}: `{key}` must be a list of strings")
    return tuple(value)


def _keys(table: dict[str, object], key: str, where: str) -> tuple[str, ...]:
    """Keywords and positions (as digits) of a sink condition: `["secure", 6]`."""
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise ModelError(f"{where}: `{key}` must be a list of keywords and positions")
    return tuple(str(v) for v in value)


def _label(table: dict[str, object], where: str) -> LabelModel:
    """One `[[label]]` table, its patterns compiled into one matcher."""
    if "origin" not in table:
        raise ModelError(f"{where}: every [[label]] needs an `origin`")
    patterns = _strings(table, "names", where)
    origins = _strings(table, "from", where)
    if not patterns or not origins:
        raise ModelError(f"{where}: [[label]] `{table['origin']}` needs `from` and `names`")
    try:
        matcher = re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error as error:
        message = f"{where}: [[label]] `{table['origin']}` has a bad pattern ({error})"
        raise ModelError(message) from error
    return LabelModel(
        origin=str(table["origin"]),
        note=str(table.get("note", table["origin"])),
        origins=origins,
        patterns=patterns,
        matcher=matcher,
    )


def _merge(models: dict[str, object], data: dict[str, object], where: str) -> None:
    """Add one parsed TOML document to the mutable `models` being built."""
    for table in data.get("source", []):
        source = SourceModel(
            origin=str(table.get("origin", "remote")),
            note=str(table.get("note", "untrusted input")),
            names=_strings(table, "names", where),
            calls=_strings(table, "calls", where),
            returns_arguments=bool(table.get("returns_arguments", False)),
            safe_for=_strings(table, "safe_for", where),
            safe_in=_strings(table, "safe_in", where),
        )
        for name in source.names:
            models["source_names"][name] = source
        for name in source.calls:
            models["source_calls"][name] = source
        object_type = table.get("type")
        if object_type:
            for attribute in _strings(table, "attributes", where):
                models["typed_sources"].setdefault(str(object_type), {})[attribute] = source
    for table in data.get("object", []):
        for name in _strings(table, "names", where):
            models["object_types"][name] = str(table["type"])
    for table in data.get("sink", []):
        if "kind" not in table:
            raise ModelError(f"{where}: every [[sink]] needs a `kind`")
        sink = SinkModel(
            kind=str(table["kind"]),
            calls=_strings(table, "calls", where),
            args=tuple(int(a) for a in table.get("args", [])),
            keywords=_strings(table, "keywords", where),
            all_args=bool(table.get("all_args", False)),
            argv0=bool(table.get("argv0", False)),
            shell_argv=bool(table.get("shell_argv", False)),
            argv_from=int(table.get("argv_from", 0)),
            receiver=bool(table.get("receiver", False)),
            receivers=_strings(table, "receivers", where),
            arg_patterns=tuple(
                sorted((int(k), str(v)) for k, v in dict(table.get("arg_patterns", {})).items())
            ),
            when=tuple(sorted(dict(table.get("when", {})).items())),
            unless=tuple(
                sorted((str(k), tuple(v)) for k, v in dict(table.get("unless", {})).items())
            ),
            unset=_keys(table, "unset", where),
            origins=frozenset(_strings(table, "origins", where)),
            named_by=_keys(table, "named_by", where),
            headers=str(table.get("headers", "")),
            unless_typed=bool(table.get("unless_typed", False)),
            spread=bool(table.get("spread", False)),
            note=str(table.get("note", "")),
        )
        for name in sink.calls:
            models["sinks"].setdefault(name, []).append(sink)
    for table in data.get("sanitizer", []):
        sanitizer = SanitizerModel(
            calls=_strings(table, "calls", where),
            protects=_strings(table, "protects", where),
            note=str(table.get("note", "")),
            keys=_strings(table, "keys", where),
        )
        for name in sanitizer.calls:
            if sanitizer.keys:
                models["key_sanitizers"].setdefault(name, []).append(sanitizer)
            else:  # a call two models name protects what both say (`json.dumps`)
                models["sanitizers"][name] = _merged(models["sanitizers"].get(name), sanitizer)
    for table in data.get("returns", []):
        returned = ReturnModel(
            type=str(table["type"]),
            when=tuple(sorted(dict(table.get("when", {})).items())),
            when_types=tuple(
                sorted((str(k), tuple(v)) for k, v in dict(table.get("when_types", {})).items())
            ),
            arg_patterns=tuple(
                sorted((int(k), str(v)) for k, v in dict(table.get("arg_patterns", {})).items())
            ),
        )
        for name in _strings(table, "calls", where):
            # Conditional models first, in the order written, so `XMLParser(resolve_entities=
            # False)` wins over a default and a narrower condition written first over a wider one.
            known = models["returns"].setdefault(name, [])
            conditions = sum(1 for model in known if model.conditional)
            known.insert(conditions if returned.conditional else len(known), returned)
    for table in data.get("parameter", []):
        within = frozenset(_strings(table, "within", where))
        for name in _strings(table, "names", where):
            models["parameter_types"][name] = str(table["type"])
            if within:
                models["parameter_scopes"][name] = within
    for table in data.get("pattern_type", []):
        for name in _strings(table, "names", where):
            models["pattern_types"][name] = str(table["pattern"])
    web = data.get("web", {})
    models["view_base_suffixes"] += _strings(web, "view_base_suffixes", where)
    models["frameworks"] += _strings(web, "frameworks", where)
    models["view_methods"] |= set(_strings(web, "view_methods", where))
    for attribute in _strings(web, "view_attributes", where):
        models["view_attributes"][attribute] = SourceModel(
            origin="remote", note="request data of a class-based view"
        )
    engine = data.get("engine", {})
    models["consuming_sinks"] |= set(_strings(engine, "consuming_sinks", where))
    models["dedicated_origins"] |= set(_strings(engine, "dedicated_origins", where))
    models["labels"] += tuple(_label(table, where) for table in data.get("label", []))
    models["entries"] += tuple(parse_entry(table) for table in data.get("entry", []))
    models["hooks"] += tuple(parse_hook(table) for table in data.get("hook", []))
    for key in ("route_decorators", "clean_annotations", "framework_annotations"):
        models[key] |= set(_strings(web, key, where))
    for table in data.get("handler", []):
        bases = frozenset(_strings(table, "bases", where))
        models["request_handler_bases"] |= bases
        origin, note = str(table.get("origin", "remote")), str(table.get("note", "request data"))
        source = SourceModel(origin, note, safe_for=_strings(table, "safe_for", where))
        kind = str(table["type"]) if "type" in table else None
        for attribute in _strings(table, "attributes", where):
            held = HandlerAttribute(bases, source, kind)
            models["handler_attributes"][attribute] = (
                *models["handler_attributes"].get(attribute, ()),
                held,
            )


def _merged(known: SanitizerModel | None, added: SanitizerModel) -> SanitizerModel:
    """`added`, also protecting what an earlier model of the same call protects."""
    if known is None:
        return added
    protects = tuple(dict.fromkeys((*known.protects, *added.protects)))
    return added._replace(protects=protects, note=f"{known.note}; {added.note}")


def load_models(extra_dirs: Iterable[Path] = ()) -> Models:
    """The built-in models, extended by every `*.toml` file in `extra_dirs` (later files win)."""
    building: dict[str, object] = {
        "source_names": {},
        "source_calls": {},
        "typed_sources": {},
        "object_types": {},
        "sinks": {},
        "sanitizers": {},
        "key_sanitizers": {},
        "returns": {},
        "view_base_suffixes": (),
        "frameworks": (),
        "view_methods": set(),
        "view_attributes": {},
        "consuming_sinks": set(),
        "parameter_types": {},
        "parameter_scopes": {},
        "route_decorators": set(),
        "clean_annotations": set(),
        "framework_annotations": set(),
        "pattern_types": {},
        "request_handler_bases": set(),
        "handler_attributes": {},
        "labels": (),
        "entries": (),
        "hooks": (),
        "dedicated_origins": set(),
    }
    documents = builtin_model_documents()
    for directory in extra_dirs:
        documents.extend(
            (where, parsed_model_file(text, where))
            for where, text in user_model_files(Path(directory))
        )
    for where, data in documents:
        check_model_document(data, where)
        _merge(building, data, where)
    building["sinks"] = {name: tuple(sinks) for name, sinks in building["sinks"].items()}
    building["key_sanitizers"] = {n: tuple(k) for n, k in building["key_sanitizers"].items()}
    building["returns"] = {name: tuple(r) for name, r in building["returns"].items()}
    returned = building["returns"].values()
    building["returned_types"] = frozenset(r.type for rs in returned for r in rs)
    for key in (
        "view_methods",
        "consuming_sinks",
        "route_decorators",
        "clean_annotations",
        "framework_annotations",
        "request_handler_bases",
        "dedicated_origins",
    ):
        building[key] = frozenset(building[key])
    return Models(**building)  # type: ignore[arg-type]


@functools.cache
def default_models() -> Models:
    """The built-in models, loaded once per process (nothing ever changes them)."""
    return load_models()


def modelled_names(models: Models) -> frozenset[str]:
    """Every module-level name a model gives (`os.system`, `flask.request`): what a star import
    of a library is known to bind (`secreview.index.import_names.star_binding`)."""
    tables: tuple[Iterable[str], ...] = (
        models.source_names,
        models.source_calls,
        models.object_types,
        models.sinks,
        models.sanitizers,
        models.returns,
        models.frameworks,
        models.request_handler_bases,
    )
    return frozenset(name for table in tables for name in table if not name.startswith("*"))


def modelled_packages(models: Models) -> frozenset[str]:
    """The top-level packages whose names the models spell (`os`, `flask`, `cherrypy`).

    A package of the scanned tree that is one of them is a library the models describe by its
    public names (`cherrypy.url`, `os.system`): the cross-module pass must not follow its
    re-exports to where it defines them (`cherrypy._helper.url`, `posix.system`), which no
    model names.
    """
    return frozenset(name.partition(".")[0] for name in modelled_names(models))
