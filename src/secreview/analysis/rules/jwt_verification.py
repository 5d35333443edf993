"""CWE-347: a JSON Web Token decoded without checking its signature (`jwt-signature-not-verified`).

PyJWT and python-jose both verify by default; the rule reports the switches that turn that off:
`options={"verify_signature": False}` (the dict may be a local or a module constant, and may
spread another one), PyJWT 1's `verify=False`, and an `algorithms` list that admits `none`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.crypto_names import name_words, target_names
from secreview.analysis.rules._support.data_origin import Trust, data_origin
from secreview.analysis.rules._support.library_calls import library_call_name
from secreview.analysis.rules._support.local_bindings import (
    MAX_DEPTH,
    assigned_values,
    sequence_elements,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_PYJWT_DECODERS = frozenset(
    {"jwt.decode", "jwt.decode_complete", "jwt.api_jwt.decode", "jwt.api_jwt.decode_complete"}
)
_JOSE_DECODERS = frozenset({"jose.jwt.decode"})
_PEEKING_WORDS = frozenset({"unverified", "unsafe", "insecure", "peek", "unvalidated"})
"""A function so named says it reads a token without trusting it (to route it, to log it)."""


def _dict_entries(
    expr: ast.expr, context: ModuleContext, depth: int = 0
) -> Iterator[tuple[str, ast.expr]]:
    """(key, value) pairs of a dict literal or `dict(...)` call, through locals, constants and
    `**spread` dicts; keys that are not constant text are skipped."""
    if depth > MAX_DEPTH:
        return
    for value, _ in assigned_values(context, expr):
        if isinstance(value, ast.Dict):
            for key, item in zip(value.keys, value.values, strict=True):
                if key is None:
                    yield from _dict_entries(item, context, depth + 1)
                elif isinstance(text := context.constant_value(key), str):
                    yield text, item
        elif isinstance(value, ast.Call) and context.call_name(value) == "dict":
            for argument in value.args:
                yield from _dict_entries(argument, context, depth + 1)
            for keyword in value.keywords:
                if keyword.arg is None:
                    yield from _dict_entries(keyword.value, context, depth + 1)
                else:
                    yield keyword.arg, keyword.value
        elif isinstance(value, ast.Name) and value is not expr:
            yield from _dict_entries(value, context, depth + 1)


def _is_false(expr: ast.expr, context: ModuleContext) -> bool:
    value = context.constant_value(expr)
    return value is False or (type(value) is int and value == 0)


def _signature_switched_off(call: ast.Call, pyjwt: bool, context: ModuleContext) -> str | None:
    """What in the call turns signature verification off, shown as code; else None."""
    options = context.keyword(call, "options")
    if options is not None:
        for key, value in _dict_entries(options, context):
            if key == "verify_signature" and _is_false(value, context):
                return f'"verify_signature": {context.one_line(value)} in its options'
    if not pyjwt:
        return None
    verify = context.argument(call, 2, "verify")
    if verify is not None and _is_false(verify, context):
        return f"verify={context.one_line(verify)}"
    algorithms = context.keyword(call, "algorithms")
    elements = sequence_elements(context, algorithms) if algorithms is not None else None
    for element in elements or ():
        value = context.constant_value(element)
        if isinstance(value, str) and value.lower() == "none":
            if _has_key(call, context):
                return f'the "{value}" algorithm allowed{_KEY_GUARDS_NONE}'
            return f'the "{value}" algorithm, which accepts unsigned tokens'
    return None


_KEY_GUARDS_NONE = (
    " (PyJWT refuses an unsigned token while a key is passed, so this bites only if the key "
    "can be empty)"
)


def _has_key(call: ast.Call, context: ModuleContext) -> bool:
    """Whether a PyJWT decode is given a key that is not a constant None or empty string."""
    key = context.argument(call, 1, "key")
    return key is not None and context.constant_value(key) not in (None, "", b"")


def _peeks(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the enclosing function's name, or the name the claims are stored under
    (`unverified_claims = jwt.decode(...)`), says the token is read without being trusted."""
    names = [n for t in getattr(context.parent(call), "targets", ()) for n in target_names(t)]
    function = context.enclosing_function(call)
    if function is not None:
        names.append(function.name)
    return any(set(name_words(name)) & _PEEKING_WORDS for name in names)


_ROUTING_CLAIMS = frozenset({"iss", "kid", "alg", "typ", "aud"})
"""Claims read from an unverified token to choose how to verify it (which issuer's keys, or
which service's verifier the audience names)."""


def _only_routes(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the unverified claims are stored in a local that is only ever read for the
    issuer, the key id or the audience (`unverified_claims["iss"]`, `.get("aud")`): they pick
    the keyring or the verifier a second decode checks the token with, and no claim is trusted
    unsigned."""
    assignment = context.parent(call)
    function = context.enclosing_function(call)
    targets = getattr(assignment, "targets", None) or [getattr(assignment, "target", None)]
    if function is None or len(targets) != 1 or not isinstance(targets[0], ast.Name):
        return False
    name = targets[0].id
    reads = [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
    ]
    return bool(reads) and all(_routing_read(read, context) for read in reads)


def _routing_read(read: ast.Name, context: ModuleContext) -> bool:
    """`claims["iss"]` or `claims.get("kid")`, kept in the function (a returned issuer is the
    caller's to trust)."""
    parent = context.parent(read)
    if isinstance(parent, ast.Subscript) and parent.value is read:
        routed = context.constant_value(parent.slice) in _ROUTING_CLAIMS
        return routed and not isinstance(context.parent(parent), ast.Return)
    call = context.parent(parent) if isinstance(parent, ast.Attribute) else None
    return (
        isinstance(call, ast.Call)
        and isinstance(parent, ast.Attribute)
        and parent.attr == "get"
        and bool(call.args)
        and context.constant_value(call.args[0]) in _ROUTING_CLAIMS
        and not isinstance(context.parent(call), ast.Return)
    )


def _verified_claim(token: ast.expr, context: ModuleContext) -> bool:
    """Whether every value `token` may hold is a claim of a token decoded just before with its
    signature checked (`outer = jwt.decode(cookie, SECRET, algorithms=["HS256"])`, then
    `outer["access_token"]` or `outer.get("access_token")`): the key's holder, the server itself
    or its identity provider, put it there, not the client."""
    values = assigned_values(context, token)
    return bool(values) and all(_is_verified_claim(value, context) for value, _ in values)


def _is_verified_claim(value: ast.expr, context: ModuleContext) -> bool:
    """`claims["name"]` or `claims.get("name")` of claims a verifying decode returned."""
    if isinstance(value, ast.Subscript):
        claims = value.value
    elif (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "get"
    ):
        claims = value.func.value
    else:
        return False
    decodes = [v for v, _ in assigned_values(context, claims) if isinstance(v, ast.Call)]
    return bool(decodes) and all(_verifies(decode, context) for decode in decodes)


def _verifies(decode: ast.Call, context: ModuleContext) -> bool:
    """Whether `decode` is a PyJWT or python-jose decode that checks the signature with a key."""
    name = library_call_name(decode, ("jwt", "jose"), context)
    if name not in _PYJWT_DECODERS and name not in _JOSE_DECODERS:
        return False
    pyjwt = name in _PYJWT_DECODERS
    return _signature_switched_off(decode, pyjwt, context) is None and _has_key(decode, context)


def _confidence(call: ast.Call, context: ModuleContext) -> tuple[Confidence | None, str]:
    """How sure the finding is, and what it says of the token's origin.

    A token from the request is what a client forges; one the program minted itself, or one a
    function named `peek_unverified_...` only inspects, is usually read for routing or display.
    """
    token = context.argument(call, 0, "jwt") or context.argument(call, 0, "token")
    if token is not None and _verified_claim(token, context):
        return Confidence.LOW, " (a claim of a token whose signature was verified)"
    origin = data_origin(context, call, token) if token is not None else None
    peeks = _peeks(call, context)
    if origin is not None and origin.trust is Trust.UNTRUSTED and origin.remote:
        return (Confidence.MEDIUM if peeks else Confidence.HIGH), f" ({origin.phrase})"
    if peeks or (origin is not None and origin.trust is Trust.PROGRAM_MADE):
        return Confidence.LOW, ""
    return None, ""


@rule(
    uses_project_summaries=True,  # rated by where the token comes from (the taint analysis)
    id="jwt-signature-not-verified",
    name="JWT decoded without verifying its signature",
    cwe=347,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A JSON Web Token is decoded with signature verification turned off, or with the "
    '"none" algorithm allowed.',
    fix="Decode with the key and an explicit list of expected algorithms, e.g. jwt.decode(token, "
    'key, algorithms=["RS256"]), and leave options["verify_signature"] at its default (True); '
    "to read a header before choosing a key, use jwt.get_unverified_header and then verify.",
    what_it_does="Reports PyJWT `jwt.decode`/`decode_complete` and python-jose `jwt.decode` "
    'calls whose `options` set `"verify_signature": False` (the dict may be a literal, '
    "`dict(...)`, a local, a module constant or spread into another), PyJWT 1's "
    '`verify=False`, and PyJWT `algorithms=[...]` lists that include `"none"` (with low '
    "confidence when a key is passed too, since PyJWT then refuses unsigned tokens). Inside a "
    "function whose name says it reads the token unverified (`peek`, `unverified`, "
    "`insecure`), or when the claims are stored under such a name (`unverified_claims = ...`, "
    "typically to choose the key of a second, verifying decode), the finding has low "
    "confidence, and so it has when the token is made by the program itself; claims stored in "
    "a local read only for the issuer or the key id (`claims['iss']`, `.get('kid')`) choose "
    "the verifying decode's keys and are not reported, nor are those read only for the "
    "audience (`.get('aud')`), which chooses the verifier. A token that is a claim of another "
    "token decoded just before with its signature verified (`outer['access_token']`) was put "
    "there by the key's holder: low confidence. It has high "
    "confidence when request data reaches the decoded token.",
    why_bad="A token whose signature is not checked is just JSON the client wrote: anyone can "
    'set `"sub": "admin"` or a later `exp` and the claims are accepted as if the server had '
    'issued them. Allowing the `"none"` algorithm has the same effect, since an attacker simply '
    "sends an unsigned token (CVE-2015-9235 and its many siblings).",
    example='claims = jwt.decode(token, options={"verify_signature": False})\n'
    'user = User.get(claims["sub"])',
    use_instead='claims = jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], audience="my-api")\n'
    'user = User.get(claims["sub"])',
    references=(
        "https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode",
        "https://python-jose.readthedocs.io/en/latest/jwt/api.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/347.html",
    ),
    calls=_PYJWT_DECODERS | _JOSE_DECODERS,
)
def jwt_signature_not_verified(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report JWT decoding with the signature check switched off."""
    assert isinstance(node, ast.Call)
    name = library_call_name(node, ("jwt", "jose"), context)
    if name not in _PYJWT_DECODERS and name not in _JOSE_DECODERS:
        return
    switch = _signature_switched_off(node, name in _PYJWT_DECODERS, context)
    if switch is None or _only_routes(node, context):
        return
    confidence, origin = _confidence(node, context)
    if switch.endswith(_KEY_GUARDS_NONE):
        confidence = Confidence.LOW
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` decodes a JWT with {switch}{origin}: whoever "
        "sends the token chooses its claims (user, roles, expiry) and they are trusted unsigned.",
        confidence=confidence,
    )
