"""CWE-347: claims read from a token's raw text beside the check of its signature.

A function that verifies a JSON Web Token with a library (`JWS().deserialize(token, key)`,
`jwt.decode(token, key, ...)`, `jws.verify(token, key, ...)`) and then takes the claims by
splitting the same token text at its dots and base64-decoding the middle part trusts two parsers
to agree on what the token is. They do not have to: a library that also accepts the JSON
serialisation, or reads the parts differently, verifies one payload while the split yields
another, and forged claims pass (python-jwt's CVE-2022-39227 was this). The claims to use are
the ones the verifier returns or exposes (`token.payload`, the result of `jwt.decode`).

Reported: the base64 decode of the second dot-separated part of a token (`header, claims, sig =
token.split(".")`, `token.split(".")[1]`) that runs after a verifying call given the same token,
and not on a branch exclusive with it (an `else` that handles unsigned tokens explicitly).
Decoding the header before verifying, to choose the key, is what verification needs and is not
reported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.function_flow import Function, position, shared_own_nodes
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_VERIFIERS = frozenset(
    {
        "jwt.decode",
        "jwt.decode_complete",
        "jwt.api_jwt.decode",
        "jwt.api_jws.decode",
        "jose.jwt.decode",
        "jose.jws.verify",
        "jwcrypto.jwt.JWT",
        "authlib.jose.jwt.decode",
    }
)
"""Library functions that verify the signature of the token they are given (with a key)."""
_VERIFYING_METHODS = frozenset(
    {"deserialize", "deserialize_compact", "verify", "verify_signature", "verify_jwt", "decode"}
)
"""Methods that verify a token they are handed with a key (`JWS().deserialize(token, key)`)."""
_PAYLOAD = 1
"""The claims are the second of a compact token's dot-separated parts."""

Segment = tuple[str, int]
"""A token variable and the index of one of its dot-separated parts."""


def _split_token(expr: ast.expr) -> str | None:
    """The variable a `name.split(".")` call splits at its dots, else None."""
    if not (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr in ("split", "rsplit")
        and isinstance(expr.func.value, ast.Name)
        and expr.args
        and isinstance(expr.args[0], ast.Constant)
        and expr.args[0].value == "."
    ):
        return None
    return expr.func.value.id


def _segment_names(nodes: list[ast.AST]) -> tuple[dict[str, Segment], dict[str, str]]:
    """Names bound to one part of a split token (`header, claims, sig = t.split(".")`), and
    names bound to the list of parts (`parts = t.split(".")`), each with the token's name."""
    parts: dict[str, Segment] = {}
    lists: dict[str, str] = {}
    for node in nodes:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        token = _split_token(node.value)
        target = node.targets[0]
        if token is None:
            continue
        if isinstance(target, ast.Name):
            lists[target.id] = token
        elif isinstance(target, ast.Tuple | ast.List):
            for index, element in enumerate(target.elts):
                if isinstance(element, ast.Name):
                    parts[element.id] = (token, index)
    return parts, lists


def _segment_of(expr: ast.AST, parts: dict[str, Segment], lists: dict[str, str]) -> Segment | None:
    """The token part an expression reads: a name bound to it, `parts[1]`, `t.split(".")[1]`."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Name) and node.id in parts:
            return parts[node.id]
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            index = node.slice.value
            if not isinstance(index, int):
                continue
            if isinstance(node.value, ast.Name) and node.value.id in lists:
                return lists[node.value.id], index
            token = _split_token(node.value)
            if token is not None:
                return token, index
    return None


def _is_base64_decode(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the call decodes base64 (`base64.urlsafe_b64decode`, `base64url_decode`)."""
    func = call.func
    name = (
        context.call_name(call)
        or (func.attr if isinstance(func, ast.Attribute) else "")
        or (func.id if isinstance(func, ast.Name) else "")
    ).lower()
    return "b64decode" in name or ("base64" in name and "decode" in name)


def _verifies(call: ast.Call, token: str, context: ModuleContext) -> bool:
    """Whether the call verifies the token `token` with a key: a known verifier or a verifying
    method handed the token and something else (the key)."""
    arguments = [*call.args, *(k.value for k in call.keywords)]
    if not any(isinstance(a, ast.Name) and a.id == token for a in arguments):
        return False
    if context.call_name(call) in _VERIFIERS:
        return True
    func = call.func
    return (
        isinstance(func, ast.Attribute) and func.attr in _VERIFYING_METHODS and len(arguments) > 1
    )


def _may_split_tokens(context: ModuleContext) -> bool:
    """Whether the module's text both splits something and base64-decodes something (the
    cheap test, once per module, before any function is walked)."""
    text = context.text
    return "split(" in text and ("b64" in text or "base64" in text)


def _exclusive(first: ast.AST, second: ast.AST, context: ModuleContext) -> bool:
    """Whether the two nodes lie in different arms of one `if` (only one of them runs)."""
    second_ancestors = list(context.ancestors(second))
    child: ast.AST = first
    for ancestor in context.ancestors(first):
        if isinstance(ancestor, ast.If) and ancestor in second_ancestors:
            first_in_body = child in ancestor.body
            index = second_ancestors.index(ancestor)
            second_child = second_ancestors[index - 1] if index else second
            return first_in_body != (second_child in ancestor.body)
        child = ancestor
    return False


@rule(
    id="jwt-claims-from-raw-token",
    name="JWT claims decoded from the raw token beside its verification",
    cwe=347,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="The token's signature is verified by a library, but the claims used are decoded "
    "again from the token's raw text.",
    fix="Take the claims from what the verifier returns (`jwt.decode(...)`) or exposes "
    "(`token.payload` of the `JWS` that verified it), never from `token.split('.')`.",
    what_it_does="Reports a base64 decode of the second dot-separated part of a token "
    "(`header, claims, sig = token.split('.')`, `token.split('.')[1]`) run after a call that "
    "verifies the same token with a key (`JWS().deserialize(token, key)`, `jwt.decode`, "
    "`jose.jws.verify`, a `verify`/`deserialize`/`decode` method handed the token and a key), "
    "unless the decode is on a branch exclusive with the verification (an `else` that handles "
    "unsigned tokens on purpose).",
    why_bad="The verifier and the split are two parsers of one text. When they disagree (the "
    "library also accepts the JSON serialisation, or a token mixes both forms), the signature "
    "is checked over one payload while the application reads claims from another: anyone can "
    "attach forged claims to a genuinely signed token (CVE-2022-39227).",
    example="token = JWS()\ntoken.deserialize(jwt, key)\nheader, claims, _ = jwt.split('.')\n"
    "return json.loads(base64url_decode(claims))",
    use_instead="token = JWS()\ntoken.deserialize(jwt, key)\nreturn json.loads(token.payload)",
    references=(
        "https://github.com/advisories/GHSA-5p8v-58qm-c7fp",
        "https://jwcrypto.readthedocs.io/en/latest/jws.html",
        "https://cwe.mitre.org/data/definitions/347.html",
    ),
    visits=(ast.FunctionDef, ast.AsyncFunctionDef),
    text_words=("split(",),  # the first half of `_may_split_tokens`
)
def jwt_claims_from_raw_token(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report claims decoded from a token's raw text after a library verified the token."""
    assert isinstance(node, Function)
    if not context.derived(_may_split_tokens):
        return
    nodes = shared_own_nodes(node, context)
    parts, lists = _segment_names(nodes)
    calls = [n for n in nodes if isinstance(n, ast.Call)]
    for call in calls:
        if not _is_base64_decode(call, context):
            continue
        segment = next(
            (s for a in call.args if (s := _segment_of(a, parts, lists)) is not None), None
        )
        if segment is None or segment[1] != _PAYLOAD:
            continue
        token = segment[0]
        verifier = next(
            (
                c
                for c in calls
                if position(c) < position(call)
                and _verifies(c, token, context)
                and not _exclusive(c, call, context)
            ),
            None,
        )
        if verifier is None:
            continue
        yield Hit(
            node=call,
            message=f"`{context.one_line(call)}` decodes the claims from the raw text of "
            f"`{token}`, whose signature `{context.one_line(verifier)}` checked with its own "
            "parser: if the two read the token differently, the claims used are not the ones "
            "that were verified.",
            evidence=(
                (verifier, "the signature is verified here"),
                (call, "the claims are decoded again from the token's text"),
            ),
        )
