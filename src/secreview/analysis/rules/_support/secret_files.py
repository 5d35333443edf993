"""What makes a file secret: its name, or what the program writes into it.

Two rules judge files this way (a secret file left readable, a secret file restricted too late).
A path is secret when the words it is built from name key material or credentials and none of
them names a public half; what is written is secret when it is named like a credential or is
produced by a key serialiser.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.secret_text import name_words
from secreview.index.context import ModuleContext

SECRET_FILE_WORDS = frozenset(
    {
        "key", "keys", "pem", "secret", "secrets", "token", "tokens", "password", "passwords",
        "passwd", "credential", "credentials", "creds", "ssh", "rsa", "dsa", "ecdsa", "ed25519",
        "p12", "pfx", "jks", "keystore", "pgpass", "netrc", "htpasswd", "shadow", "privkey",
        "apikey", "kubeconfig", "vault", "keyfile", "keytab", "cookie", "cookies",
    }
)  # fmt: skip
# Public halves and public material are meant to be readable.
PUBLIC_FILE_WORDS = frozenset(
    {"public", "pub", "cert", "certs", "crt", "certificate", "known", "authorized", "hosts"}
)
_SECRET_VALUE_WORDS = frozenset(
    {"key", "secret", "token", "password", "passwd", "credentials", "credential", "creds"}
    | {"pem", "privkey", "apikey", "passphrase"}
)
_NOT_SECRET_LAST_WORDS = frozenset({"name", "names", "id", "path", "file", "type", "url", "len"})
# Serialisers that only produce private key material (cryptography, PyCryptodome, paramiko).
_KEY_SERIALISERS = frozenset(
    {"private_bytes", "export_key", "exportKey", "write_private_key", "private_pem"}
)
_PEM_MARKER = "PRIVATE KEY"


def looks_secret_path(path: ast.expr | None, context: ModuleContext) -> bool:
    """Whether the path (its value or the names it is built from) suggests secret content."""
    if path is None:
        return False
    value = context.constant_value(path)
    text = value if isinstance(value, str) else context.segment(path)
    words = set(name_words(text))
    return bool(words & SECRET_FILE_WORDS) and not words & PUBLIC_FILE_WORDS


def name_read(node: ast.AST) -> str | None:
    """The name a value is read under: `token`, `user.password`, `settings['KEY']`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.slice.value if isinstance(node.slice.value, str) else None
    return None


def looks_secret_value(node: ast.AST, context: ModuleContext) -> bool:
    """Whether `node` is written like a credential or private key material."""
    for part in ast.walk(node):
        if (
            isinstance(part, ast.Call)
            and isinstance(part.func, ast.Attribute)
            and part.func.attr in _KEY_SERIALISERS
        ):
            return True
        value = context.constant_value(part) if isinstance(part, ast.Constant) else None
        if isinstance(value, str | bytes) and _PEM_MARKER in str(value):
            return True
        name = name_read(part)
        if name is None:
            continue
        words = name_words(name)
        if (
            words
            and words[-1] not in _NOT_SECRET_LAST_WORDS
            and set(words) & _SECRET_VALUE_WORDS
            and not set(words) & PUBLIC_FILE_WORDS
        ):
            return True
    return False
