"""CWE-352: a Django view that changes state whatever the HTTP method, so a GET does it.

Django's CSRF middleware checks only unsafe methods: a view that logs the user out, publishes,
reverts, deletes or toggles something without asking for POST does it for a plain GET, which any
page sends on a visitor's behalf (an `<img src>` or a link), with no token to check. django-cms's
page admin published, unpublished and reverted pages that way (CVE-2015-5081), and modoboa logged
users out (CVE-2023-5690); both fixes add `@require_POST`. The rule reads one view: a function
or method taking `request` in a module that imports Django, answering with a response, neither
restricted to POST (`@require_POST`, `@require_http_methods([...])` without GET, a DRF method
list) nor reading `request.method` or a request body (a view that reads `request.POST` does
nothing with a GET's empty form), that calls `logout(request)` or a method named for a change
(`publish`, `unpublish`, `revert`, `delete`, `approve`, `toggle_*`, ...) on something other than
a cache or the session. A DRF viewset's method named for a writing HTTP method (`delete_all`)
is reached only through an explicit method map in the URLconf, which sends it that method.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.rules._support.web_handlers import parameter_names, scope_nodes
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

Function = ast.FunctionDef | ast.AsyncFunctionDef

_HTTP_METHOD_HANDLERS = frozenset({"post", "put", "patch", "delete"})
"""Class-based view methods that the method already names: never reached by a GET."""
_VIEWSET_WRITE_ACTIONS = frozenset({"create", "update", "partial_update", "destroy"})
"""DRF viewset actions that the routers bind to POST, PUT, PATCH and DELETE only."""
_VIEWSET_BASES = ("ViewSet", "ViewSetMixin")
"""How DRF's viewset classes end (`ModelViewSet`, `GenericViewSet`, `ViewSetMixin`)."""
_BODY_READS = ("request.POST", "request.body", "request.data", "request.FILES", "request.method")
_HOOK_PARAMETERS = frozenset({"obj", "queryset", "form", "formset", "change", "instance"})
"""Parameters of admin hooks (`delete_model(self, request, obj)`), which Django calls on POST."""
_METHOD_LISTS = frozenset(
    {"require_http_methods", "api_view", "action", "route", "list_route", "detail_route"}
)
"""Decorators taking the methods they admit (`list_route`/`detail_route`: DRF before 3.9)."""
_METHOD_SETTLED = frozenset({"require_POST", "csrf_exempt", "require_safe", "require_GET"})
"""Decorators that settle the method: POST only, or a view knowingly left to other checks."""
_SPARED_RECEIVERS = ("cache", "session", "messages", "request", "response", "tmp", "temp")


@functools.cache
def _changing_call() -> re.Pattern[str]:
    """Method names that change what is stored, compiled on first use."""
    return re.compile(
        r"^(delete|publish|unpublish|revert|approve|reject|archive|unarchive|"
        r"revoke|purge|toggle(_\w+)?)$"
    )


def _method_list_allows_get(decorator: ast.Call, context: ModuleContext) -> bool | None:
    """Whether a decorator's method list (`require_http_methods(["POST"])`, `@action(methods=
    ["post"])`) admits GET; None when the decorator lists no methods."""
    methods = context.keyword(decorator, "methods") or context.argument(decorator, 0)
    if not isinstance(methods, ast.List | ast.Tuple | ast.Set):
        return None
    verbs = {str(context.constant_value(e)).upper() for e in methods.elts}
    return bool(verbs & {"GET", "HEAD"})


def _restricted(function: Function, context: ModuleContext) -> bool:
    """Whether a decorator keeps GET out (or settles the method another way)."""
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = last_name(target) or ""
        if name in _METHOD_SETTLED:
            return True
        listed = isinstance(decorator, ast.Call) and name in _METHOD_LISTS
        if listed and _method_list_allows_get(decorator, context) is False:
            return True
    return False


def _answers(function: Function) -> bool:
    """Whether the function answers the request itself (returns a call: a response, a redirect,
    a render), unlike a helper or an admin hook."""
    return any(
        isinstance(n, ast.Return) and isinstance(n.value, ast.Call)
        for n in scope_nodes(function.body)
    )


def _changes(call: ast.Call, context: ModuleContext) -> bool:
    """`logout(request)`, or `x.publish(...)`/`x.delete()` on something not a cache/session."""
    name = last_name(call.func)
    if name is None:
        return False
    if name in {"logout", "auth_logout"}:
        return any(isinstance(a, ast.Name) and a.id == "request" for a in call.args)
    if not (isinstance(call.func, ast.Attribute) and _changing_call().match(name)):
        return False
    receiver = context.segment(call.func.value).lower()
    return not any(word in receiver for word in _SPARED_RECEIVERS)


def _mapped_by_its_name(function: Function, context: ModuleContext) -> bool:
    """A DRF viewset's method named for a writing HTTP method (`delete_all`, `post_bulk`): no
    router reaches a method it does not know, so only an explicit map in the URLconf does
    (`as_view({"get": "list", "delete": "delete_all"})`), and the map sends it the method it is
    named for. A method without such a name may be mapped from GET, so it is still read."""
    if function.name.split("_", 1)[0] not in _HTTP_METHOD_HANDLERS:
        return False
    owner = context.parent(function)
    return isinstance(owner, ast.ClassDef) and any(
        (last_name(base) or "").endswith(_VIEWSET_BASES) for base in owner.bases
    )


def _is_view(function: Function, context: ModuleContext) -> bool:
    """A Django view: takes `request` first (after `self`), is no HTTP-method handler or admin
    hook, and answers with a response."""
    if function.name in _HTTP_METHOD_HANDLERS or function.name.startswith("_"):
        return False
    names = parameter_names(function)
    if names[:1] in (["self"], ["cls"]):
        if function.name in _VIEWSET_WRITE_ACTIONS or _mapped_by_its_name(function, context):
            return False
        names = names[1:]
    if names[:1] != ["request"] or _HOOK_PARAMETERS & set(names):
        return False
    return _answers(function)


@rule(
    id="state-change-on-get",
    name="Django view changes state on any HTTP method, GET included",
    cwe=352,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A Django view logs out, publishes, reverts, deletes or toggles something without "
    "restricting the HTTP method: a GET, which CSRF protection does not check, does it.",
    fix="Decorate the view with `@require_POST` (or `@require_http_methods(['POST'])`) and send "
    "the action from a form with the CSRF token.",
    what_it_does="In modules that import Django, reads each function or method whose first "
    "parameter (after `self`) is `request`, that returns a response and is no admin hook (no "
    "`obj`/`queryset`/`form` parameter) or `post`/`put`/`patch`/`delete` handler. It reports "
    "the view when it calls `logout(request)` or a method named `publish`, `unpublish`, "
    "`revert`, `delete`, `approve`, `reject`, `archive`, `revoke`, `purge`, `toggle_*` "
    "on anything but a cache or the session, while no decorator restricts the method "
    "(`require_POST`, a method list without GET) and the view reads neither "
    "`request.method` nor a request body.",
    why_bad="Django checks the CSRF token only for POST, PUT, PATCH and DELETE. A view that "
    "acts on a GET acts for any page that makes the user's browser fetch its URL, with the "
    "user's session (CWE-352).",
    example="def dologout(request):\n    logout(request)\n"
    "    return HttpResponseRedirect(reverse('login'))",
    use_instead="@require_POST\ndef dologout(request):\n    logout(request)\n"
    "    return HttpResponseRedirect(reverse('login'))",
    references=(
        "https://cwe.mitre.org/data/definitions/352.html",
        "https://docs.djangoproject.com/en/stable/ref/csrf/",
        "https://nvd.nist.gov/vuln/detail/CVE-2015-5081",
    ),
    visits=(ast.FunctionDef, ast.AsyncFunctionDef),
    text_words=("request",),  # its first test of the module, asked before any function
)
def state_change_on_get(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report Django views that change state for a GET."""
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    if not context.imports_module("django"):
        return
    text = context.segment(node)
    if any(read in text for read in _BODY_READS):
        return
    if not _is_view(node, context) or _restricted(node, context):
        return
    changes = [
        n for n in scope_nodes(node.body) if isinstance(n, ast.Call) and _changes(n, context)
    ]
    if changes:
        first = min(changes, key=lambda call: (call.lineno, call.col_offset))
        yield Hit(
            node=node,
            message=f"`{node.name}` calls `{context.one_line(first.func)}(...)` for any HTTP "
            "method: a GET, which Django's CSRF check lets through, does it from any page the "
            "user visits.",
        )
