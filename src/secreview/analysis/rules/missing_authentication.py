"""CWE-306: a resource read without the sign-in check every resource beside it makes.

An API module whose resource classes all carry `@auth.check_token` (or `@login_required`,
`@jwt_required`) on `get`, except one, serves that one's object to anyone who can reach the
server: the API key or login was forgotten, not a permission. The comparison is
`missing-authorization`'s for resource classes (`unchecked_resource_reads`); this rule takes the
cases where every checking sibling signs the caller in, so the weakness reported is missing
authentication, and `missing-authorization` the rest (one finding per handler).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules.missing_authorization import unchecked_resource_reads
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext


@rule(
    id="missing-authentication",
    name="Resource read without the sign-in check its siblings make",
    cwe=306,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A resource's `get` that takes a URL value checks no token or login, while at "
    "least four resource reads beside it do (and the unchecked ones are at most a fifth).",
    fix="Add the same sign-in check as the sibling resources (`@auth.check_token`, "
    "`@login_required`), or set it once for every resource (`method_decorators`, a "
    "`before_request` hook).",
    what_it_does="Collects the `get`/`head` methods of the module's resource classes "
    "(classes named or derived like `*Resource`, `*View`, `*Handler`, `*Endpoint`), each "
    "checked when it is decorated with or calls a check or its class sets `method_decorators` "
    "or an auth mixin. When at least four check, every one of those checks is a sign-in "
    "(`login_required`, `check_token`, `token_required`, `jwt_required`, `auth_required`), "
    "and the unchecked ones are at most a fifth, an unchecked `get` that takes a URL value "
    "(`def get(self, uuid)`) is reported; classes named like public pages (`Health`, "
    "`Status`, `Login`) are not.",
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
    """Report the resource read that skips the sign-in its siblings make."""
    yield from unchecked_resource_reads(context, authentication=True)
