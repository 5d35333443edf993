"""CWE-348: the client's address taken from a forwarding header with no trusted-proxy check.

`X-Forwarded-For`, `X-Real-IP`, `True-Client-IP` and their kin are whatever the client sent.
Preferring them to the socket's peer address hands the client the choice of its own address: per-IP
rate limits and lockouts are bypassed with a new value each time, IP allow-lists are passed by
naming an allowed address, and logs record a made-up one. The shape the rule reads, and what
counts as a trust check, is in `_support/forwarded_headers.py`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.echoed_values import only_shown_to_requester
from secreview.analysis.rules._support.forwarded_headers import HeaderFamily, untrusted_uses
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

CLIENT_ADDRESS = HeaderFamily(
    headers=frozenset(
        {
            "x-forwarded-for",
            "x-real-ip",
            "x-client-ip",
            "true-client-ip",
            "client-ip",
            "x-cluster-client-ip",
        }
    ),
    fallback_words=frozenset(
        {"remote_addr", "client_addr", "peername", "peer_addr", "getpeername", "remote_ip"}
    ),
    target=lazy_pattern(r"(?:^|_)(?:ip|ips|addr|address|client|remote)(?:_|$)", re.IGNORECASE),
    replaces="the peer address",
)
"""Headers that carry a client address, and the peer address they stand in for."""


@rule(
    id="spoofable-client-ip",
    name="Client address taken from a forwarding header without a trusted-proxy check",
    cwe=348,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="The client's IP address is read from X-Forwarded-For (or a similar header) that "
    "any client can set, with no check that a trusted proxy sent it.",
    fix="Use the socket's peer address (`REMOTE_ADDR`), or believe the header only from your "
    "own proxies: check the peer is one of them and take the entry they appended (the last "
    "one for one proxy, counting from the right), as Werkzeug's `ProxyFix(x_for=1)` does.",
    what_it_does="Reports where a function turns `X-Forwarded-For`, `X-Real-IP`, "
    "`X-Client-IP`, `True-Client-IP`, `Client-IP` or `X-Cluster-Client-IP` (read with "
    "`.get`, `[...]` or `getheader`, by constant, module constant or parameter default, in "
    "header or WSGI `HTTP_...` spelling) into the client's address: stored in a name, "
    "attribute or key named like an address (`ip`, `addr`, `client`, `remote`), or returned "
    "by a function that falls back to the peer address (`REMOTE_ADDR`, `remote_addr`, "
    "`peername`). A use under a condition naming the proxy configuration or the peer "
    "(`trust`, `proxy`/`proxies`, `REMOTE_ADDR in ...`), or after an early exit on such a "
    "condition that does not itself handle the header, is trusted and not reported, as is an "
    "address only shown back in this request's own template or JSON answer (an error page).",
    why_bad="The header is whatever the client sent. Preferring it to the peer address lets a "
    "client pick its own IP: per-IP rate limits, login throttles and lockouts are bypassed "
    "with a new value per request, IP allow-lists are passed by naming an allowed address, and "
    "logs record a made-up origin (CWE-348). Even behind a proxy that appends to the header, "
    "the first entry is still the client's own.",
    example="def client_ip(request):\n"
    "    forwarded = request.META.get('HTTP_X_FORWARDED_FOR')\n"
    "    if forwarded:\n"
    "        return forwarded.split(',')[0]\n"
    "    return request.META['REMOTE_ADDR']",
    use_instead="def client_ip(request):\n"
    "    peer = request.META['REMOTE_ADDR']\n"
    "    forwarded = request.META.get('HTTP_X_FORWARDED_FOR')\n"
    "    if forwarded and peer in TRUSTED_PROXIES:\n"
    "        return forwarded.split(',')[-1].strip()\n"
    "    return peer",
    references=(
        "https://cwe.mitre.org/data/definitions/348.html",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Forwarded-For#security_and_privacy_concerns",
        "https://werkzeug.palletsprojects.com/en/latest/middleware/proxy_fix/",
    ),
    visits=(ast.FunctionDef, ast.AsyncFunctionDef),
)
def spoofable_client_ip(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report each use of a forwarding header as the client address that no trust check
    decides."""
    for use in untrusted_uses(node, CLIENT_ADDRESS, context):
        if only_shown_to_requester(use.statement, context):
            continue  # printed on this request's own page: the client reads back what it sent
        yield Hit(
            use.statement,
            f"The client address is the `{use.header}` request header, which any client sets "
            f"freely, {use.how} with no check that a trusted proxy sent it.",
        )
