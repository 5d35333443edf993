"""CWE-639: a handler loads the object whose id the request names and uses it unchecked, where
the module's other handlers check the objects they load (`unchecked-object-lookup`).

Object-level permissions are checked per object: `has_perms_owner_aware(request.user,
"delete_processedmail", mail)` before deleting each mail. A handler of the same module that
loads `MailAccount.objects.get(pk=request.data["id"])` and uses that account's stored password
without such a check lets any user act with any other user's account by its id (paperless-ngx's
GHSA-7qqc-wrcw-2fj9). The rule makes that comparison within one module: a Django model lookup
by a primary key or id taken from the request (`Model.objects.get(pk=...)`,
`get_object_or_404(Model, id=...)`) in a request handler that never hands the object to an
object permission check, in a module where another function hands a looked-up object to one
(`has_perm(..., obj)`, `has_perms_owner_aware(...)`, `check_object_permissions(request, obj)`).
A lookup that is itself scoped to the user (`owner=request.user`, `user=request.user`), a
query set filtered for them (`Model.objects.filter(owner=...).get(pk=...)`), one through the
user's own related manager (`get_object_or_404(request.user.notifications, pk=pk)`), one
scoped to the requester's tenant (`space=request.space`, set by the project's middleware) or of
a model no user owns (`ContentType`) is not reported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.rules._support.quoting import code
from secreview.analysis.rules._support.web_handlers import (
    assigned_names,
    local_bindings,
    mentions_request_data,
    request_data_names,
    request_parameter,
    scope_nodes,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

Function = ast.FunctionDef | ast.AsyncFunctionDef

_CHECK_NAME = lazy_pattern(
    r"^(?:(?:has|check|require|assert|ensure|verify)_?(?:object_)?perm\w*"
    r"|has_object_permission|check_object_permissions)$"
)
"""Object permission checks (`has_perm`, `has_perms_owner_aware`, `check_object_permissions`)."""
_CHECK_TEXT = lazy_pattern(r"(?:perm\w*|object_permissions?)\s*\(")
_LOOKUP_FUNCTIONS = frozenset({"django.shortcuts.get_object_or_404"})
_ID_KEYWORDS = lazy_pattern(r"^(?:pk|id|uuid|\w+_(?:id|pk|uuid))$")
_OWNER_KEYWORDS = lazy_pattern(r"^(?:owner|user|created_by|author|account)(?:_id|__\w+)?$")


def _is_lookup(call: ast.AST, context: ModuleContext) -> bool:
    """Whether `call` loads model objects: a `.objects` query or `get_object_or_404`."""
    if not isinstance(call, ast.Call):
        return False
    if context.call_name(call) in _LOOKUP_FUNCTIONS or last_name(call.func) == "get_object":
        return True
    return any(isinstance(n, ast.Attribute) and n.attr == "objects" for n in ast.walk(call.func))


def _object_names(function: Function, context: ModuleContext) -> set[str]:
    """Locals of `function` holding looked-up objects, also through loops over a query."""
    bindings = list(local_bindings(function))
    names: set[str] = set()
    for target, value in bindings:
        if any(_is_lookup(n, context) for n in ast.walk(value)):
            names.update(assigned_names(target))
    changed = True
    while changed:  # loops over a query set, and look-ups through a loaded object's relations
        changed = False  # (`artifact.incidents.get(pk=...)`), in whatever order they come
        for target, value in bindings:
            new = set(assigned_names(target)) - names
            related = isinstance(value, ast.Call) and _root_name(value.func) in names
            if new and (related or (isinstance(value, ast.Name) and value.id in names)):
                names |= new
                changed = True
    return names


def _checks(function: Function, names: set[str], context: ModuleContext) -> bool:
    """Whether `function` hands one of `names`, an object it belongs to, or an object it looks
    up in place to an object permission check: `has_perm("handle", obj=todo.incident)` decides
    who may use the todo through the incident that holds it, and
    `check_object_permissions(request, Incident.objects.get(pk=pk))` checks the same row."""
    for node in scope_nodes(function.body):
        if not (isinstance(node, ast.Call) and _CHECK_NAME.match(last_name(node.func) or "")):
            continue
        arguments = (*node.args, *(k.value for k in node.keywords))
        if any(_root_name(a) in names or _is_lookup(a, context) for a in arguments):
            return True
    return False


def _root_name(node: ast.expr) -> str:
    """The local an attribute chain starts from (`todo` of `todo.incident.owner`), or ""."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def _functions(context: ModuleContext) -> list[Function]:
    """Every function of the module."""
    return [n for n in context.nodes if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _module_checks_objects(context: ModuleContext) -> list[Function]:
    """The functions of the module that hand a looked-up object to a permission check."""
    if not _CHECK_TEXT.search(context.text) or ".objects" not in context.text:
        return []
    return [f for f in _functions(context) if _checks(f, _object_names(f, context), context)]


def _id_from_request(
    call: ast.Call, names: frozenset[str], context: ModuleContext
) -> ast.expr | None:
    """The request value `call` selects its object by (`pk=request.data["id"]`), unless the
    lookup is also scoped to its owner; None otherwise."""
    if any(k.arg and _OWNER_KEYWORDS.match(k.arg) for k in call.keywords):
        return None
    if any(_requesters_tenant(k.value) for k in call.keywords):
        return None  # `space=request.space`: only the objects of the requester's tenant
    if call.args and _scoped_or_shared(call.args[0], context):
        return None
    if any(isinstance(n, ast.Call) and last_name(n.func) == "filter" for n in ast.walk(call.func)):
        return None
    chosen = [
        k.value
        for k in call.keywords
        if k.arg and _ID_KEYWORDS.match(k.arg) and mentions_request_data(k.value, names, context)
    ]
    return chosen[0] if chosen else None


def _is_requester(node: ast.expr) -> bool:
    """Whether `node` is the signed-in user: `request.user`, `self.request.user`."""
    if not (isinstance(node, ast.Attribute) and node.attr == "user"):
        return False
    root = node.value
    return (isinstance(root, ast.Name) and root.id == "request") or (
        isinstance(root, ast.Attribute) and root.attr == "request"
    )


_TENANTS = frozenset(
    {"space", "tenant", "organization", "organisation", "org", "workspace", "team", "company"}
)
"""Attributes a multi-tenant project's middleware sets on the request for the signed-in user
(Tandoor's `request.space`, django-tenants' `request.tenant`): the tenant they act in."""


def _requesters_tenant(value: ast.expr) -> bool:
    """`request.space`, `self.request.tenant.id`: the signed-in user's tenant, which the server
    chose, not the client. A lookup scoped by it reaches only that tenant's objects, which its
    members share; no other tenant's object can be named by id."""
    node = value
    while isinstance(node, ast.Attribute):
        root = node.value
        if node.attr in _TENANTS and (
            (isinstance(root, ast.Name) and root.id == "request")
            or (isinstance(root, ast.Attribute) and root.attr == "request")
        ):
            return True
        node = root
    return False


_SHARED_MODELS = frozenset({"django.contrib.contenttypes.models.ContentType"})
"""Models whose rows belong to no user: the registry of installed models."""


def _scoped_or_shared(source: ast.expr, context: ModuleContext) -> bool:
    """Whether `get_object_or_404(source, pk=...)` searches only the requester's objects
    (`request.user.notifications`, a related manager of the signed-in user) or a model
    no user owns (`ContentType`): no other user's object can be reached through it."""
    if isinstance(source, ast.Call) and any(_is_requester(a) for a in source.args):
        return True  # `Incident.authorization.for_user(request.user, "handle")`
    node = source
    while isinstance(node, ast.Attribute | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
        if isinstance(node, ast.Attribute) and node.attr == "user":
            root = node.value
            if isinstance(root, ast.Attribute) and root.attr == "request":
                return True
            if isinstance(root, ast.Name) and root.id == "request":
                return True
    return context.resolve(source) in _SHARED_MODELS


@rule(
    id="unchecked-object-lookup",
    name="Object loaded by a request-chosen id and used without the module's permission check",
    cwe=639,
    severity=Severity.MEDIUM,
    confidence=Confidence.LOW,
    summary="A handler loads the model object whose id the request names and never checks the "
    "user may use it, where the module's other handlers check the objects they load.",
    fix="Check the object as the other handlers do (`if not has_perms_owner_aware(request.user, "
    '"change_account", account): return HttpResponseForbidden()`), or look it up in a query '
    "set scoped to the user (`Account.objects.filter(owner=request.user).get(pk=...)`).",
    what_it_does="Reports `Model.objects.get(pk=...)` and `get_object_or_404(Model, id=...)` "
    "given an id from the request, in a request handler that hands the object to no object "
    "permission check (`has_perm`, `has_perms_owner_aware`, `check_object_permissions`), when "
    "another function of the module hands a looked-up object to one.",
    why_bad="Ids are easy to guess or enumerate: a handler that trusts the id the client sends "
    "lets any signed-in user read or act on every other user's objects (an insecure direct "
    "object reference). The module's other handlers show the check this one leaves out.",
    example="def test(self, request):\n    account = Account.objects.get(pk=request.data['id'])\n"
    "    return connect(account.password)",
    use_instead="def test(self, request):\n    account = Account.objects.get(pk=request.data['id'])"
    "\n    if not has_perms_owner_aware(request.user, 'change_account', account):\n"
    "        return HttpResponseForbidden()\n    return connect(account.password)",
    references=(
        "https://cwe.mitre.org/data/definitions/639.html",
        "https://www.django-rest-framework.org/api-guide/permissions/#object-level-permissions",
    ),
    visits=(ast.FunctionDef, ast.AsyncFunctionDef),
    text_words=(".objects",),  # what `_module_checks_objects` asks of the module first
)
def unchecked_object_lookup(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report a handler's lookup by a request id when siblings check the objects they load."""
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    if request_parameter(node, context) is None:
        return
    checking = [f for f in context.derived(_module_checks_objects) if f is not node]
    if not checking:
        return
    objects = _object_names(node, context)
    if _checks(node, objects, context):
        return
    names = request_data_names(node, context)
    for target, value in local_bindings(node):
        if not (isinstance(value, ast.Call) and _is_lookup(value, context)):
            continue
        chosen = _id_from_request(value, names, context)
        if chosen is None or not set(assigned_names(target)):
            continue
        yield Hit(
            node=value,
            message=f"`{code(context, value)}` loads the object whose id the request sends "
            f"(`{code(context, chosen)}`), and `{node.name}` uses it without the object "
            f"permission check that `{checking[0].name}` (line {checking[0].lineno}) makes on "
            "the objects it loads: any user can reach any other user's object by its id.",
        )
