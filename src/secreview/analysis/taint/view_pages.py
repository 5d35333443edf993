"""Whether the text a view returns is served as an HTML page.

A string returned by a Flask, Quart or Bottle view, or by an exposed CherryPy handler, is the
body of a `text/html` response: those frameworks wrap it themselves (CherryPy's `json_out` tool
encodes it as JSON instead). FastAPI and Starlette encode a returned value as JSON, unless
the route names an HTML response class (`@app.get("/", response_class=HTMLResponse)`), which
then sends the string as it is. Django, aiohttp, Sanic and Falcon views return response objects,
whose constructors are the sinks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from secreview.index.context import ModuleContext

PAGE_FRAMEWORKS = ("flask", "quart", "bottle", "cherrypy")
"""Frameworks that serve a string a view returns as an HTML page."""
_HTML_RESPONSES = frozenset(
    {
        "fastapi.responses.HTMLResponse",
        "starlette.responses.HTMLResponse",
        "fastapi.HTMLResponse",
    }
)


def _json_out(decorator: ast.expr, context: ModuleContext) -> bool:
    """`@cherrypy.tools.json_out()`: the handler's return value is encoded as JSON."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (context.resolve(target) or "").endswith("tools.json_out")


def _html_response_class(decorator: ast.expr, context: ModuleContext) -> bool:
    """`@router.get("/", response_class=HTMLResponse)`."""
    if not isinstance(decorator, ast.Call):
        return False
    chosen = ModuleContext.keyword(decorator, "response_class")
    return chosen is not None and context.resolve(chosen) in _HTML_RESPONSES


def returns_html_page(
    function: ast.FunctionDef | ast.AsyncFunctionDef, context: ModuleContext
) -> bool:
    """Whether a string the view `function` returns is served as an HTML page."""
    if any(_json_out(d, context) for d in function.decorator_list):
        return False
    if any(context.imports_module(framework) for framework in PAGE_FRAMEWORKS):
        return True
    return any(_html_response_class(d, context) for d in function.decorator_list)


def returns_another_view(
    value: ast.expr | None,
    functions: Iterable[ast.FunctionDef | ast.AsyncFunctionDef],
    route_decorators: frozenset[str],
) -> bool:
    """`return main(request, user, page)` in a view: the result of another routed view of the
    module (a template response, often), whose own return was judged as the page."""
    if isinstance(value, ast.Await):
        value = value.value
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)):
        return False
    name = value.func.id
    return any(
        function.name == name
        and any(
            isinstance(d, ast.Call)
            and isinstance(d.func, ast.Attribute)
            and d.func.attr in route_decorators
            for d in function.decorator_list
        )
        for function in functions
    )
