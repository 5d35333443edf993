"""Which handlers check access, compared by `missing-authorization` and `missing-authentication`.

Both rules judge a handler by its siblings: the checks each one makes (a decorator, a call, a
`Depends(...)`), the checks that cover a whole class or module at once, and whether the
unchecked ones are few enough among the checking ones to stand out. The answers live here so
that the rules for state-changing handlers, detail routes and resource classes share them.
"""

from __future__ import annotations

import ast
import functools
import re

from secreview.analysis.rules._support.web_handlers import scope_nodes
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of
from secreview.patterns import lazy_pattern

Function = ast.FunctionDef | ast.AsyncFunctionDef

_CAN_CALL = lazy_pattern(r"(^|\.)(context|ctx|policy|enforcer|acl|current_user|user)\.can$")
_BLANKET_BASES = lazy_pattern(r"(LoginRequired|PermissionRequired|UserPassesTest|AccessMixin)")
CLASS_WORDS = lazy_pattern(r"(Controller|View|ViewSet|Handler|Resource|Endpoint|API|Api)$")
"""Class names (or base names) of view classes, whose public methods are handlers."""


@functools.cache
def _check_words() -> re.Pattern[str]:
    """Words that name an authorisation check (`login_required`, `has_perm`, a decorator
    `@is_owner` that refuses everyone but the owner), compiled on first use: only files with
    handlers need them."""
    return re.compile(
        r"(authori[sz]|permission|policy|enforce|login_required|auth_required|"
        r"requires?_(?!post|get|safe|http_methods|gzip|encryption|config|setting|feature|licen[cs]e|env)|"
        r"admin_required|has_perm|has_role|check_access|access_required|roles_required|"
        r"jwt_required|user_passes_test|staff_member_required|superuser_required|"
        r"is_(admin|owner|staff|superuser)|"
        r"check_(token|auth|api_?key|credentials|login)|(token|api_?key)_required)",
        re.IGNORECASE,
    )


_SIGN_IN_DECORATORS = frozenset({"tornado.web.authenticated"})
"""Library decorators documented to refuse a caller who is not signed in, whose names hold no
check word: Tornado's `@authenticated` (on a `RequestHandler` method, it redirects or answers 403
unless `current_user` is set; Jupyter Server's API handlers use it for its token login)."""


def is_check(node: ast.AST, context: ModuleContext) -> bool:
    """A call or decorator that checks authorisation: `context.can(...)`, `@login_required`."""
    target = node.func if isinstance(node, ast.Call) else node
    text = context.resolve(target) or context.segment(target)
    if _CAN_CALL.search(text) or context.resolve(target) in _SIGN_IN_DECORATORS:
        return True
    last = text.rsplit(".", 1)[-1]
    return (
        bool(_check_words().search(last))
        and not last.startswith(("get_", "set_"))
        and not _NOT_CALLER_CHECKS.search(last)
    )


_NOT_CALLER_CHECKS = lazy_pattern(
    r"(?i)authori[sz](e|ation)_?(url|uri|code|response|endpoint)|"
    r"(start|begin|complete|finish)_authori[sz]ation|"
    r"^_*requires?_\w*_(enabled|configured|available|installed)$"
)
"""Names with a check's words that check no caller: OAuth's vocabulary for the grant flow (RFC
6749's authorization response, code and endpoint: `GoogleOAuthAuthorizeResponse(...)`,
`start_authorization(...)` send the user to a provider to grant this app access), and a
requirement on the server's setup (`_require_organization_client_config_enabled()`: a feature
switched on, whoever calls)."""


def own_checks(function: Function, context: ModuleContext) -> list[ast.AST]:
    """Checks in the function's decorators, its body, or its parameters' `Depends(require_x)`."""
    found: list[ast.AST] = [d for d in function.decorator_list if decorator_checks(d, context)]
    defaults = [*function.args.defaults, *(d for d in function.args.kw_defaults if d)]
    in_defaults = [n for default in defaults for n in ast.walk(default)]
    for node in [*in_defaults, *scope_nodes(function.body)]:
        if isinstance(node, ast.Call) and is_check(node, context):
            found.append(node)
    return found


_ROLE_REQUIRED = lazy_pattern(
    r"^(?!(json|params?|fields?|args?|arguments|data|body|form|query|headers?|content_type|"
    r"https|ssl|secure|ajax|xhr|csrf|setup|installed|install|config|configured|feature|"
    r"methods?|post|get|etag|captcha|lock|db|database|transaction|files?|upload|"
    r"confirm|confirmation|confirmed)_required$)"
    r"[a-z]\w*_required$"
)
"""A view decorator named for who may call the view, in the convention of Django's
`login_required` and `staff_member_required`: a project's `@manager_required` or
`@moderator_required` (EvaP's and Spirit's raise PermissionDenied otherwise). A decorator
named for the request's shape (`@json_required`, `@https_required`) or for asking the user to
confirm (`@confirmation_required("delete {alias}")`, Mailu's) checks no one."""


_REQUIRES = lazy_pattern(r"(?:^|_)requires$")
"""A view decorator named for what the caller must hold, in the convention of Starlette's
`@requires("authenticated")`: a project's `@api_requires(Permissions.admin)` or
`@ac_api_requires()` refuses callers without it. (`@requires_json` names the request's shape and
is not one.)"""


def decorator_checks(decorator: ast.expr, context: ModuleContext) -> bool:
    """`@login_required`, `@policy.authorize(...)`, `@app.post(..., dependencies=[Depends(x)])`,
    `@manager_required`, `@api_requires(Permissions.admin)`."""
    if is_check(decorator, context):
        return True
    named = decorator.func if isinstance(decorator, ast.Call) else decorator
    last = context.segment(named).rsplit(".", 1)[-1]
    if _ROLE_REQUIRED.search(last) or _REQUIRES.search(last):
        return True
    if isinstance(decorator, ast.Call):
        for keyword in decorator.keywords:
            if keyword.arg in {"dependencies", "permission_classes"}:
                return True
    return False


def delegates(function: Function, checked: set[str]) -> bool:
    """Whether the function calls a sibling (`self.x(...)` or `x(...)`) that checks."""
    for node in scope_nodes(function.body):
        if not isinstance(node, ast.Call):
            continue
        callee = node.func
        on_self = isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name)
        if on_self and callee.value.id in {"self", "cls"} and callee.attr in checked:
            return True
        if isinstance(callee, ast.Name) and callee.id in checked:
            return True
        if isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Call):
            return True  # `super().update(...)`: the parent's handler may check
    return False


def inherited_checks(owner: ast.ClassDef, context: ModuleContext) -> set[str]:
    """Names of the methods that check, of `owner` and of its base classes defined in the same
    module: a handler calling `self._post_disable_enable_tree(...)`, a base class's helper
    whose first step is `require_permissions(...)`, checks as if it made the call itself."""
    classes = {node.name: node for node in nodes_of(context, ast.ClassDef)}
    found: set[str] = set()
    pending, seen = [owner], set()
    while pending:
        cls = pending.pop()
        if cls.name in seen:
            continue
        seen.add(cls.name)
        for method in cls.body:
            if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef) and own_checks(
                method, context
            ):
                found.add(method.name)
        for base in cls.bases:
            if isinstance(base, ast.Name) and base.id in classes:
                pending.append(classes[base.id])
    return found


_MODULE_HOOKS = ("before_request", "url_value_preprocessor", "dependencies=")
"""What runs before every route of a module: Flask's `before_request` and
`url_value_preprocessor` hooks (a blueprint loading the project a URL names checks access there:
ihatemoney's `pull_project`), FastAPI's router `dependencies=`."""


def blanket_check(owner: ast.AST, context: ModuleContext) -> bool:
    """A check that covers every handler of the group, so no handler can lack one."""
    if isinstance(owner, ast.ClassDef):
        if any(_BLANKET_BASES.search(context.segment(b)) for b in owner.bases):
            return True
        if any(decorator_checks(d, context) for d in owner.decorator_list):
            return True
        for statement in owner.body:
            if isinstance(statement, ast.Assign) and any(
                isinstance(t, ast.Name)
                and t.id
                in {"permission_classes", "decorators", "method_decorators", "dependencies"}
                for t in statement.targets
            ):
                return True
        return False
    text = context.text
    return any(hook in text for hook in _MODULE_HOOKS)


PUBLIC_NAMES = lazy_pattern(
    r"(?i)(^|_)(index|home|login|logout|signin|signup|register|health|status|static|public|"
    r"callback|verify|confirm|reset|forgot|activate|unsubscribe|favicon|robots|about|feed)"
)


def few_unchecked(checking: int, unchecked: int) -> bool:
    """Whether reads without a check stand out among their siblings: at least four check, and
    the unchecked are at most a fifth of all (a module of public pages with a few private ones
    is left alone). Module routes and resource classes are compared alike."""
    return checking >= 4 and unchecked > 0 and 5 * unchecked <= checking + unchecked
