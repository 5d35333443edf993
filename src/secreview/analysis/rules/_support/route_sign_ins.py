"""FastAPI routes that change state without the sign-in dependency the routes beside them take.

A FastAPI router module often signs the caller in per route, with a parameter:
`entity: AuthenticatedEntity = Depends(get_auth_verifier(["write:providers"]))`. When most
routes of one router take such a dependency and a `POST`/`PUT`/`PATCH`/`DELETE` route takes
none, that route acts on what anyone sends (Keep's provider health check, which built a
provider from the caller's configuration and connected to the caller's host). The comparison
is that of router mounts (`router_mounts.py`) and resource classes (`few_unchecked`: at least
four routes sign the caller in, the unchecked ones are at most a fifth), made per router object.

Only state changes are reported: an unauthenticated read among authenticated ones is as often
a public page (a schema, a list of plugins) as a forgotten check. A route named for signing in,
for a webhook or callback (whose sender proves itself another way) is neither reported nor
counted, nor is a route with a dependency that does not name a sign-in (`Depends(get_db)`:
it may check more than its name says), nor a router given `dependencies=` where it is built.
A router whose sign-in dependencies also check a permission (`Depends(require_admin)`) is left
to `missing-authorization`, which compares permission checks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit
from secreview.analysis.rules._support.handler_checks import Function, few_unchecked, is_check
from secreview.analysis.rules._support.router_mounts import dependency_calls, names_sign_in
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_CHANGING = frozenset({"post", "put", "patch", "delete"})
_ROUTE_VERBS = _CHANGING | {"get", "head", "options", "api_route"}
OPEN_ROUTES = lazy_pattern(
    r"(?i)(^|[_/-])(log_?in|log_?out|sign_?in|sign_?up|register|auth|oauth2?|token|sso|saml|"
    r"oidc|webhooks?|callback|forgot|reset|verify|confirm|activate|unsubscribe)($|[_/-])"
)
"""Route names and paths of parts a caller reaches before signing in, or whose sender proves
itself another way (a webhook's signature, an OAuth callback's state)."""

Route = tuple[Function, ast.Call, bool | None]


def unsigned_changing_routes(context: ModuleContext) -> Iterator[Hit]:
    """Report each state-changing route without a sign-in dependency among routes of the same
    router that take one."""
    if not context.imports_module("fastapi"):
        return
    routers: dict[str, list[Route]] = {}
    for function in context.tree.body:
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            decorator = _route_decorator(function)
            if decorator is not None:
                owner = context.segment(decorator.func.value)  # type: ignore[attr-defined]
                signs_in = _signs_in(function, decorator, context)
                routers.setdefault(owner, []).append((function, decorator, signs_in))
    for owner, routes in routers.items():
        if _router_checked(owner, context) or _checks_permissions(routes, context):
            continue
        checking = sum(1 for _, _, signs_in in routes if signs_in)
        unchecked = [
            (function, decorator)
            for function, decorator, signs_in in routes
            if signs_in is None and not _open(function, decorator, context)
        ]
        if not few_unchecked(checking, len(unchecked)):
            continue
        for function, decorator in unchecked:
            verb = decorator.func.attr  # type: ignore[attr-defined]
            if verb not in _CHANGING:
                continue
            yield Hit(
                decorator,
                f"`{function.name}` ({verb.upper()}) takes no sign-in dependency, while "
                f"{checking} routes beside it on `{owner}` do (`Depends(...)` naming a sign-in): "
                "it acts on what anyone who reaches the server sends.",
            )


def _route_decorator(function: Function) -> ast.Call | None:
    """`@router.post("/x")`: the decorator registering the function on a router, if any."""
    for decorator in function.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in _ROUTE_VERBS
        ):
            return decorator
    return None


def _dependencies(
    function: Function, decorator: ast.Call, context: ModuleContext
) -> list[ast.Call]:
    """The `Depends(...)`/`Security(...)` calls of the route: in its parameters' defaults and
    annotations (`Annotated[User, Depends(current_user)]`) and its decorator's `dependencies=`."""
    args = function.args
    places: list[ast.AST] = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
    places += [a.annotation for a in (*args.args, *args.kwonlyargs) if a.annotation is not None]
    given = context.keyword(decorator, "dependencies")
    if given is not None:
        places.append(given)
    return dependency_calls(places, context)


def _signs_in(function: Function, decorator: ast.Call, context: ModuleContext) -> bool | None:
    """True when a dependency names a sign-in, False when the route has only others, None when
    it has none."""
    found = _dependencies(function, decorator, context)
    if not found:
        return None
    return any(
        call.args and names_sign_in(_dependency_text(call.args[0], context)) for call in found
    )


def _dependency_text(node: ast.expr, context: ModuleContext) -> str:
    """The dependency's source, or for a module-level name the value bound to it
    (`reader = get_auth_verifier(["read"])`, then `Depends(reader)`)."""
    if isinstance(node, ast.Name):
        for statement in context.tree.body:
            if (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
                and statement.targets[0].id == node.id
            ):
                return context.segment(statement.value)
    return context.segment(node)


def _open(function: Function, decorator: ast.Call, context: ModuleContext) -> bool:
    """Whether the route's name or path names a part reached before signing in."""
    path = context.constant_value(context.argument(decorator, 0, "path"))
    texts = [function.name, path if isinstance(path, str) else ""]
    return any(OPEN_ROUTES.search(text) for text in texts)


def _router_checked(owner: str, context: ModuleContext) -> bool:
    """Whether the router is built here with `dependencies=` (each route then signed in)."""
    for node in context.tree.body:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        if any(context.segment(target) == owner for target in node.targets):
            return context.keyword(node.value, "dependencies") is not None
    return False


def _checks_permissions(routes: list[Route], context: ModuleContext) -> bool:
    """Whether a route's dependency is a permission check `missing-authorization` reads."""
    return any(
        is_check(node, context)
        for function, decorator, signs_in in routes
        if signs_in
        for call in _dependencies(function, decorator, context)
        for node in ast.walk(call)
        if node is not call and isinstance(node, ast.Call | ast.Name | ast.Attribute)
    )
