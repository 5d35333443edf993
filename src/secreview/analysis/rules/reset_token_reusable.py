"""CWE-640: a password-reset token that signs only the account's permanent identity.

A reset link made as `serializer.dumps({"reset": self.id})` or `jwt.encode({"reset_password":
self.id, "exp": ...}, key)` (the shape Flask tutorials teach, and OpenOversight shipped:
GHSA-gfjg-2w9g-vgj3) proves only "the server signed this user's id before the expiry". Nothing
in it changes when the password is reset, so the same link works again, as often as anyone
likes until it expires: after the owner used it, after they changed the password, after the
e-mail address it was sent to was replaced. Whoever reads the mail later (a shared inbox, a
forwarded message, a proxy's log of the URL) takes the account over. Django's
`PasswordResetTokenGenerator` hashes the password and the last login into the token for this
reason; a value that is replaced on every password change (a per-user nonce or UUID the code
regenerates) does the same.

The rule reads one function: a function named for a reset (or whose payload has a key naming
one) that passes a dict to a signer (`dumps`, `encode`, `sign`, a project's `_jwt_encode`)
whose values are only the account's identity (`id`, `pk`, `email`, `username` of an object, a
variable `user_id` or `email`) besides the token's time claims (`exp`, `iat`, `nbf`) and fixed
tags (`"type": "password_reset"`). Any other value (a password hash, a
nonce, a UUID attribute, the last login) or a `**` merge stays quiet: what it holds may change
with the password.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.taint.name_words import words_of
from secreview.findings import Confidence, Severity
from secreview.index.children import walk
from secreview.index.context import ModuleContext

_IDENTITY = frozenset({"id", "pk", "email", "username", "user_id", "uid", "login", "userid"})
"""Attributes that name the account and stay the same when its password changes."""

_IDENTITY_WORDS = frozenset({"id", "pk", "uid", "email", "mail", "username", "login", "addr"})
_OWNER_WORDS = _IDENTITY_WORDS | {"user", "account", "address"}
"""The words of a variable that holds the account's identity (`user_id`, `email`,
`account_addr`): one of the first set, the others only beside it."""

_TIME_CLAIMS = frozenset({"exp", "iat", "nbf", "iss", "aud", "expires", "expiration"})
"""Payload keys that bound the token's life or name its issuer, not its owner's state."""

_SIGNERS = ("dumps", "encode", "sign")
"""Last words of the methods that sign a payload: itsdangerous' `dumps`, PyJWT's and Authlib's
`encode`, a project's `_jwt_encode` or `sign`."""

Pairs = list[tuple[ast.expr | None, ast.expr]]


def _payload_pairs(argument: ast.expr, function: ast.AST) -> tuple[Pairs, ast.AST] | None:
    """The (key, value) pairs of the dict `argument` is, or of the one name it reads bound to
    a dict literal in `function` (with the items later set by subscript), and the node to
    report; None when it is neither."""
    if isinstance(argument, ast.Dict):
        return list(zip(argument.keys, argument.values, strict=True)), argument
    if not isinstance(argument, ast.Name):
        return None
    literal: ast.Assign | None = None
    pairs: Pairs = []
    for node in walk(function):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == argument.id:
            if literal is not None or not isinstance(node.value, ast.Dict):
                return None  # bound twice, or to something other than a literal
            literal = node
            pairs.extend(zip(node.value.keys, node.value.values, strict=True))
        elif (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id == argument.id
        ):
            pairs.append((target.slice, node.value))
    return (pairs, literal) if literal is not None else None


def _key_text(key: ast.expr | None) -> str | None:
    """The text of a constant string key; None for a `**` merge or a computed key."""
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return key.value
    return None


def _identity(value: ast.expr) -> bool:
    """Whether a payload value is the account's permanent identity (`self.id`, `user.email`,
    `str(user.pk)`, a variable `user_id` or `email`)."""
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in ("str", "int")
        and len(value.args) == 1
        and not value.keywords
    ):
        return _identity(value.args[0])
    if isinstance(value, ast.Name):
        words = words_of(value.id)
        return bool(words & _IDENTITY_WORDS) and words <= _OWNER_WORDS
    return isinstance(value, ast.Attribute) and value.attr.lower() in _IDENTITY


def _identity_only(pairs: Pairs) -> bool:
    """Whether the payload names the account and nothing that changes with its password."""
    owners = 0
    for key, value in pairs:
        text = _key_text(key)
        if text is None:
            return False
        if text.lower() in _TIME_CLAIMS or isinstance(value, ast.Constant):
            continue  # the token's life, or a fixed tag (`"type": "password_reset"`)
        if not _identity(value):
            return False
        owners += 1
    return owners > 0


def _names_reset(function: ast.FunctionDef | ast.AsyncFunctionDef, pairs: Pairs) -> bool:
    """Whether the function or one of the payload's keys is named for a password reset."""
    keys = [text for key, _ in pairs if (text := _key_text(key)) is not None]
    return any("reset" in words_of(name) for name in (function.name, *keys))


@rule(
    id="reset-token-reusable",
    name="Password-reset token signs only the account's identity and stays valid after use",
    cwe=640,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A password-reset token is a signed payload of the user's id or address alone: "
    "it works again after the password was reset or changed, until it expires.",
    fix="Put something into the token that changes with the password (a hash of the current "
    "password hash and last login, as Django's `PasswordResetTokenGenerator` does, or a "
    "per-user nonce the code replaces on every password or e-mail change) and compare it when "
    "the token comes back; or store reset tokens server-side and delete them once used.",
    what_it_does="In a function named for a reset (`generate_reset_token`, `get_reset_"
    "password_token`), or whose payload has a key naming one (`{'reset': self.id}`), reports "
    "a dict passed to a signer (`dumps`, `encode`, `sign`, `_jwt_encode`), as a literal or "
    "through the one name bound to it, whose values are only the account's identity "
    "(`.id`, `.pk`, `.email`, `.username` of an object, a variable `user_id` or `email`) "
    "besides time claims (`exp`, `iat`, `nbf`) and constant tags. A payload with any other "
    "value (a password hash, a nonce, a UUID attribute, the "
    "last login) or a `**` merge is quiet.",
    why_bad="The token proves only that the server once signed the user's id: it does not "
    "change when the password does, so a used or superseded reset link still resets the "
    "password until it expires, for whoever finds it in a mailbox, a forwarded message or a "
    "log of URLs (CWE-640, OpenOversight GHSA-gfjg-2w9g-vgj3).",
    example="def get_reset_token(self, expires_in=600):\n"
    "    return jwt.encode({'reset_password': self.id, 'exp': time() + expires_in}, KEY)",
    use_instead="def get_reset_token(self, expires_in=600):\n"
    "    return jwt.encode({'reset_password': self.id, 'nonce': self.reset_nonce,\n"
    "                       'exp': time() + expires_in}, KEY)  # reset_nonce replaced on use",
    references=(
        "https://cwe.mitre.org/data/definitions/640.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html",
        "https://github.com/lucyparsons/OpenOversight/security/advisories/GHSA-gfjg-2w9g-vgj3",
    ),
    visits=(ast.Call,),
    text_words=("reset", "Reset", "RESET"),
)
def reset_token_reusable(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report reset-token payloads that hold nothing but the account's identity.

    Each call is looked at once, the signer's name first (a module that mentions a reset, a
    parser's `reset()`, has many calls and few signers)."""
    assert isinstance(node, ast.Call)
    if not node.args:
        return
    callee = last_name(node.func)
    if callee is None or not callee.lower().endswith(_SIGNERS):
        return
    function = context.enclosing_function(node)
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return
    found = _payload_pairs(node.args[0], function)
    if found is None:
        return
    pairs, where = found
    if not _names_reset(function, pairs) or not _identity_only(pairs):
        return
    yield Hit(
        node=where,
        message=f"`{context.one_line(where)}` is the whole reset token: it names the "
        "account and nothing that changes when the password does, so a used or superseded "
        "reset link still works until it expires.",
    )
