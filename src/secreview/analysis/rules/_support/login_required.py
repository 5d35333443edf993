"""Functions every request reaches only once logged in: views under `@login_required`, methods
of class-based views that refuse anonymous clients before dispatching (Django's
`LoginRequiredMixin`, Django REST framework's `permission_classes = [IsAuthenticated]`), and
the module's private helpers that only such views call (through other such helpers).

In them `assert request.user.is_authenticated` decides nothing: the decorator or the view's
`dispatch`/`initial` already sent an anonymous client to the login page (or answered 401/403),
and the assert narrows `User | AnonymousUser` for the type checker (django-stubs). So does the
same assert after the function itself returned on an anonymous client (`if not
super().has_permission(request, view): return False` in a subclass of `IsAuthenticated`).
Only the module is read: a helper whose name does not start with `_` may have callers
elsewhere, and a helper used other than by a call (passed as a value) may run anywhere.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.call_names import last_name
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of

Function = ast.FunctionDef | ast.AsyncFunctionDef

_LOGIN_DECORATORS = frozenset(
    {"login_required", "permission_required", "staff_member_required", "superuser_required"}
)
"""Django's decorators that send an anonymous client to the login page (an anonymous user
holds no permission and is no staff member)."""


_AUTHENTICATED_PERMISSIONS = frozenset(
    {"IsAuthenticated", "IsAdminUser", "DjangoModelPermissions", "DjangoObjectPermissions"}
)
"""Django REST framework's permission classes that refuse an anonymous client
(`DjangoModelPermissions.authenticated_users_only` is true)."""
_LOGIN_MIXINS = frozenset({"LoginRequiredMixin", "PermissionRequiredMixin"})
"""Django's class-based-view mixins whose `dispatch` refuses an anonymous client."""
_BEFORE_THE_CHECK = frozenset(
    {"__init__", "setup", "dispatch", "initial", "initialize_request", "perform_authentication"}
    | {"check_permissions", "get_permissions", "get_authenticators", "as_view"}
)
"""Methods of a class-based view that run before (or while) it refuses an anonymous client."""


def _requires_login(function: Function) -> bool:
    return any(_login_decorator(d) for d in function.decorator_list)


def _login_decorator(decorator: ast.expr) -> bool:
    """`@login_required`, `@permission_required(...)`, or either through Django's
    `@method_decorator(login_required)`."""
    if isinstance(decorator, ast.Call) and last_name(decorator.func) == "method_decorator":
        return bool(decorator.args) and _login_decorator(decorator.args[0])
    return last_name(decorator.func if isinstance(decorator, ast.Call) else decorator) in (
        _LOGIN_DECORATORS
    )


def _view_requires_login(function: Function, context: ModuleContext) -> bool:
    """Whether `function` is a method of a class-based view that refuses anonymous clients
    before dispatching to it: the view (or a base class of the module) is decorated with
    `method_decorator(login_required, ...)`, mixes in `LoginRequiredMixin`, or declares
    `permission_classes` each of which refuses them, and neither a `get_permissions` override
    nor the method's own `@action(permission_classes=...)` says otherwise."""
    owner = context.parent(function)
    if not isinstance(owner, ast.ClassDef) or function.name in _BEFORE_THE_CHECK:
        return False
    lineage = _module_lineage(owner, context)
    if any(
        any(_login_decorator(d) for d in cls.decorator_list)
        or any(last_name(b) in _LOGIN_MIXINS for b in cls.bases)
        for cls in lineage
    ):
        return True  # Django's `dispatch` refuses first, whatever DRF's permissions say
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call):
            own = next((k.value for k in decorator.keywords if k.arg == "permission_classes"), None)
            if own is not None:
                return _refuses_anonymous(own)
    if any(_defines(cls, "get_permissions") for cls in lineage):
        return False
    declared = next(
        (value for cls in lineage if (value := _class_value(cls, "permission_classes"))), None
    )
    return declared is not None and _refuses_anonymous(declared)


def _module_lineage(cls: ast.ClassDef, context: ModuleContext) -> list[ast.ClassDef]:
    """`cls` and its base classes defined at the top of the module, nearest first (a base from
    another module is not read: what it declares is not known here)."""
    classes = {node.name: node for node in context.tree.body if isinstance(node, ast.ClassDef)}
    lineage: list[ast.ClassDef] = []
    waiting = [cls]
    while waiting:
        current = waiting.pop(0)
        if current in lineage:
            continue
        lineage.append(current)
        waiting += [
            classes[base.id]
            for base in current.bases
            if isinstance(base, ast.Name) and base.id in classes
        ]
    return lineage


def _defines(cls: ast.ClassDef, name: str) -> bool:
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name
        for node in cls.body
    )


def _class_value(cls: ast.ClassDef, name: str) -> ast.expr | None:
    """The value the class body assigns to `name` last, if any."""
    found: ast.expr | None = None
    for node in cls.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            found = node.value  # type: ignore[union-attr]
    return found


def _refuses_anonymous(declared: ast.expr) -> bool:
    """Whether a `permission_classes` list refuses an anonymous client: one of its classes
    does (DRF requires every one to pass), where `A & B` refuses if either does and `A | B`
    only if both do."""
    if isinstance(declared, ast.List | ast.Tuple):
        return any(_refuses_anonymous(element) for element in declared.elts)
    if isinstance(declared, ast.BinOp) and isinstance(declared.op, ast.BitAnd):
        return _refuses_anonymous(declared.left) or _refuses_anonymous(declared.right)
    if isinstance(declared, ast.BinOp) and isinstance(declared.op, ast.BitOr):
        return _refuses_anonymous(declared.left) and _refuses_anonymous(declared.right)
    return last_name(declared) in _AUTHENTICATED_PERMISSIONS


def refused_before(node: ast.stmt, function: Function, context: ModuleContext) -> bool:
    """Whether `function` already left on an anonymous client before `node`, one of its own
    statements: `if not request.user.is_authenticated: raise ...` (or `if
    request.user.is_anonymous: return ...`), or, in a subclass of a permission class that
    refuses anonymous clients, `if not super().has_permission(request, view): return False`."""
    if node not in function.body:
        return False
    owner = context.parent(function)
    authenticated_base = isinstance(owner, ast.ClassDef) and any(
        last_name(base) in _AUTHENTICATED_PERMISSIONS for base in owner.bases
    )
    for statement in function.body[: function.body.index(node)]:
        if not isinstance(statement, ast.If) or not isinstance(
            statement.body[-1], ast.Return | ast.Raise
        ):
            continue
        test = statement.test
        if isinstance(test, ast.Attribute) and test.attr == "is_anonymous":
            return True
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            if asserts_logged_in(test.operand):
                return True
            if authenticated_base and _calls_inherited(test.operand, "has_permission"):
                return True
    return False


def _calls_inherited(node: ast.expr, method: str) -> bool:
    """`super().method(...)` or `super(Cls, self).method(...)`."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
        and isinstance(node.func.value, ast.Call)
        and last_name(node.func.value.func) == "super"
    )


def _uses(context: ModuleContext) -> dict[str, list[tuple[bool, Function | None]]]:
    """For every name read in the module: (read as the callee of a call, enclosing function)."""
    found: dict[str, list[tuple[bool, Function | None]]] = {}
    for node in nodes_of(context, ast.Name):
        if isinstance(node.ctx, ast.Load):
            parent = context.parent(node)
            called = isinstance(parent, ast.Call) and parent.func is node
            found.setdefault(node.id, []).append((called, context.enclosing_function(node)))
    return found


def behind_login(
    function: Function, context: ModuleContext, _seen: frozenset[int] = frozenset()
) -> bool:
    """Whether every request that runs `function` is a logged-in user's."""
    if _requires_login(function) or _view_requires_login(function, context):
        return True
    if (
        not function.name.startswith("_")
        or id(function) in _seen
        or not isinstance(context.parent(function), ast.Module)
    ):
        return False
    uses = context.derived(_uses).get(function.name, [])
    seen = _seen | {id(function)}
    return bool(uses) and all(
        called and caller is not None and behind_login(caller, context, seen)
        for called, caller in uses
    )


def asserts_logged_in(test: ast.expr) -> bool:
    """`x.user.is_authenticated`, `not x.user.is_anonymous` or `not isinstance(x.user,
    AnonymousUser)`: a claim that the client is logged in, and nothing more."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        operand = test.operand
        if isinstance(operand, ast.Call) and last_name(operand.func) == "isinstance":
            kinds = operand.args[1:]
            return len(kinds) == 1 and last_name(kinds[0]) == "AnonymousUser"
        return isinstance(operand, ast.Attribute) and operand.attr == "is_anonymous"
    return isinstance(test, ast.Attribute) and test.attr == "is_authenticated"
