"""The `library` threat model: a package's public functions are called by code it cannot see.

A library cannot know its callers, so the parameters of its public functions and methods are as
attacker-controlled as a request: a template engine, a URL parser or an archive library is
exploited through the arguments of its API. The interpreter already computes, for every function,
the sinks its parameters reach (`param:N` flows, kept for summaries); under this threat model the
ones of public functions are reported too, with the origin `library`, at the sink inside the
library. A function is public when its name, its class's name and every part of its module path
do not start with an underscore (dunder names aside: `__init__` and `__call__` are public API).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import PurePath

from secreview.analysis.taint.context import LIBRARY_ORIGIN
from secreview.analysis.taint.library_app_fields import application_field
from secreview.analysis.taint.library_callers import callers_own_value
from secreview.analysis.taint.library_scope import is_library_defect
from secreview.analysis.taint.module_index import ModuleIndex
from secreview.analysis.taint.results import FunctionResult, SinkEvent
from secreview.analysis.taint.values import Flow

_PUBLIC_DUNDERS = frozenset({"__init__", "__call__"})
"""Special methods whose arguments come from the library's caller, not from the library."""
_CALLERS_CONCERN = frozenset({"log", "trust-boundary"})
"""Sink kinds a library's parameter reaching them is not the library's defect: a library that
logs what it was handed is doing its job, and whether a forged line can enter the log is
decided where the application takes the text from a request (found there under `web`). On 16
mature projects these were 339 of the 766 findings `library` reported; the 10 triaged were false.
Storing in the session what the caller hands over (`remember(request, userid)`) is the same:
whether an unchecked value enters the session is decided where the application took it from a
request (1 finding on the noise projects, triaged false)."""


def _is_public_name(name: str) -> bool:
    return not name.startswith("_") or name in _PUBLIC_DUNDERS


def is_public_module(path: str, module_name: str | None = None) -> bool:
    """Whether a module names public API (`pkg/_impl/x.py` and `pkg/_x.py` are not): read off
    its dotted name when the scan gave one, which starts at the scan root (the folders above it,
    a `/tmp/_build/` checkout, are no part of the package), else off its path."""
    parts = module_name.split(".") if module_name else PurePath(path).with_suffix("").parts
    return not any(p.startswith("_") and not p.endswith("__") for p in parts)


def _is_public_function(node: ast.AST, index: ModuleIndex) -> bool:
    """Whether `node` is a top-level public function or a public method of a top-level class."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    top_level = index.context.tree.body
    owner = index.method_class.get(id(node))
    if owner is None:
        return node in top_level and _is_public_name(node.name)
    return (
        owner in top_level
        and not owner.name.startswith("_")
        and _is_public_name(node.name)
        and not any(_decorator_is(d, "property") for d in node.decorator_list)
    )


def _written_as_method(result: FunctionResult) -> bool:
    """Whether a function outside a class takes `self` (or `cls`) first: a method attached at
    run time (a visitor registered for a node type, a patch), whose first argument is the
    library's own object, as a method's is."""
    return bool(result.parameters) and result.parameters[0] in ("self", "cls")


def _decorator_is(decorator: ast.expr, name: str) -> bool:
    return isinstance(decorator, ast.Name) and decorator.id == name


def public_parameter_events(
    results: list[FunctionResult], index: ModuleIndex
) -> Iterator[SinkEvent]:
    """The sink events of public functions' parameters, as flows of origin `library` (but for
    the sinks a library's caller answers for, `_CALLERS_CONCERN`, the uses an API exists
    for, `library_scope`, the parameters no attacker chooses, `library_callers`, and the
    application's own settings read off a parameter, `library_app_fields`)."""
    if not is_public_module(index.context.path, index.module_name):
        return
    for result in results:
        if not _is_public_function(result.node, index):
            continue
        first = 1 if result.is_method or _written_as_method(result) else 0
        for event in result.events:
            if event.kind in _CALLERS_CONCERN:
                continue
            parameter = event.flow.parameter
            if parameter is None or parameter < first or parameter >= len(result.parameters):
                continue
            if not is_library_defect(event, index) or callers_own_value(event, index):
                continue
            if application_field(event, index):
                continue
            yield event._replace(flow=_as_library_flow(event.flow, result))


def _as_library_flow(flow: Flow, result: FunctionResult) -> Flow:
    """The parameter flow, its first step saying whose parameter it is."""
    (node, _), *rest = flow.steps
    name = getattr(result.node, "name", "?")
    parameter = result.parameters[flow.parameter or 0]
    note = f"`{parameter}` is a parameter of the public `{name}()` ({LIBRARY_ORIGIN})"
    return Flow(LIBRARY_ORIGIN, ((node, note), *rest), flow.safe_for)
