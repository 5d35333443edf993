"""CWE-862: a state-changing handler that skips the authorisation check its siblings make.

Reviewers find missing access control by comparison: in one controller class, blueprint or
router module, `create`, `update` and `delete` all call `context.can(...)` or carry
`@permission_required`, and the newly added `archive` does not. The rule makes the same
comparison and reports only when at least two state-changing siblings check and one does not,
naming those siblings as evidence; checks that cover every handler at once (DRF
`permission_classes` on the class, a router's `dependencies=`, a `before_request` or
`url_value_preprocessor` hook, an auth mixin) leave nothing to compare, and handlers for signing
in or recovering a password need no permission.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.capability_tokens import authenticated_by_token
from secreview.analysis.rules._support.handler_checks import (
    CLASS_WORDS,
    PUBLIC_NAMES,
    Function,
    blanket_check,
    delegates,
    few_unchecked,
    own_checks,
)
from secreview.analysis.rules._support.resource_handlers import unchecked_resource_handlers
from secreview.analysis.rules._support.web_handlers import is_route_decorated, scope_nodes
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of
from secreview.patterns import lazy_pattern

_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_CHANGING_DECORATORS = frozenset({"post", "put", "patch", "delete"})
_METHOD_LISTS = (".api_view", ".require_http_methods")
"""Decorators whose first argument lists the HTTP methods a Django/DRF view accepts."""


@functools.cache
def _changing_name() -> re.Pattern[str]:
    """Method names that change state (`delete_user`), not hooks run after a sibling's change
    (`post_delete`, `post_update`); compiled on first use, only files with handlers need it."""
    return re.compile(
        r"^(?!post_(delete|update|create|creation|save)$)(post|put|patch|delete|destroy|create|update|partial_update|remove|add|set|edit|"
        r"archive|approve|reject|revoke|grant|assign|transfer|reset|disable|enable|upload|import|"
        r"purge|restore|rename|move|publish|promote|demote|migrate|rebuild|resize|lock|unlock)"
        r"(_\w+)?$"
    )


def _changes_state(function: Function, context: ModuleContext, in_class: bool) -> bool:
    """Registered for POST/PUT/PATCH/DELETE, or (in a view class) named like a change."""
    for decorator in function.decorator_list:
        if (context.resolve(decorator) or "").endswith(".require_POST"):
            return True
        if not isinstance(decorator, ast.Call):
            continue
        target = decorator.func
        if isinstance(target, ast.Attribute) and target.attr in _CHANGING_DECORATORS:
            return True
        methods = context.keyword(decorator, "methods")
        if methods is None and (context.resolve(target) or "").endswith(_METHOD_LISTS):
            methods = context.argument(decorator, 0, "http_method_names")
        if isinstance(methods, ast.List | ast.Tuple | ast.Set):
            verbs = {context.constant_value(e) for e in methods.elts}
            return bool({str(v).upper() for v in verbs} & _CHANGING_METHODS)
    return in_class and bool(_changing_name().match(function.name))


_REFUSAL_WORDS = ("NotAllowed", "Forbidden", "NotFound", "BadRequest", "NotImplemented")


def _only_refuses(function: Function, context: ModuleContext) -> bool:
    """Whether the handler's whole body refuses the request: it raises, or returns a response
    of a 4xx status (`Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)`, `abort(405)`,
    `HttpResponseNotAllowed(...)`). A DRF viewset's `destroy` overridden so changes nothing."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and context.is_constant(body[0].value):
        body = body[1:]  # the docstring
    if len(body) != 1:
        return False
    statement = body[0]
    if isinstance(statement, ast.Raise):
        return True
    call = statement.value if isinstance(statement, ast.Return | ast.Expr) else None
    if not isinstance(call, ast.Call):
        return False
    callee = context.resolve(call.func) or ""
    if callee.rpartition(".")[2].endswith(_REFUSAL_WORDS):
        return True
    given = [*call.args, *(keyword.value for keyword in call.keywords)]
    return any(_client_error(value, context) for value in given)


def _client_error(value: ast.expr, context: ModuleContext) -> bool:
    """A 4xx status: `405`, `status.HTTP_403_FORBIDDEN`, `HTTPStatus.METHOD_NOT_ALLOWED`."""
    constant = context.constant_value(value)
    if isinstance(constant, int) and not isinstance(constant, bool):
        return 400 <= constant < 500
    if isinstance(value, ast.Attribute):
        name = value.attr
        return name.startswith("HTTP_4") or name in {
            "METHOD_NOT_ALLOWED",
            "FORBIDDEN",
            "NOT_FOUND",
            "BAD_REQUEST",
            "UNAUTHORIZED",
        }
    return False


def _refuses_forbidden(function: Function, context: ModuleContext) -> bool:
    """Whether a branch of the handler refuses the caller with 403 (`abort(403)`,
    `HttpResponseForbidden()`, `raise HTTPForbidden`, `return body, 403`).

    A test whose failure answers "forbidden" is an authorisation decision, whatever it is named
    (`if not flask.g.repo_committer:`, a flag a blueprint-wide loader set): the handler checks
    its caller. Only exempts; a sibling's 403 does not make it a checking sibling, so no
    comparison is added. A 404 or 400 refusal says nothing about the caller.
    """
    for node in scope_nodes(function.body):
        if (
            isinstance(node, ast.If)
            and not _only_presence(node.test)
            and any(_forbids(statement, context) for statement in node.body)
        ):
            return True
    return False


def _only_presence(test: ast.expr) -> bool:
    """`'session' not in data or 'i' not in data`: a check that the request names its fields,
    whatever a 403 under it says, is input validation, not a decision about the caller."""
    if isinstance(test, ast.BoolOp):
        return all(_only_presence(value) for value in test.values)
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Constant)
        and all(isinstance(op, ast.In | ast.NotIn) for op in test.ops)
    )


def _forbids(statement: ast.stmt, context: ModuleContext) -> bool:
    """`abort(403, ...)`, `raise Forbidden(...)`, `return HttpResponseForbidden()` or
    `return jsonify(...), 403`: one statement that answers 403."""
    if isinstance(statement, ast.Raise) and statement.exc is not None:
        raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
        return (context.resolve(raised) or context.segment(raised)).endswith("Forbidden")
    if not isinstance(statement, ast.Expr | ast.Return) or statement.value is None:
        return False
    value = statement.value
    if isinstance(value, ast.Tuple):
        return any(_forbidden_status(element, context) for element in value.elts[1:])
    if not isinstance(value, ast.Call):
        return False
    callee = context.resolve(value.func) or context.segment(value.func)
    if callee.endswith("Forbidden"):
        return True
    given = [*value.args, *(keyword.value for keyword in value.keywords)]
    return callee.rpartition(".")[2] in {
        "abort",
        "Response",
        "HttpResponse",
        "make_response",
    } and any(_forbidden_status(argument, context) for argument in given)


def _forbidden_status(value: ast.expr, context: ModuleContext) -> bool:
    """`403`, `status.HTTP_403_FORBIDDEN`, `HTTPStatus.FORBIDDEN`."""
    if context.constant_value(value) == 403:
        return True
    return isinstance(value, ast.Attribute) and value.attr in {"HTTP_403_FORBIDDEN", "FORBIDDEN"}


def _is_handler(function: Function, context: ModuleContext, in_class: bool) -> bool:
    """A public handler: route-decorated, or a public method of a view/controller class."""
    if function.name.startswith("_"):
        return False
    return in_class or is_route_decorated(function, context)


def _groups(context: ModuleContext) -> Iterator[tuple[ast.AST, list[Function], bool]]:
    """(owner, functions, in_class): each view class's methods and each module's routes."""
    module_functions = [
        n for n in context.tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    yield context.tree, module_functions, False
    for node in nodes_of(context, ast.ClassDef):
        if CLASS_WORDS.search(node.name):
            methods = [
                n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            ]
            yield node, methods, True


_SIGN_IN_NAMES = lazy_pattern(
    r"(?i)^(log_?in|log_?out|sign_?in|sign_?out|sign_?up|register|authenticate|"
    r"(forgot|reset|remind|recover)_?password|password_?(reset|forgot|remind)|"
    r"activate(_?account)?|(confirm|verify)_?e?mail|unsubscribe|(\w+_)?callback)$"
)
"""Handlers that change state for callers who hold no permission yet (signing in, recovering a
password, confirming an address; `reset_password` or `resetPassword`): a permission check there
would lock everyone out. So do handlers a one-time token authenticates
(`capability_tokens.authenticated_by_token`)."""


@rule(
    id="missing-authorization",
    name="State-changing handler without the authorisation check its siblings make",
    cwe=862,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A handler that changes state checks no permission, while at least two "
    "state-changing handlers beside it do (or a detail route, while nearly every read route "
    "beside it does).",
    fix="Make the same authorisation check as the sibling handlers (the same policy call or "
    "decorator), or move the check to one place that covers every handler.",
    what_it_does="Groups the handlers of each controller/view class (`*Controller`, `*View`, "
    "`*ViewSet`, `*Handler`, `*Resource`) and of each module's routes. A handler changes "
    "state when it is routed for POST/PUT/PATCH/DELETE or, in a class, named "
    "`create/update/delete/...`. It checks authorisation when it calls or is decorated with "
    "`context.can`, `policy.authorize/enforce`, `check_permission`, `has_perm`, "
    "`@login_required`, `@permission_required`, `@jwt_required`, `Depends(require_*)`, "
    "`@action(permission_classes=...)`, or calls a sibling that does. When two or more "
    "state-changing siblings check and one does not, that one is reported, with the checking "
    "siblings as evidence. A module's read route with a URL parameter (a detail view) is "
    "reported too when it checks nothing while at least four read routes beside it check "
    "and the unchecked ones are at most a fifth. Groups protected as a whole (DRF "
    "`permission_classes`, auth mixins, `before_request` or `url_value_preprocessor`, router "
    "`dependencies=`) are skipped, and so are handlers for signing in or recovering a password "
    "and handlers a one-time token authenticates (they look the token up, refuse without it "
    "and spend it: a mailed reset challenge, an SSO step's token).",
    why_bad="Access control that every handler must repeat is forgotten in the one added "
    "last, and that handler lets any authenticated (or anonymous) user create, change or "
    "delete what the policy reserves for others. It is the most common access-control defect "
    "found in code review (CWE-862, OWASP A01).",
    example="class VolumeController(wsgi.Controller):\n"
    "    def create(self, req, body):\n        req.context.can('volume:create')\n"
    "    def delete(self, req, id):\n        req.context.can('volume:delete')\n"
    "    def update(self, req, id, body):\n        return self.api.update(id, body)",
    use_instead="    def update(self, req, id, body):\n        req.context.can('volume:update')\n"
    "        return self.api.update(id, body)",
    references=(
        "https://owasp.org/Top10/A01_2021-Broken_Access_Control/",
        "https://docs.openstack.org/oslo.policy/latest/user/usage.html",
        "https://www.django-rest-framework.org/api-guide/permissions/",
        "https://cwe.mitre.org/data/definitions/862.html",
    ),
    visits=(ast.Module,),
)
def missing_authorization(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report state-changing handlers that skip the check their siblings make."""
    yield from unchecked_resource_handlers(context, authentication=False)
    for owner, functions, in_class in _groups(context):
        if blanket_check(owner, context):
            continue
        handlers = [f for f in functions if _is_handler(f, context, in_class)]
        if len(handlers) < 3:  # both findings need three handlers or more: spare the checks
            continue
        changing = [
            f
            for f in handlers
            if _changes_state(f, context, in_class) and not _only_refuses(f, context)
        ]
        checks = {f.name: own_checks(f, context) for f in functions}
        checked = {name for name, found in checks.items() if found}
        if not in_class:
            yield from _unchecked_object_reads(handlers, changing, checks, checked, context)
        if len(changing) < 3:
            continue
        checking = [f for f in changing if f.name in checked]
        if len(checking) < 2:
            continue
        for function in changing:
            if function.name in checked or delegates(function, checked):
                continue
            if _SIGN_IN_NAMES.match(function.name) or authenticated_by_token(function):
                continue  # signing in, resetting a password: for callers with no permission
            if _refuses_forbidden(function, context):
                continue  # `if not flask.g.repo_committer: abort(403)`: its own decision
            evidence, names = _sibling_evidence(checking, checks)
            yield Hit(
                node=function,
                message=f"`{function.name}` changes state but checks no permission, while "
                f"its siblings {names} do: any caller who reaches it skips the access "
                "control they enforce.",
                evidence=evidence,
            )


def _sibling_evidence(
    checking: list[Function], checks: dict[str, list[ast.AST]]
) -> tuple[tuple[tuple[ast.AST, str], ...], str]:
    """Where the first three checking siblings check (the finding's evidence), and their names
    as the message spells them."""
    evidence = tuple((checks[f.name][0], f"`{f.name}` checks here") for f in checking[:3])
    return evidence, ", ".join(f"`{f.name}`" for f in checking[:3])


def _route_has_parameter(function: Function, context: ModuleContext) -> bool:
    """Whether a route decorator's URL rule captures a value (`/user/<int:user_id>/`)."""
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call):
            rule_text = context.constant_value(context.argument(decorator, 0, "rule"))
            if isinstance(rule_text, str) and "<" in rule_text:
                return True
    return False


def _unchecked_object_reads(
    handlers: list[Function],
    changing: list[Function],
    checks: dict[str, list[ast.AST]],
    checked: set[str],
    context: ModuleContext,
) -> Iterator[Hit]:
    """Module routes that read the object their URL names with no check, among checking reads.

    A route module where nearly every read route is `@login_required` and one detail route
    (`/user/<int:user_id>/`) is not hands that object to anyone: reported when at least four
    read routes check and the unchecked ones are at most a fifth of them, so a module of
    public pages with a few private ones is left alone.
    """
    reads = [f for f in handlers if f not in changing and is_route_decorated(f, context)]
    checking = [f for f in reads if f.name in checked]
    unchecked = [f for f in reads if f.name not in checked]
    if not few_unchecked(len(checking), len(unchecked)):
        return
    for function in unchecked:
        if PUBLIC_NAMES.search(function.name) or not _route_has_parameter(function, context):
            continue
        if _calls_sibling(function, checked):
            continue
        evidence, names = _sibling_evidence(checking, checks)
        yield Hit(
            node=function,
            message=f"`{function.name}` returns the object its URL names but checks no "
            f"permission, while {len(checking)} read routes beside it ({names}, ...) do: "
            "anyone, signed in or not, reads what they protect.",
            evidence=evidence,
        )


def _calls_sibling(function: Function, checked: set[str]) -> bool:
    """Whether the route calls a sibling that checks (`return user_list_for(user_id)`)."""
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in checked
        for node in scope_nodes(function.body)
    )
