"""CWE-113 by data flow: untrusted input in a response header (`header-injection`)."""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

header_injection = taint_rule(
    TaintSpec("header", "CR/LF in the input splits the response or adds headers."),
    id="header-injection",
    name="HTTP header injection: untrusted input in a response header",
    cwe=113,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A response header is set from untrusted input.",
    fix="Validate header values against an allow-list or strip CR/LF; set cookies only from "
    "values the server chose.",
    what_it_does="Follows untrusted data into `response.headers[...]`, `headers.add/set`, "
    "Django `response[...]` writes and a handler's `set_header`/`send_header`. A `Location` "
    "header is reported as an open redirect (CWE-601) instead, the more specific weakness.",
    why_bad="`\\r\\n` in a header value lets an attacker add headers or a body (response "
    "splitting), poisoning caches or setting cookies (CWE-113).",
    example="resp.headers['X-Name'] = request.args['name']",
    use_instead="resp.headers['X-Name'] = re.sub(r'[\\r\\n]', '', request.args['name'])",
    references=(
        "https://owasp.org/www-community/attacks/HTTP_Response_Splitting",
        "https://cwe.mitre.org/data/definitions/113.html",
    ),
)
