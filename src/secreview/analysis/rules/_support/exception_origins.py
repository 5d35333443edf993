"""Where a caught exception comes from, for whether and how sure `exception-details-in-response`
is.

A handler catching `Exception` or a library's error (a database driver's `IntegrityError` quotes
the SQL) sends text nobody wrote for the client. The project's own exceptions and the builtins
about a value are mostly raised with a message the project wrote about the request, though a
wrapper may quote what it caught: the leak is likely, not sure. Some say nothing of the server's
at all: a token's or an encoding's errors, an exception named for what was wrong with the
request (`names_client_condition`), and a parser's error about the document the request posted
(`parses_request_text`).
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.crypto_names import name_words
from secreview.analysis.rules._support.web_handlers import (
    mentions_request_data,
    request_data_names,
)
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

_YAML_ERRORS = ("YAMLError", "MarkedYAMLError", "scanner.ScannerError", "parser.ParserError",
                "composer.ComposerError", "constructor.ConstructorError", "error.YAMLError",
                "error.MarkedYAMLError", "reader.ReaderError")  # fmt: skip
PARSE_ERRORS = frozenset(
    {f"yaml.{name}" for name in _YAML_ERRORS}
    | {"json.JSONDecodeError", "json.decoder.JSONDecodeError", "tomllib.TOMLDecodeError"}
    | {"xml.etree.ElementTree.ParseError", "xml.parsers.expat.ExpatError"}
)
"""A parser's errors: the message says where the document it parsed is malformed and, for
PyYAML's, quotes the offending line of that document. Parsing the request's own body, that is
the client's text (`parses_request_text`); parsing a file of the server's, it may be a secret."""


def parses_request_text(handler: ast.ExceptHandler, context: ModuleContext) -> bool:
    """Whether `handler` catches only parser errors (`PARSE_ERRORS`) of a `try` whose body
    reads data the request sent (`yaml.safe_load(await request.body())`, or a name holding
    it): the message describes the document the client posted, nothing of the server's."""
    caught = handler.type
    types = caught.elts if isinstance(caught, ast.Tuple) else [caught] if caught else []
    if not types or not all(context.resolve(t) in PARSE_ERRORS for t in types):
        return False
    guarded = context.parent(handler)
    function = context.enclosing_function(handler)
    if not isinstance(guarded, ast.Try | ast.TryStar) or function is None:
        return False
    names = request_data_names(function, context)
    return any(mentions_request_data(s, names, context) for s in guarded.body)


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


# Exceptions named for what was wrong with the request (`DatasetNotFoundException`,
# `KeyOrNameAlreadyExists`, `RateLimit`, Django's `DoesNotExist`): their message is written about
# the request, for its sender. Last words, after `Exception`/`Error`/`Exc` are dropped.
_CLIENT_CONDITIONS = (
    ("not", "found"), ("exists",), ("does", "not", "exist"), ("validation",), ("rate", "limit"),
    ("rate", "limited"), ("conflict",), ("forbidden",), ("unauthorized",), ("unauthorised",),
    ("permission", "denied"), ("access", "denied"),
)  # fmt: skip
_EXCEPTION_WORDS = frozenset({"exception", "error", "exc"})
_FILE_ERRORS = frozenset({"FileNotFoundError", "FileExistsError", "ModuleNotFoundError"})
"""Builtins named so whose message quotes a server path or module: not written for a client."""


def names_client_condition(name: str) -> bool:
    """Whether an exception class is named for what was wrong with the request
    (`_CLIENT_CONDITIONS`: `ConfigNotFoundException`, `KeyOrNameAlreadyExists`, `RateLimit`), so
    its message says so to the client; not the builtins about files (`FileNotFoundError`)."""
    last = name.rsplit(".", 1)[-1]
    if last in _FILE_ERRORS:
        return False
    words = name_words(last)
    while words and words[-1] in _EXCEPTION_WORDS:
        words = words[:-1]
    return any(words[-len(ending) :] == ending for ending in _CLIENT_CONDITIONS)
