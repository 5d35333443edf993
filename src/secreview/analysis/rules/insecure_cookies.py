"""CWE-614 and CWE-1004: cookies without the Secure or the HttpOnly attribute.

Flask/Werkzeug, Django, Starlette/FastAPI, aiohttp, Bottle and Tornado all name the method
`set_cookie` and the flags `secure`/`httponly` (Falcon: `http_only`, and both default to on there).
Each flag is its own rule, because each has its own CWE and its own exceptions: JavaScript must
read CSRF cookies, so they never need HttpOnly. Cookies whose name says session, auth or token are
medium severity; other cookies still get a low-severity note, since the flags cost nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.cookie_names import (
    PREFERENCE_COOKIE_WORDS,
    SENSITIVE_COOKIE_WORDS,
    cookie_name_words,
    holds_configured_setting,
    may_name_a_credential,
    says_public,
)
from secreview.analysis.rules._support.development_branches import (
    for_development_server,
    for_plain_http,
)
from secreview.analysis.rules._support.django_settings import (
    CONFIG_UPDATES,
    in_development_configuration,
    setting_assignments,
)
from secreview.analysis.rules._support.secret_text import name_words
from secreview.findings import Confidence, Severity
from secreview.index.context import UNKNOWN, ModuleContext

_SECURE, _HTTPONLY = 614, 1004
_COOKIE_SETTERS = frozenset({"set_cookie", "set_signed_cookie"})
_EXCHANGE_NAMES = frozenset({"request", "req", "response", "resp", "res"})
"""Names of the request or response: a framework's set_cookie takes the cookie's name and
value, so a call handed one of these is a project's helper that sets the cookie itself (with
flags this call does not show)."""
# Werkzeug, Django, Starlette and aiohttp share the order of set_cookie's parameters.
_FLAG_POSITIONS = {"secure": 6, "httponly": 7}
_WEB_FRAMEWORKS = (
    "flask",
    "werkzeug",
    "django",
    "starlette",
    "fastapi",
    "aiohttp",
    "bottle",
    "tornado",
    "quart",
    "pyramid",
    "sanic",
)
# Cookies that client-side JavaScript must read to send them back as a header.
_SCRIPT_READABLE_WORDS = frozenset({"csrf", "xsrf", "csrftoken", "xsrftoken"})
# Constant values that only say yes or no: the same for every visitor, nothing to read or steal.
_FLAG_VALUES = frozenset({"true", "false", "yes", "no", "on", "off", "1", "0", "y", "n"})

# setting name -> (CWE of the flag it turns off when set to False, whether it guards a session)
_COOKIE_SETTINGS = {
    "SESSION_COOKIE_SECURE": (_SECURE, True),
    "REMEMBER_COOKIE_SECURE": (_SECURE, True),
    "JWT_COOKIE_SECURE": (_SECURE, True),
    "CSRF_COOKIE_SECURE": (_SECURE, False),
    "SESSION_COOKIE_HTTPONLY": (_HTTPONLY, True),
    "REMEMBER_COOKIE_HTTPONLY": (_HTTPONLY, True),
}
_COOKIE_WORDS = ("cookie", "COOKIE")
"""In every cookie setter's and cookie setting's name: a module spelling neither sets none."""
# The only calls either rule judges: cookie setters and updates of a framework's settings.
_COOKIE_METHODS = _COOKIE_SETTERS | CONFIG_UPDATES


class _Flag(NamedTuple):
    """One cookie attribute: its CWE, keyword, and the words used to explain it."""

    cwe: int
    attribute: str
    keyword: str
    falcon_keyword: str
    consequence: str


_FLAGS = {
    _SECURE: _Flag(
        _SECURE,
        "Secure",
        "secure",
        "secure",
        "the browser also sends it over plain HTTP, where anyone on the network path can read it",
    ),
    _HTTPONLY: _Flag(
        _HTTPONLY,
        "HttpOnly",
        "httponly",
        "http_only",
        "any script running in the page, an injected one included, can read it",
    ),
}


def _cookie_words(call: ast.Call, context: ModuleContext) -> tuple[str, set[str]]:
    """The cookie's name as shown in messages, and its words ('session_id' -> session, id)."""
    name_node = context.argument(call, 0, "key")
    if name_node is None:
        name_node = context.keyword(call, "name")
    value = context.constant_value(name_node)
    if isinstance(value, str):
        return repr(value), set(name_words(value))
    shown = f"`{context.one_line(name_node)}`" if name_node is not None else "(unnamed)"
    return shown, cookie_name_words(name_node, context)


def _named_in_the_call(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the cookie's name is text the code spells out (`"visitor"`), not a variable
    whose own name says nothing of the cookie it holds (`set_cookie(name, value)`)."""
    name_node = context.argument(call, 0, "key") or context.keyword(call, "name")
    return isinstance(context.constant_value(name_node), str)


def _is_deletion(call: ast.Call, context: ModuleContext) -> bool:
    """Whether `call` deletes the cookie or empties it, leaving no value for the flags to guard.

    `set_cookie(name, '', max_age=0)`, `expires=0` or an expiry in 1970 delete it; a value of
    `None` or `''` (WebOb's `delete_cookie` is `set_cookie(name, None)`) carries nothing to read.
    """
    if any(
        context.constant_value(context.keyword(call, keyword)) == 0
        for keyword in ("max_age", "expires")
    ):
        return True
    expires = context.constant_value(context.keyword(call, "expires"))
    if isinstance(expires, str) and "1970" in expires:
        return True
    value = context.argument(call, 1, "value")
    return value is not None and context.constant_value(value) in (None, "", b"")


def _holds_flag(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the cookie's value is a constant yes/no flag (`"true"`, `"1"`, `True`, `0`).

    Front ends read such cookies (`is_user_authorized=true`) to choose what to show; the session
    itself lives in another cookie. The value is the same for every visitor, so neither a script
    nor an eavesdropper learns anything from it. A signed cookie is not: Django's
    `set_signed_cookie("remember_me", "1", ...)` sends the value with a timestamp and a signature
    the server accepts later, a credential however constant its text.
    """
    if isinstance(call.func, ast.Attribute) and call.func.attr == "set_signed_cookie":
        return False
    value = context.constant_value(context.argument(call, 1, "value"))
    if isinstance(value, bool | int):
        return value in (0, 1)
    return isinstance(value, str) and value.strip().lower() in _FLAG_VALUES


def _flag_missing(call: ast.Call, method: str, flag: _Flag, context: ModuleContext) -> bool:
    """Whether `call` leaves `flag` off: absent (off by default) or a constant false value.

    Falcon turns both flags on by default, so there only an explicit false value counts;
    non-constant values (`secure=request.is_secure`) are a decision made elsewhere.
    """
    falcon = context.imports_module("falcon")
    if falcon:
        node = context.keyword(call, flag.falcon_keyword)
    elif method == "set_signed_cookie":  # (key, value, salt, **kwargs): keywords only
        node = context.keyword(call, flag.keyword)
    else:
        node = context.argument(call, _FLAG_POSITIONS[flag.keyword], flag.keyword)
    if node is None:
        return not falcon
    value = context.constant_value(node)
    return value is not UNKNOWN and not value


def _cookie_call_hit(call: ast.Call, flag: _Flag, context: ModuleContext) -> Hit | None:
    """The hit for a `set_cookie` call that leaves `flag` off."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in _COOKIE_SETTERS):
        return None
    if context.call_name(call) is not None or (not call.args and not call.keywords):
        return None  # a module function of that name, or not a cookie being set
    if len(call.args) == 1 and not call.keywords:
        return None  # cookiejar.set_cookie(cookie_object) on the client side
    if context.has_star_arguments(call) or _is_deletion(call, context):
        return None
    if any(isinstance(a, ast.Name) and a.id in _EXCHANGE_NAMES for a in call.args):
        return None  # `service.set_cookie(request, response, token)`: a helper, not the framework
    if _holds_flag(call, context):
        return None
    if call.func.attr != "set_signed_cookie" and holds_configured_setting(
        context.argument(call, 1, "value"), context
    ):
        return None  # the same configured value for every visitor (a signed one is a credential)
    if not _flag_missing(call, call.func.attr, flag, context):
        return None
    shown, words = _cookie_words(call, context)
    if flag.cwe == _HTTPONLY and words & _SCRIPT_READABLE_WORDS:
        return None
    sensitive = bool(words & SENSITIVE_COOKIE_WORDS)
    if (words & PREFERENCE_COOKIE_WORDS and not sensitive) or says_public(words):
        return None  # `lang`, `theme`, a public key: nothing to steal (cookie_names.py)
    framework = any(context.imports_module(f) for f in (*_WEB_FRAMEWORKS, "falcon"))
    confidence = Confidence.HIGH if framework else Confidence.MEDIUM
    if _named_in_the_call(call, context) and not may_name_a_credential(words):
        confidence = Confidence.LOW  # a name that says nothing of a login: likely no secret
    return Hit(
        node=call,
        message=f"`{context.one_line(call)}` sets the cookie {shown} without "
        f"`{flag.keyword}=True`, so {flag.consequence}"
        + ("; for a session or token cookie that is an account takeover." if sensitive else "."),
        severity=Severity.MEDIUM if sensitive else Severity.LOW,
        confidence=confidence,
    )


def _setting_hits(node: ast.AST, cwe: int, context: ModuleContext) -> Iterator[Hit]:
    """Cookie settings set to a constant false value (Django settings, Flask config)."""
    for name, value in setting_assignments(node):
        setting_cwe, guards_session = _COOKIE_SETTINGS.get(name, (None, False))
        if setting_cwe != cwe:
            continue
        folded = context.constant_value(value)
        if folded is UNKNOWN or folded or (cwe == _SECURE and for_plain_http(node, context)):
            continue
        development = in_development_configuration(node, context) or for_development_server(
            node, context
        )
        flag = _FLAGS[cwe]
        if development:
            ending = " (a development configuration: keep it out of production)."
        elif guards_session:
            ending = "; for a session cookie that is an account takeover."
        else:
            ending = "."
        yield Hit(
            node=node,
            message=f"`{context.one_line(node)}` turns off the {flag.attribute} attribute of "
            f"the framework's cookie, so {flag.consequence}{ending}",
            severity=Severity.MEDIUM if guards_session and not development else Severity.LOW,
            confidence=Confidence.LOW if development else None,
        )


_SHARED_REFERENCES = (
    "https://flask.palletsprojects.com/en/stable/security/#set-cookie-options",
    "https://docs.djangoproject.com/en/stable/ref/request-response/#django.http.HttpResponse.set_cookie",
    "https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies#restrict_access_to_cookies",
)


@rule(
    id="cookie-without-secure",
    name="Cookie set without the Secure attribute",
    cwe=_SECURE,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="A cookie is set without secure=True, or a session cookie setting turns Secure off.",
    fix="Pass `secure=True` to `set_cookie` and serve the site over HTTPS only; for the "
    "framework's own cookies set `SESSION_COOKIE_SECURE = True` and `CSRF_COOKIE_SECURE = True` "
    "(Django) or `app.config['SESSION_COOKIE_SECURE'] = True` (Flask).",
    what_it_does="Reports `.set_cookie(...)` and Django's `.set_signed_cookie(...)` calls that "
    "leave `secure` out (it defaults to False) or pass a constant false value, except calls that "
    "only delete or empty a cookie (`max_age=0`, `expires=0`, an expiry in 1970, a value of "
    "`None` or `''`), calls with `**kwargs`, cookies named as a display preference and not as "
    "a session (`lang`, `theme`, `sort`), and Falcon, where "
    "`secure` defaults to True. Cookies whose name suggests a session, login or token are "
    "medium severity, others low (and low confidence when the name is written out and holds no "
    "login word: `visitor`). "
    "Also reports `SESSION_COOKIE_SECURE`, `CSRF_COOKIE_SECURE`, "
    "`REMEMBER_COOKIE_SECURE` and `JWT_COOKIE_SECURE` set to False in settings, config classes, "
    "`app.config[...]` or `app.config.update(...)` (low severity and low confidence in "
    "development settings and in a `runserver` or `test` branch), unless only in a branch the "
    "configuration takes for plain HTTP (`if DISABLE_HTTPS:`, the `else` of `if USE_HTTPS:`, "
    '`if DOMAIN == "localhost":`, a branch that sets `PROTOCOL = "http"`), where a Secure '
    "cookie would never come back.",
    why_bad="Without Secure the browser sends the cookie over plain HTTP too: one request to "
    "an http:// URL (a mistyped link, a downgraded connection on public Wi-Fi) hands the "
    "session cookie to anyone on the network path, who can then act as the user.",
    example='response.set_cookie("session_id", session_id, httponly=True)',
    use_instead='response.set_cookie("session_id", session_id, secure=True, httponly=True, '
    'samesite="Lax")',
    references=(*_SHARED_REFERENCES, "https://cwe.mitre.org/data/definitions/614.html"),
    visits=(ast.Call, ast.Assign, ast.AnnAssign),
    methods=_COOKIE_METHODS,
    text_words=_COOKIE_WORDS,
)
def cookie_without_secure(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report cookies that the browser will also send over plain HTTP."""
    yield from _flag_hits(node, _SECURE, context)


@rule(
    id="cookie-without-httponly",
    name="Cookie set without the HttpOnly attribute",
    cwe=_HTTPONLY,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="A cookie is set without httponly=True, or a session cookie setting turns "
    "HttpOnly off.",
    fix="Pass `httponly=True` to `set_cookie` unless page scripts must read the cookie; keep "
    "`SESSION_COOKIE_HTTPONLY = True` (the default in Django and Flask).",
    what_it_does="Reports `.set_cookie(...)` and `.set_signed_cookie(...)` calls that leave "
    "`httponly` out (it defaults to False) or pass a constant false value, with the same "
    "exceptions as `cookie-without-secure` (Falcon's `http_only` defaults to True), and never "
    "for CSRF cookies (`csrftoken`, `XSRF-TOKEN`), which scripts must read. Cookies whose name "
    "suggests a session, login or token are medium severity, others low (and low "
    "confidence when the name is known). Also reports "
    "`SESSION_COOKIE_HTTPONLY` and `REMEMBER_COOKIE_HTTPONLY` set to False.",
    why_bad="A cookie without HttpOnly can be read by any script on the page: one cross-site "
    "scripting bug anywhere on the site is then enough to send users' session cookies to an "
    "attacker, who keeps the sessions after the bug is fixed.",
    example='response.set_cookie("session_id", session_id, secure=True)',
    use_instead='response.set_cookie("session_id", session_id, secure=True, httponly=True, '
    'samesite="Lax")',
    references=(*_SHARED_REFERENCES, "https://cwe.mitre.org/data/definitions/1004.html"),
    visits=(ast.Call, ast.Assign, ast.AnnAssign),
    methods=_COOKIE_METHODS,
    text_words=_COOKIE_WORDS,
)
def cookie_without_httponly(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report cookies that scripts in the page can read."""
    yield from _flag_hits(node, _HTTPONLY, context)


def _flag_hits(node: ast.AST, cwe: int, context: ModuleContext) -> Iterator[Hit]:
    """Hits of the rule for `cwe` at `node`: a set_cookie call or a cookie setting."""
    if isinstance(node, ast.Call):
        hit = _cookie_call_hit(node, _FLAGS[cwe], context)
        if hit is not None:
            yield hit
            return
    yield from _setting_hits(node, cwe, context)
