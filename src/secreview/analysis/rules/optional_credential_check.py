"""CWE-306: a handler that verifies a credential only when the client sends one.

`token = self.get_argument("token", None)` then `if REQUIRE_AUTH and api_key and token:
verify(...)` checks a token that is there and lets a request without one carry on: leaving the
credential out skips the check (mage-ai's CVE-2023-31143, whose terminal websocket opened a shell
for anyone who sent no token). The rule reads one function: an `if` with no `else`, whose test
joins with `and` a bare truthiness test of a value named like a credential (`token`, `api_key`,
`auth_header`, `signature`) read from the request in that function, and whose branch verifies
(a call named for authenticating, verifying, validating or decoding, or a `raise`), when nothing
in the function refuses a request: no `raise`, no `abort(...)`, `close()` or `send_error(...)`,
no return of a 401/403 answer. A handler that refuses a missing credential (`if not token: raise
...`) or a failed check after the branch is quiet.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.rules._support.secret_text import name_words
from secreview.findings import Confidence, Severity
from secreview.index.children import walk
from secreview.index.context import ModuleContext

_CREDENTIAL_WORDS = frozenset(
    {"token", "apikey", "password", "passwd", "signature", "credential", "credentials"}
)
_QUALIFIED = frozenset({"key", "header", "auth", "authorization"})
_QUALIFIERS = frozenset({"api", "auth", "access", "bearer", "secret", "session", "authorization"})
_REQUEST_READS = ("request", "get_argument", "get_query_argument", "get_cookie", "headers")
_VERIFYING_WORDS = frozenset(
    {"authenticate", "verify", "validate", "check", "decode", "login", "authorize", "auth"}
)
_REFUSING_CALLS = frozenset(
    {"abort", "close", "send_error", "deny", "reject", "forbid", "unauthorized"}
    | {"HTTPError", "HTTPForbidden", "HTTPUnauthorized", "PermissionDenied"}
)
_REFUSING_STATUS = frozenset({401, 403})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _names_credential(name: str) -> bool:
    """Whether a variable is named like a credential (`token`, `api_key`, `auth_header`)."""
    words = name_words(name)
    if not words:
        return False
    last = words[-1]
    return last in _CREDENTIAL_WORDS or (last in _QUALIFIED and bool(set(words) & _QUALIFIERS))


def _request_credentials(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Credential-named variables the function assigns from the request."""
    found: set[str] = set()
    for node in walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and _names_credential(target.id):
                text = ast.unparse(node.value)
                if any(read in text for read in _REQUEST_READS):
                    found.add(target.id)
    return found


def _verifies(body: list[ast.stmt]) -> bool:
    """Whether a branch checks something: it raises, or calls a verifying function."""
    for statement in body:
        for node in walk(statement):
            if isinstance(node, ast.Raise):
                return True
            if isinstance(node, ast.Call):
                words = set(name_words(last_name(node.func) or ""))
                if words & _VERIFYING_WORDS:
                    return True
    return False


def _refuses(node: ast.AST) -> bool:
    """Whether a statement refuses a request: raise, abort/close/send_error, a 401/403 return."""
    if isinstance(node, ast.Raise):
        return True
    if isinstance(node, ast.Call) and last_name(node.func) in _REFUSING_CALLS:
        return True
    if isinstance(node, ast.Return) and node.value is not None:
        return any(
            isinstance(n, ast.Constant) and n.value in _REFUSING_STATUS for n in walk(node.value)
        )
    return False


def _optional_checks(
    function: ast.FunctionDef | ast.AsyncFunctionDef, credentials: set[str]
) -> Iterator[tuple[ast.If, str]]:
    """`if ... and token:` branches with no `else` that verify the credential they test."""
    for node in walk(function):
        if not (isinstance(node, ast.If) and not node.orelse):
            continue
        test = node.test
        if not (isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And)):
            continue
        tested = [v.id for v in test.values if isinstance(v, ast.Name) and v.id in credentials]
        if tested and _verifies(node.body):
            yield node, tested[-1]


@rule(
    id="credential-checked-only-when-sent",
    name="Handler verifies a credential only when the request carries one",
    cwe=306,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A handler verifies the request's token or API key inside `if ... and token:` with "
    "no `else`, and nothing refuses the request afterwards: a request without the credential "
    "skips the check.",
    fix="Refuse a request that carries no credential (`if not token: raise Unauthorized`), or "
    "give the check an `else` that refuses, before doing the protected work.",
    what_it_does="In one function, finds a value named like a credential (`token`, `api_key`, "
    "`auth_header`) read from the request, and an `if` without `else` whose test joins a bare "
    "truthiness test of it with `and` and whose branch verifies (calls a function named for "
    "authenticating, verifying, validating or decoding, or raises). It reports that `if` when "
    "nothing in the function refuses a request: no `raise`, `abort(...)`, `close()`, "
    "`send_error(...)` or return of a 401/403 answer.",
    why_bad="The check runs only for requests that bring a credential, so an attacker leaves it "
    "out and reaches the protected action as if authenticated (CWE-306).",
    example="token = self.get_argument('token', None)\nif REQUIRE_AUTH and token:\n"
    "    if not verify(token):\n        raise Exception('Invalid token')\n"
    "self.terminal = self.manager.get_terminal(name)",
    use_instead="token = self.get_argument('token', None)\nif REQUIRE_AUTH and not (token and "
    "verify(token)):\n    raise tornado.web.HTTPError(401)\n"
    "self.terminal = self.manager.get_terminal(name)",
    references=(
        "https://cwe.mitre.org/data/definitions/306.html",
        "https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/",
        "https://nvd.nist.gov/vuln/detail/CVE-2023-31143",
    ),
    visits=_FUNCTIONS,
    text_words=_REQUEST_READS,  # what each function's text is asked for, asked of the module
)
def credential_checked_only_when_sent(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report credential checks that a request skips by sending no credential."""
    assert isinstance(node, _FUNCTIONS)
    text = context.segment(node)
    if " and " not in text or not any(read in text for read in _REQUEST_READS):
        return  # the cheap test first: every function of every module comes here
    credentials = _request_credentials(node)
    if not credentials:
        return
    checks = list(_optional_checks(node, credentials))
    if not checks:
        return
    inside = {id(n) for check, _ in checks for n in walk(check)}
    if any(_refuses(n) for n in walk(node) if id(n) not in inside):
        return
    for check, credential in checks:
        yield Hit(
            node=check.test,
            message=f"`{context.one_line(check.test)}` verifies `{credential}` only when the "
            "request sends it, and nothing refuses a request without it: leaving the credential "
            "out skips the check.",
        )
