"""CWE-501 by data flow: request data stored in the session unvalidated (`trust-boundary`)."""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

trust_boundary = taint_rule(
    TaintSpec("trust-boundary", "later code will trust it as if the server had set it."),
    id="trust-boundary",
    name="Trust boundary violation: untrusted input stored in the session",
    cwe=501,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    summary="Request data is stored in the session unvalidated.",
    fix="Validate the value (type, allow-list) before storing it in the session, or keep it "
    "apart from data the server vouches for.",
    what_it_does="Follows untrusted data into Flask `session[...]` and Django "
    "`request.session[...]` writes.",
    why_bad="Session data is usually treated as trusted; mixing raw input into it lets an "
    "attacker plant values later checks rely on (CWE-501).",
    example="session['role'] = request.args['role']",
    use_instead="role = request.args['role']\n"
    "if role in ALLOWED_ROLES:\n    session['role'] = role",
    references=("https://cwe.mitre.org/data/definitions/501.html",),
)
