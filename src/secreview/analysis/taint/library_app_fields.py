"""The application a parameter's object belongs to: its settings are the operator's.

Under the `library` threat model a public function's parameter is the attacker's whole object,
so every field read off it is tainted. An object a framework hands its handlers (a request, a
connection, a blueprint) also carries the application it belongs to, `request.app`; what is read
through that hop (`request.app.debug`, `request.app.config.BANNER`, `conn.application.settings`)
is the application's own state, set by whoever deployed it, never by the party that sent the
request or called the library (Sanic's directory handler passing `request.app.debug` to the page
it renders). Anything else of the object (`request.args`, `request.path`), and the object handed
on whole to a helper that reads other fields of it, is still the caller's.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.library_joins import flow_expressions
from secreview.analysis.taint.library_roles import handed_whole
from secreview.analysis.taint.module_index import ModuleIndex
from secreview.analysis.taint.results import SinkEvent

_APPLICATION_FIELDS = frozenset({"app", "application"})
"""Attributes of an object that are the application it belongs to (Sanic's, Starlette's and
aiohttp's `request.app`, Tornado's `handler.application`)."""


def application_field(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the flow's value is read off the parameter only through its application
    (`request.app....`), the parameter otherwise only handed whole to calls the flow goes
    through; see the module docstring."""
    names = frozenset(parameter.arg for parameter in handed_whole(event, index))
    if not names:
        return False
    handing = {
        id(node)
        for node, note in event.flow.steps
        if isinstance(node, ast.Call) and note.startswith("passed to ")
    }
    read = False
    for expression in flow_expressions(event, index):
        for node in ast.walk(expression):
            if not (isinstance(node, ast.Name) and node.id in names):
                continue
            parent = index.context.parent(node)
            if isinstance(parent, ast.Attribute) and parent.attr in _APPLICATION_FIELDS:
                read = True
            elif not (
                isinstance(parent, ast.Call) and id(parent) in handing and node in parent.args
            ):
                return False
    return read
