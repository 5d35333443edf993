"""Response bodies built by a formatter chosen for the very media type the response declares.

Content negotiation is often written as a table of formatters keyed by media type
(`{"application/json": to_json, "text/html": to_html, "text/plain": to_text}`): the handler
picks the formatter for the negotiated type and serves what it returns with that type
(`body = formatters[content_type](...)`, then `HttpResponse(body, content_type=content_type)`,
WireCloud's `build_response`). The type is computed at run time, so the `html` sink's `unless`
cannot read it, and the formatter is a table's element (often a parameter's), so its call is not
followed: the message a view hands over seemed to reach an HTML page unescaped. It reaches one
only through a formatter the table files under a type whose documents run scripts
(`media_types.renders_active`), and only when that formatter returns its arguments' data
unescaped: the plain-text formatter's body is served as `text/plain`, the JSON one's as JSON.
The fallback under the empty key is what a client that accepts none of the table's types gets;
a browser navigating to a page accepts `text/html` (or `*/*`), and another site cannot make it
send a narrower `Accept` for a page it then renders, so that body is never shown as a page.
So the sink is judged by the tables the module defines: when each formatter they file under an
active type is a function of the module whose return value carries no data unescaped for
HTML (it renders an autoescaping template, builds an element tree), the body is not reported
there. A module without such tables, a formatter imported from elsewhere, or one that formats
its input into markup keeps the sink, and so does a body served with another type than the one
its formatter was chosen by.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.caller_objects import bound_once
from secreview.analysis.taint.media_types import renders_active
from secreview.analysis.taint.module_state import ModuleState
from secreview.index.context import ModuleContext

_TYPE_KEYWORDS = ("content_type", "mimetype", "media_type")
_BODY_KEYWORDS = ("content", "body", "response", "text")


def typed_by_formatter(analysis: ModuleState, call: ast.AST) -> bool:
    """Whether the response `call` serves what a formatter chosen for its declared type
    returned, and no formatter the module's tables file under a page's type returns its
    arguments' data unescaped for HTML."""
    context = analysis.context
    if not chosen_by_declared_type(context, call):
        return False
    names = page_formatters(context)
    if names is None:
        return False
    for name in names:
        function = analysis.functions.get(name)
        result = analysis.result_of(function) if function is not None else None
        if result is None or any(f.reaches("html") for f in result.returns.all_flows()):
            return False
    return True


def chosen_by_declared_type(context: ModuleContext, call: ast.AST) -> bool:
    """Whether `call` serves a body returned by the callable a table gives for the media type
    the call declares: `formatters[ct](...)` or `formatters.get(ct)(...)`, inline or bound once
    to a local (as is the callable), with `content_type=ct`."""
    if not isinstance(call, ast.Call):
        return False
    declared = next(
        (
            k.value
            for k in call.keywords
            if k.arg in _TYPE_KEYWORDS and isinstance(k.value, ast.Name)
        ),
        None,
    )
    body = call.args[0] if call.args else None
    body = body or next((k.value for k in call.keywords if k.arg in _BODY_KEYWORDS), None)
    scope = context.enclosing_function(call)
    if not isinstance(declared, ast.Name) or body is None or scope is None:
        return False
    body = _local(scope, body)
    if not isinstance(body, ast.Call):
        return False
    return _looked_up_by(_local(scope, body.func), declared.id)


def _local(scope: ast.FunctionDef | ast.AsyncFunctionDef, node: ast.expr) -> ast.expr:
    """What a local bound once holds (`body = formatter(...)`), else `node` itself."""
    if isinstance(node, ast.Name):
        return bound_once(scope, node.id) or node
    return node


def _looked_up_by(node: ast.expr, key: str) -> bool:
    """`table[key]` or `table.get(key)`, the table a name."""
    if isinstance(node, ast.Subscript):
        table, index = node.value, node.slice
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and node.args
    ):
        table, index = node.func.value, node.args[0]
    else:
        return False
    return isinstance(table, ast.Name) and isinstance(index, ast.Name) and index.id == key


def page_formatters(context: ModuleContext) -> tuple[str, ...] | None:
    """The names of the formatters the module's tables file under a type whose documents run
    scripts; None when the module defines no table of formatters by media type, or one of its
    tables files something other than a name there. Computed once per module."""
    return context.derived(_page_formatters)


def _page_formatters(context: ModuleContext) -> tuple[str, ...] | None:
    tables = [table for table in _tables(context.tree) if _by_media_type(context, table)]
    if not tables:
        return None
    names: list[str] = []
    for table in tables:
        for key, value in zip(table.keys, table.values, strict=True):
            media = context.constant_value(key) if key is not None else None
            if isinstance(media, str) and (not media or not renders_active(media)):
                continue  # served as data or text, or to a client accepting none: see above
            if not isinstance(value, ast.Name):
                return None
            names.append(value.id)
    return tuple(names)


def _tables(tree: ast.Module) -> list[ast.Dict]:
    """The dict literals the module binds to a name (`T = {...}`) or adds to one
    (`T.update({...})`) at its top level."""
    found: list[ast.Dict] = []
    for statement in tree.body:
        if isinstance(statement, ast.Assign | ast.AnnAssign) and isinstance(
            statement.value, ast.Dict
        ):
            found.append(statement.value)
        elif (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Attribute)
            and statement.value.func.attr == "update"
            and len(statement.value.args) == 1
            and isinstance(statement.value.args[0], ast.Dict)
        ):
            found.append(statement.value.args[0])
    return found


def _by_media_type(context: ModuleContext, table: ast.Dict) -> bool:
    """Whether every key is a media type (or '', a fallback) and every value a name: a table
    of formatters, not of settings."""
    if not table.keys or not all(isinstance(v, ast.Name) for v in table.values):
        return False
    keys = [context.constant_value(k) if k is not None else None for k in table.keys]
    return all(isinstance(k, str) and ("/" in k or not k) for k in keys) and any(keys)
