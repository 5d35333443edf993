"""CWE-862: a Django class-based view that names the permission it needs but enforces none.

`permission_required = "app.change_thing"` on a view class is only an attribute: Django's
`PermissionRequiredMixin` (or a project mixin built on it) is what reads it in `dispatch` and
refuses users without it. A view that declares the attribute but inherits no such mixin looks
protected and is open to every user who reaches it (wger's GHSA-xppv-4jrx-qf8m: the gym
configuration's `UpdateView` said `permission_required = 'config.change_gymconfig'`, and only its
`WgerFormMixin`, which checks nothing of the kind, stood before `UpdateView`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.findings import Confidence, Severity
from secreview.index.children import walk
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_ENFORCING = lazy_pattern(r"(?i)perm|rule|access|guard|role|auth")
"""Words of a base class, a decorator or a call that may enforce the attribute: Django's and
django-guardian's `PermissionRequiredMixin`, django-rules' `AutoPermissionRequiredMixin`, a
project's `AccessMixin` subclass or `RoleRequiredMixin`, `method_decorator(permission_required)`,
`user.has_perm(...)` in an overridden `dispatch`."""
_DJANGO_VIEWS = ("django.views.", "django.contrib.auth.views.")


def _base_names(node: ast.ClassDef, context: ModuleContext, depth: int = 0) -> list[str]:
    """The names of the class's bases, and of the bases of those defined in the same module."""
    local = {n.name: n for n in context.tree.body if isinstance(n, ast.ClassDef) and n is not node}
    names: list[str] = []
    for base in node.bases:
        names.append(context.resolve(base) or context.segment(base))
        if isinstance(base, ast.Name) and base.id in local and depth < 5:
            names.extend(_base_names(local[base.id], context, depth + 1))
    return names


def _declared_permission(node: ast.ClassDef) -> ast.Assign | None:
    """The class body's `permission_required = ...` assignment, if it has one."""
    for statement in node.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "permission_required" for t in statement.targets
        ):
            return statement
    return None


def _checks_itself(node: ast.ClassDef, context: ModuleContext) -> bool:
    """Whether the class enforces something of its own: a decorator or a call in its methods
    named for permissions or access (`@method_decorator(permission_required(...))`,
    `if not request.user.has_perm(...)` in `dispatch`)."""
    if any(_ENFORCING.search(context.segment(d)) for d in node.decorator_list):
        return True
    for inner in walk(node):
        if isinstance(inner, ast.Call) and _ENFORCING.search(context.segment(inner.func)):
            return True
    return False


@rule(
    id="permission-required-not-enforced",
    name="View declares permission_required but inherits nothing that enforces it",
    cwe=862,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A Django class-based view sets `permission_required` but none of its bases is a "
    "permission mixin, so the permission is never checked.",
    fix="Inherit `PermissionRequiredMixin` (first among the bases, or the project's mixin "
    "built on it), or check the permission in `dispatch` yourself.",
    what_it_does="Reports the `permission_required = ...` line of a class that inherits a "
    "Django class-based view (`UpdateView`, `FormView`, `View`, ...) when no base (nor a base "
    "of a base defined in the same module) is named for permissions, rules, roles, access or "
    "authorisation (`PermissionRequiredMixin`, `AccessMixin`), and the class itself neither is "
    "decorated with nor calls anything so named (`method_decorator(permission_required(...))`, "
    "`request.user.has_perm(...)` in `dispatch`). A base from another project module that the "
    "scan cannot read is trusted only if its name says so; a hit with such a base is rated low "
    "and names it, since its own bases may enforce the permission. A view that defines "
    "`get_permission_object` (the hook of django-rules' and django-guardian's mixins) beside a "
    "base from a module the scan cannot read is left alone: that base is the mixin.",
    why_bad="The attribute is read only by `PermissionRequiredMixin.dispatch`; without that "
    "mixin it documents a permission nobody checks, and every user who reaches the URL (often "
    "anyone signed in, or anyone at all) can use a view meant for a few (CWE-862).",
    example="class GymConfigUpdateView(WgerFormMixin, UpdateView):\n"
    "    model = GymConfig\n    permission_required = 'config.change_gymconfig'",
    use_instead="class GymConfigUpdateView(PermissionRequiredMixin, WgerFormMixin, UpdateView):\n"
    "    model = GymConfig\n    permission_required = 'config.change_gymconfig'",
    references=(
        "https://docs.djangoproject.com/en/stable/topics/auth/default/"
        "#the-permissionrequiredmixin-mixin",
        "https://cwe.mitre.org/data/definitions/862.html",
        "https://github.com/wger-project/wger/security/advisories/GHSA-xppv-4jrx-qf8m",
    ),
    visits=(ast.ClassDef,),
    text_words=("permission_required",),
)
def permission_required_not_enforced(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report views whose `permission_required` no base or check of theirs enforces."""
    assert isinstance(node, ast.ClassDef)
    declared = _declared_permission(node)
    if declared is None:
        return
    bases = _base_names(node, context)
    if not any(name.startswith(_DJANGO_VIEWS) for name in bases):
        return  # not a Django view, or one whose view base the scan cannot read
    if any(_ENFORCING.search(name.rsplit(".", 1)[-1]) for name in bases):
        return
    if _checks_itself(node, context):
        return
    if _names_object_hook(node) and _imported_bases(node, context):
        return  # written for a permission mixin the scan cannot read (see `_names_object_hook`)
    unread = _unread_project_bases(node, context)
    yield Hit(
        node=declared,
        message=f"`{node.name}` declares `{context.one_line(declared)}` but inherits no "
        "permission mixin to enforce it: the permission is never checked, and anyone who "
        "reaches the view can use it"
        + (f" (unless `{unread[0]}`, read elsewhere, checks it)." if unread else "."),
        confidence=Confidence.LOW if unread else None,
    )


def _names_object_hook(node: ast.ClassDef) -> bool:
    """Whether the class defines `get_permission_object`: the hook through which django-rules'
    and django-guardian's `PermissionRequiredMixin` (and mixins built on them) learn the object
    the permission is checked on. Nothing else calls it (Django's own mixin has no such hook), so
    a view that fills it in next to `permission_required` was written for such a mixin; when one
    of its bases comes from a module the scan cannot read (adhocracy4's `DashboardBaseMixin`, a
    rules `PermissionRequiredMixin` under a plain name), that base is where the check lives."""
    return any(
        isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
        and statement.name == "get_permission_object"
        for statement in node.body
    )


def _imported_bases(node: ast.ClassDef, context: ModuleContext, depth: int = 0) -> list[str]:
    """The bases (and bases of bases defined in the same module) imported from another package
    or project module, whose code this module does not show; Django's own classes are known."""
    local = {n.name: n for n in context.tree.body if isinstance(n, ast.ClassDef) and n is not node}
    names: list[str] = []
    for base in node.bases:
        if isinstance(base, ast.Name) and base.id in local:
            if depth < 5:
                names.extend(_imported_bases(local[base.id], context, depth + 1))
            continue
        resolved = context.resolve(base) or ""
        if "." in resolved and not resolved.startswith("django."):
            names.append(resolved)
    return names


def _unread_project_bases(node: ast.ClassDef, context: ModuleContext) -> list[str]:
    """The bases imported from the project's own package: their code is in another module,
    which may enforce the permission through a base of its own (pretalx's
    `LoggedInEventPageMixin` derives from its `PermissionRequired`), so a hit is only a guess."""
    own = (context.package or "").split(".")[0]
    resolved = [context.resolve(base) or "" for base in node.bases]
    return [name for name in resolved if own and name.split(".")[0] == own]
