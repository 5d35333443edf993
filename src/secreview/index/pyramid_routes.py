"""The routes of a Pyramid application: each route's pattern, and which views it calls.

Pyramid matches a request's path against the patterns given to `config.add_route(name,
pattern)`, in the module that configures the application, and calls the views registered for
that route's name (`@view_config(route_name=name)` on a function or method, usually in another
module, or `config.add_view(view, route_name=name)`). The view reads what the pattern captured
from `request.matchdict`, and the pattern says what each capture can hold: `{id}` is one path
segment (no `/`), `{id:\\d+}` only digits, and a request whose path does not match never
reaches the view. So, as a Django URLconf does (`urlconf.py`), the configuration in one module
constrains the request data another module reads (`taint/route_kinds.pyramid_route_kinds`).

Each module records its routes as `route NAME REGEX` (the pattern as the regular expression
Pyramid matches it with, `urlconf.UNKNOWN` when it is no constant) and its views as
`view NAME DOTTED` (a module-level function, or `Class.method` of a module-level class).
"""

from __future__ import annotations

import ast
import re

from secreview.index.context import ModuleContext
from secreview.index.urlconf import UNKNOWN, dotted_name
from secreview.patterns import lazy_pattern

_VIEW_DECORATORS = frozenset({"pyramid.view.view_config"})
_VIEW_DEFAULTS = frozenset({"pyramid.view.view_defaults"})
_STAR = lazy_pattern(r"\*([A-Za-z_]\w*)")
"""A `*name` remainder: the rest of the path, as a tuple of segments in `matchdict`."""
_SEGMENT = "[^/]+"
"""What a `{name}` placeholder without a pattern matches: one path segment."""


def pyramid_routes(context: ModuleContext, module: str) -> tuple[str, ...]:
    """`route NAME REGEX` and `view NAME DOTTED` for each route and routed view the module
    declares (see the module docstring). A module that does not spell `pyramid` and one of
    `add_route`, `route_name` declares none (the cheap test)."""
    text = context.text
    if "pyramid" not in text or ("add_route" not in text and "route_name" not in text):
        return ()
    found: list[str] = []
    for node in context.nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            found += _configured(node, node.func.attr, context, module)
    for statement in context.tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            found += _decorated_views(statement, f"{module}.{statement.name}", None, context)
        elif isinstance(statement, ast.ClassDef):
            default = _route_name(statement.decorator_list, _VIEW_DEFAULTS, context)
            for item in statement.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    view = f"{module}.{statement.name}.{item.name}"
                    found += _decorated_views(item, view, default, context)
    return tuple(found)


def _configured(call: ast.Call, method: str, context: ModuleContext, module: str) -> list[str]:
    """The route or view a `config.add_route(...)` / `config.add_view(...)` call registers."""
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    if method == "add_route":
        name = _text(call.args[0] if call.args else keywords.get("name"), context)
        pattern = call.args[1] if len(call.args) > 1 else keywords.get("pattern")
        if name is None or pattern is None:
            return []
        regex = route_regex(context.constant_value(pattern))
        return [f"route {name} {regex if regex is not None else UNKNOWN}"]
    if method == "add_view":
        name = _text(keywords.get("route_name"), context)
        view = call.args[0] if call.args else keywords.get("view")
        dotted = _view_name(view, context, module) if view is not None else None
        if name is None or dotted is None or "attr" in keywords:
            return []
        return [f"view {name} {dotted}"]
    return []


def _view_name(view: ast.expr, context: ModuleContext, module: str) -> str | None:
    """The dotted name of a view `add_view` registers: a name or attribute, or the dotted
    string Pyramid resolves (`"tasks.views.legacy"`)."""
    written = context.constant_value(view)
    if isinstance(written, str):
        return written if "." in written and " " not in written else None
    return dotted_name(view, context, module)


def _decorated_views(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    view: str,
    default: str | None,
    context: ModuleContext,
) -> list[str]:
    """`view NAME DOTTED` for each `@view_config` of `function` naming a route (its own
    `route_name`, or the class's `@view_defaults` one)."""
    found: list[str] = []
    for decorator in function.decorator_list:
        if not isinstance(decorator, ast.Call):
            continue
        if context.call_name(decorator) not in _VIEW_DECORATORS:
            continue
        named = _route_name([decorator], _VIEW_DECORATORS, context) or default
        if named is not None:
            found.append(f"view {named} {view}")
    return found


def _route_name(
    decorators: list[ast.expr], kinds: frozenset[str], context: ModuleContext
) -> str | None:
    """The constant `route_name=` of the first of `decorators` that is one of `kinds`."""
    for decorator in decorators:
        if isinstance(decorator, ast.Call) and context.call_name(decorator) in kinds:
            named = next((k.value for k in decorator.keywords if k.arg == "route_name"), None)
            return _text(named, context)
    return None


def _text(node: ast.expr | None, context: ModuleContext) -> str | None:
    """The constant text of `node` when it is one word (a route name), else None."""
    value = context.constant_value(node) if node is not None else None
    return value if isinstance(value, str) and value and " " not in value else None


def route_regex(pattern: object) -> str | None:
    """A route pattern as the regular expression Pyramid matches it with: `{name}` one
    segment, `{name:regex}` that regex (braces inside it counted), `*name` the rest of the
    path; None when it is no constant or its braces do not close."""
    if not isinstance(pattern, str):
        return None
    parts: list[str] = ["^"]
    index = 0
    while index < len(pattern):
        character = pattern[index]
        if character == "{":
            end = _closing_brace(pattern, index)
            if end is None:
                return None
            name, _, regex = pattern[index + 1 : end].partition(":")
            if not name.strip().isidentifier():
                return None
            parts.append(f"(?P<{name.strip()}>{regex or _SEGMENT})")
            index = end + 1
        elif star := _STAR.match(pattern, index):
            parts.append(f"(?P<{star.group(1)}>.*)")
            index = star.end()
        else:
            parts.append(re.escape(character))
            index += 1
    return "".join(parts) + "$"


def _closing_brace(pattern: str, start: int) -> int | None:
    """The index of the brace closing the one at `start`, counting nested `{m,n}` braces."""
    depth = 0
    for index in range(start, len(pattern)):
        if pattern[index] == "{":
            depth += 1
        elif pattern[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return None
