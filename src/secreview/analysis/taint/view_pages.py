"""Whether the text a view returns is served as an HTML page.

A string returned by a Flask, Quart or Bottle view is the body of a `text/html` response: those
frameworks wrap it themselves. FastAPI and Starlette encode a returned value as JSON, unless
the route names an HTML response class (`@app.get("/", response_class=HTMLResponse)`), which
then sends the string as it is. Django, aiohttp, Sanic and Falcon views return response objects,
whose constructors are the sinks.
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

PAGE_FRAMEWORKS = ("flask", "quart", "bottle")
"""Frameworks that serve a string a view returns as an HTML page."""
_HTML_RESPONSES = frozenset(
    {
        "fastapi.responses.HTMLResponse",
        "starlette.responses.HTMLResponse",
        "fastapi.HTMLResponse",
    }
)


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
    if any(context.imports_module(framework) for framework in PAGE_FRAMEWORKS):
        return True
    return any(_html_response_class(d, context) for d in function.decorator_list)
