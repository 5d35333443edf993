"""What a view's routes let each of its arguments hold: its decorators' converters, and
across the project, the Django routes that call it.

A route decorator's path names a converter for each URL part (Flask's `<int:id>`, Bottle's and
Sanic's `<id:int>`): `decorator_converters` reads them off the view itself.

`index/urlconf.py` records each route of every module: the view it calls and its pattern as a
regular expression. A named group of that pattern is the view's keyword argument of that name,
and it can hold only what the group can capture (`matched_alphabets.group_alphabets`): digits
for `(?P<iid>[0-9]+)` or `<int:iid>`, so nothing a log line, a path, a page or a query could be
forged with. The argument is then safe for the sink kinds none of whose dangerous characters
that alphabet holds (`matched_alphabets.alphabet_kinds`), as a FastAPI parameter with a
pattern is: `[\\w.]+` is no path, but one name (it may be `..`, not `../x`).

A pattern with no named group passes its groups by position instead (Django's
`RegexPattern.match`: `args = () if kwargs else match.groups()`), after the request:
`re_path(r"^(favicon\\.ico|favicon\\.svg)$", views.icon)` calls `icon(request, "favicon.ico")`.
Those captures are recorded as `#1`, `#2`, ... and given to the view's parameters in order
(`by_parameter`), when that view has no other route and no `include()` prefix of the project
passes groups by position (which would shift them).

A view reached by several routes holds what any of them passes: an argument is safe only for
what every route capturing it allows, and an `include()`'s prefix groups reach every view, so
they join each route's (the weakest wins). A route that captures nothing under that name passes
a default or its extra keywords instead, no request text. A view one of whose routes cannot be
read (its pattern is no constant) is left out whole, as is a view no route names: it keeps
today's reading.

A route's extra keywords (`kwargs={"next_page": "/"}`) win over a capture of the same name, so an
argument every route naming the view fills with them is the program's own value, whatever the
patterns (djblets' `register(request, next_page)`): it is safe for every kind. One route that
does not fill it (it captures it, or the view's default applies) leaves it as above.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from re import _parser as sre_parse  # type: ignore[attr-defined]  # private, stable since 3.11

from secreview.analysis.models import ALL_KINDS, Models
from secreview.analysis.taint.matched_alphabets import (
    alphabet_kinds,
    finite_groups,
    group_alphabets,
)
from secreview.index.context import ModuleContext
from secreview.index.urlconf import UNKNOWN
from secreview.patterns import lazy_pattern

_EVERY_KIND = frozenset({ALL_KINDS})
Groups = dict[str, frozenset[str]]

_TYPE_AFTER_NAME = frozenset({"int", "float", "uuid", "number", "path", "str", "strorempty"})
"""Converters that Bottle and Sanic write after the parameter's name (`<id:int>`), where Flask
writes them before it (`<int:id>`)."""
_CONVERTED_PART = lazy_pattern(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def decorator_converters(
    function: ast.FunctionDef | ast.AsyncFunctionDef, context: ModuleContext
) -> dict[str, str]:
    """Flask `<int:id>` converters of the paths of `function`'s decorators: parameter ->
    converter (`string` when none is named)."""
    found: dict[str, str] = {}
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and decorator.args:
            path = context.constant_value(decorator.args[0])
            if isinstance(path, str):
                for converter, name in _CONVERTED_PART.findall(path):
                    found[name] = converter or "string"
                    if converter and name in _TYPE_AFTER_NAME:  # Bottle, Sanic: `<id:int>`
                        found[converter] = name
    return found


def framework_route(
    decorator: ast.expr, qualified: Callable[[ast.AST], str | None], models: Models
) -> bool:
    """`@route("/x")` imported from a framework (Bottle's module-level decorators)."""
    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Name)):
        return False
    module, _, name = (qualified(decorator.func) or "").rpartition(".")
    return name in models.route_decorators and module in models.frameworks


def kwargs_defaults(
    function: ast.FunctionDef | ast.AsyncFunctionDef, view_kind: str | None
) -> dict[str, tuple[str, ...]]:
    """The arguments of a Django-style view (`request-first`) defaulting to a list, dict, set
    or tuple: no converter of Django's captures one (a capture is text, a number or a UUID), so
    the URLconf's extra keywords fill it (djblets' `cached_javascript_catalog(request,
    packages=[])`, routed with `{"packages": [...]}` by the applications using it): the
    program's own value, safe for every kind."""
    if view_kind != "request-first":
        return {}
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults = [
        *zip(
            positional[len(positional) - len(arguments.defaults) :],
            arguments.defaults,
            strict=True,
        ),
        *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True),
    ]
    containers = ast.List | ast.Dict | ast.Set | ast.Tuple
    return {p.arg: (ALL_KINDS,) for p, d in defaults if isinstance(d, containers)}


def route_kinds(
    routes_by_module: Mapping[str, tuple[str, ...]], defining_name: Callable[[str], str]
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Qualified name of each view the project's routes name -> each of its arguments a route
    constrains -> the sink kinds it is safe for (`ALL_KINDS` for every kind); only arguments
    safe for some kind are given. `routes_by_module` is each module's `url_routes`."""
    prefixes: Groups = {}
    views: dict[str, list[Groups] | None] = {}
    filled: dict[str, set[str]] = {}  # view -> the names every route's extra keywords give
    entries = [e for module in sorted(routes_by_module) for e in routes_by_module[module]]
    shifted = any(
        _positional(_group_kinds(e.partition(" ")[2], True)) for e in entries if e[:2] == "* "
    )
    for entry in entries:
        target, _, pattern = entry.partition(" ")
        target, _, keywords = target.partition("+")
        groups = _group_kinds(pattern, True) if pattern != UNKNOWN else None
        if target == "*":
            for name, kinds in (groups or {}).items():
                prefixes[name] = _meet(prefixes.get(name), kinds)
            continue
        view = defining_name(target)
        given = set(keywords.split(",")) if keywords else set()
        filled[view] = filled[view] & given if view in filled else given
        known = views.setdefault(view, [])
        positional = _positional(groups) or any(_positional(g) for g in known or ())
        if known is not None and groups is not None and not (positional and (known or shifted)):
            known.append(groups)
        else:
            views[view] = None
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for view, routes in sorted(views.items()):
        arguments: dict[str, tuple[str, ...]] = {}
        for name in sorted({name for groups in routes or () for name in groups}):
            kinds = prefixes.get(name)
            for groups in routes or ():
                if name in groups:
                    kinds = _meet(kinds, groups[name])
            if kinds:
                arguments[name] = tuple(sorted(kinds))
        arguments.update(dict.fromkeys(sorted(filled.get(view, ())), (ALL_KINDS,)))
        if arguments:
            found[view] = arguments
    return found


def matchdict_kinds(
    routes_by_module: Mapping[str, tuple[str, ...]],
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Qualified name of each Pyramid view the project's routes name (`module.func` or
    `module.Class.method`) -> each `request.matchdict` key a route constrains -> the sink kinds
    it is safe for. `routes_by_module` is each module's `pyramid_routes`.

    Route names are the application's, wherever declared: a name declared twice with
    different patterns, or with one that cannot be read, constrains nothing, and neither does
    a view one of whose routes is such a name (it keeps today's reading). A key a route does
    not capture is not in its `matchdict`: it holds what the routes capturing it allow."""
    patterns: dict[str, set[str]] = {}
    views: dict[str, set[str]] = {}
    for module in sorted(routes_by_module):
        for entry in routes_by_module[module]:
            kind, _, rest = entry.partition(" ")
            name, _, target = rest.partition(" ")
            if kind == "route":
                patterns.setdefault(name, set()).add(target)
            elif kind == "view":
                views.setdefault(target, set()).add(name)
    groups: dict[str, Groups | None] = {
        name: _group_kinds(next(iter(known))) if len(known) == 1 and UNKNOWN not in known else None
        for name, known in patterns.items()
    }
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for view, names in sorted(views.items()):
        routes = [groups.get(name) for name in sorted(names)]
        if not routes or any(route is None for route in routes):
            continue
        keys: dict[str, frozenset[str] | None] = {}
        for route in routes:
            for key, kinds in (route or {}).items():
                keys[key] = _meet(keys.get(key), kinds)
        safe = {key: tuple(sorted(kinds)) for key, kinds in sorted(keys.items()) if kinds}
        if safe:
            found[view] = safe
    return found


_HANDLERS = frozenset({"dispatch", "get", "post", "put", "patch", "delete", "head", "options"})
"""The methods of a Django class view that receive the route's captures."""


def _positional(groups: Groups | None) -> bool:
    """Whether a route's groups are passed by position (`#1`, `#2`: see the module docstring)."""
    return any(name.startswith("#") for name in groups or ())


def by_parameter(
    kinds: Mapping[str, tuple[str, ...]], view: ast.FunctionDef | ast.AsyncFunctionDef, method: bool
) -> dict[str, tuple[str, ...]]:
    """`kinds` with each capture passed by position (`#1`) given to the parameter receiving it:
    the first after the request (and after `self` for a class view's handler: `View.dispatch`
    calls `get(request, *args, **kwargs)`). Captures beyond the parameters go to `*args` and
    constrain nothing named."""
    parameters = [*view.args.posonlyargs, *view.args.args][2 if method else 1 :]
    if method and view.name not in _HANDLERS:
        parameters = []  # a helper of the class view, called by the class's own code
    found: dict[str, tuple[str, ...]] = {}
    for name, safe in kinds.items():
        if not name.startswith("#"):
            found[name] = safe
        elif int(name[1:]) <= len(parameters):
            found[parameters[int(name[1:]) - 1].arg] = safe
    return found


def _group_kinds(pattern: str, by_position: bool = False) -> Groups | None:
    """Each named group of `pattern` -> the sink kinds what it captures is safe for, or each
    group by its position (`#1`) when none is named and `by_position` (Django passes them by
    position then); None when the pattern does not compile, or passes groups by position when
    `by_position` is false."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    names: dict[str, int] = parsed.state.groupdict
    if not names and parsed.state.groups > 1 and not by_position:
        return None
    if not names:
        names = {f"#{number}": number for number in range(1, parsed.state.groups)}
    alphabets = group_alphabets(pattern)
    choices = {} if parsed.state.flags & re.IGNORECASE else finite_groups(pattern)[1]
    found: Groups = {}
    for name, number in names.items():
        alphabet = alphabets.get(number)
        kinds = alphabet_kinds(alphabet) if alphabet is not None else frozenset()
        # a group matching only a few strings the URLconf spells out passes one of them
        found[name] = _EVERY_KIND if kinds is None or number in choices else kinds
    return found


def _meet(kinds: frozenset[str] | None, other: frozenset[str]) -> frozenset[str]:
    """What two sets of safe kinds both allow (`None`: no route seen yet, so `other`)."""
    if kinds is None or kinds == _EVERY_KIND:
        return other
    if other == _EVERY_KIND:
        return kinds
    return kinds & other


def defining_modules(
    functions: Iterable[str], readers: frozenset[str] | set[str]
) -> frozenset[str]:
    """The modules among `readers` (those reading remote input) that define one of `functions`
    (a view `route_kinds` constrains, a helper `index.request_handoffs` finds): the per-file
    pass could not see the URLconf or the callers, so they are reviewed again with the
    project's index even when they import no other module of the project."""
    found: set[str] = set()
    for function in functions:
        module = function
        while "." in module:
            module = module.rpartition(".")[0]
            if module in readers:
                found.add(module)
                break
    return frozenset(found)


def routed_views(
    routes_by_module: Mapping[str, tuple[str, ...]], defining_name: Callable[[str], str]
) -> frozenset[str]:
    """Where every view the project's routes name is defined, whatever its patterns: a view
    another module also calls with the request is still a view (`index.request_handoffs`)."""
    return frozenset(
        defining_name(entry.partition(" ")[0].partition("+")[0])
        for entries in routes_by_module.values()
        for entry in entries
        if not entry.startswith("* ")
    )


_ROUTE_PARAMETER = lazy_pattern(r"[<{*]|/:")
"""A variable route part: Flask/Sanic `<name>`, FastAPI/aiohttp `{name}`, Bottle `:name`, `*`."""


def on_fixed_routes(node: ast.AST, route_decorators: Iterable[str], context: ModuleContext) -> bool:
    """Whether `node` is a view whose every route is a fixed path (`@app.get("/x")`, no
    `<name>`, `{name}` or `:name` part): its request path is one the program wrote."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    routes = [
        d
        for d in node.decorator_list
        if isinstance(d, ast.Call)
        and isinstance(d.func, ast.Attribute)
        and d.func.attr in route_decorators
    ]
    paths = [context.constant_value(r.args[0]) if r.args else None for r in routes]
    return bool(paths) and all(isinstance(p, str) and not _ROUTE_PARAMETER.search(p) for p in paths)
