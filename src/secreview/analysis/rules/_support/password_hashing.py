"""Whether a fast hash is hashing a password: its input, its `.update` calls, the names around it.

`fast-password-hash` reports such a hash; `weak-hash` stays silent on it, so one MD5 of a password
is one finding, with the advice that fits passwords.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from secreview.analysis.rules._support.crypto_libraries import (
    CRYPTOGRAPHY_HASHES,
    pycryptodome_module,
)
from secreview.analysis.rules._support.crypto_names import (
    REPRESENTATION_WORDS,
    bound_values,
    destination,
    is_password_name,
    is_password_words,
    method_calls,
    name_words,
    scope_of,
)
from secreview.index.context import ModuleContext

_FAST_HASHLIB = frozenset(
    {
        "blake2b",
        "blake2s",
        "md5",
        "new",
        "sha1",
        "sha224",
        "sha256",
        "sha384",
        "sha3_224",
        "sha3_256",
        "sha3_384",
        "sha3_512",
        "sha512",
        "shake_128",
        "shake_256",
    }
)
_FAST_PYCRYPTODOME = frozenset(
    {
        "BLAKE2b",
        "BLAKE2s",
        "MD2",
        "MD4",
        "MD5",
        "RIPEMD160",
        "SHA",
        "SHA1",
        "SHA224",
        "SHA256",
        "SHA384",
        "SHA3_224",
        "SHA3_256",
        "SHA3_384",
        "SHA3_512",
        "SHA512",
        "keccak",
    }
)
_HASH_WORDS = frozenset({"hash", "hashed", "digest"})
_PASSWORD_FUNCTION_VERBS = frozenset(
    {"hash", "digest", "encrypt", "encode", "check", "verify", "validate", "set", "store"}
)


def fast_hash_label(call: ast.Call, context: ModuleContext) -> str | None:
    """The name ('SHA256') of the fast hash `call` computes, or None when it computes none."""
    name = context.call_name(call)
    if name is None:
        return None
    if name == "hashlib.new":
        algorithm = context.constant_value(context.argument(call, 0, "name"))
        return str(algorithm).upper() if isinstance(algorithm, str) else "a general-purpose hash"
    if name.startswith("hashlib.") and name.removeprefix("hashlib.") in _FAST_HASHLIB:
        return name.removeprefix("hashlib.").upper()
    if name == CRYPTOGRAPHY_HASHES + ".Hash":
        algorithm = context.argument(call, 0, "algorithm")
        inner = context.resolve(algorithm.func) if isinstance(algorithm, ast.Call) else None
        return inner.rpartition(".")[2] if inner else "a general-purpose hash"
    module = pycryptodome_module(name, "Hash")
    return module.upper() if module in _FAST_PYCRYPTODOME else None


def _hash_input(call: ast.Call, context: ModuleContext) -> ast.expr | None:
    """The data argument of a hash constructor (`hashlib.sha256(data)`, `hashlib.new(n, data)`)."""
    position = 1 if context.call_name(call) == "hashlib.new" else 0
    return context.argument(call, position, "data") or context.keyword(call, "string")


def _password_in(expression: ast.expr | None) -> ast.AST | None:
    """A variable, attribute or constant subscript key in `expression` that holds a password.

    Function names are skipped (`hashlib.sha256(get_password_policy())` says nothing).
    """
    if expression is None:
        return None
    called = {id(node.func) for node in ast.walk(expression) if isinstance(node, ast.Call)}
    for node in ast.walk(expression):
        match node:
            case ast.Name(id=name) if id(node) not in called and is_password_name(name):
                return node
            case ast.Attribute(attr=name) if id(node) not in called and is_password_name(name):
                return node
            case ast.Subscript(slice=ast.Constant(value=str() as key)) if is_password_name(key):
                return node
    return None


def _is_password_hash_words(words: tuple[str, ...]) -> bool:
    """`password`, `password_hash`, `hashed_password`, `pwd_digest_hex`.

    The password must be the head noun: `password_reset_token_hash` is a token's hash, and
    storing a token's SHA-256 is the right thing to do.
    """
    while words and words[-1] in REPRESENTATION_WORDS:
        words = words[:-1]
    if words and words[-1] in _HASH_WORDS:
        words = words[:-1]
    elif words and words[0] in _HASH_WORDS:
        words = words[1:]
    return is_password_words(words)


def _is_password_function(name: str) -> bool:
    """`hash_password`, `check_user_password`, `verify_password_hash`: functions that hash one."""
    words = name_words(name)
    return any(
        word in _PASSWORD_FUNCTION_VERBS and _is_password_hash_words(words[index + 1 :])
        for index, word in enumerate(words)
    )


class Reason(NamedTuple):
    """One sign that a hash is hashing a password."""

    note: str
    node: ast.AST | None
    """Where the password enters the hash (evidence), None for signs taken from names."""
    strong: bool


def password_reasons(call: ast.Call, context: ModuleContext) -> list[Reason]:
    """Why `call`, a fast hash, hashes a password, strongest sign first; empty when nothing says so.

    Looks at the data argument, `.update(...)` calls on the hash object in the same function,
    the name the digest is stored under, and the name of the enclosing function.
    """
    if fast_hash_label(call, context) is None:
        return []
    reasons: list[Reason] = []
    password = _password_in(_hash_input(call, context))
    if password is not None:
        reasons.append(Reason(f"`{context.segment(password)}` is hashed", password, True))
    scope = scope_of(call, context)
    for receiver, values in bound_values(scope, context).items():
        if any(value is call for value in values):
            for update in method_calls(scope, receiver, "update", context):
                fed = _password_in(context.argument(update, 0, "data"))
                if fed is not None:
                    note = f"`{context.segment(fed)}` is fed to it by `{receiver}.update`"
                    reasons.append(Reason(note, update, True))
    stored = [
        name
        for name in destination(call, context).names
        if _is_password_hash_words(name_words(name))
    ]
    if stored:
        reasons.append(Reason(f"the digest is stored as `{stored[0]}`", None, True))
    function = context.enclosing_function(call)
    if function is not None and _is_password_function(function.name):
        reasons.append(Reason(f"it runs inside `{function.name}`", None, False))
    return reasons
