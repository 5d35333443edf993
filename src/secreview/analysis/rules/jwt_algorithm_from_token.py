"""CWE-347: a JSON Web Token verified with the algorithm its own header names.

`jwt.decode(token, key, algorithms=[jwt.get_unverified_header(token)["alg"]])` lets whoever
wrote the token choose how it is checked: the header is the sender's text, read before anything
was verified. RFC 8725 (JWT Best Current Practices, 3.1) asks the verifier to fix the algorithms
it accepts; taking them from the token is how algorithm-confusion attacks work (a public key
used as an HMAC secret, a weaker algorithm than the keys were made for). Lemur shipped it
behind a project wrapper (`decode_with_multiple_secrets(token, secrets,
algorithms=[header_data["alg"]])`, GHSA-r9gp-7f88-9r54), so any call handing `algorithms=` on
is read, not only PyJWT's and python-jose's.

The header is recognised by where it came from: a call named for a header
(`get_unverified_header`, a project's `fetch_token_header`), directly or through the local it
was stored in, or a local whose name says it is one (`header`, `unverified_header`). The
algorithm of a key from the server's own key set (`jwk["alg"]`) is not the token's and stays
quiet, as does a header algorithm the function compares with something first (`if alg not in
ALLOWED: raise`, `header["alg"] != "RS256"`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.rules._support.local_bindings import assigned_values, sequence_elements
from secreview.analysis.taint.name_words import words_of
from secreview.findings import Confidence, Severity
from secreview.index.children import walk
from secreview.index.context import ModuleContext

_HEADER_WORDS = frozenset({"header", "headers", "hdr"})
"""Words of a name that holds, or a call that returns, a token's header."""


def _names_header(name: str | None) -> bool:
    return name is not None and bool(words_of(name) & _HEADER_WORDS)


def _is_header(expr: ast.expr, context: ModuleContext) -> bool:
    """Whether `expr` is a token header: a call named for one, or a local named for one or
    bound to such a call."""
    if isinstance(expr, ast.Call):
        return _names_header(last_name(expr.func))
    if not isinstance(expr, ast.Name):
        return False
    if _names_header(expr.id):
        return True
    return any(
        isinstance(value, ast.Call) and _names_header(last_name(value.func))
        for value, _ in assigned_values(context, expr)
    )


def _alg_read(expr: ast.expr, context: ModuleContext) -> ast.expr | None:
    """The header `expr` reads the "alg" of (`header["alg"]`, `header.get("alg")`), else None."""
    if isinstance(expr, ast.Subscript) and context.constant_value(expr.slice) == "alg":
        base = expr.value
    elif (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "get"
        and expr.args
        and context.constant_value(expr.args[0]) == "alg"
    ):
        base = expr.func.value
    else:
        return None
    return base if _is_header(base, context) else None


def _header_algorithm(element: ast.expr, context: ModuleContext) -> ast.expr | None:
    """The expression of `element` that reads the token header's "alg", directly or through
    the local it was stored in; with that local (or the read) returned for the compare test."""
    if _alg_read(element, context) is not None:
        return element
    if isinstance(element, ast.Name):
        for value, _ in assigned_values(context, element):
            if value is not element and _alg_read(value, context) is not None:
                return element
    return None


def _compared(read: ast.expr, function: ast.AST, context: ModuleContext) -> bool:
    """Whether the function compares the algorithm (the same text as `read`, or its local)
    with anything: an allow-list or a fixed algorithm decides before the token is verified."""
    text = context.one_line(read)
    for node in walk(function):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(context.one_line(operand) == text for operand in operands):
                return True
    return False


@rule(
    id="jwt-algorithm-from-token",
    name="JWT verified with the algorithm its own header names",
    cwe=347,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A token's signature is checked with `algorithms=` taken from the token's own "
    "unverified header, so the sender chooses how it is verified.",
    fix="Pass the algorithms the server issues tokens with, fixed in code or configuration "
    '(`algorithms=["RS256"]`, `algorithms=settings.JWT_ALGORITHMS`); to choose a key by the '
    "header, read only its `kid` and keep the key's own algorithm.",
    what_it_does="Reports a call given `algorithms=` (PyJWT's or python-jose's `decode`, or a "
    "project wrapper that hands it on) whose value, or an element of the list it is, reads "
    '`"alg"` (`header["alg"]`, `.get("alg")`) of a token header: the result of a call named '
    "for a header (`jwt.get_unverified_header(token)`, `fetch_token_header(token)`), directly "
    "or through the local holding it, or a local named for one (`unverified_header`). An "
    "algorithm the function compares with anything (`if alg not in ALLOWED`) is quiet, and "
    'so is the `"alg"` of a key from the server\'s own key set (`jwk["alg"]`).',
    why_bad="The header is text the client wrote and nothing has verified yet. Letting it "
    "pick the algorithm opens algorithm confusion: an RSA public key used as an HMAC secret, "
    "or a weaker algorithm than the keys were made for; RFC 8725 asks verifiers to fix the "
    "algorithms they accept (Lemur GHSA-r9gp-7f88-9r54).",
    example="header = jwt.get_unverified_header(token)\n"
    'claims = jwt.decode(token, key, algorithms=[header["alg"]])',
    use_instead='claims = jwt.decode(token, key, algorithms=["RS256"])',
    references=(
        "https://www.rfc-editor.org/rfc/rfc8725#section-3.1",
        "https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode",
        "https://github.com/Netflix/lemur/security/advisories/GHSA-r9gp-7f88-9r54",
        "https://cwe.mitre.org/data/definitions/347.html",
    ),
    visits=(ast.Call,),
    text_words=("alg",),
)
def jwt_algorithm_from_token(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report `algorithms=` built from the "alg" of the token's own header."""
    assert isinstance(node, ast.Call)
    algorithms = context.keyword(node, "algorithms")
    if algorithms is None:
        return
    elements = sequence_elements(context, algorithms) or [algorithms]
    function = context.enclosing_function(node) or context.tree
    for element in elements:
        read = _header_algorithm(element, context)
        if read is None or _compared(read, function, context):
            continue
        yield Hit(
            node=node,
            message=f"`{context.one_line(node)}` verifies the token with the algorithm "
            f"`{context.one_line(element)}` its own unverified header names: the sender "
            "chooses how the signature is checked (algorithm confusion).",
        )
        return
