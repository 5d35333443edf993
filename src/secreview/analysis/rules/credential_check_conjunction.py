"""CWE-287: a credential check that refuses only when every one of its tests fails.

A refusal written `if len(parts) != 2 and parts[0] != "Basic" and parts[1] != secret: raise ...`
joins its mismatch tests with `and`, so it refuses only a header that is wrong in *every*
respect: any well-formed `Basic` header passes, whatever credentials it carries (proxy.py's
CVE-2021-3116). What was meant is `or` (refuse when any test fails). The rule reads the shape
alone: an `if` whose test is an `and` of two or more mismatch tests (`!=`, `not in`) of the same
value, one of them against a value named like a credential, and whose branch refuses (raises,
aborts with 401/403, or returns such a response). Tests of different values joined with `and`
(`token != KEY and client_ip != LOCAL`) are left alone: that is "either proof suffices", a policy.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.secret_files import name_read
from secreview.analysis.rules._support.secret_text import name_words
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_CREDENTIAL_LAST = frozenset(
    {"password", "passwd", "passphrase", "passcode", "secret", "signature", "hmac", "otp"}
    | {"apikey", "token", "credential", "credentials"}
)
_QUALIFIED_LAST = frozenset({"key", "code", "auth", "digest", "hash"})
"""Last words that name a credential only after a word that says so (`auth_code`, `api_key`)."""
_QUALIFIERS = frozenset(
    {"auth", "access", "api", "bearer", "basic", "secret", "signing", "session", "shared"}
    | {"private", "password", "proxy"}
)
_REFUSING_STATUS = frozenset({401, 403, 407})
_MISMATCH = (ast.NotEq, ast.NotIn)


def _credential_named(node: ast.expr) -> bool:
    """Whether a side of a comparison is read under a credential's name (`self.auth_code`)."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value  # `secret.encode()`, `token.strip()`
    name = name_read(node)
    words = name_words(name) if name else []
    if not words:
        return False
    last, before = words[-1], set(words[:-1])
    return last in _CREDENTIAL_LAST or (last in _QUALIFIED_LAST and bool(before & _QUALIFIERS))


def _subject(node: ast.expr) -> str | None:
    """The variable a test examines: `parts` of `len(parts)`, `parts[0].lower()`, `parts[1]`."""
    while True:
        match node:
            case ast.Call(func=ast.Name(id="len"), args=[argument]):
                node = argument
            case ast.Call(func=ast.Attribute(value=receiver)):
                node = receiver
            case ast.Subscript(value=value) | ast.Attribute(value=value):
                node = value
            case ast.Name(id=name):
                return name
            case _:
                return None


def _refuses(body: list[ast.stmt]) -> bool:
    """Whether the branch refuses: it raises, or aborts or returns with 401/403/407."""
    for statement in body:
        if isinstance(statement, ast.Raise):
            return True
        value = statement.value if isinstance(statement, ast.Return | ast.Expr) else None
        if value is None:
            continue
        codes = {
            n.value
            for n in ast.walk(value)
            if isinstance(n, ast.Constant) and isinstance(n.value, int)
        }
        words = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
        if codes & _REFUSING_STATUS or any("Unauthori" in w or "Forbidden" in w for w in words):
            return True
    return False


@rule(
    id="credential-check-all-must-fail",
    name="Credential check refuses only when every test fails (`and` instead of `or`)",
    cwe=287,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A refusal's mismatch tests of one credential are joined with `and`, so a value "
    "that passes any one of them (a well-formed header with wrong credentials) is let in.",
    fix="Refuse when any test fails: join the mismatch tests with `or` (`if len(parts) != 2 or "
    "parts[0] != 'Basic' or not hmac.compare_digest(parts[1], expected): raise ...`).",
    what_it_does="Reports an `if` whose test is an `and` of two or more mismatch tests (`!=`, "
    "`not in`) of the same value (`len(parts)`, `parts[0].lower()`, `parts[1]`), one of them "
    "against a value named like a credential (`auth_code`, `api_key`, `password`, `token`), when "
    "its branch refuses: it raises, aborts with 401/403/407 or returns such a response. Tests "
    "of different values joined with `and` (`token != KEY and ip != LOCAL`: either proof "
    "suffices) are a policy and are not reported.",
    why_bad="`A != x and B != y` holds only when both differ, so the branch refuses only "
    "values that are wrong in every respect: one right part (the `Basic` scheme, the expected "
    "length) lets any credential through.",
    example="parts = header.split()\n"
    "if len(parts) != 2 and parts[0] != 'Basic' and parts[1] != self.auth_code:\n"
    "    raise ProxyAuthenticationFailed()",
    use_instead="parts = header.split()\n"
    "if len(parts) != 2 or parts[0] != 'Basic' or parts[1] != self.auth_code:\n"
    "    raise ProxyAuthenticationFailed()",
    references=(
        "https://cwe.mitre.org/data/definitions/287.html",
        "https://cwe.mitre.org/data/definitions/480.html",
        "https://nvd.nist.gov/vuln/detail/CVE-2021-3116",
    ),
    visits=(ast.If,),
)
def credential_check_all_must_fail(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report refusals whose mismatch tests of one credential value are joined with `and`."""
    assert isinstance(node, ast.If)
    test = node.test
    if not (isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) and len(test.values) > 1):
        return
    subjects: set[str | None] = set()
    credential = False
    for value in test.values:
        if not (
            isinstance(value, ast.Compare)
            and len(value.ops) == 1
            and isinstance(value.ops[0], _MISMATCH)
        ):
            return
        left, right = value.left, value.comparators[0]
        named_left = _credential_named(left)
        credential = credential or named_left or _credential_named(right)
        subjects.add(_subject(right) if named_left else _subject(left))
    if not credential or len(subjects) != 1 or None in subjects:
        return
    if not _refuses(node.body):
        return
    yield Hit(
        node=test,
        message=f"`{context.one_line(test)}` refuses only when every test fails, so a value "
        "that passes any one of them gets through: the mismatch tests of one credential are "
        "joined with `and` where `or` was meant.",
    )
