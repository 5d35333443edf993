"""CWE-306: a handler that verifies a credential only when the client sends one.

`token = self.get_argument("token", None)` then `if REQUIRE_AUTH and api_key and token:
verify(...)` checks a token that is there and lets a request without one carry on: leaving the
credential out skips the check (mage-ai's CVE-2023-31143, whose terminal websocket opened a shell
for anyone who sent no token). The rule reads one function: an `if` with no `else`, whose test
joins with `and` a bare truthiness test of a value named like a credential (`token`, `api_key`,
`auth_header`, `signature`) read from the request in that function, and whose branch verifies
(a call named for authenticating, verifying, validating or decoding, or a `raise`), when nothing
in the function refuses a request: no `raise`, no `abort(...)`, `close()` or `send_error(...)`,
no 401/403 answer (returned, or a response built with `status=401` that is returned later). A
handler that refuses a missing credential (`if not token: raise ...`) or a failed check after the
branch is quiet, and so is a predicate whose branch returns the check's answer while a request
without the credential falls through to `None` or `False` (Tornado's `get_current_user`), or a
callback-style check whose branch hands the function's `callback` to the verifying call and
whose skipping ends the function (Tornado's `get_authenticated_user(self, callback)`: only the
check calls back with a user). A call whose name ends in `header` builds one (DRF's
`authenticate_header`, the WWW-Authenticate challenge of a 401) verifies nothing.
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
_STATUS_KEYWORDS = frozenset({"status", "status_code"})
_FALSY = (None, False)
_CALLBACK_WORDS = frozenset({"callback", "cb"})
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
                words = name_words(last_name(node.func) or "")
                if set(words) & _VERIFYING_WORDS and words[-1:] != ["header"]:
                    return True
    return False


def _refusing_status(call: ast.Call) -> bool:
    """A response built or set with a 401/403 status (`Response(status=401)`,
    `JSONResponse(..., status_code=403)`, `self.set_status(401)`), returned later."""
    values = [k.value for k in call.keywords if k.arg in _STATUS_KEYWORDS]
    if last_name(call.func) == "set_status":
        values.extend(call.args[:1])
    return any(isinstance(v, ast.Constant) and v.value in _REFUSING_STATUS for v in values)


def _refuses(node: ast.AST) -> bool:
    """Whether a statement refuses a request: raise, abort/close/send_error, a 401/403 answer."""
    if isinstance(node, ast.Raise):
        return True
    if isinstance(node, ast.Call) and (
        last_name(node.func) in _REFUSING_CALLS or _refusing_status(node)
    ):
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


def _answers_falsy_after(check: ast.If, context: ModuleContext) -> bool:
    """Whether the branch answers (`return bool(compare_digest(...))`) and a request that skips
    it falls through to the function's end or to `return None`/`return False`: a predicate such
    as Tornado's `get_current_user`, whose caller refuses the falsy answer."""
    if not any(isinstance(n, ast.Return) and n.value is not None for n in walk(check)):
        return False
    return _skipping_ends_falsy(check, context)


def _hands_on_its_callback(check: ast.If, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the branch passes the function's `callback` parameter to a call: the check
    reports success by calling it back, so a request that skips the branch gets no user."""
    arguments = function.args
    callbacks = {
        a.arg
        for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
        if set(name_words(a.arg)) & _CALLBACK_WORDS
    }
    return bool(callbacks) and any(
        isinstance(n, ast.Call)
        and any(
            isinstance(v, ast.Name) and v.id in callbacks
            for v in (*n.args, *(k.value for k in n.keywords))
        )
        for n in walk(check)
    )


def _skipping_ends_falsy(check: ast.If, context: ModuleContext) -> bool:
    """Whether a request that skips `check` reaches only the function's end or `return None` /
    `return False`."""
    node: ast.AST = check
    while not isinstance(node, _FUNCTIONS):
        parent = context.parent(node)
        if not isinstance(parent, (ast.If, *_FUNCTIONS)):
            return False  # a loop or a `try` may run more after the branch
        block = next(b for b in (parent.body, getattr(parent, "orelse", [])) if node in b)
        for after in block[block.index(node) + 1 :]:
            value = after.value if isinstance(after, ast.Return) else ast.Pass()
            if not (value is None or (isinstance(value, ast.Constant) and value.value in _FALSY)):
                return False
        node = parent
    return True


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
    "`send_error(...)`, 401/403 answer (returned, or built with `status=401` and returned "
    "later, or `set_status(401)`). Nor when the branch returns the check's answer and a "
    "request that skips it falls through to the function's end or `return None`/`False` (a "
    "predicate such as `get_current_user`, whose caller refuses the falsy answer).",
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
    checks = [
        (check, credential)
        for check, credential in _optional_checks(node, credentials)
        if not _answers_falsy_after(check, context)
        and not (_hands_on_its_callback(check, node) and _skipping_ends_falsy(check, context))
    ]
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
