"""CWE-330 by data flow: a token from the `random` module sent to the client.

Its pattern twin, `insecure-random-token`, is in `weak_random.py`.
"""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

predictable_token = taint_rule(
    TaintSpec(
        "token",
        "the `random` module's Mersenne Twister is predictable (624 outputs reveal its state), "
        "so an attacker can compute the tokens it hands to other users.",
        origins=("weak-token",),
    ),
    id="predictable-token",
    name="Token from the predictable random module sent in a response, cookie or session",
    cwe=330,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A security token made with `random` reaches a response body, header, cookie or "
    "the session.",
    fix="Make tokens with the `secrets` module: `secrets.token_urlsafe(32)`, "
    "`secrets.token_hex(16)`, `secrets.choice(alphabet)` per character or "
    "`secrets.randbelow(10**6)` for a numeric code.",
    what_it_does="Follows values of `random.random/randint/randrange/getrandbits/uniform/"
    "randbytes/choice/choices/sample` (and the same methods of `random.Random()`) that the code "
    "names as a security token (a variable, attribute, dict key, keyword argument or function "
    "whose head noun is token, secret, nonce, CSRF, session id, API key, password, PIN, OTP or "
    "reset/verification code) to a cookie value, a response header, the session, a response "
    "body (`make_response`, `HttpResponse`, `jsonify`, `JsonResponse`, `JSONResponse`, "
    "templates) or a view's return value; a cookie, header or session key named so also makes "
    "the value a token. Casts and digests keep it predictable (`sha256(str(random.random()))`). "
    "`secrets` and `random.SystemRandom()` are not sources, and unnamed values (a dice roll, an "
    "A/B bucket) are not tokens.",
    why_bad="Session ids, CSRF tokens, reset codes and API keys protect accounts only if nobody "
    "can guess them. `random` is seeded from the clock when the OS has no entropy and its "
    "internal state follows from a few hundred outputs, so an attacker who collects their own "
    "tokens can compute other users' (CWE-330, CWE-338).",
    example="token = ''.join(random.choice(ALPHABET) for _ in range(32))\n"
    "resp.set_cookie('session_id', token, secure=True, httponly=True)",
    use_instead="token = secrets.token_urlsafe(32)\n"
    "resp.set_cookie('session_id', token, secure=True, httponly=True)",
    references=(
        "https://docs.python.org/3/library/secrets.html",
        "https://docs.python.org/3/library/random.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#session-id-entropy",
        "https://cwe.mitre.org/data/definitions/330.html",
    ),
)
