"""CWE-863: an access check that lets a request through because the route's name or the URL
*contains* some text (`substring-access-exemption`).

Sign-in decorators, request hooks and middleware often exempt a few routes before they check the
user: `if 'diff_history_page' in request.endpoint: return func(*args, **kwargs)`. A substring
test admits every route whose name or path holds that text, not the route meant: changedetection
.io's shared-diff exemption also let through the state-changing `/diff/<uuid>/extract` routes,
whose endpoint names start the same (GHSA-vwgh-2hvh-4xm5). On the path or URL the requester
chooses the text outright (`/admin/delete/login`, `/admin?login`), so the exemption is open to
anyone. The rule reports `"text" in request.endpoint` (or `request.path`, `full_path`, `url`,
`path_info`, `request.url.path`) in the test of an `if` whose branch lets the request go on
(`return`, `return None`, or returning the wrapped view or the next handler) inside a function
that checks sign-in or permissions. Equality, membership in a set of names, a prefix test on a
path (`startswith`), and the same test choosing a response (not skipping the check) are quiet.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.taint.name_words import words_of
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_ROUTE_NAMES = frozenset({"endpoint"})
"""Request attributes naming the route the application chose (its own text)."""
_REQUESTED = frozenset({"path", "full_path", "url", "path_info", "fullpath", "path_qs"})
"""Request attributes holding the path or URL the requester sent."""
_GATE_WORDS = frozenset(
    {"authenticated", "login", "logged", "unauthorized", "unauthorised", "permission"}
    | {"permissions", "anonymous", "authorized", "authorised", "signin"}
)
"""Words of the names a function uses when it checks who is asking (`current_user
.is_authenticated`, `login_manager.unauthorized()`, `has_permission`)."""
_NEXT_HANDLERS = frozenset({"get_response", "call_next", "app", "application", "handler"})
"""Callees that pass a request on to the view: Django's and Starlette's middleware chains."""


def _request_part(node: ast.expr) -> str | None:
    """`endpoint` for `request.endpoint`, `path` for `request.path` or `request.url.path`,
    `url` for `self.request.url`; None for anything else."""
    if not isinstance(node, ast.Attribute):
        return None
    receiver = node.value
    if isinstance(receiver, ast.Attribute) and receiver.attr == "url" and node.attr == "path":
        receiver = receiver.value  # Starlette's `request.url.path`
    named = (isinstance(receiver, ast.Name) and receiver.id in ("request", "req")) or (
        isinstance(receiver, ast.Attribute) and receiver.attr == "request"
    )
    if not named or node.attr not in _ROUTE_NAMES | _REQUESTED:
        return None
    return node.attr


def _substring_tests(test: ast.expr) -> Iterator[tuple[ast.Compare, str, str]]:
    """Each `"text" in request.<part>` of a test, with the text and the part."""
    for node in ast.walk(test):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
            continue
        left = node.left
        if not (isinstance(node.ops[0], ast.In) and isinstance(left, ast.Constant)):
            continue
        part = _request_part(node.comparators[0])
        if isinstance(left.value, str) and left.value and part is not None:
            yield node, left.value, part


def _lets_through(branch: list[ast.stmt], context: ModuleContext, node: ast.If) -> bool:
    """Whether the branch's first statement ends the check with the request allowed: a bare
    `return`, `return None`, or returning the wrapped view (a parameter of an enclosing
    function) or the next handler (`self.get_response(request)`, `await call_next(request)`)."""
    first = branch[0] if branch else None
    if not isinstance(first, ast.Return):
        return False
    value = first.value.value if isinstance(first.value, ast.Await) else first.value
    if value is None or (isinstance(value, ast.Constant) and value.value is None):
        return True
    if not isinstance(value, ast.Call):
        return False
    callee = value.func
    if isinstance(callee, ast.Attribute):
        return callee.attr in _NEXT_HANDLERS
    if not isinstance(callee, ast.Name):
        return False
    if callee.id in _NEXT_HANDLERS:
        return True
    return any(
        callee.id in {a.arg for a in ancestor.args.args}
        for ancestor in context.ancestors(node)
        if isinstance(ancestor, ast.FunctionDef | ast.AsyncFunctionDef)
    )


def _checks_the_user(function: ast.AST) -> bool:
    """Whether the function checks who is asking: it names sign-in or permissions."""
    for node in ast.walk(function):
        name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
        if isinstance(name, str) and words_of(name) & _GATE_WORDS:
            return True
    return False


@rule(
    id="substring-access-exemption",
    name="Access check skipped for any route containing some text",
    cwe=863,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A sign-in or permission check lets a request through because the route's name or "
    "the URL contains some text.",
    fix="Compare the endpoint with an exact set of exempt names (`request.endpoint in "
    "PUBLIC_ENDPOINTS`), or mark the public views themselves; never match a path or URL by "
    "substring.",
    what_it_does="Reports `'text' in request.endpoint` (or `request.path`, `full_path`, `url`, "
    "`path_info`, `request.url.path`) in the test of an `if` that skips the rest of a function "
    "checking sign-in or permissions (a decorator's wrapper, a request hook, middleware): the "
    "branch returns nothing, the wrapped view or the next handler. Exact names, sets of names "
    "and tests that choose a response are quiet. Confidence is high when the text is matched "
    "against the path or URL, which the requester writes.",
    why_bad="A substring admits every route whose name or URL holds the text: a sensitive route "
    "whose name shares a word with a public one, or any URL the requester extends with the "
    "text (`/admin/delete?login`), skips the check (CWE-863).",
    example="if request.endpoint and 'diff_history_page' in request.endpoint:\n"
    "    return func(*args, **kwargs)",
    use_instead="PUBLIC_ENDPOINTS = frozenset({'ui.diff_history_page'})\n"
    "if request.endpoint in PUBLIC_ENDPOINTS:\n"
    "    return func(*args, **kwargs)",
    references=(
        "https://cwe.mitre.org/data/definitions/863.html",
        "https://owasp.org/Top10/A01_2021-Broken_Access_Control/",
    ),
    visits=(ast.If,),
    text_words=("request",),
)
def substring_access_exemption(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report access-check exemptions decided by a substring of the route or URL."""
    assert isinstance(node, ast.If)
    found = list(_substring_tests(node.test))
    if not found or not _lets_through(node.body, context, node):
        return
    function = context.enclosing_function(node)
    if function is None or not _checks_the_user(function):
        return
    for compare, text, part in found:
        requested = part in _REQUESTED
        yield Hit(
            node=compare,
            message=f"`{context.one_line(compare)}` skips the access check for every "
            + ("URL the requester writes with" if requested else "route whose name contains")
            + f" `{text}`, not only the route meant.",
            confidence=Confidence.HIGH if requested else None,
        )
