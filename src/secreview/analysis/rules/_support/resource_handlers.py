"""Resource classes whose handler for one URL checks nothing while the others check.

Flask-RESTful/flask-restx `Resource`s and `MethodView`s put each URL in its own class, and each
HTTP verb in a method named for it (`get`, `patch`, `delete`), so the handlers a reviewer
compares are spread over many classes of one module. Two comparisons are made, both like those
of module routes (at least four check, the unchecked ones at most a fifth):

- reads (`get`, `head`) among the module's resource reads: one that takes a URL value and checks
  nothing hands that object to anyone;
- state changes (`post`, `put`, `patch`, `delete`) among every verb handler of the module's
  resources: one that takes a URL value and checks nothing changes that object for anyone
  (Mailu's `Token.patch`, the one method of its API without `@common.api_token_authorization`).
  A handler without a URL value (`post(self)` on a collection) is left alone: signing in or
  asking for a token is such a handler, and it checks nothing by design. So is one that only
  raises (`raise AttributeError("Method not allowed")`): it refuses every caller.

A read without a URL value (`get(self)`: a list, a count, the server's settings) is often public
by design, so it is judged only where the module signs in at least three such reads of its own:
there a collection read left unchecked is the slip (jupyter-scheduler's
`RuntimeEnvironmentsHandler.get`, the one Jupyter Server handler of its module without Tornado's
`@authenticated`, beside `JobsCountHandler.get(self)` and `ConfigHandler.get(self)` that have it),
but for endpoints named as public (`Version`, `Ping`, `OpenAPI`).

When every sibling's check is a sign-in (a token, an API key, a login), what is missing is
authentication (`missing-authentication`, CWE-306, asks with `authentication=True`); otherwise
authorisation (`missing-authorization`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit
from secreview.analysis.rules._support.handler_checks import (
    CLASS_WORDS,
    PUBLIC_NAMES,
    Function,
    blanket_check,
    delegates,
    few_unchecked,
    inherited_checks,
    own_checks,
)
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of
from secreview.patterns import lazy_pattern

_READ_VERBS = frozenset({"get", "head"})
_WRITE_VERBS = frozenset({"post", "put", "patch", "delete"})
_NOT_URL_VALUES = frozenset({"self", "cls", "request", "req"})

_AUTHENTICATION = lazy_pattern(
    r"(?i)(login_required|auth_required|requires_auth|authenticated|check_(token|auth|login|"
    r"credentials|api_?key)|(token|api_?key|jwt)_required|(token|api_?key)_authori[sz]ation)$"
)
"""Checks that sign the caller in. `api_token_authorization` names the HTTP `Authorization`
header whose bearer token it verifies: a credential, not a permission."""

_BARE_PUBLIC = lazy_pattern(
    r"(?i)(^|_)(version|ping|ready|alive|live|openapi|swagger|schema|spec|docs)"
)
"""Classes whose parameterless read is public by design, even among signed-in collection reads."""

_BARE_READS_SIGNED_IN = 3
"""Signed-in reads without a URL value a module needs before an unchecked one stands out."""

Verb = tuple[ast.ClassDef, Function, list[ast.AST]]


def authenticates(check: ast.AST, context: ModuleContext) -> bool:
    """Whether a check is a sign-in (`@login_required`, `@auth.check_token`), not a permission."""
    target = check.func if isinstance(check, ast.Call) else check
    if isinstance(target, ast.ClassDef):
        return False
    text = context.resolve(target) or context.segment(target)
    return bool(_AUTHENTICATION.search(text.rsplit(".", 1)[-1]))


def _verb_handlers(context: ModuleContext) -> list[Verb]:
    """Each HTTP-verb method of the module's resource classes, with the checks that cover it
    (its own, or the class itself when a check covers the whole class)."""
    verbs: list[Verb] = []
    for node in nodes_of(context, ast.ClassDef):
        names = [node.name, *(context.segment(b).rpartition(".")[2] for b in node.bases)]
        if not any(CLASS_WORDS.search(name) for name in names):
            continue
        blanket = blanket_check(node, context)
        for method in node.body:
            if (
                isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef)
                and method.name in _READ_VERBS | _WRITE_VERBS
                and not _only_refuses(method)  # neither checked nor open: no one gets through
            ):
                own = own_checks(method, context)
                verbs.append((node, method, own or ([node] if blanket else [])))
    return verbs


def unchecked_resource_handlers(context: ModuleContext, authentication: bool) -> Iterator[Hit]:
    """Resource reads, then resource state changes, that skip the check their siblings make."""
    verbs = _verb_handlers(context)
    reads = [verb for verb in verbs if verb[1].name in _READ_VERBS]
    yield from _compare(reads, reads, context, authentication)
    writes = [verb for verb in verbs if verb[1].name in _WRITE_VERBS]
    yield from _compare(verbs, writes, context, authentication)


def _compare(
    siblings: list[Verb], judged: list[Verb], context: ModuleContext, authentication: bool
) -> Iterator[Hit]:
    """Report the unchecked handlers of `judged` that take a URL value, when few of `siblings`
    are unchecked and the checks are (or are not, by `authentication`) all sign-ins."""
    checking = [(owner, f, found) for owner, f, found in siblings if found]
    unchecked = [(owner, f) for owner, f, found in siblings if not found]
    if not few_unchecked(len(checking), len(unchecked)):
        return
    signs_in = all(authenticates(found[0], context) for _, _, found in checking)
    if signs_in != authentication:
        return
    what = "authentication" if authentication else "permission"
    evidence = tuple(
        (found[0], f"`{owner.name}.{f.name}` checks here") for owner, f, found in checking[:3]
    )
    owners = dict.fromkeys(owner.name for owner, _, _ in checking)
    names = ", ".join(f"`{name}`" for name in list(owners)[:3])
    bare_reads = sum(1 for _, f, _ in checking if f.name in _READ_VERBS and not _url_values(f))
    for owner, function, found in judged:
        values = _url_values(function)
        if found or PUBLIC_NAMES.search(owner.name):
            continue
        if not values and not (
            function.name in _READ_VERBS
            and bare_reads >= _BARE_READS_SIGNED_IN
            and not _BARE_PUBLIC.search(owner.name)
        ):
            continue
        if delegates(function, {f.name for _, f, _ in checking} | inherited_checks(owner, context)):
            continue  # a sibling's check, or a helper of the class or its bases that checks
        if function.name in _READ_VERBS and not values:
            does, kind = "returns what it serves (no URL value)", "resource reads"
            harm = f"reads what they protect ({bare_reads} reads without a URL value sign in)"
        elif function.name in _READ_VERBS:
            does, kind = "returns the object its URL names", "resource reads"
            harm = "reads what they protect"
        else:
            does, kind = "changes the object its URL names", "resource handlers"
            harm = "changes what they protect"
        yield Hit(
            node=function,
            message=f"`{owner.name}.{function.name}` {does}{_first(values)} but checks no "
            f"{what}, while {len(checking)} {kind} beside it ({names}, ...) do: anyone, "
            f"signed in or not, {harm}.",
            evidence=evidence,
        )


def _url_values(function: Function) -> list[str]:
    """The handler's parameters that a route fills from the URL (not `self` or the request)."""
    return [a.arg for a in function.args.args if a.arg not in _NOT_URL_VALUES]


def _first(values: list[str]) -> str:
    """The first URL value, quoted for the message, or nothing for a collection read."""
    return f" (`{values[0]}`)" if values else ""


def _only_refuses(function: Function) -> bool:
    """Whether the handler's body is only a docstring and `raise` statements: it refuses every
    caller, checked or not (an inherited verb turned off)."""
    body = [
        statement
        for statement in function.body
        if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
    ]
    return bool(body) and all(isinstance(statement, ast.Raise) for statement in body)
