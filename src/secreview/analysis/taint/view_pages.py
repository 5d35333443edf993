"""Whether the text a view returns is served as an HTML page.

A string returned by a Flask, Quart or Bottle view, or by an exposed CherryPy handler, is the
body of a `text/html` response: those frameworks wrap it themselves (CherryPy's `json_out` tool
and Quart-Schema's `validate_response` encode it as JSON instead). FastAPI and Starlette encode
a returned value as JSON, unless the route names an HTML response class (`@app.get("/",
response_class=HTMLResponse)`), which then sends the string as it is. Django, aiohttp, Sanic
and Falcon views return response objects, whose constructors are the sinks.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping

from secreview.analysis.taint.alphabets import as_text
from secreview.analysis.taint.caller_urls import fixed_start
from secreview.analysis.taint.media_types import renders_active
from secreview.index.context import UNKNOWN, ModuleContext

PAGE_FRAMEWORKS = ("flask", "quart", "bottle", "cherrypy", "twisted.web", "klein")
"""Frameworks that serve a string a view returns as an HTML page (Twisted's resources and
Klein's routes as the request's `defaultContentType`, `text/html`)."""
_HTML_RESPONSES = frozenset(
    {
        "fastapi.responses.HTMLResponse",
        "starlette.responses.HTMLResponse",
        "fastapi.HTMLResponse",
    }
)


_JSON_OUT = ("tools.json_out", "quart_schema.validate_response")
"""CherryPy's `json_out` tool; Quart-Schema's `validate_response(Model)`, which sends the
model (a dataclass, a Pydantic model) the view returns as JSON."""


def _json_out(decorator: ast.expr, context: ModuleContext) -> bool:
    """`@cherrypy.tools.json_out()`, `@validate_response(Todo)`: the handler's return value is
    encoded as JSON."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (context.resolve(target) or "").endswith(_JSON_OUT)


def _names_response(node: ast.expr) -> bool:
    """`response`, `resp`, `cherrypy.response`, `self.response`: the response being sent (not
    some object of the view's that has a `content_type` of its own)."""
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    return name in ("response", "resp")


def _sets_other_type(function: ast.AST, context: ModuleContext) -> bool:
    """`cherrypy.response.headers["Content-Type"] = "text/plain"`, `response.mimetype =
    "application/json"`, a type computed for a download, or `Content-Disposition: attachment`
    (the browser saves the body, whatever its type): the view declares its body something other
    than a page of its own."""
    for node in ast.walk(function):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target = node.targets[0]
        header = _response_header(target, context)
        names_type = header == "content-type" or (
            isinstance(target, ast.Attribute)
            and target.attr in ("content_type", "mimetype")
            and _names_response(target.value)
        )
        value = context.constant_value(node.value)  # computed (a file's guessed type): not a page
        if names_type and not (isinstance(value, str) and renders_active(value)):
            return True
        disposition = fixed_start(context, node.value) if header == "content-disposition" else ""
        if disposition.strip().lower().startswith("attachment"):
            return True
    return False


def _response_header(
    target: ast.expr, context: ModuleContext, owns: Callable[[ast.expr], bool] = _names_response
) -> str:
    """The header `response.headers["Content-Type"] = ...` sets, lowercased, or "" (`owns`
    tells which objects' headers count: by default the response's)."""
    if not (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Attribute)
        and target.value.attr == "headers"
        and owns(target.value.value)
    ):
        return ""
    name = context.constant_value(target.slice)
    return name.lower() if isinstance(name, str) else ""


def _html_response_class(decorator: ast.expr, context: ModuleContext) -> bool:
    """`@router.get("/", response_class=HTMLResponse)`."""
    if not isinstance(decorator, ast.Call):
        return False
    chosen = ModuleContext.keyword(decorator, "response_class")
    return chosen is not None and context.resolve(chosen) in _HTML_RESPONSES


def returns_html_page(
    function: ast.FunctionDef | ast.AsyncFunctionDef, context: ModuleContext
) -> bool:
    """Whether a string the view `function` returns is served as an HTML page (the framework's
    answer first: the walks over the view's body are for page frameworks only)."""
    page_framework = any(context.imports_module(f) for f in PAGE_FRAMEWORKS) or any(
        _html_response_class(d, context) for d in function.decorator_list
    )
    if not page_framework or any(_json_out(d, context) for d in function.decorator_list):
        return False
    end = (function.end_lineno or function.lineno) + 1
    # `response.mimetype = ...`; Bottle's `response.set_header(...)`, Twisted's `setHeader(...)`
    return not (_sets_other_type(function, context) or _declares_type(function, context, end))


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


_HEADER_WORDS = frozenset({"header", "headers"})
_DEFAULT_HEADERS = frozenset({"set_default_headers", "prepare", "initialize"})
"""Methods Tornado runs on every request before the handler method."""


def _parameter_default(function: ast.AST, value: ast.expr, context: ModuleContext) -> object:
    """The constant default of the parameter `value` names (`def render(self, name,
    content_type="text/html")`): the type a helper declares when its caller passes none."""
    arguments = getattr(function, "args", None)
    if not isinstance(value, ast.Name) or not isinstance(arguments, ast.arguments):
        return UNKNOWN
    positional = [*arguments.posonlyargs, *arguments.args]
    pairs = [
        *zip(
            positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True
        ),
        *(
            pair
            for pair in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
            if pair[1]
        ),
    ]
    return next((context.constant_value(d) for a, d in pairs if a.arg == value.id), UNKNOWN)


_HEADER_SETTERS = frozenset(
    {"set_header", "add_header", "send_header", "setHeader", "setRawHeaders", "addRawHeader"}
)


def _declares_type(function: ast.AST, context: ModuleContext, before: int) -> bool:
    """A `set_header`/`add_header("Content-Type", ...)` (Tornado's, Bottle's),
    `send_header(...)` (`http.server`'s) or `setHeader(...)` (Twisted's; also its
    `responseHeaders.setRawHeaders(name, [value])`) in `function`, above
    line `before`, of a type that is not HTML (a constant one, or one computed: a file's
    guessed type, but not a parameter whose default is HTML); or a header whose name is
    computed (`for k, v in headers: self.send_header(k, v)`): the handler relays another
    component's headers (a WSGI application's), Content-Type among them, so the body is that
    component's."""
    for node in ast.walk(function):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _HEADER_SETTERS
            and len(node.args) == 2
            and node.lineno < before
        ):
            continue
        given = node.args[1]  # `setRawHeaders(b"content-type", [b"application/json"])`
        if isinstance(given, ast.List | ast.Tuple) and len(given.elts) == 1:
            given = given.elts[0]
        name, value = (as_text(context.constant_value(a)) for a in (node.args[0], given))
        if not isinstance(name, str):
            return True
        if value is UNKNOWN:
            value = _parameter_default(function, given, context)
        if name.lower() == "content-type":
            return not (isinstance(value, str) and renders_active(value))
    return False


def declares_other_type(
    function: ast.AST, handler: ast.ClassDef | None, line: int, context: ModuleContext
) -> bool:
    """Whether a handler declared a Content-Type other than HTML before writing at `line`: in
    the method itself, in a method of its class it called before, or for every request in its
    class's `set_default_headers`/`prepare`. A method named for headers (`end_headers`,
    `flush_headers`) writes the header block, which is no page either."""
    if _declares_type(function, context, line) or _HEADER_WORDS & set(
        getattr(function, "name", "").lower().split("_")
    ):
        return True
    if handler is None:
        return False
    called = {  # `self._set_headers_from_meta(meta)` before the write
        node.func.attr
        for node in ast.walk(function)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
        and node.lineno < line
    }
    return any(
        isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef)
        and (method.name in _DEFAULT_HEADERS or method.name in called)
        and _declares_type(method, context, (method.end_lineno or method.lineno) + 1)
        for method in handler.body
    )


_RENDERS = frozenset({"render", "render_unicode", "render_string", "render_template", "generate"})
"""Methods of template objects that render them (Mako's `render`, Chameleon's, Genshi's
`generate`)."""


def rendered_templates(
    value: ast.expr | None, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> tuple[ast.expr, ...]:
    """The templates of `return self.templates["page.html"].render(user=user)`, or of a local
    the view binds only to such renders (`page = tmpl.render(...)`, then `return page`): what a
    template renders is as escaped as the template makes it (Mako's `default_filters=["h"]`,
    autoescaping engines). A template the models type (Jinja2's) is judged by them; one they do
    not know cannot be judged at the view's return. Empty: the value is not only a render."""
    render = _render_template(value)
    if render is not None:
        return (render,)
    if not isinstance(value, ast.Name):
        return ()
    templates: list[ast.expr] = []
    renders: set[int] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, template = node.targets[0], _render_template(node.value)
            if isinstance(target, ast.Name) and target.id == value.id and template is not None:
                templates.append(template)
                renders.add(id(target))
    bindings = (node for node in ast.walk(function) if _binds(node, value.id))
    return tuple(templates) if all(id(node) in renders for node in bindings) else ()


def _binds(node: ast.AST, name: str) -> bool:
    """Whether `node` binds `name` in a function: an assignment's, loop's or `with`'s target, a
    parameter, an `except ... as`, a match capture, an import, or a `global`/`nonlocal`."""
    match node:
        case ast.Name(id=bound, ctx=ast.Store()) | ast.arg(arg=bound):
            return bound == name
        case ast.ExceptHandler(name=bound) | ast.MatchAs(name=bound) | ast.MatchStar(name=bound):
            return bound == name
        case ast.MatchMapping(rest=bound):
            return bound == name
        case ast.alias(name=imported, asname=alias):
            return (alias or imported.partition(".")[0]) == name
        case ast.Global(names=names) | ast.Nonlocal(names=names):
            return name in names
    return False


def _render_template(value: ast.expr | None) -> ast.expr | None:
    """The template object of a call of one of its render methods (`_RENDERS`)."""
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in _RENDERS
    ):
        return value.func.value
    return None


_RAW_HANDLERS = frozenset(
    {
        "socketserver.BaseRequestHandler",
        "socketserver.StreamRequestHandler",
        "socketserver.DatagramRequestHandler",
    }
)
_HTTP_CALLS = frozenset(
    {"send_response", "send_response_only", "send_header", "send_error", "end_headers"}
)


def speaks_own_protocol(
    class_name: str,
    classes: Mapping[str, ast.ClassDef],
    external_bases: Callable[[str], tuple[str, ...]],
) -> bool:
    """Whether a handler class is a plain `socketserver` one that never speaks HTTP (an IMAP,
    SMTP or line-protocol server): what it writes to `self.wfile` is that protocol's reply,
    which no browser renders as a page. Only when every base outside the module is a raw
    `socketserver` handler, and neither it nor its bases in the module send a status line or
    a header or write text holding `HTTP/` (a handler doing HTTP by hand does)."""
    bases = external_bases(class_name)
    if not bases or not set(bases) <= _RAW_HANDLERS:
        return False
    pending, seen = [class_name], set()
    while pending:
        cls = classes.get(current := pending.pop())
        if cls is None or current in seen:
            continue
        seen.add(current)
        for node in ast.walk(cls):
            if isinstance(node, ast.Attribute) and node.attr in _HTTP_CALLS:
                return False
            if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
                text = node.value if isinstance(node.value, str) else node.value.decode("latin-1")
                if "HTTP/" in text:
                    return False
        pending.extend(ast.unparse(b).rsplit(".", 1)[-1] for b in cls.bases)
    return True


def retyped_after(function: ast.AST, call: ast.AST, context: ModuleContext) -> bool:
    """`r = make_response(text)` and, in the statements that follow it in the same block, before
    anything else uses `r`, `r.mimetype = "text/plain"` (or `r.content_type`,
    `r.headers["Content-Type"]`, Django's `r["Content-Type"]`) of a type no browser renders as a
    page: the type set on the response after it was made instead of given as a keyword. A type
    set in only one branch, or after the response was returned or passed on, does not count."""
    for block in _statement_lists(function):
        for at, statement in enumerate(block):
            if isinstance(statement, ast.Assign) and statement.value is call:
                names = {t.id for t in statement.targets if isinstance(t, ast.Name)}
                return bool(names) and _retyped_in(block[at + 1 :], names, context)
    return False


def _statement_lists(function: ast.AST) -> Iterable[list[ast.stmt]]:
    """Every block of statements in `function` (bodies, `else`, `finally`, handlers)."""
    for node in ast.walk(function):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield block


def _retyped_in(statements: list[ast.stmt], names: set[str], context: ModuleContext) -> bool:
    """Whether the first of `statements` that mentions one of `names` sets its type to an inert
    one."""
    for statement in statements:
        if not any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(statement)):
            continue
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            return False
        value = context.constant_value(statement.value)
        return _names_type_of(statement.targets[0], names, context) and (
            isinstance(value, str) and not renders_active(value)
        )
    return False


def _names_type_of(target: ast.expr, names: set[str], context: ModuleContext) -> bool:
    """`r.mimetype`, `r.content_type`, `r.headers["Content-Type"]`, `r["Content-Type"]`."""

    def named(owner: ast.expr) -> bool:
        return isinstance(owner, ast.Name) and owner.id in names

    if isinstance(target, ast.Attribute):
        return named(target.value) and target.attr in _TYPE_FIELDS
    if _response_header(target, context, named) == "content-type":
        return True
    header = context.constant_value(target.slice) if isinstance(target, ast.Subscript) else None
    return (  # Django's `r["Content-Type"]`
        isinstance(target, ast.Subscript)
        and named(target.value)
        and isinstance(header, str)
        and header.lower() == "content-type"
    )


_TYPE_FIELDS = frozenset({"mimetype", "content_type"})
