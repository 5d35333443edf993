"""Whether a weak digest visibly vouches for something (`weak-hash`'s confidence).

A digest is a security control when it signs or authenticates: the code says so by the names it
is kept under (or computed in) and the secrets it is computed over. Most MD5 and SHA-1 digests in
applications do none of these: they name a file, version a URL or key a lookup a service defines,
and need no collision resistance. The rule still reports those (a reader may know more), at low
confidence.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from secreview.analysis.rules._support.crypto_names import (
    destination,
    method_calls,
    name_words,
    scope_of,
)
from secreview.index.context import ModuleContext

_SECURITY_WORDS = frozenset(
    {
        "auth",
        "authenticate",
        "authentication",
        "authenticator",
        "cert",
        "certificate",
        "cookie",
        "credential",
        "credentials",
        "csrf",
        "hmac",
        "integrity",
        "login",
        "mac",
        "nonce",
        "otp",
        "password",
        "passwd",
        "secret",
        "secure",
        "session",
        "sign",
        "signature",
        "signed",
        "signing",
        "token",
        "verify",
        "xsrf",
    }
)
"""Words that say a digest vouches for something: a signature, a token, a login cookie, a
keyed hash over a secret (nginx's `secure_link_md5`), an integrity check."""

_SECURITY_PHRASES = (("api", "key"), ("private", "key"), ("access", "key"), ("apikey",))
"""Runs of words naming a key that is a secret; `key` alone is a cache's or an index's."""


def _names_security(names: Iterable[str]) -> bool:
    """Whether one of `names` has a word of `_SECURITY_WORDS` or a run of `_SECURITY_PHRASES`."""
    for name in names:
        words = name_words(name)
        if _SECURITY_WORDS.intersection(words):
            return True
        if any(
            words[i : i + len(run)] == run for run in _SECURITY_PHRASES for i in range(len(words))
        ):
            return True
    return False


def _identifiers(node: ast.AST) -> list[str]:
    """The names and attribute names written in `node` (`self.secret`, `key_for(user)`)."""
    found: list[str] = []
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.append(child.id)
        elif isinstance(child, ast.Attribute):
            found.append(child.attr)
    return found


def vouches_for_something(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the code shows the digest is a security control: it is stored, returned or computed
    under a name that says so (`signature = ...`, `def sign_url`, a method of `class
    DigestAuthenticator` or `SessionFactory`), or the hashed data (the
    call's arguments and `update`s of the object) names a secret or token. A comparison is no
    evidence: comparing two digests is how most code detects a changed file. Without such
    evidence the digest most often names or versions data (a file's checksum, a cache entry, a
    lookup key a service defines; none of the 30 read in the fresh-application samples was true):
    the finding then stays, at low confidence."""
    held = destination(call, context).names
    names = [*held, *_enclosing_definitions(call, context)]
    hashed: list[ast.AST] = [*call.args, *(k.value for k in call.keywords)]
    scope = scope_of(call, context)
    for receiver in held:
        hashed.extend(method_calls(scope, receiver, "update", context))
    return _names_security(names) or _names_security(n for h in hashed for n in _identifiers(h))


def _enclosing_definitions(node: ast.AST, context: ModuleContext) -> list[str]:
    """The names of the functions and classes around `node`, innermost first: an
    authenticator's or a session factory's helper (`unique_id`) is named by its class."""
    names: list[str] = []
    parent = context.parent(node)
    while parent is not None:
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(parent.name)
        parent = context.parent(parent)
    return names
