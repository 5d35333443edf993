"""What a Pyramid view's routes let a `request.matchdict` key hold.

`request.matchdict["id"]` is the part of the path the route's `{id}` captured, and the route's
pattern bounds it: one segment, digits for `{id:\\d+}` (`index/pyramid_routes.py`; the project's
routes are read across modules by `route_kinds.matchdict_kinds`). A read of such a key in the
view is safe for the sink kinds none of whose dangerous characters the pattern admits, as a
Django view's argument is (`parameters._routed_kinds`).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

MATCHDICT_TYPE = "web.Request.matchdict"
"""The type the models give `request.matchdict` (web.toml's request attributes)."""


def matchdict_key_kinds(
    routes: Mapping[str, Mapping[str, tuple[str, ...]]],
    module: str | None,
    class_name: str | None,
    function: ast.AST,
    key: object,
) -> tuple[str, ...]:
    """The sink kinds the routes of the view `function` (a module-level function, or a method
    of the module-level class `class_name`) let its `matchdict[key]` hold; none when no route
    constrains it."""
    if not routes or not module or not isinstance(key, str):
        return ()
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return ()
    owner = f"{module}.{class_name}" if class_name else module
    return routes.get(f"{owner}.{function.name}", {}).get(key, ())
