"""CWE-501 by data flow: request data stored in the session unvalidated (`trust-boundary`).

The session is the client's own state kept by the server, so the weakness is the client's data
coming back as if the server had vouched for it. What another server answered the application
(an OAuth token endpoint's token, an identity provider's user info, any HTTP reply or socket
read: origin `socket`) is that server's data, which the application chose to ask for; storing
it is how a login is kept, not a trust boundary crossed by the client, so it is not reported;
nor is a language model's reply (origin `model`), the answer of a service the application asked.
A reply from a server the client chose is the client's data, but the fetch itself is reported
there (`ssrf`), which is where it is fixed.

Nor is what a call the scan does not follow made of the request (`UNREAD_CALL`: an OAuth
library's login result, a FIDO2 server's registration state, a row a related manager looked up
by a request's id). The engine takes such a call to return its arguments' data so that flows
through it are not lost, but here the stored value is the call's answer, an object a library or
a model built, and whether any of it is the client's text is a guess: every one the fresh samples
read was the library's or the database's value (0 of 13 true), kept as a login or a ceremony
requires. The client's own text, as it came or changed by code the scan reads (a helper of the
module, a builtin, the standard library), is still reported.
"""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.guessed_sanitizers import VALIDATING_WORDS
from secreview.analysis.taint.markers import UNREAD_CALL
from secreview.analysis.taint.name_words import words_of
from secreview.analysis.taint.results import SinkEvent
from secreview.analysis.taint.values import returned_function
from secreview.findings import Confidence, Severity

_ANSWERS = frozenset({"socket", "model"})
"""Origins of what another server answered the application (see the module)."""


def _from_the_client(event: SinkEvent, context: AnalysisContext) -> bool:
    """Whether the stored data is not only another server's answer or an unread call's (see the
    module), nor what the project's own validator returned: the rule reports data stored
    *unvalidated*, and a function named for validating (`validate_next_path`: a relative path or
    '') is where the project decided what may be kept, which a reviewer judges there, not at
    every store."""
    if event.flow.origin in _ANSWERS or UNREAD_CALL in event.flow.safe_for:
        return False
    for _, note in event.flow.steps:
        name = (returned_function(note) or "").removesuffix("()")
        if name and words_of(name.rpartition(".")[2]) & VALIDATING_WORDS:
            return False
    return True


trust_boundary = taint_rule(
    TaintSpec(
        "trust-boundary",
        "later code will trust it as if the server had set it.",
        reports=_from_the_client,
    ),
    id="trust-boundary",
    name="Trust boundary violation: untrusted input stored in the session",
    cwe=501,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    summary="Request data is stored in the session unvalidated.",
    fix="Validate the value (type, allow-list) before storing it in the session, or keep it "
    "apart from data the server vouches for.",
    what_it_does="Follows untrusted data into Flask `session[...]` and Django "
    "`request.session[...]` writes. Another server's reply, a value a project function named "
    "for validating returned and what a call the scan does not follow made of the request (a "
    "library's login result or state) are not reported.",
    why_bad="Session data is usually treated as trusted; mixing raw input into it lets an "
    "attacker plant values later checks rely on (CWE-501).",
    example="session['role'] = request.args['role']",
    use_instead="role = request.args['role']\n"
    "if role in ALLOWED_ROLES:\n    session['role'] = role",
    references=("https://cwe.mitre.org/data/definitions/501.html",),
)
