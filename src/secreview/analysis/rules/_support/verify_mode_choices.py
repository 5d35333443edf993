"""Where `ssl.CERT_NONE` is one answer of a setting, or the server's client-certificate demand.

`tls-verification-disabled` already leaves a choice between verify modes written as one
expression alone (`CERT_REQUIRED if verify else CERT_NONE`, a table of modes): the mode is the
configuration's, and the default the caller picks. The same choice is often spelled as
statements: a `match` on a "client auth" setting with one `case` per mode, or an `if`/`else`
returning or assigning a different mode in each branch. And uvicorn's `ssl_cert_reqs` (its
`--ssl-cert-reqs` option) is documented as whether the *server* requires a client certificate:
CERT_NONE there is the ordinary HTTPS server that asks clients for none, not an unverified peer.
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

_VERIFY_MODES = frozenset(
    {
        "ssl.CERT_OPTIONAL",
        "ssl.CERT_REQUIRED",
        "ssl.VerifyMode.CERT_OPTIONAL",
        "ssl.VerifyMode.CERT_REQUIRED",
    }
)
_SERVER_CERT_REQS = "ssl_cert_reqs"
"""uvicorn's `run(ssl_cert_reqs=...)` and `Config(ssl_cert_reqs=...)`: the server's demand for a
client certificate (uvicorn's settings documentation)."""


def chosen_among_modes(node: ast.AST, context: ModuleContext) -> bool:
    """Whether `node` (a CERT_NONE) is the value of a `return` or an assignment in one branch of
    an `if` (its `elif`s included) or a `match` whose other branches name another verify mode: a
    setting mapped to modes, spelled as statements."""
    inside: ast.AST = node
    answered = False
    for ancestor in context.ancestors(node):
        if isinstance(ancestor, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return False
        if not answered:
            if isinstance(ancestor, ast.stmt) and not isinstance(
                ancestor, ast.Return | ast.Assign | ast.AnnAssign
            ):
                return False  # CERT_NONE inside a call or a test, not the branch's answer
            answered = isinstance(ancestor, ast.stmt)
        elif isinstance(ancestor, ast.If | ast.Match) and _other_branches_name_mode(
            ancestor, inside, context
        ):
            return True
        inside = ancestor
    return False


def _other_branches_name_mode(
    choice: ast.If | ast.Match, branch: ast.AST, context: ModuleContext
) -> bool:
    """Whether a branch of `choice` other than the one holding `branch` names a verify mode."""
    if isinstance(choice, ast.Match):
        others: list[ast.AST] = [case for case in choice.cases if case is not branch]
    elif any(branch is each for each in choice.body):
        others = list(choice.orelse)
    else:
        others = list(choice.body)
    return any(
        context.resolve(each) in _VERIFY_MODES
        for other in others
        for each in ast.walk(other)
        if isinstance(each, ast.Attribute | ast.Name)
    )


def server_certificate_demand(node: ast.AST, context: ModuleContext) -> bool:
    """Whether `node` is passed as uvicorn's `ssl_cert_reqs`, directly or through a local name
    it is assigned to and that the same function (or module code) passes so."""
    parent = context.parent(node)
    if isinstance(parent, ast.keyword):
        return parent.arg == _SERVER_CERT_REQS and _is_uvicorn(context.parent(parent), context)
    if not isinstance(parent, ast.Assign | ast.AnnAssign) or parent.value is not node:
        return False
    targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
    names = {t.id for t in targets if isinstance(t, ast.Name)}
    scope: ast.AST = context.enclosing_function(node) or context.tree  # or a `__main__` block
    if not names:
        return False
    return any(
        isinstance(each, ast.keyword)
        and each.arg == _SERVER_CERT_REQS
        and isinstance(each.value, ast.Name)
        and each.value.id in names
        and _is_uvicorn(context.parent(each), context)
        for each in ast.walk(scope)
    )


def _is_uvicorn(call: ast.AST | None, context: ModuleContext) -> bool:
    """Whether `call` is a call into uvicorn (`uvicorn.run`, `uvicorn.Config`)."""
    if not isinstance(call, ast.Call):
        return False
    name = context.call_name(call)
    return name is not None and name.split(".")[0] == "uvicorn"
