"""Where one module configures logging, and whether that configuration renders JSON by default.

A JSON formatter (`pythonjsonlogger`, `json_log_formatter`, `ecs_logging`, a
`logging.Formatter` whose `format` returns `json.dumps(...)`) writes the
message as a JSON string: a line break inside it is the two characters `\\n`, so a logged value
cannot end the entry and forge the next (`log-injection`). Whether a project logs that way is a
fact of the whole project (`secreview.project_log_format` gathers it before the review); this
module reads one module's share of it: each configuration site and whether it renders JSON as
the program runs by default, with every environment variable and setting unset
(`os.environ.get("LOG_FORMAT", "json")` is `"json"`). A site whose formatter the scan cannot
name counts as plain text: only a configuration the code spells out makes the finding go.
`structlog.configure(processors=[..., JSONRenderer()])` is no site: it renders structlog's own
loggers, while `logging.getLogger(...)` loggers keep the standard library's handlers, plain text
unless one of the sites above makes them JSON.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

from secreview.credentials import ENVIRONMENT_LOOKUPS
from secreview.index.context import ModuleContext
from secreview.index.facts import is_main_guard
from secreview.index.folded_calls import UNKNOWN

JSON_FORMATTERS = frozenset(
    {
        "pythonjsonlogger.jsonlogger.JsonFormatter",
        "pythonjsonlogger.json.JsonFormatter",
        "pythonjsonlogger.orjson.OrjsonFormatter",
        "pythonjsonlogger.msgspec.MsgspecFormatter",
        "json_log_formatter.JSONFormatter",
        "json_log_formatter.VerboseJSONFormatter",
        "json_log_formatter.FlatJSONFormatter",
        "ecs_logging.StdlibFormatter",
    }
)
"""`logging.Formatter` classes whose output is one JSON object per record."""
JSON_DUMPS = frozenset({"json.dumps", "simplejson.dumps", "ujson.dumps", "orjson.dumps"})
_TEXT_METHODS = frozenset({"lower", "upper", "strip", "casefold"})
MARKERS = ("pythonjsonlogger", "json_log_formatter", "ecs_logging", "json.dumps")
"""Text one of whose modules must hold for a project to log JSON (read before any parse)."""
CONFIGURES = ("dictConfig", "setFormatter", "basicConfig", "LOGGING")
"""Text a module that configures logging holds (read before it is parsed)."""


class LoggingSites(NamedTuple):
    """One module's logging configurations."""

    sites: tuple[tuple[bool | str, bool], ...] = ()
    """For each site, in source order: whether it renders JSON by default (or the qualified
    name of another module's dict it hands to `dictConfig`, judged there), and whether it is
    Django's `LOGGING` (a web server's configuration wherever it is)."""
    dicts: tuple[tuple[str, bool], ...] = ()
    """(qualified name, renders JSON) for each module-level dict that configures logging, for
    the modules that import it."""
    fallback: bool = False
    """The module calls `logging.basicConfig` without `force=True`: that does nothing once the
    root logger has a handler, so it decides only where no other site does."""


def logging_sites(context: ModuleContext, module: str) -> LoggingSites:
    """The module's logging configurations (`LoggingSites`). Sites under `if __name__ ==
    "__main__":` (a module run as a script) are left out; `module` names the module (a
    `dictConfig` logger of its top package counts as its own)."""
    top = module.split(".", 1)[0]
    sites: list[tuple[bool | str, bool]] = []
    fallback = False
    for node in _outside_main(context.tree.body):
        if isinstance(node, ast.Assign) and _is_django_logging(context, node):
            sites.append((_dict_renders_json(context, node.value, top), True))  # type: ignore[arg-type]
        if not isinstance(node, ast.Call):
            continue
        name = context.call_name(node) or ""
        method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if name == "logging.config.dictConfig" and node.args:
            sites.append((_dict_site(context, node.args[0], top), False))
        elif name == "logging.basicConfig":
            forced = default_value(context, context.keyword(node, "force")) is True
            if forced and context.keyword(node, "handlers") is None:
                sites.append((False, False))  # a plain `%(message)s` format on the root logger
            fallback = fallback or (not forced and context.keyword(node, "handlers") is None)
        elif method == "setFormatter" and len(node.args) == 1:
            bound = _bound_value(context, node.args[0])
            sites.append((_formatter_is_json(context, bound), False))
    dicts = tuple(
        (f"{module}.{name}", _dict_renders_json(context, value, top))
        for name, value in context.module_constants.items()
        if isinstance(value, ast.Dict) and "handlers" in _entries(value)
    )
    return LoggingSites(tuple(sites), dicts, fallback)


def _dict_site(context: ModuleContext, node: ast.expr, top: str) -> bool | str:
    """A `dictConfig` argument judged: a dict of the module, or the qualified name of one
    another module of the project defines."""
    config = _dict_of(context, node)
    if config is not None:
        return _dict_renders_json(context, config, top)
    if isinstance(node, ast.Name) and node.id in context.import_aliases:
        return context.import_aliases[node.id]
    return False


def _outside_main(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node of `body` but those of `if __name__ == "__main__":` blocks."""
    for statement in body:
        if isinstance(statement, ast.If) and is_main_guard(statement.test):
            yield from _outside_main(statement.orelse)
            continue
        yield from ast.walk(statement)


def _is_django_logging(context: ModuleContext, node: ast.Assign) -> bool:
    """`LOGGING = {...}` at module level: Django hands it to `dictConfig` when the module is
    its settings."""
    return (
        context.parent(node) is context.tree
        and any(isinstance(t, ast.Name) and t.id == "LOGGING" for t in node.targets)
        and isinstance(node.value, ast.Dict)
    )


def _dict_of(context: ModuleContext, node: ast.expr) -> ast.Dict | None:
    """The dict literal `node` is, or the one a module name assigned once holds."""
    if isinstance(node, ast.Name):
        node = context.module_constants.get(node.id, node)  # type: ignore[assignment]
    return node if isinstance(node, ast.Dict) else None


def _entries(node: ast.AST | None) -> dict[object, ast.expr]:
    """A dict literal's constant keys and their values (nothing for another node)."""
    if not isinstance(node, ast.Dict):
        return {}
    return {
        key.value: value
        for key, value in zip(node.keys, node.values, strict=True)
        if isinstance(key, ast.Constant)
    }


def _dict_renders_json(context: ModuleContext, config: ast.Dict, top: str) -> bool:
    """Whether a `dictConfig` dictionary gives the root logger handlers, all formatting JSON by
    default, and no logger of the module's own package a handler that does not."""
    entries = _entries(config)
    if default_value(context, entries.get("incremental")) is True:
        return False  # it changes levels of a configuration made elsewhere
    formatters = {
        name: _formatter_entry_is_json(context, value)
        for name, value in _entries(entries.get("formatters")).items()
    }
    handlers = {
        name: formatters.get(default_value(context, _entries(value).get("formatter")), False)
        for name, value in _entries(entries.get("handlers")).items()
    }
    loggers = _entries(entries.get("loggers"))
    root = entries.get("root") or loggers.get("") or loggers.get("root")
    root_handlers = _names(context, _entries(root).get("handlers"))
    if not root_handlers or not all(handlers.get(h, False) for h in root_handlers):
        return False
    for name, logger in loggers.items():
        own = isinstance(name, str) and name.split(".", 1)[0] == top
        if own and not all(
            handlers.get(h, False) for h in _names(context, _entries(logger).get("handlers"))
        ):
            return False
    return True


def _names(context: ModuleContext, node: ast.AST | None) -> list[object]:
    """The handler names a list or tuple literal holds, each read with its default."""
    if not isinstance(node, ast.List | ast.Tuple):
        return []
    return [default_value(context, item) for item in node.elts]


def _formatter_entry_is_json(context: ModuleContext, entry: ast.expr) -> bool:
    """Whether a `formatters` entry builds a JSON formatter (its `()` factory or `class`);
    one naming neither is `logging.Formatter`."""
    fields = _entries(entry)
    factory = fields.get("()", fields.get("class"))
    if factory is None:
        return False
    if isinstance(factory, ast.Constant) and isinstance(factory.value, str):
        dotted = factory.value
        return dotted in JSON_FORMATTERS or _local_json_class(context, dotted.rpartition(".")[2])
    return _class_is_json(context, factory)


def _bound_value(context: ModuleContext, node: ast.expr) -> ast.expr:
    """What a local name handed to `setFormatter` was bound to, when one assignment in its
    function (or the module) binds it; else `node`."""
    if not isinstance(node, ast.Name):
        return node
    scope = context.enclosing_function(node) or context.tree
    values = [
        statement.value
        for statement in ast.walk(scope)
        if isinstance(statement, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == node.id for t in statement.targets)
    ]
    return values[0] if len(values) == 1 else node


def _formatter_is_json(context: ModuleContext, node: ast.expr) -> bool:
    """Whether `node` builds a JSON formatter (`JsonFormatter(...)`)."""
    return isinstance(node, ast.Call) and _class_is_json(context, node.func)


def _class_is_json(context: ModuleContext, node: ast.expr) -> bool:
    """Whether the class `node` names is a JSON formatter: a library's, or one of the module
    that derives from one or returns `json.dumps(...)` from `format`."""
    if isinstance(node, ast.Name) and _local_json_class(context, node.id):
        return True
    return context.resolve(node) in JSON_FORMATTERS


def _local_json_class(context: ModuleContext, name: str, depth: int = 0) -> bool:
    """Whether the module's class `name` formats JSON (through at most four local bases)."""
    for statement in context.tree.body:
        if isinstance(statement, ast.ClassDef) and statement.name == name and depth < 4:
            for base in statement.bases:
                if context.resolve(base) in JSON_FORMATTERS:
                    return True
                if isinstance(base, ast.Name) and _local_json_class(context, base.id, depth + 1):
                    return True
            return _format_returns_json(context, statement)
    return False


def _format_returns_json(context: ModuleContext, cls: ast.ClassDef) -> bool:
    """Whether the class's `format` method returns only `json.dumps(...)`."""
    for method in cls.body:
        if isinstance(method, ast.FunctionDef) and method.name == "format":
            returns = [n for n in ast.walk(method) if isinstance(n, ast.Return)]
            return bool(returns) and all(
                isinstance(r.value, ast.Call) and context.call_name(r.value) in JSON_DUMPS
                for r in returns
            )
    return False


def default_value(context: ModuleContext, node: ast.AST | None, depth: int = 0) -> object:
    """The value of `node` as the program runs with nothing set: an environment variable read
    with a default is that default, a conditional expression picks its branch by its folded
    test; UNKNOWN when the code does not say."""
    if node is None or depth > 8:
        return UNKNOWN
    match node:
        case ast.Constant(value=value):
            return value
        case ast.Name(id=name) if name in context.module_constants:
            return default_value(context, context.module_constants[name], depth + 1)
        case ast.IfExp(test=test, body=body, orelse=orelse):
            chosen = _default_test(context, test, depth + 1)
            if chosen is UNKNOWN:
                return UNKNOWN
            return default_value(context, body if chosen else orelse, depth + 1)
        case ast.Call(func=ast.Attribute(attr=attr, value=inner), args=[]) if attr in _TEXT_METHODS:
            text = default_value(context, inner, depth + 1)
            return getattr(text, attr)() if isinstance(text, str) else UNKNOWN
        case ast.Call(args=[_, fallback]) if context.call_name(node) in ENVIRONMENT_LOOKUPS:
            return default_value(context, fallback, depth + 1)
    return context.constant_value(node)


def _default_test(context: ModuleContext, test: ast.expr, depth: int) -> object:
    """A comparison `==`, `!=` or `in` of default values, else UNKNOWN."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return UNKNOWN
    left = default_value(context, test.left, depth)
    right = default_value(context, test.comparators[0], depth)
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    match test.ops[0]:
        case ast.Eq():
            return left == right
        case ast.NotEq():
            return left != right
    return UNKNOWN
