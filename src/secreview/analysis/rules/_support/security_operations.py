"""Which statements of a `try` block decide a security outcome, for the exception-handling rules.

A swallowed exception is a security defect only when what failed was a security decision: a
signature, password, token or certificate check, an authentication or authorisation call, a
decryption, or dropping privileges. Checks of that kind report failure by raising, so an
`except` that carries on afterwards turns "refused" into "allowed". Everything else a `try`
block does (closing, cleaning up, probing, formatting) is left to the linters that already
report broad catches as a matter of style.

Calls are recognised by their resolved name (`hmac.compare_digest`, `os.setuid`) or by the words
of their own name: a verb that only a check has (`verify`, `authenticate`, `decrypt`), or a
checking verb applied to a security noun (`check_password`, `has_perm`, `validate_token`). A
plain `validate(...)`, `check(...)` or `clean(...)` says nothing about security and is not one,
nor is building an object of a class so named (`AuthorizeGrantItem(...)`: CapWords, PEP 8's
spelling of a class) or a call that only writes grants (`authorize(..., grants=[...])`).
"""

from __future__ import annotations

import ast
from enum import Enum
from typing import NamedTuple

from secreview.analysis.rules._support.web_handlers import scope_nodes
from secreview.credentials import name_words
from secreview.index.context import ModuleContext

_SECURITY_CALLS = {
    "hmac.compare_digest": "a digest comparison",
    "secrets.compare_digest": "a digest comparison",
    "ssl.match_hostname": "a certificate host-name check",
    "jwt.decode": "a signed-token check",
    "os.setuid": "a privilege drop",
    "os.setgid": "a privilege drop",
    "os.seteuid": "a privilege drop",
    "os.setegid": "a privilege drop",
    "os.setresuid": "a privilege drop",
    "os.setresgid": "a privilege drop",
    "os.setgroups": "a privilege drop",
    "os.initgroups": "a privilege drop",
    "os.chroot": "a confinement of the process",
    "django.contrib.auth.authenticate": "an authentication",
}
# Verbs whose whole job is a security decision, whatever they are applied to.
_SECURITY_VERBS = {
    "verify": "a verification",
    "authenticate": "an authentication",
    "authorize": "an authorisation",
    "authorise": "an authorisation",
    "decrypt": "a decryption",
    "unsign": "a signature check",
    "do_handshake": "a TLS handshake",
    "match_hostname": "a certificate host-name check",
}
# Checking verbs, which decide something about security only when a security noun follows.
_CHECK_VERBS = frozenset(
    {"check", "validate", "has", "is", "require", "ensure", "assert", "confirm", "compare"}
)
_SECURITY_NOUNS = frozenset(
    {
        "password", "passwd", "passphrase", "permission", "permissions", "perm", "perms",
        "signature", "sig", "certificate", "cert", "csrf", "xsrf", "token", "credential",
        "credentials", "hmac", "mac", "digest", "acl", "access", "auth", "authorization",
        "authentication", "login", "role", "roles", "privilege", "privileges", "scope", "scopes",
        "nonce", "otp", "totp", "mfa", "session", "origin", "referer", "referrer", "host",
    }
)  # fmt: skip
# Exceptions whose very name says a security check failed.
_SECURITY_EXCEPTION_WORDS = frozenset(
    {
        "signature", "permission", "auth", "authentication", "authorization", "unauthorized",
        "unauthorised", "forbidden", "denied", "token", "certificate", "csrf", "verification",
        "verify", "decrypt", "decryption", "credential", "credentials", "ssl", "tls", "jwt",
        "expired", "tampered", "badsignature", "invalidtoken", "suspicious",
    }
)  # fmt: skip


class Outcome(Enum):
    """How the try block uses the security call, which decides what swallowing its error does."""

    CHECK = "check"
    """The call is a statement, an assertion or the test of a `raise`: raising *is* its answer,
    so swallowing the exception throws the answer away."""
    RESULT = "result"
    """The call's value is kept: swallowing leaves whatever the variable held before."""


class SecurityOperation(NamedTuple):
    """A security decision made inside a `try` block."""

    call: ast.Call
    what: str
    """What the call is, as a phrase: 'a signed-token check'."""
    outcome: Outcome


def _description(call: ast.Call, context: ModuleContext) -> str | None:
    """What `call` decides, when it is a security decision; None for any other call."""
    resolved = context.call_name(call)
    if resolved in _SECURITY_CALLS:
        return _SECURITY_CALLS[resolved]
    func = call.func
    own = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if not own or own[:1].isupper() or _writes_grants(call):
        return None  # a class built (`AuthorizeGrantItem(...)`), or permissions given
    if own in _SECURITY_VERBS:
        return _SECURITY_VERBS[own]
    words = name_words(own)
    if not words:
        return None
    if words[0] in _SECURITY_VERBS:
        return _SECURITY_VERBS[words[0]]
    if words[0] in _CHECK_VERBS and any(word in _SECURITY_NOUNS for word in words[1:]):
        return f"a {' '.join(words[1:])} check"
    return None


_GRANT_KEYWORDS = frozenset({"grant", "grants"})
_REVOKE_KEYWORDS = frozenset({"revoke", "revokes"})


def _writes_grants(call: ast.Call) -> bool:
    """Whether the call hands over permissions to write (`PermissionService.authorize(
    object_type=..., grants=[...])`, bisheng's OpenFGA tuple writes) and takes none away: its
    failure leaves fewer permissions, so carrying on after it lets nobody in. A call that may
    revoke too (`revokes=`) keeps its failure's weight: a revocation lost leaves access."""
    keywords = {k.arg for k in call.keywords if k.arg}
    return bool(keywords & _GRANT_KEYWORDS) and not keywords & _REVOKE_KEYWORDS


def _raises(statements: list[ast.stmt]) -> bool:
    """Whether a block ends by raising (the refusal of `if not ok: raise Forbidden()`)."""
    return bool(statements) and isinstance(statements[-1], ast.Raise)


def _outcome(call: ast.Call, context: ModuleContext) -> Outcome:
    """Whether the call's exception is its answer (CHECK) or its value is (RESULT)."""
    child: ast.AST = call
    for ancestor in context.ancestors(call):
        if isinstance(ancestor, ast.Expr | ast.Assert):
            return Outcome.CHECK
        if isinstance(ancestor, ast.If) and ancestor.test is child:
            return (
                Outcome.CHECK
                if _raises(ancestor.body) or _raises(ancestor.orelse)
                else (Outcome.RESULT)
            )
        if isinstance(ancestor, ast.stmt):
            return Outcome.RESULT
        child = ancestor
    return Outcome.RESULT


def security_operations(body: list[ast.stmt], context: ModuleContext) -> list[SecurityOperation]:
    """The security decisions a `try` (or `with`) block makes, in source order."""
    found = [
        SecurityOperation(node, what, _outcome(node, context))
        for node in scope_nodes(body)
        if isinstance(node, ast.Call) and (what := _description(node, context))
    ]
    return sorted(found, key=lambda op: (op.call.lineno, op.call.col_offset))


def names_a_security_failure(name: str) -> bool:
    """Whether an exception class name says a security check failed (`InvalidSignature`)."""
    words = name_words(name.rsplit(".", 1)[-1])
    return any(word in _SECURITY_EXCEPTION_WORDS for word in words)
