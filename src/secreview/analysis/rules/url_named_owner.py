"""CWE-639: a class-based view that serves the objects of whichever user the URL names.

A Django view routed as `devices/<int:user_id>/` whose `get_queryset` returns
`Device.objects.filter(user=self.kwargs["user_id"])` lists (and a `DeleteView` deletes) the
objects of any user whose id the visitor writes into the URL: the key that selects the owner comes
from the requester, and nothing compares it with the signed-in user (wagtail-2fa's
CVE-2020-5240). The rule reads the class: a `get_queryset`/`get_object` (or `get_context_data`)
that hands a URL keyword named for a user or owner (`self.kwargs["user_id"]`,
`self.kwargs.get("owner_pk")`) to a call, in a view class none of whose methods reads the
signed-in user (`request.user`) or a permission (`has_perm`, `permission_required`, a
`PermissionRequired`/`UserPassesTest` mixin). A check anywhere in the class (a `dispatch` that
compares the id with `request.user.pk`) makes it quiet: whether that check is right is beyond
what the rule reads.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.secret_text import name_words
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_SELECTORS = frozenset({"get_queryset", "get_object", "get_context_data", "get_object_list"})
_OWNER_WORDS = frozenset({"user", "owner", "account", "member", "author", "profile", "username"})
_VIEW_BASE = lazy_pattern(r"(View|ViewSet|Mixin)$")
_CHECK_WORDS = lazy_pattern(
    r"(PermissionRequired|UserPassesTest|Staff|Superuser|Admin|Owner|Permission)"
)
_CHECK_CALLS = frozenset({"has_perm", "has_perms", "has_permission", "has_object_permission"})
_CHECK_ATTRIBUTES = frozenset({"permission_required", "permission_classes", "test_func"})
_CONVERSIONS = frozenset({"int", "str", "float", "bool", "len", "repr", "format", "print"})
"""Built-ins that convert or show the keyword: they select nothing."""


def _url_keyword(node: ast.AST) -> str | None:
    """The URL keyword a node reads: `user_id` of `self.kwargs["user_id"]` or `.get("user_id")`."""
    match node:
        case ast.Subscript(
            value=ast.Attribute(value=ast.Name(id="self"), attr="kwargs"),
            slice=ast.Constant(value=str() as key),
        ):
            return key
        case ast.Call(
            func=ast.Attribute(
                value=ast.Attribute(value=ast.Name(id="self"), attr="kwargs"), attr="get"
            ),
            args=[ast.Constant(value=str() as key), *_],
        ):
            return key
    return None


def _names_owner(key: str) -> bool:
    """Whether a URL keyword names a user (`user_id`, `owner_pk`, `username`), not an object."""
    return bool(set(name_words(key)) & _OWNER_WORDS)


def _is_view(node: ast.ClassDef) -> bool:
    """Whether the class is a class-based view by a base's name (`ListView`, `*Mixin`)."""
    names = (ast.unparse(base).rsplit(".", 1)[-1] for base in node.bases)
    return any(_VIEW_BASE.search(name) for name in names)


def _checks_requester(node: ast.ClassDef) -> bool:
    """Whether anything in the class reads the signed-in user or asks for a permission."""
    if any(_CHECK_WORDS.search(ast.unparse(base)) for base in node.bases):
        return True
    for inner in ast.walk(node):
        match inner:
            case ast.Attribute(value=ast.Name(id="request") | ast.Attribute(attr="request")):
                if inner.attr in {"user", "auth"}:
                    return True
            case ast.Attribute(attr=attribute) if attribute in _CHECK_CALLS:
                return True
            case ast.Name(id=name) if name in _CHECK_ATTRIBUTES | _CHECK_CALLS:
                return True
            case ast.FunctionDef(name=name) if name in _CHECK_ATTRIBUTES:
                return True
            case ast.Call(func=ast.Name(id="method_decorator" | "user_passes_test")):
                return True
    return False


def _owner_selections(method: ast.FunctionDef) -> Iterator[tuple[ast.Call, str]]:
    """Calls in the method handed a URL keyword that names a user, with that keyword."""
    for inner in ast.walk(method):
        if not isinstance(inner, ast.Call):
            continue
        if isinstance(inner.func, ast.Name) and inner.func.id in _CONVERSIONS:
            continue
        arguments = [*inner.args, *(keyword.value for keyword in inner.keywords)]
        for argument in arguments:
            key = _url_keyword(argument)
            if key is not None and _names_owner(key):
                yield inner, key
                break


@rule(
    id="object-owner-from-url",
    name="View serves the objects of the user the URL names, without checking the requester",
    cwe=639,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A class-based view selects its objects by a user id taken from the URL "
    "(`self.kwargs['user_id']`) and never compares it with the signed-in user or asks for a "
    "permission, so anyone reads or changes another user's objects.",
    fix="Select by the signed-in user (`filter(user=self.request.user)`), or refuse in "
    "`dispatch`/`get_queryset` unless the URL's id is `request.user.pk` or the user has the "
    "permission to manage others (`request.user.has_perm(...)`).",
    what_it_does="Reports, in a class-based view (a base named `*View`, `*ViewSet`, `*Mixin`), "
    "a call in `get_queryset`, `get_object` or `get_context_data` handed a URL keyword named "
    "for a user or owner (`self.kwargs['user_id']`, `self.kwargs.get('owner_pk')`), when "
    "nothing in the class reads `request.user` or asks for a permission (`has_perm`, "
    "`permission_required`, `test_func`, a `PermissionRequired`/`UserPassesTest` mixin).",
    why_bad="The owner is a key the requester chooses: changing the number in the URL lists, "
    "edits or deletes another user's records (an insecure direct object reference, CWE-639).",
    example="class DeviceListView(LoginRequiredMixin, ListView):\n"
    "    def get_queryset(self):\n"
    "        return Device.objects.filter(user_id=self.kwargs['user_id'])",
    use_instead="class DeviceListView(LoginRequiredMixin, ListView):\n"
    "    def get_queryset(self):\n"
    "        return Device.objects.filter(user=self.request.user)",
    references=(
        "https://cwe.mitre.org/data/definitions/639.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/"
        "Insecure_Direct_Object_Reference_Prevention_Cheat_Sheet.html",
        "https://nvd.nist.gov/vuln/detail/CVE-2020-5240",
    ),
    visits=(ast.ClassDef,),
)
def object_owner_from_url(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report selections by a URL-named owner in views that never check the requester."""
    assert isinstance(node, ast.ClassDef)
    if not _is_view(node) or _checks_requester(node):
        return
    for method in node.body:
        if not (isinstance(method, ast.FunctionDef) and method.name in _SELECTORS):
            continue
        for call, key in _owner_selections(method):
            yield Hit(
                node=call,
                message=f"`{context.one_line(call)}` selects objects by the URL's `{key}`, "
                f"and nothing in `{node.name}` compares it with the signed-in user or asks for "
                "a permission: changing the URL serves another user's objects.",
            )
