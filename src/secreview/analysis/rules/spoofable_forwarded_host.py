"""CWE-348: the request's host taken from `X-Forwarded-Host` with no trusted-proxy check.

A front proxy routes on the `Host` header and usually checks it against the sites it serves;
`X-Forwarded-Host` it passes through untouched unless configured to set it. Code that prefers the
forwarded header whenever it is present lets a client choose the host the application believes it
was reached under: absolute links in password-reset mails and redirects point at the attacker's
site, cached pages are poisoned, and a dispatcher that picks an application by host serves one the
proxy never exposed. Django leaves `USE_X_FORWARDED_HOST` off by default for this reason. The
shape read and the trust checks are those of `spoofable-client-ip`
(`_support/forwarded_headers.py`).

CherryPy's `proxy` tool is the same trust written as configuration: switched on, it rebuilds
`request.base` from `X-Forwarded-Host` unless its `local` argument names another header (or
None), so an application that turns it on for the client address (`remote='X-Real-IP'`) also
takes its host, and every URL it builds, from whatever the client sent.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.forwarded_headers import HeaderFamily, untrusted_uses
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

FORWARDED_HOST = HeaderFamily(
    headers=frozenset({"x-forwarded-host", "x-forwarded-server", "x-original-host", "x-host"}),
    fallback_words=frozenset({"http_host", "server_name", "host"}),
    target=lazy_pattern(
        r"(?:^|_)(?:host|hostname|domain|netloc|server_name)(?:_|$)", re.IGNORECASE
    ),
    replaces="the Host header",
)
"""Headers that carry the host a proxy was asked for, and the Host header they stand in for."""


CHERRYPY_PROXY_TOOL = "cherrypy.tools.proxy"
"""CherryPy's tool that rebuilds the request's base URL and address from proxy headers."""

_CHERRYPY_MESSAGE = (
    "CherryPy's proxy tool is {how}, so it takes the request's host from `X-Forwarded-Host`, "
    "which any client sets freely: the URLs and redirects the application builds point where "
    "the client says."
)


def _proxy_tool_on_by_default(node: ast.Dict, context: ModuleContext) -> ast.expr | None:
    """The `tools.proxy.on` key of a CherryPy config dict that turns the tool on and never sets
    `tools.proxy.local`, or None.

    Only a dict in a module that imports CherryPy: the key spelling is CherryPy's own.
    """
    keys = {
        key.value: (key, value)
        for key, value in zip(node.keys, node.values, strict=True)
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    }
    if "tools.proxy.on" not in keys or "tools.proxy.local" in keys:
        return None
    key, value = keys["tools.proxy.on"]
    if context.constant_value(value) is True and context.imports_any(("cherrypy",)):
        return key
    return None


@rule(
    id="spoofable-forwarded-host",
    name="Request host taken from X-Forwarded-Host without a trusted-proxy check",
    cwe=348,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="The request's host is read from X-Forwarded-Host (or a similar header) that any "
    "client can set, with no check that a trusted proxy sent it.",
    fix="Use the `Host` header (checked against the hosts you serve), or believe "
    "`X-Forwarded-Host` only behind a proxy of your own that sets it: make that a setting that "
    "is off by default (Django's `USE_X_FORWARDED_HOST`) or check the peer is your proxy.",
    what_it_does="Reports where a function turns `X-Forwarded-Host`, `X-Forwarded-Server`, "
    "`X-Original-Host` or `X-Host` (read with `.get`, `[...]` or `getheader`, in header or WSGI "
    "`HTTP_...` spelling) into the request's host: stored in a name, attribute or key named "
    "`host`, `hostname`, `domain`, `netloc` or `server_name`, or returned by a function that "
    "falls back to the `Host` header. Uses under a condition that names the proxy configuration "
    "or the peer address (`trust`, `proxy`/`proxies`, `REMOTE_ADDR`), or after an early exit on "
    "one, are not reported, nor accessors named for the header (`forwarded_host`). Also "
    "reports CherryPy's `tools.proxy` switched on (called, or `'tools.proxy.on': True` in a "
    "config dict) without `local`, whose default is `X-Forwarded-Host`; `local=None` or "
    "another header is not reported.",
    why_bad="Front proxies route on `Host` and pass `X-Forwarded-Host` through, so a client "
    "picks the host the application thinks it serves: reset links and redirects built from it "
    "point at the attacker's site, shared caches store poisoned pages, and host-based dispatch "
    "reaches applications the proxy does not expose (CWE-348).",
    example="def site_host(environ):\n"
    "    host = environ.get('HTTP_X_FORWARDED_HOST') or environ['HTTP_HOST']\n"
    "    return 'https://' + host",
    use_instead="def site_host(environ, trust_forwarded=False):\n"
    "    host = environ['HTTP_HOST']\n"
    "    if trust_forwarded:\n"
    "        host = environ.get('HTTP_X_FORWARDED_HOST', host)\n"
    "    return 'https://' + host",
    references=(
        "https://cwe.mitre.org/data/definitions/348.html",
        "https://docs.djangoproject.com/en/stable/ref/settings/#use-x-forwarded-host",
        "https://portswigger.net/web-security/host-header",
    ),
    visits=(ast.FunctionDef, ast.AsyncFunctionDef, ast.Call, ast.Dict),
    calls=frozenset({CHERRYPY_PROXY_TOOL}),
)
def spoofable_forwarded_host(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report each use of a forwarded-host header as the request's host that no trust check
    decides, and CherryPy's proxy tool left to take the host from `X-Forwarded-Host`."""
    if isinstance(node, ast.Call):
        if context.argument(node, 1, "local") is None and not context.has_star_arguments(node):
            yield Hit(node, _CHERRYPY_MESSAGE.format(how="called without `local=`"))
        return
    if isinstance(node, ast.Dict):
        key = _proxy_tool_on_by_default(node, context)
        if key is not None:
            yield Hit(key, _CHERRYPY_MESSAGE.format(how="switched on without `tools.proxy.local`"))
        return
    for use in untrusted_uses(node, FORWARDED_HOST, context):
        yield Hit(
            use.statement,
            f"The request's host is the `{use.header}` request header, which any client sets "
            f"freely, {use.how} with no check that a trusted proxy sent it.",
        )
