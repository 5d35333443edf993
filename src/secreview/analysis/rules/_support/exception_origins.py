"""Where a caught exception comes from, for how sure `exception-details-in-response` is.

A handler catching `Exception` or a library's error (a database driver's `IntegrityError` quotes
the SQL) sends text nobody wrote for the client. The project's own exceptions and the builtins
about a value are mostly raised with a message the project wrote about the request, though a
wrapper may quote what it caught: the leak is likely, not sure.
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

_VALUE_ERRORS = frozenset(
    {"ValueError", "KeyError", "IndexError", "LookupError", "UnicodeDecodeError",
     "json.JSONDecodeError", "json.decoder.JSONDecodeError"}
)  # fmt: skip
"""Builtins raised about a value handed in (a number that does not parse, a missing key): their
message quotes that value, seldom the server's insides."""

_JWT_ERRORS = (
    "InvalidTokenError", "DecodeError", "InvalidSignatureError", "ExpiredSignatureError",
    "InvalidAudienceError", "InvalidIssuerError", "InvalidIssuedAtError", "ImmatureSignatureError",
    "MissingRequiredClaimError", "InvalidAlgorithmError",
)  # fmt: skip
_JOSE_ERRORS = ("JWTError", "ExpiredSignatureError", "JWTClaimsError")
TOKEN_ERRORS = frozenset(
    {f"{module}.{name}" for module in ("jwt", "jwt.exceptions") for name in _JWT_ERRORS}
    | {f"{module}.{name}" for module in ("jose", "jose.exceptions") for name in _JOSE_ERRORS}
)
"""A token the client sent that does not verify (PyJWT's and python-jose's errors): the message
describes that token (signature, segments, audience, expiry), never the server's key or settings.
Not `PyJWKClientError`: fetching the signing keys failed, the server's own side."""


DECODING_ERRORS = frozenset(
    {"binascii.Error", "binascii.Incomplete", "base64.binascii.Error", "UnicodeDecodeError"}
)
"""Errors of decoding bytes (base64's `binascii.Error`, a codec's `UnicodeDecodeError`): the
message names only the bytes decoded ("Incorrect padding", "can't decode byte 0xff in position
3"), which in a handler around decoding the request are the client's own, never a path, SQL or a
host; nothing of the server's to leak."""
INPUT_ERRORS = TOKEN_ERRORS | DECODING_ERRORS
"""Errors whose message describes only what the client sent."""


def own_or_value_errors(handler: ast.ExceptHandler, context: ModuleContext) -> bool:
    """Whether every exception caught is the project's own class (defined in this module or
    imported from its own top-level package: `FidesError`, `TooManyLinksError`) or a builtin
    about a value (`_VALUE_ERRORS`): their messages are mostly written by the project about the
    request, though a wrapper may quote a library's error, so a leak is likely but not sure
    (medium). `Exception`, a bare `except`, `OSError` and a library's errors (a database's
    `IntegrityError` quotes SQL) stay high."""
    if handler.type is None:
        return False
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    top = (context.package or "").split(".")[0]
    for node in types:
        name = context.resolve(node)
        if name in _VALUE_ERRORS:
            continue
        if isinstance(node, ast.Name) and name is None:
            if node.id not in context.derived(_own_class_names):
                return False
        elif not (top and name is not None and name.split(".")[0] == top):
            return False
    return True


def _own_class_names(context: ModuleContext) -> frozenset[str]:
    """Classes defined at the module's top level or imported from the project by a relative
    import (`from .errors import CartFull`, which the context leaves unresolved)."""
    names = {s.name for s in context.tree.body if isinstance(s, ast.ClassDef)}
    for statement in context.import_statements:
        if isinstance(statement, ast.ImportFrom) and statement.level:
            names.update(a.asname or a.name for a in statement.names)
    return frozenset(names)
