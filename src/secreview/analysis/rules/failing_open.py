"""CWE-636: an authentication or authorisation check that lets the request through when it fails.

A check fails closed when every error means "no". Two shapes turn an error into "yes": an
`except` clause in a checking function that returns success (`return True`, the user, `ALLOW`)
or sets the verdict to success, or falls through to a `return True` after the `try`; and a
verification call (`jwt.decode`, `public_key.verify`, `verify_signature(...)`) whose exception is
swallowed so execution carries on past the check. What is a check is read from names
(`authenticate`, `authorize`, `verify`, `has_permission`, `validate_token`, `check_signature`),
the same words a reviewer reads.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.secret_text import name_words
from secreview.findings import Confidence, Severity
from secreview.index.children import walk
from secreview.index.context import ModuleContext

_AUTH_VERBS = frozenset(
    {"authenticate", "authorize", "authorise", "authenticated", "authorized", "authorised"}
    | {"verify", "verified", "authz", "authn"}
)
_CHECK_VERBS = frozenset({"check", "validate", "is", "has", "can", "valid", "require", "ensure"})
_AUTH_NOUNS = frozenset(
    {
        "permission", "permissions", "perm", "perms", "signature", "token", "credentials",
        "credential", "password", "jwt", "csrf", "acl", "access", "auth", "login", "otp",
        "totp", "hmac", "authorized", "authenticated", "allowed", "permitted", "admin",
        "owner", "role", "roles", "scope", "scopes",
    }
)  # fmt: skip
_VERIFYING_CALLS = frozenset({"jwt.decode", "jose.jwt.decode", "jwt.api_jwt.decode"})
_SUCCESS_NAMES = frozenset(
    {"allow", "allowed", "permit", "permitted", "accept", "accepted", "granted", "grant"}
)
_IDENTITY_NAMES = frozenset(
    {"user", "username", "user_id", "identity", "principal", "account", "claims", "current_user"}
)
_VERDICT_WORDS = frozenset(
    {"valid", "authorized", "authorised", "authenticated", "allowed", "permitted", "ok"}
    | {"verified", "granted", "allow", "access"}
)
_FEATURE_PROBES = frozenset({"ImportError", "ModuleNotFoundError", "NotImplementedError"})
_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "print"}
)
Function = ast.FunctionDef | ast.AsyncFunctionDef


def is_check_name(name: str) -> bool:
    """Whether an identifier names an authentication, authorisation or verification step."""
    words = set(name_words(name))
    return bool(words & _AUTH_VERBS) or bool(words & _CHECK_VERBS and words & _AUTH_NOUNS)


def _called_name(call: ast.Call, context: ModuleContext) -> str:
    """`verify_signature` for `self.verify_signature(...)`, `jwt.decode` when resolved."""
    resolved = context.call_name(call)
    if resolved is not None:
        return resolved
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _verifications(statements: list[ast.stmt], context: ModuleContext) -> list[ast.Call]:
    found = []
    for statement in statements:
        for node in walk(statement):
            if isinstance(node, ast.Call):
                name = _called_name(node, context)
                if name in _VERIFYING_CALLS or is_check_name(name.rpartition(".")[2]):
                    found.append(node)
    return found


def _is_success(
    value: ast.expr | None, context: ModuleContext, identities: frozenset[str] = _IDENTITY_NAMES
) -> bool:
    """`True`, `ALLOW`, `'allow'`, `Decision.PERMIT`, or the identity being checked.

    After the `try`, a returned `user` or `claims` may well be the `None` the handler left, so
    only constants count there (`identities` is empty).
    """
    if value is None:
        return False
    constant = context.constant_value(value)
    if constant is True:
        return True
    if isinstance(constant, str):
        return constant.lower() in _SUCCESS_NAMES
    name = value.id if isinstance(value, ast.Name) else getattr(value, "attr", None)
    if not isinstance(name, str):
        return False
    return name.lower() in _SUCCESS_NAMES | identities


def _is_logging(statement: ast.stmt) -> bool:
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    func = statement.value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in _LOG_METHODS


def _swallows(handler: ast.ExceptHandler) -> bool:
    """A handler that neither returns, raises nor records the failure: it only goes on."""
    return all(
        isinstance(s, ast.Pass | ast.Continue)
        or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
        or _is_logging(s)
        for s in handler.body
    )


def _success_in_handler(handler: ast.ExceptHandler, context: ModuleContext) -> ast.AST | None:
    """The `return True` or `authorized = True` in the handler's own statements."""
    for statement in handler.body:
        if isinstance(statement, ast.Return) and _is_success(statement.value, context):
            return statement
        if isinstance(statement, ast.Assign) and context.constant_value(statement.value) is True:
            for target in statement.targets:
                name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
                if set(name_words(name)) & _VERDICT_WORDS:
                    return statement
    return None


def _success_after(statement: ast.stmt, context: ModuleContext) -> ast.Return | None:
    """The `return True` that directly follows the `try` statement in its block."""
    parent = context.parent(statement)
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and statement in block:
            rest = block[block.index(statement) + 1 :]
            for following in rest:
                if isinstance(following, ast.Return):
                    success = _is_success(following.value, context, frozenset())
                    return following if success else None
                if isinstance(following, ast.Raise | ast.If | ast.Try | ast.For | ast.While):
                    return None
    return None


def _catches_feature_probe(handler: ast.ExceptHandler, context: ModuleContext) -> bool:
    if handler.type is None:
        return False
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return all((context.resolve(t) or "").rpartition(".")[2] in _FEATURE_PROBES for t in types)


def _returns_inside(statements: list[ast.stmt]) -> bool:
    return any(isinstance(n, ast.Return) for s in statements for n in walk(s))


@rule(
    id="auth-fails-open",
    name="Authentication or authorisation check that fails open",
    cwe=636,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="An exception in an authentication, authorisation or signature check is caught and "
    "turned into success, or swallowed so execution continues past the check.",
    fix="Fail closed: in the `except` clause deny (`return False`, `raise PermissionDenied`, "
    "`abort(401)`), catch only the exception the verification raises for a bad credential, "
    "and let unexpected errors propagate; never return success from an error path.",
    what_it_does="In functions named like a check (`authenticate`, `authorize`, `verify*`, "
    "`has_permission`, `is_authorized`, `validate_token`, `check_signature`, ...) or `try` "
    "blocks that call one (including `jwt.decode` and `.verify(...)` of signature APIs), "
    "reports an `except` clause that returns success (`True`, `'allow'`, `ALLOW`, the "
    "`user` or `identity`), sets a verdict to `True` (`authorized = True`), or does nothing "
    "but log or `pass` while the next statement after the `try` returns success; and an "
    "`except` that only logs or passes after a verification call whose success path does not "
    "return from the `try`, the `try` has no `else` and its body does not go on after the "
    "verification (code there runs only when the check passed, so swallowing its failure "
    "skips it). A handler returning the identity a check function assigned before the `try` "
    "(`user = decode_jwt(token)`, then a `try` that only loads the stored account; not a "
    "parameter, never checked) is not reported. Handlers for `ImportError` are feature "
    "probes and left alone.",
    why_bad="Attackers control what makes a check fail: a malformed token, an expired "
    "certificate, a policy file they can make unreadable, a backend they can time out. When "
    "the error path says yes, each of these becomes a way in: the exception that should have "
    "been a 401 or 403 lets the request through with full access, and nothing in the logs "
    "says a check was skipped.",
    example="def is_authorized(user, action):\n    try:\n"
    "        return policy.enforce(user, action)\n    except PolicyError:\n"
    "        log.warning('policy unavailable')\n        return True",
    use_instead="def is_authorized(user, action):\n    try:\n"
    "        return policy.enforce(user, action)\n    except PolicyError:\n"
    "        log.exception('policy unavailable; denying')\n        return False",
    references=(
        "https://cwe.mitre.org/data/definitions/636.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html",
        "https://owasp.org/Top10/A01_2021-Broken_Access_Control/",
    ),
    visits=(ast.ExceptHandler,),
)
def auth_fails_open(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report error paths of checks that grant access or skip the check (signature failures
    are `signature-check-fails-open`'s, so that one defect gets one finding)."""
    assert isinstance(node, ast.ExceptHandler)
    if not catches_signature_failure(node, context):
        yield from _open_paths(node, context)


def _open_paths(node: ast.ExceptHandler, context: ModuleContext) -> Iterator[Hit]:
    """The error paths of a check that grant access or skip the check."""
    statement = context.parent(node)
    function = context.enclosing_function(node)
    if not isinstance(statement, ast.Try | ast.TryStar) or function is None:
        return
    if _catches_feature_probe(node, context):
        return
    verifications = _verifications(statement.body, context)
    in_check = is_check_name(function.name)
    if not (in_check or verifications):
        return
    where = (
        f"the check `{function.name}`"
        if in_check
        else f"the verification `{context.one_line(verifications[0].func)}`"
    )
    granted = _success_in_handler(node, context)
    if (
        granted is not None
        and not verifications
        and _established_before(granted, statement, context)
    ):
        return  # `return user` of an identity checked before the `try`, which only loads more
    if granted is not None:
        yield Hit(
            node=node,
            message=f"When {where} raises, this `except` clause grants access "
            f"(`{context.one_line(granted)}`): any error an attacker can provoke becomes a "
            "successful check.",
            evidence=((granted, "success returned from the error path"),),
        )
        return
    if not _swallows(node):
        return
    after = _success_after(statement, context)
    if after is not None:
        yield Hit(
            node=node,
            message=f"When {where} raises, this `except` clause only records it and execution "
            f"reaches `{context.one_line(after)}` (line {after.lineno}): the error path "
            "reports success.",
            evidence=((after, "success reached after the swallowed error"),),
        )
        return
    if statement.orelse:
        return  # `try: check() except Denied: pass else: <allowed path>`: a failure skips it
    discarded = [v for v in verifications if isinstance(context.parent(v), ast.Expr)]
    if (
        discarded
        and not _returns_inside(statement.body)
        and not _retries(node)
        and not _path_follows(discarded[0], statement.body, context)
    ):
        yield Hit(
            node=node,
            message=f"The exception of `{context.one_line(discarded[0])}` is swallowed, so "
            "execution continues past a failed verification as if it had passed.",
            severity=Severity.MEDIUM,
            evidence=((discarded[0], "verification whose failure is ignored"),),
        )


def catches_signature_failure(handler: ast.ExceptHandler, context: ModuleContext) -> bool:
    """`except InvalidSignature`, `except BadSignature`, `except jwt.InvalidSignatureError`:
    the exception a signature API raises to say "this signature is forged"."""
    if handler.type is None:
        return False
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = [(context.resolve(t) or context.segment(t)).rpartition(".")[2] for t in types]
    return any("Signature" in name for name in names)


@rule(
    id="signature-check-fails-open",
    name="Signature check whose failure is caught and ignored",
    cwe=347,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="The exception a signature verification raises for a forged signature "
    "(`InvalidSignature`, `BadSignature`) is caught and swallowed or turned into success, so "
    "the unverified data is used as if it were signed.",
    fix="Let the signature exception propagate, or deny in the `except` clause (`raise`, "
    "`return False`); a log line alone does not stop the forged data.",
    what_it_does="The shapes `auth-fails-open` reports (an `except` clause after a "
    "verification call that only logs or passes while execution carries on, or that returns "
    "or reaches success), when the clause catches a signature failure: an exception class "
    "named `...Signature...` (cryptography's `InvalidSignature`, itsdangerous' "
    "`BadSignature`, PyJWT's `InvalidSignatureError`). Those are reported here instead, as "
    "CWE-347; a clause that continues to the next key, re-raises or denies is quiet.",
    why_bad='Signature APIs answer "forged" by raising. A clause that logs the exception '
    "and goes on accepts the forged quote, token or message exactly as a valid one: the "
    "attacker's only cost is an error line in a log nobody reads.",
    example="try:\n    public_key.verify(sig, data, ec.ECDSA(hashes.SHA256()))\n"
    "except InvalidSignature:\n    logger.error('invalid signature')\nreturn parse(data)",
    use_instead="public_key.verify(sig, data, ec.ECDSA(hashes.SHA256()))  # raises if forged\n"
    "return parse(data)",
    references=(
        "https://cwe.mitre.org/data/definitions/347.html",
        "https://cryptography.io/en/latest/exceptions/#cryptography.exceptions.InvalidSignature",
    ),
    visits=(ast.ExceptHandler,),
)
def signature_check_fails_open(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report error paths that accept a signature the verification rejected."""
    assert isinstance(node, ast.ExceptHandler)
    if catches_signature_failure(node, context):
        yield from _open_paths(node, context)


def _established_before(
    granted: ast.AST, statement: ast.Try | ast.TryStar, context: ModuleContext
) -> bool:
    """Whether the identity a handler returns (`return user`) was assigned in the function
    before the `try`, and not in it: `user = decode_jwt(token)` then `try: persisted =
    store.get_user(user.id) except: return user` falls back to the user checked there when only
    the lookup that follows fails. A parameter (`return username` after a failed bind) was never
    checked."""
    value = getattr(granted, "value", None)
    function = context.enclosing_function(statement)
    if not isinstance(value, ast.Name) or function is None:
        return False
    stores = [
        node
        for node in walk(function)
        if isinstance(node, ast.Name) and node.id == value.id and isinstance(node.ctx, ast.Store)
    ]
    inside = {id(node) for part in statement.body for node in walk(part)}
    return bool(stores) and all(
        id(node) not in inside and node.lineno < statement.lineno for node in stores
    )


def _path_follows(verification: ast.AST, body: list[ast.stmt], context: ModuleContext) -> bool:
    """Whether the `try` body goes on after the verification's statement (`validate_jwt(jwt)`
    then `login_user(user)`): a failure skips that path, as a failure skips an `else:` block."""
    top = next(
        (s for s in body if verification is s or any(verification is n for n in walk(s))), None
    )
    if top is None:
        return False
    rest = body[body.index(top) + 1 :]
    return any(not (_is_logging(s) or isinstance(s, ast.Pass)) for s in rest)


def _retries(handler: ast.ExceptHandler) -> bool:
    """`for key in keys: try: verify(key) except Bad: continue` tries the next candidate."""
    return any(isinstance(s, ast.Continue) for s in handler.body)
