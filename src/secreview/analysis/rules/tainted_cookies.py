"""CWE-614 and CWE-1004 by data flow: request data stored in a cookie without Secure or HttpOnly.

The pattern twins, `cookie-without-secure` and `cookie-without-httponly`, are in
`insecure_cookies.py`; on the same line these replace them, adding the path the value took.
"""

from __future__ import annotations

import ast

from secreview.analysis.models import name_words
from secreview.analysis.rules._support.cookie_names import (
    PREFERENCE_COOKIE_WORDS,
    SENSITIVE_COOKIE_WORDS,
)
from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity


def _name_words(event: SinkEvent, context: AnalysisContext) -> set[str]:
    """The words of the cookie's name when the code writes it (`"auth_token"`), else none."""
    call = event.node
    if not isinstance(call, ast.Call):
        return set()
    name = context.constant_value(context.argument(call, 0, "key"))
    return set(name_words(name).split("_")) if isinstance(name, str) else set()


def _cookie_severity(event: SinkEvent, context: AnalysisContext) -> Severity | None:
    """Medium for a cookie whose name says session, login or token (as `cookie-without-secure`
    judges it), else the rule's low."""
    return Severity.MEDIUM if _name_words(event, context) & SENSITIVE_COOKIE_WORDS else None


def _may_keep_a_secret(event: SinkEvent, context: AnalysisContext) -> bool:
    """False for a cookie named as a display preference (`lang`, `ui_theme`, `cve_filter`) and
    not as a session: the user's own pick sent back to them, nothing worth reading."""
    words = _name_words(event, context)
    return not (words & PREFERENCE_COOKIE_WORDS) or bool(words & SENSITIVE_COOKIE_WORDS)


tainted_cookie_insecure = taint_rule(
    TaintSpec(
        "cookie-insecure",
        "the browser also sends the cookie over plain HTTP, where anyone on the network path can "
        "read it.",
        severity_of=_cookie_severity,
        reports=_may_keep_a_secret,
    ),
    id="tainted-cookie-insecure",
    name="Cookie carrying untrusted data set without the Secure attribute",
    cwe=614,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    summary="Request data is stored in a cookie set without secure=True.",
    fix="Pass `secure=True` to `set_cookie` (with `httponly=True` and `samesite='Lax'`) and serve "
    "the site over HTTPS only; keep tokens the client sends you in the server-side session "
    "rather than copying them into cookies of your own.",
    what_it_does="Follows request data (and command-line input, at low confidence) into the "
    "value of `set_cookie`/`set_signed_cookie` on a Flask/Werkzeug, Django, Starlette/FastAPI "
    "or aiohttp response when `secure` is missing or a constant false value (positionally, the "
    "seventh argument). A non-constant flag (`secure=request.is_secure`) is a decision made "
    "elsewhere and is not reported, nor is a cookie named as a display preference (`lang`, "
    "`theme`, `sort`, `filter`) and not as a session. Cookies whose name suggests a session, "
    "login or token are medium severity. On the same line it replaces `cookie-without-secure`, "
    "adding the path the value took.",
    why_bad="Without Secure the browser sends the cookie over plain HTTP too: one request to an "
    "http:// URL (a mistyped link, a downgraded connection on public Wi-Fi) hands the value, "
    "often a token the user just presented, to anyone on the network path (CWE-614).",
    example="token = request.args['token']\nresp.set_cookie('auth_token', token, httponly=True)",
    use_instead="token = request.args['token']\n"
    "resp.set_cookie('auth_token', token, secure=True, httponly=True, samesite='Lax')",
    references=(
        "https://flask.palletsprojects.com/en/stable/security/#set-cookie-options",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies#restrict_access_to_cookies",
        "https://cwe.mitre.org/data/definitions/614.html",
    ),
)


tainted_cookie_script_readable = taint_rule(
    TaintSpec(
        "cookie-script-readable",
        "any script running in the page, an injected one included, can read it.",
        severity_of=_cookie_severity,
        reports=_may_keep_a_secret,
    ),
    id="tainted-cookie-script-readable",
    name="Cookie carrying untrusted data set without the HttpOnly attribute",
    cwe=1004,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    summary="Request data is stored in a cookie set without httponly=True.",
    fix="Pass `httponly=True` to `set_cookie` (with `secure=True` and `samesite='Lax'`) unless "
    "page scripts must read the cookie.",
    what_it_does="Follows request data (and command-line input, at low confidence) into the "
    "value of `set_cookie`/`set_signed_cookie` on a Flask/Werkzeug, Django, Starlette/FastAPI "
    "or aiohttp response when `httponly` is missing or a constant false value (positionally, the "
    "eighth argument), except CSRF cookies (`csrftoken`, `XSRF-TOKEN`), which scripts must read, "
    "and cookies named as a display preference (`lang`, `theme`) and not as a session. "
    "Cookies whose name suggests a session, login or token are medium severity. On the same "
    "line it replaces `cookie-without-httponly`, adding the path the value took.",
    why_bad="A cookie without HttpOnly can be read by any script on the page: one cross-site "
    "scripting bug anywhere on the site is then enough to send the value to an attacker "
    "(CWE-1004).",
    example="token = request.args['token']\nresp.set_cookie('auth_token', token, secure=True)",
    use_instead="token = request.args['token']\n"
    "resp.set_cookie('auth_token', token, secure=True, httponly=True, samesite='Lax')",
    references=(
        "https://owasp.org/www-community/HttpOnly",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies#restrict_access_to_cookies",
        "https://cwe.mitre.org/data/definitions/1004.html",
    ),
)
