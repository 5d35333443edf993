"""Routers mounted without the sign-in dependency the routers beside them are given.

FastAPI applications often sign the caller in once per router, where it is mounted:
`api.include_router(items.router, prefix="/items", dependencies=[Depends(current_user)])`.
A module that mounts many routers that way and one without it serves that router's endpoints to
anyone: the dependency was forgotten on the router added last (yeti's audit log). The comparison
is that of module routes and resource classes (`few_unchecked`: at least four mounts carry a
sign-in dependency, the unmounted ones are at most a fifth), made per object the routers are
mounted on, so an application mounting its one API router stands apart from the API router's
own mounts.

A mount whose router, prefix or tags name a public part (`auth`, `login`, `health`, `status`,
`public`) is neither reported nor counted: signing in is done there. Nor is one the developer
explained in a comment just above or inside the call (`# Dependencies are set in system
endpoints`): each endpoint of that router then carries its own check, which this module does
not show.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from secreview.analysis.rule import Hit
from secreview.analysis.rules._support.handler_checks import PUBLIC_NAMES, few_unchecked
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of
from secreview.patterns import lazy_pattern

_SIGN_IN = lazy_pattern(
    r"(?i)(user|auth|login|token|session|api_?key|credential|principal|identity|signed_in|"
    r"logged_in|verify|jwt|bearer)"
)
"""Dependencies that sign the caller in (`get_current_active_user`, `verify_token`,
`require_api_key`), read off the dependency's name."""

_EXPLAINED = lazy_pattern(
    r"(?i)\b(depend\w*|auth|authenticat\w*|login|sign(ed)?[- ]?in|tokens?|public|no check)\b"
)
"""A comment saying where the router's check is, or that it has none by design."""

_ANNOTATION = lazy_pattern(r"(?i)(expect|ok|noqa|nosec|secreview)\b\s*:?")
"""Comments addressed to review tools, not to the reader."""

_DEPENDENCY_CALLS = frozenset({"fastapi.Depends", "fastapi.Security", "fastapi.params.Depends"})


def names_sign_in(text: str) -> bool:
    """Whether a dependency's source text names a sign-in (`get_current_active_user`)."""
    return bool(_SIGN_IN.search(text))


def unmounted_sign_ins(context: ModuleContext) -> Iterator[Hit]:
    """Report each `include_router` call without a dependency among sibling mounts that sign
    the caller in."""
    if not context.imports_module("fastapi"):
        return
    mounts: dict[str, list[tuple[ast.Call, bool | None]]] = {}
    for call in nodes_of(context, ast.Call):
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "include_router" and call.args):
            continue
        mounts.setdefault(context.segment(func.value), []).append((call, _signs_in(call, context)))
    for calls in mounts.values():
        checking = sum(1 for _, signs_in in calls if signs_in)
        unchecked = [
            call
            for call, signs_in in calls
            if signs_in is None and not _public(call, context) and not _explained(call, context)
        ]
        if not few_unchecked(checking, len(unchecked)):
            continue
        for call in unchecked:
            yield Hit(
                call,
                f"`{context.one_line(call.args[0])}` is mounted without the sign-in dependency "
                f"{checking} routers beside it get (`dependencies=[Depends(...)]`): its "
                "endpoints answer callers who never signed in.",
            )


def dependency_calls(places: Iterable[ast.AST], context: ModuleContext) -> list[ast.Call]:
    """The `Depends(...)`/`Security(...)` calls anywhere inside `places`."""
    return [
        node
        for place in places
        for node in ast.walk(place)
        if isinstance(node, ast.Call) and context.call_name(node) in _DEPENDENCY_CALLS
    ]


def _signs_in(call: ast.Call, context: ModuleContext) -> bool | None:
    """True when the mount's `dependencies` name a sign-in, False when they name something
    else, None when it has none."""
    dependencies = context.keyword(call, "dependencies")
    if dependencies is None:
        return None
    return any(
        bool(node.args) and names_sign_in(context.segment(node.args[0]))
        for node in dependency_calls([dependencies], context)
    )


def _public(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the router, its prefix or its tags name a public part of the site."""
    parts = [call.args[0], context.keyword(call, "prefix"), context.keyword(call, "tags")]
    texts = [context.segment(part) for part in parts if part is not None]
    return any(PUBLIC_NAMES.search(_words(text)) or _auth_part(text) for text in texts)


def _auth_part(text: str) -> bool:
    """`auth.router`, `prefix="/auth"`, `tags=["oauth"]`: where the caller signs in."""
    return any(
        word in {"auth", "oauth", "oauth2", "token", "tokens", "sso", "saml", "oidc", "session"}
        for word in _words(text).split("_")
    )


def _words(text: str) -> str:
    """The text's names joined by `_`, for word matches (`"/api/login"` -> `api_login`)."""
    return "_".join(part for part in "".join(c if c.isalnum() else " " for c in text).split())


def _explained(call: ast.Call, context: ModuleContext) -> bool:
    """Whether a comment in the block just above the call, or inside it, explains the router's
    check. Review annotations (`# expect: RULE`, `# ok: RULE`, `# noqa`) explain nothing."""
    lines = context.lines
    first = call.lineno - 1
    last = (call.end_lineno or call.lineno) - 1
    comments = [line.split("#", 1)[1] for line in lines[first : last + 1] if "#" in line]
    above = first - 1
    while above >= 0 and lines[above].lstrip().startswith("#"):
        comments.append(lines[above].lstrip()[1:])
        above -= 1
    return any(_EXPLAINED.search(text) and not _ANNOTATION.match(text.strip()) for text in comments)
