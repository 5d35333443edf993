"""CWE-248: request data indexed or converted where the error it raises is never caught.

`request.json["name"]` raises `KeyError` when the client leaves the field out, `int(...)` raises
`ValueError` on "abc", `json.loads(request.body)` raises on a malformed body. Outside a handler
for that error the framework answers 500 Internal Server Error: a client-side mistake becomes a
server fault, logged with a traceback (and shown, with locals, when debug pages are on), and
anyone can trigger it at will. Flask's `request.args`/`form`/`headers` are excepted for
indexing: their `BadRequestKeyError` becomes a 400.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.input_key_guards import (
    KEY_ERRORS,
    key_checked,
    read_before,
    routed_only_with_key,
    schema_checked,
)
from secreview.analysis.rules._support.request_values import (
    FLASK_SAFE_CONTAINERS,
    RAW_BODIES,
    bound_containers,
    caught_by,
    container_attribute,
    request_root,
)
from secreview.analysis.rules._support.web_handlers import (
    is_request_handler,
    scope_nodes,
    uses_web_framework,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of

Function = ast.FunctionDef | ast.AsyncFunctionDef

_CONVERSIONS: dict[str, tuple[str, frozenset[str]]] = {
    "int": ("ValueError", frozenset({"ValueError", "TypeError"})),
    "float": ("ValueError", frozenset({"ValueError", "TypeError"})),
    "uuid.UUID": ("ValueError", frozenset({"ValueError", "TypeError"})),
    "decimal.Decimal": (
        "decimal.InvalidOperation",
        frozenset({"InvalidOperation", "ArithmeticError"}),
    ),
    "json.loads": ("json.JSONDecodeError", frozenset({"JSONDecodeError", "ValueError"})),
    "datetime.datetime.fromisoformat": ("ValueError", frozenset({"ValueError", "TypeError"})),
    "datetime.date.fromisoformat": ("ValueError", frozenset({"ValueError", "TypeError"})),
    "datetime.datetime.strptime": ("ValueError", frozenset({"ValueError", "TypeError"})),
}
_BROAD = frozenset({"Exception", "BaseException"})
_SERVER_SET_KEYS = frozenset(
    {"REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "SERVER_NAME", "SERVER_PORT"}
    | {"SERVER_PROTOCOL", "REMOTE_ADDR", "wsgi.input", "wsgi.errors", "wsgi.url_scheme"}
    | {"wsgi.version", "wsgi.multithread", "wsgi.multiprocess", "wsgi.run_once", "QUERY_STRING"}
)
"""Keys of the WSGI environ (Django's `request.META`) the server fills from the connection
and the request line itself (PEP 3333's required variables, and the peer address every server
sets): no client can leave them out, unlike the `HTTP_*` headers or `CONTENT_TYPE`. PEP 3333
lets `QUERY_STRING` be absent, but it is the server's choice, not the client's: wsgiref (Django's
runserver), gunicorn, uWSGI, mod_wsgi, waitress and Django's ASGI handler all set it, empty when
the URL has no `?`."""
_VALIDATING_DECORATOR_WORDS = ("schema", "validat", "expects_json", "use_kwargs", "use_args")


def _handler(node: ast.AST, context: ModuleContext) -> Function | None:
    """The web handler `node` is in, unless it validates its input by decorator."""
    function = context.enclosing_function(node)
    if function is None or not is_request_handler(function, context):
        return None
    for decorator in function.decorator_list:
        text = context.segment(decorator).lower()
        if any(word in text for word in _VALIDATING_DECORATOR_WORDS):
            return None
    return function


def _container(node: ast.AST, function: Function, context: ModuleContext) -> str | None:
    """The request container `node` is (`json`, `GET`), directly or through a local name."""
    if isinstance(node, ast.Name):
        return context.derived(_container_names).get(id(function), {}).get(node.id)
    return container_attribute(node, context)


def _container_names(context: ModuleContext) -> dict[int, dict[str, str]]:
    """For every handler of the module: names bound to request containers."""
    return {
        id(node): bound_containers(node, context)
        for kind in (ast.FunctionDef, ast.AsyncFunctionDef)
        for node in nodes_of(context, kind)
    }


def _flask_indexing_is_safe(attribute: str, context: ModuleContext) -> bool:
    """Flask/Quart MultiDicts turn a missing key into a 400 Bad Request."""
    if attribute not in FLASK_SAFE_CONTAINERS:
        return False
    return context.imports_any(("flask", "quart")) and not context.imports_any(
        ("django", "rest_framework", "pyramid", "falcon", "starlette", "fastapi", "aiohttp")
    )


def _request_value(node: ast.AST, function: Function, context: ModuleContext) -> ast.AST | None:
    """The read of request data `node` is: `request.GET["n"]`, `data.get("n")`, a raw body."""
    if isinstance(node, ast.Subscript) and _container(node.value, function, context):
        return node
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "get" and _container(node.func.value, function, context):
            return None if context.keyword(node, "type") is not None else node
        if node.func.attr in RAW_BODIES and request_root(node.func.value, context) is not None:
            return node
    if isinstance(node, ast.Attribute) and node.attr in RAW_BODIES:
        return node if request_root(node.value, context) is not None else None
    if isinstance(node, ast.Name):
        return context.derived(_value_names).get((id(function), node.id))
    return None


def _value_names(context: ModuleContext) -> dict[tuple[int, str], ast.AST]:
    """(handler, name) -> the request read a name is bound to, for names bound once."""
    found: dict[tuple[int, str], ast.AST] = {}
    for function in (*nodes_of(context, ast.FunctionDef), *nodes_of(context, ast.AsyncFunctionDef)):
        counts: dict[str, int] = {}
        reads: dict[str, ast.AST] = {}
        for node in scope_nodes(function.body):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                counts[node.id] = counts.get(node.id, 0) + 1
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name) and not isinstance(node.value, ast.Name):
                    read = _request_value(node.value, function, context)
                    if read is not None:
                        reads[target.id] = read
        for name, read in reads.items():
            if counts.get(name) == 1:
                found[(id(function), name)] = read
    return found


@rule(
    id="unhandled-input-error",
    name="Request data read without handling its error",
    cwe=248,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    summary="Request data is indexed or converted where the KeyError/ValueError it raises on "
    "bad input is not caught, so any client can make the handler fail with a 500.",
    fix="Read optional fields with `.get(key, default)`, convert inside `try/except ValueError` "
    "and answer 400, or validate the body with a schema (pydantic, marshmallow, jsonschema).",
    what_it_does="In web handlers (Flask, Django, DRF, Pyramid, Falcon, Starlette, aiohttp, "
    '...), reports `request.json["k"]`, `request.GET["k"]`, `request.data["k"]` and the '
    'same through a local name (`body = request.get_json(); body["k"]`), and '
    "`int(...)`, `float(...)`, `uuid.UUID(...)`, `decimal.Decimal(...)`, `json.loads(...)`, "
    "`datetime.fromisoformat/strptime(...)` of request data, when no enclosing `try` catches "
    "the error raised (or a parent such as `LookupError` or `Exception`), nor a "
    "`with contextlib.suppress(KeyError, ...)`. Quiet for Flask's "
    "`request.args/form/headers[...]` (a 400), `.get(key, type=int)`, keys tested with `in` "
    "first (`if param in request.GET: request.GET[param]`) or read with `.get` by the "
    "enclosing `if` (`if data.get('k'): data['k']`) or in the `else` of one that tests it "
    "missing (`if not data.get('k'): ... else: data['k']`), a key an earlier `if` exits on when "
    "missing (`if not isinstance(data.get('k'), list): raise ...`), a key a first read "
    "always run before already proved present, bodies a schema validated first "
    "(`errors = schema.validate(data)`, `schema.load(data)`), handlers whose decorator "
    "validates the input (`@validation.schema`, `@use_kwargs`, `@expects_json`), and "
    '`request.params["k"]` in a Pyramid view routed only when the key is there '
    '(`@view_config(request_param="k")`, also `"k=v"` or on the class\'s `@view_defaults`).',
    why_bad="The framework turns the uncaught exception into a 500 with a traceback in the log "
    "(and in the response when a debug page is on). A client error is reported as a server "
    "fault, error monitoring fills with noise that hides real faults, and any client can "
    "trigger it on purpose, cheaply and repeatedly (CWE-248, CWE-755).",
    example="@app.post('/orders')\ndef create_order():\n"
    "    quantity = int(request.json['quantity'])",
    use_instead="@app.post('/orders')\ndef create_order():\n"
    "    try:\n        quantity = int(request.json['quantity'])\n"
    "    except (KeyError, TypeError, ValueError):\n        abort(400)",
    references=(
        "https://flask.palletsprojects.com/en/stable/errorhandling/",
        "https://docs.djangoproject.com/en/stable/ref/request-response/#querydict-objects",
        "https://cwe.mitre.org/data/definitions/248.html",
        "https://cwe.mitre.org/data/definitions/755.html",
    ),
    visits=(ast.Subscript, ast.Call),
    calls=frozenset(_CONVERSIONS),  # the only calls `_conversion` reports
)
def unhandled_input_error(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report request reads whose error on bad input reaches the framework as a 500."""
    if not uses_web_framework(context):
        return
    if isinstance(node, ast.Subscript):
        yield from _indexing(node, context)
    elif isinstance(node, ast.Call):
        yield from _conversion(node, context)


def _indexing(node: ast.Subscript, context: ModuleContext) -> Iterator[Hit]:
    """`request.json["k"]` with no handler for KeyError."""
    if not isinstance(node.ctx, ast.Load):
        return
    function = _handler(node, context)
    if function is None:
        return
    attribute = _container(node.value, function, context)
    if attribute is None or _flask_indexing_is_safe(attribute, context):
        return
    if attribute in ("META", "environ") and context.constant_value(node.slice) in _SERVER_SET_KEYS:
        return  # the server sets it for every request
    parent = context.parent(node)
    if isinstance(parent, ast.Call) and _conversion_name(parent, context) is not None:
        return  # reported once, as the conversion
    if caught_by(node, KEY_ERRORS, context) or key_checked(node, function, context):
        return
    if schema_checked(node, function, context) or read_before(node, function, context):
        return
    if routed_only_with_key(node, attribute, function, context):
        return  # the view's `request_param` predicate routes only requests that hold the key
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` raises KeyError when the client leaves the field "
        "out, and nothing here catches it: the request fails with a 500 instead of a 400.",
        fix="Use `.get(key)` and answer 400 when it is missing, or catch KeyError, or "
        "validate the body with a schema first.",
    )


def _conversion_name(call: ast.Call, context: ModuleContext) -> str | None:
    """The conversion `call` makes, if it is one this rule knows."""
    name = context.call_name(call)
    return name if name in _CONVERSIONS and call.args else None


def _conversion(node: ast.Call, context: ModuleContext) -> Iterator[Hit]:
    """`int(request.args["n"])` with no handler for ValueError."""
    name = _conversion_name(node, context)
    if name is None:
        return
    function = _handler(node, context)
    if function is None:
        return
    read = _request_value(node.args[0], function, context)
    if read is None:
        return
    error, catchers = _CONVERSIONS[name]
    if caught_by(node, catchers | _BROAD, context):
        return
    evidence: tuple[tuple[ast.AST, str], ...] = ()
    if read is not node.args[0]:
        evidence = ((read, "request data"),)
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` raises {error} on malformed request data, and "
        "nothing here catches it: any client can make this handler fail with a 500.",
        fix=f"Catch {error} (and TypeError for a missing value) around the conversion and "
        "answer 400, or let the framework convert (`request.args.get(key, type=int)`, a typed "
        "route or a schema).",
        evidence=evidence,
    )
