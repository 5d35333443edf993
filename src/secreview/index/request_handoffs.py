"""The project functions a module hands the request to: helpers, not views.

A Django view is a function whose first parameter is the request, and the framework calls it
with the URL's captures; the taint engine reads a module-level `def f(request, obj)` of a Django
project as one, so every parameter after the request is remote. Many helpers take the request
first too (`push_addressbook(request, addressbook)`, `render_form(request, form)`), and when the
helper sits in the module that calls it the engine sees the call and reads it as a helper. When
it sits in another module (`tasks.push_addressbook(request, abook)` in a viewset), the first pass
cannot see the call, and the helper's program-built arguments were taken for request data.

Each module records here the functions it calls with the request as the first argument
(`request`, `req` or `self.request`, or as `request=` when nothing is positional), named as
they are defined through its imports; the scanner gives the taint engine those that no route
names (`request_helpers`), and the engine reads them as helpers. Their flows are not lost:
the view that hands them the request is reviewed with their summaries, so what it passes them
is followed into them.

A call through a local name the module cannot resolve, `system.get_auth_url(request,
redirect_url=...)` where `system = AUTH_SYSTEMS[name]` picks one of several plugin modules, is
recorded as `*.get_auth_url`: each module of the project that binds a function of that name at
module level is such a plugin, and its function a helper (`request_helpers` expands the name).
The view methods of a class (`view.get(request)`) are not recorded this way.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping

from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of
from secreview.index.urlconf import dotted_name

_VIEW_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "dispatch", "as_view"}
)
"""Methods of class-based views, called with the request by the framework or a wrapper."""
REQUEST_NAMES = frozenset({"request", "req"})
"""The names a view's request parameter goes by: `taint/parameters.py` reads a Django function
whose first parameter is so named as a view, and a call handing one on as a helper's call."""


def request_handoffs(context: ModuleContext, module: str) -> tuple[str, ...]:
    """The dotted names of the functions the module calls with the request first, sorted; none
    in a module that does not spell `request` or `req` (the cheap test)."""
    if "req" not in context.text:
        return ()
    found: set[str] = set()
    for call in nodes_of(context, ast.Call):
        first = call.args[0] if call.args else _request_keyword(call)
        if first is not None and _is_request(first):
            name = dotted_name(call.func, context, module) or _plugin_name(call.func, context)
            if name is not None and "." in name:
                found.add(name)
    return tuple(sorted(found))


def _plugin_name(called: ast.expr, context: ModuleContext) -> str | None:
    """`*.get_auth_url` for `system.get_auth_url` called through a local name (not `self`,
    `cls`, an import or a module-level binding), unless it is named as a view method."""
    if not (isinstance(called, ast.Attribute) and isinstance(called.value, ast.Name)):
        return None
    owner = called.value.id
    if owner in ("self", "cls") or owner in context.module_bindings:
        return None
    if called.attr in _VIEW_METHODS or context.resolve(called.value) is not None:
        return None
    return f"*.{called.attr}"


def _request_keyword(call: ast.Call) -> ast.expr | None:
    """What a call without positional arguments passes as `request=` (or `req=`)."""
    return next((k.value for k in call.keywords if k.arg in REQUEST_NAMES), None)


def _is_request(argument: ast.expr) -> bool:
    """`request`, `req` or `self.request`."""
    if isinstance(argument, ast.Name):
        return argument.id in REQUEST_NAMES
    return (
        isinstance(argument, ast.Attribute)
        and argument.attr == "request"
        and isinstance(argument.value, ast.Name)
        and argument.value.id == "self"
    )


def request_helpers(
    handoffs_by_module: Mapping[str, tuple[str, ...]],
    routed: Iterable[str],
    defining_name: Callable[[str], str],
    bindings: Mapping[str, Iterable[str]],
) -> frozenset[str]:
    """Where each function some module hands the request to is defined, when that is a module
    of the project (`handoffs_by_module`'s keys; `render(request, ...)` is Django's), except
    those a route names (`routed`, already defining names): a routed view another view calls is
    still a view; `*.name` stands for each module whose `bindings` bind `name` itself (a def,
    not an import)."""
    handed = {defining_name(name) for names in handoffs_by_module.values() for name in names}
    plugins = {name[2:] for name in handed if name.startswith("*.")}
    handed |= {
        f"{module}.{name}"
        for module, bound in bindings.items()
        for name in plugins.intersection(bound)
    }
    own = {name for name in handed if name.rpartition(".")[0] in handoffs_by_module}
    return frozenset(own.difference(routed))
