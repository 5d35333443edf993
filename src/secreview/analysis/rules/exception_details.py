"""CWE-209: exception details sent to web clients (`exception-details-in-response`).

The rule looks for a *value* going somewhere it should not: the text of a caught exception (or a
formatted traceback) reaching an HTTP response. Logging the exception on the server is what should
happen instead, and is never reported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.crypto_names import name_words
from secreview.analysis.rules._support.debug_helpers import shown_only_in_development
from secreview.analysis.rules._support.exception_origins import (
    INPUT_ERRORS,
    names_client_condition,
    own_or_value_errors,
    parses_request_text,
)
from secreview.analysis.rules._support.quiet_helpers import kept_on_server
from secreview.analysis.rules._support.web_handlers import is_route_decorated, scope_nodes
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

# Exceptions whose message is written for the client (validation errors, HTTP errors).
_CLIENT_FACING_SUFFIXES = ("ValidationError", "HTTPException", "APIException", "BadRequest")
_CLIENT_FACING_MODULES = (
    "werkzeug.exceptions.",
    "rest_framework.exceptions.",
    "fastapi.exceptions.",
    "starlette.exceptions.",
    "webob.exc.",
)
_CLIENT_FACING_NAMES = INPUT_ERRORS | frozenset(
    {"django.http.Http404", "django.core.exceptions.PermissionDenied", "fastapi.HTTPException"}
)
# Attributes of a caught exception that carry its message, arguments or traceback.
_REVEALING_ATTRIBUTES = frozenset(
    {"args", "message", "msg", "strerror", "filename", "__traceback__", "__cause__", "__context__"}
)
_TRACEBACK_FUNCTIONS = frozenset(
    {
        "traceback.format_exc",
        "traceback.format_exception",
        "traceback.format_tb",
        "traceback.format_stack",
        "traceback.extract_tb",
        "sys.exc_info",
    }
)
_TEXT_CALLS = frozenset({"str", "repr", "format", "ascii"})
_FRAMEWORKS = (
    "flask", "werkzeug", "django", "rest_framework", "fastapi", "starlette", "quart", "webob",
)  # fmt: skip
_WEBOB_ERRORS = "webob.exc.HTTP"
"""`webob.exc.HTTPBadRequest(explanation=...)`: OpenStack-style APIs answer errors with these."""
_CONTROLLER_MODULES = ("webob", "pecan", "oslo_log", "oslo_config", "oslo_service", "routes")
"""Modules whose API controllers return the response body (a `fault` dict) from methods."""
_RESPONSE_NAMES = frozenset(
    {
        "jsonify",
        "make_response",
        "abort",
        "Response",
        "JSONResponse",
        "PlainTextResponse",
        "HTMLResponse",
        "HttpResponse",
        "HttpResponseBadRequest",
        "HttpResponseServerError",
        "JsonResponse",
        "HTTPException",
    }
)


_RESPONSE_CALLS = frozenset(
    {
        "aiohttp.web.Response",
        "aiohttp.web.json_response",
        "sanic.response.json",
        "sanic.response.text",
        "sanic.response.html",
        "sanic.json",
        "sanic.text",
        "sanic.html",
        "pyramid.response.Response",
        "bottle.HTTPResponse",
        "bottle.HTTPError",
        "falcon.HTTPError",
    }
)
_RESPONSE_PREFIXES = ("aiohttp.web.HTTP", "pyramid.httpexceptions.HTTP", "falcon.HTTP")
"""HTTP errors whose text (`text=`, `explanation=`, `description=`) is the response body."""
_HANDLER_MODULES = ("tornado", "http.server", "socketserver")
_HANDLER_WRITES = frozenset({"write", "finish", "send_error"})
"""A class-based handler's own response methods (Tornado's `self.write`, `http.server`'s
`self.send_error(500, message)`, whose message is shown in the error page)."""


def _is_response_call(node: ast.AST, context: ModuleContext) -> bool:
    """A framework call that builds or raises an HTTP response (`jsonify`, `HttpResponse`...)."""
    if not isinstance(node, ast.Call):
        return False
    if _is_handler_write(node, context):
        return True
    name = context.call_name(node) or ""
    if name.startswith((_WEBOB_ERRORS, *_RESPONSE_PREFIXES)) or name in _RESPONSE_CALLS:
        return True
    return name.split(".")[0] in _FRAMEWORKS and name.rsplit(".", 1)[-1] in _RESPONSE_NAMES


def _is_handler_write(call: ast.Call, context: ModuleContext) -> bool:
    """`self.write(...)`, `self.finish(...)`, `self.send_error(...)` or `self.wfile.write(...)` in
    a method of a request handler class (`_is_request_handler`), Tornado's or `http.server`'s."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    owner = func.value
    if func.attr == "write" and isinstance(owner, ast.Attribute) and owner.attr == "wfile":
        owner = owner.value
    elif func.attr not in _HANDLER_WRITES:
        return False
    if not (isinstance(owner, ast.Name) and owner.id == "self"):
        return False
    return _is_request_handler(context.enclosing_function(call), context)


_REQUEST_HANDLERS = frozenset(
    {
        "http.server.BaseHTTPRequestHandler",
        "http.server.SimpleHTTPRequestHandler",
        "http.server.CGIHTTPRequestHandler",
    }
)
"""The standard library's request handlers: their methods answer a client through `self`."""


def _is_request_handler(function: ast.AST | None, context: ModuleContext) -> bool:
    """Whether `function` is a method of a request handler class: one derived, here or through
    classes of this module, from `http.server`'s request handler or, in a module importing a
    handler framework, from a class named `...Handler` (Tornado's `RequestHandler`, a project's
    `BaseHandler` over it). Its methods answer a client through `self`."""
    owner = context.parent(function) if function is not None else None
    pending = [owner] if isinstance(owner, ast.ClassDef) else []
    named = context.imports_any(_HANDLER_MODULES)
    seen: set[str] = set()
    while pending:
        current = pending.pop()
        seen.add(current.name)
        for base in current.bases:
            resolved = context.resolve(base)
            if resolved in _REQUEST_HANDLERS or (
                named and (resolved or context.one_line(base)).endswith("Handler")
            ):
                return True
            if isinstance(base, ast.Name) and base.id not in seen:
                pending.extend(
                    s
                    for s in context.tree.body
                    if isinstance(s, ast.ClassDef) and s.name == base.id
                )
    return False


def _answers_through_handler(node: ast.AST) -> bool:
    """`send_json(self, 400, message)`: in a request handler, a call given the handler and an
    HTTP status sends the client a response (its own `self.send_error`, `self.write` and
    `self.wfile.write` are `_is_handler_write`'s)."""
    if not isinstance(node, ast.Call):
        return False
    handler = any(isinstance(a, ast.Name) and a.id == "self" for a in node.args)
    status = any(
        isinstance(a, ast.Constant) and type(a.value) is int and 100 <= a.value <= 599
        for a in node.args
    )
    return handler and status


def _is_controller_base(base: ast.expr, context: ModuleContext) -> bool:
    """`wsgi.Controller` (any OpenStack project's), or a `...Controller` in a WebOb service."""
    name = context.resolve(base) or context.one_line(base)
    if name.endswith("wsgi.Controller"):
        return True
    return name.endswith("Controller") and context.imports_any(_CONTROLLER_MODULES)


def _is_api_controller_method(function: ast.AST, context: ModuleContext) -> bool:
    """A method of an OpenStack-style API controller (`class ServersController(wsgi.Controller)`)
    in a WSGI/pecan service: what it returns is serialised as the response body."""
    owner = context.parent(function)
    return isinstance(owner, ast.ClassDef) and any(
        _is_controller_base(base, context) for base in owner.bases
    )


def _exception_text(
    node: ast.AST,
    caught: str | None,
    tainted: set[str],
    context: ModuleContext,
    skip: ast.AST | None = None,
) -> ast.AST | None:
    """The part of `node` that carries exception details, if any (not looking into responses).

    `str(e)`, `repr(e)`, `f"{e}"`, `e.args` and `traceback.format_exc()` count; `type(e).__name__`,
    `e.code` or `isinstance(e, ...)` do not.
    """
    pending: list[ast.AST] = [node]
    while pending:
        current = pending.pop()
        if current is skip or (current is not node and _is_response_call(current, context)):
            continue  # reported on its own (or `skip`, a debug-only helper's call)
        if isinstance(current, ast.Call):
            called = context.call_name(current)
            if called in _TRACEBACK_FUNCTIONS:
                return current
            if called in {"type", "isinstance", "issubclass", "len", "bool", "id"}:
                continue
        if (
            isinstance(current, ast.Attribute)
            and isinstance(current.value, ast.Name)
            and current.value.id == caught
        ):
            if current.attr in _REVEALING_ATTRIBUTES or _names_trace(current.attr):
                return current
            continue
        if isinstance(current, ast.Compare | ast.Lambda):
            continue
        if (
            isinstance(current, ast.Name)
            and isinstance(current.ctx, ast.Load)
            and (current.id == caught or current.id in tainted)
        ):
            return current
        pending.extend(ast.iter_child_nodes(current))
    return None


def _names_trace(attribute: str) -> bool:
    """`e.serverStackTrace`, `e.stack_trace`, `e.traceback`: a trace an exception carries (a
    remote server's, as Ice's exceptions do) shows code and paths like a local traceback; a
    `trace_id` is an id to quote, not a trace."""
    words = name_words(attribute)
    return bool(words) and words[-1] in ("trace", "traceback", "stacktrace")


def _is_client_facing(handler: ast.ExceptHandler, context: ModuleContext) -> bool:
    """Whether every exception caught is one whose message is meant for the client."""
    if handler.type is None:
        return False
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = [context.resolve(t) or context.one_line(t) for t in types]
    return all(
        name.endswith(_CLIENT_FACING_SUFFIXES)
        or name.startswith(_CLIENT_FACING_MODULES)
        or name in _CLIENT_FACING_NAMES
        or names_client_condition(name)
        for name in names
    )


def _tainted_names(handler: ast.ExceptHandler, context: ModuleContext) -> set[str]:
    """Names assigned exception details inside the handler (`message = str(error)`)."""
    tainted: set[str] = set()
    assignments = [n for n in scope_nodes(handler.body) if isinstance(n, ast.Assign)]
    for _ in range(3):  # chains longer than three hops are rare enough to ignore
        for assignment in assignments:
            # Passing the statement keeps `response = make_response(str(e))` out: the response
            # call is reported itself, returning it later is not a second leak.
            if _exception_text(assignment, handler.name, tainted, context) is not None:
                tainted.update(
                    t.id
                    for target in assignment.targets
                    for t in ast.walk(target)
                    if isinstance(t, ast.Name)
                )
    return tainted


@rule(
    id="exception-details-in-response",
    name="Exception details returned to the HTTP client",
    cwe=209,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="A web handler puts the text of a caught exception or a traceback in its response.",
    fix="Log the exception on the server (`logger.exception(...)`) and return a generic message "
    "with an error id the client can quote, e.g. `jsonify(error='internal error', id=error_id), "
    "500`.",
    what_it_does="Reports `except` handlers that build a framework response (`jsonify`, "
    "`make_response`, `HttpResponse`, `JsonResponse`, `JSONResponse`, "
    "`HTTPException(detail=...)`, `abort`, WebOb's `webob.exc.HTTP*(explanation=...)`, "
    "aiohttp's `json_response` and `HTTP*(text=...)`, Sanic's `json`/`text`, a Tornado or "
    "`http.server` handler's `self.write`/`finish`/`send_error`/`wfile.write`) from "
    "the caught exception (`str(e)`, `repr(e)`, "
    "`f'{e}'`, `e.args`) or from `traceback.format_exc()`, and, in route functions "
    "(`@app.route`, `@router.get`, `@api_view`) and methods of OpenStack-style API "
    "controllers (`class ServersController(wsgi.Controller)` in a WebOb, pecan or oslo "
    "service), whose return value is the response (a returned `fault` dict included), "
    "handlers that return such text; in methods of an `http.server` request handler, also a "
    "call given the handler and an HTTP status (`send_json(self, 400, str(e))`). Handlers that "
    "only catch validation or HTTP errors, or errors named for what was wrong with the request "
    "(`...NotFound`, `...AlreadyExists`, `...DoesNotExist`, `RateLimit`, `...Forbidden`; not "
    "the builtin `FileNotFoundError`), whose messages are written for the client, are not "
    "reported; those catching only the project's own exceptions or `ValueError`/`KeyError` "
    "are medium confidence; text a helper of the project shows only under a debug flag "
    "(`debug_error_message(str(e))` returning it only `if config.DEBUG:`) is low; an exception "
    "handed to a helper that only logs or tests it (`return handle_error(e)`) is not reported.",
    why_bad="Exception messages and tracebacks describe the inside of the application: file "
    "paths, library versions, SQL statements and table names, host names, sometimes connection "
    "strings with passwords. Sending them to the client hands an attacker a map of the system "
    "and tells them which of their probes got furthest.",
    example="@app.get('/report')\ndef report():\n    try:\n        return build_report()\n"
    "    except Exception as error:\n        return jsonify(error=str(error)), 500",
    use_instead="@app.get('/report')\ndef report():\n    try:\n        return build_report()\n"
    "    except Exception:\n        logger.exception('report failed')\n"
    "        return jsonify(error='internal error'), 500",
    references=(
        "https://docs.python.org/3/library/traceback.html#traceback.format_exc",
        "https://flask.palletsprojects.com/en/stable/errorhandling/",
        "https://owasp.org/www-community/Improper_Error_Handling",
        "https://cwe.mitre.org/data/definitions/209.html",
    ),
    visits=(ast.ExceptHandler,),
)
def exception_details_in_response(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report exception text or tracebacks that a web handler's `except` block sends back."""
    assert isinstance(node, ast.ExceptHandler)
    if _is_client_facing(node, context) or parses_request_text(node, context):
        return
    function = context.enclosing_function(node)
    # What a route function returns is the response body; elsewhere only a response object is.
    returns_reach_client = function is not None and (
        is_route_decorated(function, context) or _is_api_controller_method(function, context)
    )
    tainted = _tainted_names(node, context)
    handler = _is_request_handler(function, context)
    for statement in scope_nodes(node.body):
        returned = isinstance(statement, ast.Return) and returns_reach_client
        answered = handler and _answers_through_handler(statement)
        if not (returned or answered or _is_response_call(statement, context)):
            continue
        sink = statement
        leak = _exception_text(statement, node.name, tainted, context)
        if leak is None:
            continue
        quiet = kept_on_server(leak, statement, context)  # `handle_error(e)` that only logs it
        if quiet is not None and not _exception_text(statement, node.name, tainted, context, quiet):
            continue
        # Only traceback calls and trace attributes are leaks by themselves.
        is_traceback = isinstance(leak, ast.Call) or (
            isinstance(leak, ast.Attribute) and _names_trace(leak.attr)
        )
        parent = context.parent(leak)
        while isinstance(parent, ast.Call) and context.call_name(parent) in _TEXT_CALLS:
            leak, parent = parent, context.parent(parent)  # show `str(e)`, not just `e`
        debug = shown_only_in_development(leak, statement, context)
        if debug and _exception_text(statement, node.name, tainted, context, debug[0]):
            debug = None  # the text also reaches the response another way
        yield Hit(
            node=sink,
            message=f"`{context.one_line(sink)}` sends `{context.one_line(leak)}` to the client; "
            + (
                "a traceback shows file paths, code and library versions"
                if is_traceback
                else "exception messages reveal internals such as paths, SQL or host names"
            )
            + " that help an attacker map the application."
            + (f" (Low confidence: shown only {debug[1]}, in development.)" if debug else ""),
            # A traceback is a leak whatever was caught.
            confidence=Confidence.LOW
            if debug
            else None
            if is_traceback or not own_or_value_errors(node, context)
            else Confidence.MEDIUM,
        )
