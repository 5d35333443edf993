"""CWE-306: a resource handler without the sign-in check every resource beside it makes.

An API module whose resource classes all carry `@auth.check_token` (or `@login_required`,
`@jwt_required`) on `get`, except one, serves that one's object to anyone who can reach the
server: the API key or login was forgotten, not a permission; so does a `patch(self, token_id)`
left unchecked among checked handlers change that object for anyone, and a FastAPI `POST` route
without the `Depends(...)` sign-in its router's other routes take (`route_sign_ins.py`). The
comparison is `missing-authorization`'s for resource classes (`unchecked_resource_handlers`);
this rule takes the cases where every checking sibling signs the caller in, so the weakness
reported is missing authentication, and `missing-authorization` the rest (one finding per
handler). A class's Starlette route table (`Route(path, endpoint=self.method)`) is compared the
same way (`route_table_sign_ins.py`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.resource_handlers import unchecked_resource_handlers
from secreview.analysis.rules._support.route_sign_ins import unsigned_changing_routes
from secreview.analysis.rules._support.route_table_sign_ins import unsigned_table_endpoints
from secreview.analysis.rules._support.router_mounts import unmounted_sign_ins
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext


@rule(
    id="missing-authentication",
    name="Resource read without the sign-in check its siblings make",
    cwe=306,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A resource's `get`, or its `post`/`put`/`patch`/`delete`, that takes a URL value "
    "checks no token or login, while at least four resource handlers beside it do (and the "
    "unchecked ones are at most a fifth); or a FastAPI router mounted without the sign-in "
    "dependency at least four routers beside it are given; or a FastAPI route that changes "
    "state without the sign-in dependency at least four routes of its router take.",
    fix="Add the same sign-in check as the sibling resources (`@auth.check_token`, "
    "`@login_required`, `dependencies=[Depends(current_user)]` on the mount), or set it once "
    "for every resource (`method_decorators`, a `before_request` hook, the parent router's "
    "dependencies).",
    what_it_does="Collects the `get`/`head` methods of the module's resource classes "
    "(classes named or derived like `*Resource`, `*View`, `*Handler`, `*Endpoint`), each "
    "checked when it is decorated with or calls a check or its class sets `method_decorators` "
    "or an auth mixin. When at least four check, every one of those checks is a sign-in "
    "(`login_required`, `check_token`, `token_required`, `jwt_required`, `auth_required`), "
    "and the unchecked ones are at most a fifth, an unchecked `get` that takes a URL value "
    "(`def get(self, uuid)`) is reported; likewise an unchecked `post`/`put`/`patch`/`delete` "
    "that takes a URL value, compared with every verb handler of the module's resources "
    "(`def patch(self, token_id)` among token-checked handlers). Classes named like public "
    "pages (`Health`, `Status`, `Login`) are not reported, nor a state change without a URL "
    "value (asking for a token). Likewise the `include_router` calls on one router: when at "
    "least four pass `dependencies=[Depends(...)]` naming a sign-in (`get_current_user`, "
    "`verify_token`) and the mounts without dependencies are at most a fifth, each of those "
    "is reported, but for public parts (`auth`, `login`, `health` in the router, prefix or "
    "tags) and a mount a comment above explains (`# dependencies are set on each endpoint`). "
    "Likewise a router's routes (`@router.post(...)`): when at least four take a "
    "`Depends(...)` parameter naming a sign-in (`Depends(get_auth_verifier([...]))`) and the "
    "routes without any dependency are at most a fifth, each such `POST`/`PUT`/`PATCH`/`DELETE` "
    "route is reported, but for sign-in, webhook and callback routes and routers signed in "
    "where they are built (`APIRouter(dependencies=...)`). Likewise the endpoint methods a "
    'class\'s Starlette route table names (`Route("/{identity}/list", endpoint=self.list)`): '
    "when at least four sign in (`@login_required`) and the unchecked ones are at most a fifth, "
    "each unchecked endpoint whose path captures a value is reported, but for login, logout and "
    "callback endpoints (`route_table_sign_ins.py`). A resource read without a URL value "
    "(`get(self)`) is judged too where at least three such reads of the module sign in.",
    why_bad="The object the URL names (a record, its history, a file) is served to anyone "
    "who can reach the server, without the API key or login the rest of the API demands. "
    "It is the check added to every endpoint but the one written last (CWE-306).",
    example="class WatchHistory(Resource):\n    def get(self, uuid):\n"
    "        return datastore.history(uuid)",
    use_instead="class WatchHistory(Resource):\n    @auth.check_token\n"
    "    def get(self, uuid):\n        return datastore.history(uuid)",
    references=(
        "https://cwe.mitre.org/data/definitions/306.html",
        "https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/",
        "https://flask-restful.readthedocs.io/en/latest/extending.html#resource-method-decorators",
    ),
    visits=(ast.Module,),
)
def missing_authentication(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report the resource read, or the mounted router, that skips the sign-in its siblings
    make."""
    yield from unchecked_resource_handlers(context, authentication=True)
    yield from unmounted_sign_ins(context)
    yield from unsigned_changing_routes(context)
    yield from unsigned_table_endpoints(context)
