"""Which functions of a module decide whether a URL is safe to redirect to.

A check of a URL is only a redirect guard when something relies on it: its name says it keeps a
URL on the site or in an allow-list (`is_safe_url`, `is_local_url`, `isURLInPortal`,
`prevent_open_redirect`, `validate_next`), or a call of it in the module decides a redirect (its
result is the test of a branch that redirects, or is handed to the redirect itself). The same
`startswith("/")` in a URL builder or a link formatter decides nothing an attacker gains from.
"""

from __future__ import annotations

import ast
import re

from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.taint.name_words import words_of
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of
from secreview.patterns import lazy_pattern

Function = ast.FunctionDef | ast.AsyncFunctionDef

_KEEPING = frozenset({"lower", "casefold", "strip", "lstrip", "rstrip"})
"""Methods that keep what a URL starts with, but for its case (`url.lower()`)."""
REFUSING_CALLS = frozenset({"abort", "deny", "reject", "forbidden", "httpresponseforbidden"})
DECIDING = (ast.If, ast.IfExp, ast.While, ast.Return, ast.Assign, ast.Assert)
"""Statements and expressions whose test decides what happens to the URL."""

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


def defined_functions(context: ModuleContext) -> frozenset[str]:
    """Names of the functions and methods the module defines (asked once per module)."""
    return context.derived(_defined_functions)


def _defined_functions(context: ModuleContext) -> frozenset[str]:
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef)
    return frozenset(n.name for kind in kinds for n in nodes_of(context, kind))


def _deciding_functions(context: ModuleContext) -> frozenset[str]:
    """Names of the module's functions a call of which decides a redirect: its result handed
    to a redirect call, or the test of a branch that redirects."""
    if "redirect" not in context.text.lower():
        return frozenset()
    defined = defined_functions(context)
    found: set[str] = set()
    for call in nodes_of(context, ast.Call):
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


_REDIRECT_MENTION = lazy_pattern(r"(?<!-)redirect", re.IGNORECASE)
"""`redirect` in code, a comment or a docstring; not a rule id (`# ok: incomplete-redirect-check`,
a suppression comment), which names the rule and says nothing of what the module does."""


def _mentions_redirects(context: ModuleContext) -> bool:
    """Whether the module speaks of redirects at all (code, comment or docstring)."""
    return _REDIRECT_MENTION.search(context.text) is not None


def is_redirect_guard(function: Function, context: ModuleContext) -> bool:
    """Whether `function` is named for a redirect guard or its result decides a redirect.

    A name that does not say `redirect` or `next` itself (`is_local_url`, `is_safe_url`) is
    also the name of checks that a URL points to this machine (a local model server, a
    `file:` source) or is fit to fetch: such a name counts only in a module that speaks of
    redirects. A Django class-based view's redirect hook decides the redirect too, though
    Django calls it, not the module (`_view_redirect_hook`)."""
    if named_for_redirect_guard(function.name):
        words = words_of(function.name)
        return bool(words & _REDIRECT_WORDS) or context.derived(_mentions_redirects)
    return function.name in context.derived(_deciding_functions) or _view_redirect_hook(
        function, context
    )


_VIEW_REDIRECT_HOOKS = frozenset({"get_redirect_url", "get_success_url"})
"""Methods of Django's class-based views whose result (or the `self.url` they set) is where the
view redirects: `RedirectView.get_redirect_url`, `FormMixin`'s and `DeletionMixin`'s
`get_success_url`."""
_RETURN_TARGET_WORDS = frozenset({"return", "next", "came", "redirect", "success"})
"""Words of a getter's name that say its URL is where the user is sent on to (`return_url`)."""


def _view_redirect_hook(function: Function, context: ModuleContext) -> bool:
    """A method named for one of Django's view redirect hooks, or a getter of the URL a user is
    sent on to (`get_return_url` of NetBox-style `GetReturnURLMixin`, `get_next_url`), in a
    class of a module that imports Django: the views call it and redirect to what it decides,
    though this module may never redirect."""
    words = words_of(function.name)
    named = function.name in _VIEW_REDIRECT_HOOKS or (
        function.name.startswith("get_") and "url" in words and bool(words & _RETURN_TARGET_WORDS)
    )
    return (
        named
        and isinstance(context.parent(function), ast.ClassDef)
        and context.imports_module("django")
    )


def string_texts(node: ast.expr) -> list[str]:
    """The strings of a string constant or a tuple of them (anything else: none)."""
    parts = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    return [p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str)]


def decision(node: ast.expr, context: ModuleContext) -> tuple[ast.AST | None, ast.AST, bool]:
    """(the statement or expression the test decides, the child of it holding the test,
    whether the test is negated on the way: `not`, through `and`/`or`)."""
    child: ast.AST = node
    parent = context.parent(node)
    negated = False
    while isinstance(parent, ast.BoolOp | ast.UnaryOp):
        negated ^= isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not)
        child, parent = parent, context.parent(parent)
    return parent, child, negated


def refuses(branch: list[ast.stmt]) -> bool:
    """A branch that raises, aborts, or returns False, None, nothing or a fixed value in its
    first two statements (a sanitiser's `return "/"` replaces the URL)."""
    for statement in branch[:2]:
        if isinstance(statement, ast.Raise):
            return True
        if isinstance(statement, ast.Return):
            value = statement.value
            return value is None or (isinstance(value, ast.Constant) and value.value is not True)
        call = statement.value if isinstance(statement, ast.Expr) else None
        if isinstance(call, ast.Call) and (last_name(call.func) or "").lower() in REFUSING_CALLS:
            return True
    return False


def admits(branch: list[ast.stmt]) -> bool:
    """A branch that returns True or a variable (the URL as it came), or redirects. A value
    built there (`request.host_url + url`, `urljoin(base, url)`) is a new URL whose host the
    guard chose, not the one it tested."""
    for node in (n for statement in branch for n in ast.walk(statement)):
        if isinstance(node, ast.Return) and node.value is not None:
            value = node.value
            if isinstance(value, ast.Name | ast.Attribute | ast.Subscript):
                return True
            if isinstance(value, ast.Constant) and value.value is True:
                return True
        if isinstance(node, ast.Call) and names_redirect(node.func):
            return True
    return False


def replaces(branch: list[ast.stmt], node: ast.expr) -> bool:
    """A branch whose first two statements assign the value `node` tests anew (`if not
    self.url.startswith("/"): self.url = reverse("home")`): the URL tested is dropped for one
    the code chose, as a refusal drops it. The new value must not be built from the old."""
    tested = _tested_value(node)
    if tested is None:
        return False
    shape = ast.dump(tested)
    for statement in branch[:2]:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            continue
        if ast.dump(statement.targets[0]).replace("Store()", "Load()") != shape:
            continue
        return not any(ast.dump(n) == shape for n in ast.walk(statement.value))
    return False


def _tested_value(node: ast.expr) -> ast.expr | None:
    """The variable or attribute a test reads the URL from: the receiver of
    `url.startswith(...)` (under `lower()` and `strip()`), or the right of `"://" in url`."""
    receiver: ast.expr | None = None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        receiver = node.func.value
        while (
            isinstance(receiver, ast.Call)
            and isinstance(receiver.func, ast.Attribute)
            and receiver.func.attr in _KEEPING
        ):
            receiver = receiver.func.value
    elif isinstance(node, ast.Compare) and len(node.comparators) == 1:
        receiver = node.comparators[0]
    return receiver if isinstance(receiver, ast.Name | ast.Attribute) else None


def holding_admits(node: ast.expr, context: ModuleContext) -> bool:
    """Whether the URL is let through where `node` holds."""
    parent, child, negated = decision(node, context)
    if isinstance(parent, ast.If) and parent.test is child:
        if negated:
            return refuses(parent.body) or replaces(parent.body, node) or admits(parent.orelse)
        return admits(parent.body) or refuses(parent.orelse) or replaces(parent.orelse, node)
    return not negated and isinstance(parent, DECIDING)


def holding_refuses(node: ast.expr, context: ModuleContext) -> bool:
    """Whether the URL is refused where `node` holds (and let through otherwise)."""
    parent, child, negated = decision(node, context)
    if isinstance(parent, ast.If) and parent.test is child:
        if negated:
            return admits(parent.body)
        dropped = refuses(parent.body) or replaces(parent.body, node)
        return dropped and not refuses(parent.orelse)
    return negated and isinstance(parent, ast.Return | ast.Assign)


def lowered(receiver: ast.expr) -> bool:
    """`url.lower().startswith(...)`: the receiver was lower-cased first."""
    while isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):
        if receiver.func.attr in ("lower", "casefold"):
            return True
        if receiver.func.attr not in _KEEPING:
            return False
        receiver = receiver.func.value
    return False


def second_character(node: ast.AST) -> bool:
    """`url[1]`, `url[1:2]`, `url[:2]`: a test of what follows the leading `/`."""
    if not isinstance(node, ast.Subscript):
        return False
    index = node.slice
    if isinstance(index, ast.Constant):
        return index.value == 1
    if isinstance(index, ast.Slice) and isinstance(index.upper, ast.Constant):
        return index.upper.value == 2
    return False
