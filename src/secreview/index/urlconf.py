"""The routes of a Django URLconf: which view each URL pattern calls, and with what pattern.

Django calls a view with the values its URL pattern captured, as keyword arguments named after
the pattern's groups. The pattern says what those values can hold: `path("<int:iid>/", ...)`
passes only digits, `re_path(r"^(?P<iid>[0-9]+)/$", ...)` likewise, and a request whose URL
does not match never reaches the view. So the URLconf, usually another module than the view's,
constrains a view argument the way a FastAPI pattern does (`taint/pattern_types.py`).

Each module records here every `path`, `re_path` or `url` call (django.urls, django.conf.urls)
it makes, in `urlpatterns` or not (omero-web binds each route to a module-level name first):
the view as the dotted name it is defined under (`views.render` through the module's imports,
`SomeView.as_view()` as its class, a string view of old Django as written, a view the module
wraps, `login_required(views.x)`, as the one wrapped), and the route as a regular expression
(a `path` route translated with Django's converters). An `include()` records `*` for its
view: its groups reach every view it includes. A route whose pattern is not a constant, or
that uses a converter the project registers itself, records no pattern: its view keeps the
reading it had (`taint/route_kinds.py` reads these across the project).

A route's extra keywords (`path("x/", view, kwargs={"next_page": "/"})`, or the dict given third,
`re_path(r"^x$", view, {"packages": [...]})`) are the program's own values, passed to the view
by name and winning over a capture of the same name: the view is recorded with them,
`view+next_page,packages`.
"""

from __future__ import annotations

import ast
import re

from secreview.index.context import ModuleContext
from secreview.index.facts import absolute_module
from secreview.patterns import lazy_pattern

_ROUTES = {
    "django.urls.path": "path",
    "django.urls.conf.path": "path",
    "django.urls.re_path": "regex",
    "django.urls.conf.re_path": "regex",
    "django.conf.urls.re_path": "regex",
    "django.conf.urls.url": "regex",
}
"""Django's route functions, by what their first argument is: a path with converters or a
regular expression."""
_INCLUDES = frozenset(
    {"django.urls.include", "django.urls.conf.include", "django.conf.urls.include"}
)

_CONVERTERS = {
    "int": "[0-9]+",
    "slug": "[-a-zA-Z0-9_]+",
    "uuid": "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    "str": "[^/]+",
    "path": ".+",
}
"""Django's own path converters, as the expressions it matches them with."""
_PATH_PARAMETER = lazy_pattern(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")

UNKNOWN = ""
"""The pattern recorded for a route whose pattern cannot be read."""


def url_routes(context: ModuleContext, module: str) -> tuple[str, ...]:
    """`view pattern` for each Django route the module declares (see the module docstring):
    the view's dotted name, a space, then the route as a regular expression (`UNKNOWN` when it
    cannot be read). A module that does not spell `django` and `path(` or `url(` declares none
    (the cheap test)."""
    text = context.text
    if "django" not in text or ("path(" not in text and "url(" not in text):
        return ()
    found: list[str] = []
    for node in context.nodes:
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        kind = _ROUTES.get(context.call_name(node) or "")
        if kind is None:
            continue
        view = _view_name(node.args[1], context, module)
        if view is None:
            continue
        route = context.constant_value(node.args[0])
        pattern = _path_regex(route) if kind == "path" else route
        keywords = _extra_keywords(node)
        view += f"+{','.join(keywords)}" if keywords else ""
        found.append(f"{view} {pattern if isinstance(pattern, str) else UNKNOWN}")
    return tuple(found)


def _extra_keywords(route: ast.Call) -> list[str]:
    """The names a route's extra keywords dict (`kwargs=` or its third argument) gives its
    view, when written as a dict with constant keys; none otherwise."""
    extra = next((k.value for k in route.keywords if k.arg == "kwargs"), None)
    if extra is None and len(route.args) > 2:
        extra = route.args[2]
    if not isinstance(extra, ast.Dict):
        return []
    return sorted(
        key.value
        for key in extra.keys
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.isidentifier()
    )


def _view_name(view: ast.expr, context: ModuleContext, module: str) -> str | None:
    """The dotted name of the view a route calls, `*` for an `include()`, None when unknown."""
    for _ in range(4):  # wrappers: login_required(views.x), csrf_exempt(View.as_view())
        if not isinstance(view, ast.Call):
            break
        if isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
            view = view.func.value
            break
        if context.call_name(view) in _INCLUDES:
            return "*"
        if not view.args:
            return None
        view = view.args[0]
    if isinstance(view, ast.Constant) and isinstance(view.value, str) and "." in view.value:
        return view.value  # old Django: the view's dotted path as a string
    return dotted_name(view, context, module)


def dotted_name(named: ast.expr, context: ModuleContext, module: str) -> str | None:
    """The dotted name `named` (a name or `module.name`) refers to, in the project or a
    library: this module's own binding, an import, or a relative import; None otherwise."""
    if isinstance(named, ast.Name) and named.id in context.module_bindings:
        return f"{module}.{named.id}"
    if not isinstance(named, ast.Name | ast.Attribute):
        return None
    return context.resolve(named) or _relative_name(named, context)


def _relative_name(view: ast.Name | ast.Attribute, context: ModuleContext) -> str | None:
    """`views.render` where `from . import views` bound `views` (the module context records no
    relative import: it names the project's own code), or None."""
    parts: list[str] = []
    while isinstance(view, ast.Attribute):
        parts.append(view.attr)
        view = view.value  # type: ignore[assignment]
    if not isinstance(view, ast.Name) or context.package is None:
        return None
    for statement in context.import_statements:
        if isinstance(statement, ast.ImportFrom) and statement.level:
            for alias in statement.names:
                if (alias.asname or alias.name) == view.id:
                    base = absolute_module(statement, context.package)
                    return ".".join([base, alias.name, *reversed(parts)]) if base else None
    return None


def _path_regex(route: object) -> str | None:
    """A `path()` route as the regular expression Django matches it with, or None when it is
    not a constant or names a converter of the project's own."""
    if not isinstance(route, str):
        return None
    parts: list[str] = []
    end = 0
    for match in _PATH_PARAMETER.finditer(route):
        converter = _CONVERTERS.get(match["converter"] or "str")
        if converter is None:
            return None
        parts += [re.escape(route[end : match.start()]), f"(?P<{match['name']}>{converter})"]
        end = match.end()
    parts.append(re.escape(route[end:]))
    return "^" + "".join(parts)
