"""CWE-942: a CORS policy that lets any web site read what it asks with the user's cookies
(`cors-any-origin-with-credentials`).

Browsers refuse `Access-Control-Allow-Origin: *` on a request sent with credentials, so every CORS
library told to allow any origin *and* credentials answers with the requesting origin itself:
flask-cors and sanic-cors (`supports_credentials=True` with `origins="*"`),
Starlette's and FastAPI's `CORSMiddleware` (`allow_origins=["*"]` or a match-all
`allow_origin_regex` with `allow_credentials=True`), django-cors-headers (`CORS_ALLOW_ALL_ORIGINS`
or the older `CORS_ORIGIN_ALLOW_ALL` beside `CORS_ALLOW_CREDENTIALS`), aiohttp-cors (a `"*"`
origin whose `ResourceOptions` allow credentials). Any page the user visits can then call the
API as the user and read the answers. A list of origins, or any origin without credentials (a
public API), is quiet; so are test code and settings meant for a developer's machine.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.django_settings import (
    is_development_settings,
    is_django_settings,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_FLASK_STYLE = frozenset(
    {"flask_cors.CORS", "flask_cors.cross_origin", "sanic_cors.CORS", "sanic_cors.cross_origin"}
)
_MIDDLEWARE = frozenset(
    {
        "starlette.middleware.cors.CORSMiddleware",
        "fastapi.middleware.cors.CORSMiddleware",
    }
)
_MIDDLEWARE_HOLDERS = frozenset({"add_middleware"})
_MIDDLEWARE_WRAPPERS = frozenset(
    {"starlette.middleware.Middleware", "fastapi.middleware.Middleware"}
)
_AIOHTTP_OPTIONS = "aiohttp_cors.ResourceOptions"
_ALLOW_ALL_SETTINGS = frozenset({"CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"})
_MATCH_ALL = frozenset({"*", ".*", ".+", "^.*$", "^.+$", "^.*", r"^https?://.*$", r"https?://.*"})
"""Origins (or origin patterns) that admit every site."""
_WHY = (
    "any web site the user visits can send requests with the user's cookies and read the "
    "answers (the library echoes the requesting origin, since browsers refuse `*` with "
    "credentials)"
)


def _is_true(context: ModuleContext, node: ast.expr | None) -> bool:
    return node is not None and context.constant_value(node) is True


def _admits_all(context: ModuleContext, node: ast.expr | None) -> bool:
    """`"*"`, `["*"]`, `(".*",)`: origins that admit every site."""
    value = context.constant_value(node) if node is not None else None
    if isinstance(value, str):
        return value in _MATCH_ALL
    return isinstance(value, tuple) and any(v in _MATCH_ALL for v in value)


def _flask_style(call: ast.Call, context: ModuleContext) -> bool:
    """flask-cors: credentials turned on with origins set to `"*"` (top level, or in one of the
    `resources` entries). Origins left out come from the application's `CORS_ORIGINS` setting,
    which the project usually sets elsewhere (its default is `*`): not reported."""
    credentials = ModuleContext.keyword(call, "supports_credentials")
    origins = ModuleContext.keyword(call, "origins")
    entries: list[tuple[ast.expr | None, ast.expr | None]] = [(credentials, origins)]
    resources = ModuleContext.keyword(call, "resources")
    for options in resources.values if isinstance(resources, ast.Dict) else ():
        if isinstance(options, ast.Dict):
            given = {
                key.value: value
                for key, value in zip(options.keys, options.values, strict=True)
                if isinstance(key, ast.Constant) and isinstance(key.value, str)
            }
            entries.append(
                (given.get("supports_credentials", credentials), given.get("origins", origins))
            )
    return any(
        _is_true(context, allowed) and _admits_all(context, chosen) for allowed, chosen in entries
    )


def _middleware_options(call: ast.Call, context: ModuleContext) -> ast.Call | None:
    """The call configuring Starlette's CORSMiddleware: `app.add_middleware(CORSMiddleware,
    ...)`, `Middleware(CORSMiddleware, ...)` or `CORSMiddleware(app, ...)`."""
    name = context.call_name(call) or ""
    if name in _MIDDLEWARE:
        return call
    holder = isinstance(call.func, ast.Attribute) and call.func.attr in _MIDDLEWARE_HOLDERS
    if (holder or name in _MIDDLEWARE_WRAPPERS) and call.args:
        return call if context.resolve(call.args[0]) in _MIDDLEWARE else None
    return None


def _middleware(call: ast.Call, context: ModuleContext) -> bool:
    options = _middleware_options(call, context)
    if options is None:
        return False
    if not _is_true(context, ModuleContext.keyword(options, "allow_credentials")):
        return False
    origins = ModuleContext.keyword(options, "allow_origins")
    pattern = ModuleContext.keyword(options, "allow_origin_regex")
    return _admits_all(context, origins) or _admits_all(context, pattern)


def _aiohttp(call: ast.Call, context: ModuleContext) -> bool:
    """`{"*": aiohttp_cors.ResourceOptions(allow_credentials=True, ...)}`."""
    if context.call_name(call) != _AIOHTTP_OPTIONS:
        return False
    if not _is_true(context, ModuleContext.keyword(call, "allow_credentials")):
        return False
    holder = context.parent(call)
    if not isinstance(holder, ast.Dict):
        return False
    return any(
        value is call and isinstance(key, ast.Constant) and key.value == "*"
        for key, value in zip(holder.keys, holder.values, strict=True)
    )


def _django_setting(node: ast.Assign, context: ModuleContext) -> bool:
    """`CORS_ALLOW_ALL_ORIGINS = True` in a settings module that also allows credentials."""
    names = {t.id for t in node.targets if isinstance(t, ast.Name)}  # cheap first: most are not
    if not names & _ALLOW_ALL_SETTINGS or context.constant_value(node.value) is not True:
        return False
    if not (is_django_settings(context) and not is_development_settings(context)):
        return False
    credentials = context.module_constants.get("CORS_ALLOW_CREDENTIALS")
    return _is_true(context, credentials)


@rule(
    id="cors-any-origin-with-credentials",
    name="CORS allows any origin to make credentialed requests",
    cwe=942,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="A CORS policy allows every origin and credentials together, so any web site can "
    "call the API with the user's cookies and read the responses.",
    fix='List the origins that may call the API with credentials (`origins=["https://app.'
    'example.com"]`, `CORS_ALLOWED_ORIGINS`); keep `*` only for public data served without '
    "credentials.",
    what_it_does="Reports flask-cors and sanic-cors `CORS(...)`/`cross_origin(...)` with "
    "`supports_credentials=True` and origins left at `*` or set to it (top level or in a "
    "`resources` entry; origins left to the `CORS_ORIGINS` setting are not judged), "
    "Starlette's and FastAPI's `CORSMiddleware` with "
    "`allow_credentials=True` and `allow_origins=['*']` or a match-all `allow_origin_regex`, "
    "django-cors-headers' `CORS_ALLOW_ALL_ORIGINS`/`CORS_ORIGIN_ALLOW_ALL = True` in a settings "
    "module that sets `CORS_ALLOW_CREDENTIALS = True`, and aiohttp-cors `ResourceOptions("
    "allow_credentials=True)` for the `'*'` origin. Not in test code nor in settings named for "
    "development.",
    why_bad="Browsers refuse `Access-Control-Allow-Origin: *` with credentials, so these "
    "libraries answer every origin with that origin itself: a page on any site can then send "
    "requests that carry the user's session cookie and read the answers, which is what the "
    "same-origin policy exists to prevent (CWE-942).",
    example="CORS(app, supports_credentials=True)",
    use_instead='CORS(app, origins=["https://app.example.com"], supports_credentials=True)',
    references=(
        "https://cwe.mitre.org/data/definitions/942.html",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS#requests_with_credentials",
        "https://portswigger.net/web-security/cors",
        "https://flask-cors.readthedocs.io/en/latest/api.html",
    ),
    visits=(ast.Call, ast.Assign),
    text_words=("credentials", "CREDENTIALS"),  # each policy reported turns credentials on
    calls=_FLASK_STYLE | _MIDDLEWARE | _MIDDLEWARE_WRAPPERS | {_AIOHTTP_OPTIONS},
    methods=_MIDDLEWARE_HOLDERS,
)
def cors_any_origin_with_credentials(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report CORS policies that admit every origin with credentials."""
    if context.is_test:
        return
    if isinstance(node, ast.Assign):
        if _django_setting(node, context):
            yield Hit(
                node=node,
                message="django-cors-headers allows every origin here and "
                f"`CORS_ALLOW_CREDENTIALS = True`: {_WHY}.",
            )
        return
    assert isinstance(node, ast.Call)
    name = context.call_name(node) or ""
    if name in _FLASK_STYLE:
        found = _flask_style(node, context)
    elif name == _AIOHTTP_OPTIONS:
        found = _aiohttp(node, context)
    else:
        found = _middleware(node, context)
    if found:
        yield Hit(
            node=node,
            message=f"`{context.one_line(node)}` allows every origin with credentials: {_WHY}.",
        )
