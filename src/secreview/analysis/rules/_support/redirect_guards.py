"""Which functions of a module decide whether a URL is safe to redirect to.

A check of a URL is only a redirect guard when something relies on it: its name says it keeps a
URL on the site or in an allow-list (`is_safe_url`, `is_local_url`, `isURLInPortal`,
`prevent_open_redirect`, `validate_next`), or a call of it in the module decides a redirect (its
result is the test of a branch that redirects, or is handed to the redirect itself). The same
`startswith("/")` in a URL builder or a link formatter decides nothing an attacker gains from.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.taint.name_words import words_of
from secreview.index.context import ModuleContext

Function = ast.FunctionDef | ast.AsyncFunctionDef

_URL_WORDS = frozenset(
    {"url", "uri", "redirect", "next", "target", "location", "came", "referer", "referrer"}
    | {"destination", "dest", "goto", "link", "href"}
)
"""Words of a name about a URL a user is sent to."""
_SITE_WORDS = frozenset(
    {"safe", "allowed", "trusted", "permitted", "whitelisted", "allowlisted", "local"}
    | {"internal", "relative", "same", "portal", "site", "secure"}
)
"""Words that, beside a URL word, say the function decides the URL stays on the site."""
_REDIRECT_WORDS = frozenset({"redirect", "next", "came", "goto", "referer", "referrer"})
"""URL words that name the target of a redirect itself (`validate_next`, `check_redirect`)."""
_CHECK_WORDS = frozenset(
    {"valid", "validate", "check", "checked", "verify", "sanitize", "sanitise", "clean"}
    | {"prevent", "safe", "allowed"}
)
"""Words of a check, read only beside a word naming a redirect target (`is_valid_url` is most
often a format check)."""
_DENIAL_WORDS = frozenset(
    {"not", "no", "unsafe", "disallowed", "untrusted", "bad", "blocked", "forbidden", "external"}
    | {"foreign", "invalid", "absolute", "remote"}
)
"""Words saying the function answers the opposite question, whose logic reads inverted."""


def named_for_redirect_guard(name: str) -> bool:
    """Whether a function's name says it decides that a URL is safe to send a user to."""
    words = words_of(name)
    if words & _DENIAL_WORDS or not words & _URL_WORDS:
        return False
    return bool(words & _SITE_WORDS or (words & _REDIRECT_WORDS and words & _CHECK_WORDS))


def names_redirect(func: ast.expr) -> bool:
    """Whether a called name is a redirect (`redirect`, `HttpResponseRedirect`, `HTTPFound`)."""
    name = (last_name(func) or "").lower()
    return "redirect" in name or name in ("httpfound", "seeother", "httpseeother")


def redirects(node: ast.AST) -> bool:
    """Whether `node` holds a call of a redirect."""
    return any(isinstance(n, ast.Call) and names_redirect(n.func) for n in ast.walk(node))


def _deciding_functions(context: ModuleContext) -> frozenset[str]:
    """Names of the module's functions a call of which decides a redirect: its result handed
    to a redirect call, or the test of a branch that redirects."""
    if "redirect" not in context.text.lower():
        return frozenset()
    defined = {
        n.name for n in context.nodes if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    found: set[str] = set()
    for call in context.nodes:
        if not isinstance(call, ast.Call):
            continue
        name = last_name(call.func)
        if name not in defined or name in found:
            continue
        child: ast.AST = call
        parent = context.parent(call)
        while parent is not None and not isinstance(parent, ast.stmt):
            if isinstance(parent, ast.Call) and parent is not call and names_redirect(parent.func):
                found.add(name)
                break
            child, parent = parent, context.parent(parent)
        else:
            if (
                isinstance(parent, ast.If | ast.While)
                and parent.test is child
                and any(redirects(s) for s in (*parent.body, *parent.orelse))
            ):
                found.add(name)
    return frozenset(found)


def is_redirect_guard(function: Function, context: ModuleContext) -> bool:
    """Whether `function` is named for a redirect guard or its result decides a redirect."""
    if named_for_redirect_guard(function.name):
        return True
    return function.name in context.derived(_deciding_functions)
