"""CWE-113 by data flow: untrusted input in a response header (`header-injection`).

Frameworks that refuse a line break in a header value cannot have their response split: Django
raises `BadHeaderError`, Werkzeug (so Flask and Quart) and Bottle a `ValueError` for CR or LF,
and Tornado (with the Jupyter handlers built on it) for any control character. A value from the
request set on their response fails that request and writes nothing, so those headers are not
reported. Code that writes headers itself (`http.server`'s `send_header`) and frameworks that
pass the value on as it is (Starlette, aiohttp, Falcon, WebOb) stay reported; header lines a
module serialises as text are `unchecked-header-line`.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.taint.context import AnalysisContext
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity

_REFUSING = (
    "django",
    "flask",
    "werkzeug",
    "quart",
    "bottle",
    "tornado",
    "jupyter_server",
    "notebook",
)
"""Frameworks whose responses refuse a line break in a header value."""


def _can_split(event: SinkEvent, context: AnalysisContext) -> bool:
    """False for a header set on the response of a framework that refuses line breaks; a
    handler's own `send_header` writes the line as it is."""
    call = event.node
    func = call.func if isinstance(call, ast.Call) else None
    if isinstance(func, ast.Attribute) and func.attr == "send_header":
        return True
    return not context.imports_any(_REFUSING)


header_injection = taint_rule(
    TaintSpec(
        "header", "CR/LF in the input splits the response or adds headers.", reports=_can_split
    ),
    id="header-injection",
    name="HTTP header injection: untrusted input in a response header",
    cwe=113,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A response header is set from untrusted input.",
    fix="Validate header values against an allow-list or strip CR/LF; set cookies only from "
    "values the server chose.",
    what_it_does="Follows untrusted data into `response.headers[...]`, `headers.add/set` and "
    "a handler's `send_header` (`http.server`), on frameworks that pass header values on as "
    "they are (Starlette, aiohttp, Falcon, WebOb): Django, Werkzeug/Flask, Bottle and Tornado "
    "refuse a line break in a header value, so theirs are not reported. A `Location` header "
    "is reported as an open redirect (CWE-601) instead, the more specific weakness.",
    why_bad="`\\r\\n` in a header value lets an attacker add headers or a body (response "
    "splitting), poisoning caches or setting cookies (CWE-113).",
    example="resp.headers['X-Name'] = request.args['name']",
    use_instead="resp.headers['X-Name'] = re.sub(r'[\\r\\n]', '', request.args['name'])",
    references=(
        "https://owasp.org/www-community/attacks/HTTP_Response_Splitting",
        "https://cwe.mitre.org/data/definitions/113.html",
    ),
)
