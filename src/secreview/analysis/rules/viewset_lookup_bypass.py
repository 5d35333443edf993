"""CWE-639: a viewset action loads its object by the URL's id past the viewset's own scoping.

A Django REST framework viewset scopes what a user may reach in `get_queryset`
(`NutritionPlan.objects.filter(user=self.request.user)`), and `self.get_object()` looks the URL's
`pk` up in that query set and runs the object permission checks. An extra detail action
(`@action(detail=True) def nutritional_values(self, request, pk)`) that loads
`NutritionPlan.objects.get(pk=pk)` itself goes around both: any signed-in user reads or changes
any other user's object by its id (wger's GHSA-g8gc-6c4h-jg86). The rule reads one class: a
viewset or generic API view (a base named `*ViewSet` or `*APIView`) whose own `get_queryset`
reads the signed-in user, and a method of it with the lookup parameter (`pk`, or the class's
`lookup_url_kwarg`/`lookup_field`) that hands that parameter to a model lookup of its own
(`Model.objects.get(pk=pk)`, `.filter(id=pk)`, `get_object_or_404(Model, pk=pk)`). A method that
also calls `self.get_object()` or `self.check_object_permissions(...)`, or a lookup scoped to its
owner (`user=request.user`) or made on `self.get_queryset()`, is not reported; so is one that
selects by the signed-in user under any field name (`receiver=request.user`,
`actor=self.request.user.id`): whatever the field is called, the row must be the requester's.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.rules._support.quoting import code
from secreview.analysis.rules._support.web_handlers import parameter_names
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

Function = ast.FunctionDef | ast.AsyncFunctionDef

_VIEWSET_BASE = lazy_pattern(r"(ViewSet|APIView)$")
_OWN = frozenset({"get_queryset", "get_object", "get_serializer_class", "get_permissions"})
"""Methods that make the scoping itself, not actions past it."""
_CHECKS = frozenset({"get_object", "check_object_permissions", "get_queryset"})
"""Calls on `self` that put the method back inside the viewset's scoping."""
_OWNER_KEYWORDS = lazy_pattern(r"(?:^|__)(?:owner|user|created_by|author|account)(?:_id|__|$)")
"""A lookup keyword through an owner (`user=`, `owner_id=`, `plan__user=`, `user__pk=`)."""
_LOOKUPS = frozenset({"get", "filter", "get_or_create", "update_or_create", "select_for_update"})


def _is_viewset(node: ast.ClassDef) -> bool:
    """Whether a base of the class is a DRF viewset or generic view by its name."""
    return any(_VIEWSET_BASE.search(ast.unparse(base).rsplit(".", 1)[-1]) for base in node.bases)


def _methods(node: ast.ClassDef) -> list[Function]:
    """The functions defined directly in the class body."""
    return [s for s in node.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]


def _reads_requester(function: Function) -> bool:
    """Whether a method reads the signed-in user (`self.request.user`, `request.user`)."""
    return any(
        isinstance(n, ast.Attribute)
        and n.attr == "user"
        and isinstance(n.value, ast.Name | ast.Attribute)
        and (n.value.id if isinstance(n.value, ast.Name) else n.value.attr) == "request"
        for n in ast.walk(function)
    )


def _lookup_names(node: ast.ClassDef) -> set[str]:
    """The parameter names a detail route passes the object's id as: `pk`, and the class's
    `lookup_url_kwarg` or `lookup_field` when it sets one to a string."""
    names = {"pk"}
    for statement in node.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant):
            value = statement.value.value
            for target in statement.targets:
                if (
                    isinstance(target, ast.Name)
                    and target.id in {"lookup_url_kwarg", "lookup_field"}
                    and isinstance(value, str)
                ):
                    names.add(value)
    return names


def _rechecks(function: Function) -> bool:
    """Whether the method calls `self.get_object()` or another scoping step on `self`."""
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == "self"
        and n.func.attr in _CHECKS
        for n in ast.walk(function)
    )


def _own_lookup(call: ast.Call, identifiers: set[str], context: ModuleContext) -> ast.expr | None:
    """The identifier `call` selects a model object by, when it is a lookup of its own
    (`Model.objects.get(pk=pk)`, `get_object_or_404(Model, pk=pk)`) not scoped to an owner."""
    method = last_name(call.func)
    on_objects = isinstance(call.func, ast.Attribute) and any(
        isinstance(n, ast.Attribute) and n.attr == "objects" for n in ast.walk(call.func.value)
    )
    shortcut = context.call_name(call) == "django.shortcuts.get_object_or_404"
    if not ((on_objects and method in _LOOKUPS) or shortcut):
        return None
    if _scoped(call):  # `Model.objects.filter(user=request.user).get(pk=pk)`
        return None
    for keyword in call.keywords:
        if isinstance(keyword.value, ast.Name) and keyword.value.id in identifiers:
            return keyword.value
    return None


def _is_requester(node: ast.expr) -> bool:
    """Whether `node` is the signed-in user or its key: `request.user`, `self.request.user`,
    `request.user.id`, `request.user.pk`."""
    if isinstance(node, ast.Attribute) and node.attr in {"id", "pk"}:
        node = node.value
    if not (isinstance(node, ast.Attribute) and node.attr == "user"):
        return False
    holder = node.value
    if isinstance(holder, ast.Attribute):
        return holder.attr == "request" and isinstance(holder.value, ast.Name)
    return isinstance(holder, ast.Name) and holder.id == "request"


def _scoped(call: ast.Call) -> bool:
    """Whether the call, or a query it is chained on, selects by an owner keyword or by the
    signed-in user under a field name of the model's own (`receiver=request.user`)."""
    return any(
        isinstance(n, ast.Call)
        and any(
            k.arg and (_OWNER_KEYWORDS.search(k.arg) or _is_requester(k.value)) for k in n.keywords
        )
        for n in ast.walk(call)
    )


def _chained_on_scoped(method: Function) -> set[int]:
    """Calls (by id) a chained call scopes to an owner afterwards (the `filter(pk=pk)` of
    `Model.objects.filter(pk=pk).filter(user=request.user)`)."""
    scoped: set[int] = set()
    for node in ast.walk(method):
        if isinstance(node, ast.Call) and _scoped(node):
            scoped.update(id(n) for n in ast.walk(node.func) if isinstance(n, ast.Call))
    return scoped


@rule(
    id="viewset-lookup-bypasses-queryset",
    name="Viewset action loads its object by the URL id past the viewset's scoped query set",
    cwe=639,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A viewset action loads the object the URL names with its own model lookup, "
    "bypassing the viewset's `get_queryset` scoped to the user and its object permissions.",
    fix="Load the object with `self.get_object()`, which looks the URL's id up in "
    "`get_queryset()` and runs `check_object_permissions`.",
    what_it_does="Reports, in a DRF viewset or generic API view whose own `get_queryset` reads "
    "`request.user`, a method with the route's lookup parameter (`pk`) that passes it to "
    "`Model.objects.get(...)`/`.filter(...)` or `get_object_or_404(...)`, when the method "
    "calls neither `self.get_object()` nor `self.check_object_permissions(...)`.",
    why_bad="The viewset keeps each user to their own objects through `get_queryset` and "
    "`get_object`; an extra action that looks the id up on the model's default manager skips "
    "that scoping, so any signed-in user reaches another user's object by guessing its id.",
    example="class PlanViewSet(viewsets.ModelViewSet):\n    def get_queryset(self):\n"
    "        return Plan.objects.filter(user=self.request.user)\n\n"
    "    @action(detail=True)\n    def values(self, request, pk):\n"
    "        return Response(Plan.objects.get(pk=pk).values())",
    use_instead="    @action(detail=True)\n    def values(self, request, pk):\n"
    "        return Response(self.get_object().values())",
    references=(
        "https://cwe.mitre.org/data/definitions/639.html",
        "https://www.django-rest-framework.org/api-guide/generic-views/#get_objectself",
        "https://www.django-rest-framework.org/api-guide/viewsets/#marking-extra-actions-for-routing",
    ),
    visits=(ast.ClassDef,),
    text_words=("get_queryset",),
)
def viewset_lookup_bypasses_queryset(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report a viewset method's own lookup of the URL's id past a user-scoped query set."""
    assert isinstance(node, ast.ClassDef)
    if not _is_viewset(node):
        return
    methods = _methods(node)
    scoping = [f for f in methods if f.name == "get_queryset" and _reads_requester(f)]
    if not scoping:
        return
    names = _lookup_names(node)
    for method in methods:
        if method.name in _OWN or _rechecks(method):
            continue
        identifiers = set(parameter_names(method)) & names
        if not identifiers:
            continue
        scoped = _chained_on_scoped(method)
        for call in ast.walk(method):
            if not isinstance(call, ast.Call) or id(call) in scoped:
                continue
            chosen = _own_lookup(call, identifiers, context)
            if chosen is None:
                continue
            yield Hit(
                node=call,
                message=f"`{code(context, call)}` loads the object by the URL's "
                f"`{code(context, chosen)}` itself, past `{node.name}.get_queryset` (line "
                f"{scoping[0].lineno}), which keeps each user to their own objects, and past "
                "the object permission checks of `self.get_object()`: any signed-in user "
                "reaches another user's object by its id.",
            )
