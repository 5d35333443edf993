"""A value a handler only shows back to the client that sent the request.

`spoofable-client-ip` reports the client address taken from `X-Real-IP` or `X-Forwarded-For`
because rate limits, allow-lists and logs believe it. An error page that prints "your address:
..." from that header decides nothing and records nothing: the client reads back what it sent.
This finds a local whose every read is a value of the context handed to a template render (or a
JSON answer) of this request, directly or through one local holding that context.
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

_ANSWERS = frozenset(
    {
        "django.shortcuts.render",
        "django.shortcuts.render_to_response",
        "django.template.response.TemplateResponse",
        "django.http.JsonResponse",
        "django.http.response.JsonResponse",
        "flask.render_template",
        "flask.jsonify",
        "quart.render_template",
    }
)
"""Calls that answer the current request with a template or JSON built from their arguments
(Django's `render`, `TemplateResponse` and `JsonResponse`, Flask's `render_template` and
`jsonify`; and Tornado's `self.render`). Not `render_to_string` or a template's own `render`,
whose text may go anywhere (a mail, a file)."""


def only_shown_to_requester(statement: ast.stmt, context: ModuleContext) -> bool:
    """Whether the local that `statement` assigns is read only as a value of the context of a
    render or JSON answer (`{"remote_ip": remote_ip}` passed to `render(...)`)."""
    if not isinstance(statement, ast.Assign | ast.AnnAssign):
        return False
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    if len(targets) != 1 or not isinstance(targets[0], ast.Name):
        return False
    function = context.enclosing_function(statement)
    if function is None:
        return False
    reads = _loads(function, targets[0].id)
    return bool(reads) and all(_answered_in_context(read, function, context) for read in reads)


def _loads(function: ast.AST, name: str) -> list[ast.Name]:
    return [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
    ]


def _answered_in_context(read: ast.Name, function: ast.AST, context: ModuleContext) -> bool:
    """Whether `read` is a value of a dict (or a keyword of `dict(...)`) that is an argument of
    an answering call, or is held by one local that only answering calls read."""
    parent = context.parent(read)
    holder: ast.AST | None
    if isinstance(parent, ast.Dict) and any(value is read for value in parent.values):
        holder = parent
    elif isinstance(parent, ast.keyword) and _is_dict_call(context.parent(parent)):
        holder = context.parent(parent)
    else:
        return False
    above = context.parent(holder)
    if isinstance(above, ast.keyword):
        above = context.parent(above)
    if _answers(above, context):
        return True
    if not (isinstance(above, ast.Assign) and len(above.targets) == 1):
        return False
    target = above.targets[0]
    if not isinstance(target, ast.Name):
        return False
    uses = _loads(function, target.id)
    return bool(uses) and all(_argument_of_answer(use, context) for use in uses)


def _argument_of_answer(use: ast.Name, context: ModuleContext) -> bool:
    parent = context.parent(use)
    if isinstance(parent, ast.keyword):
        parent = context.parent(parent)
    return _answers(parent, context) and use is not getattr(parent, "func", None)


def _answers(node: ast.AST | None, context: ModuleContext) -> bool:
    """Whether `node` is a call answering the request (`_ANSWERS`, or `self.render(...)`)."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == "render":
        return isinstance(func.value, ast.Name) and func.value.id == "self"
    return context.call_name(node) in _ANSWERS


def _is_dict_call(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict"
