"""A flow that starts where a callee of this module reads a request it was handed.

A wrapper that stores the request (`Wrapper(request)`) carries no flow of its own: the request
is a typed value, and its data becomes a flow only where some code reads a part of it
(`self.req.args["path"]`). When that code is a method of this module, the call site reads the
part the method's flow names from its argument, so the flow used to start at the call, named
after it: "`Wrapper(request).serve()` is HTTP request data", and the finding's message called the
call the source. The read is in this module and its place is known (`written_reads`), so the flow
starts there instead: "`self.req.args["path"]` in `serve()` (called at line 22) is HTTP request
data", followed by the method's own steps. A read the method spells through an alias
(`r = self.req`) is not found, and the flow keeps starting at the call, which is still where the
data entered the method. Another module's callee is named the same way from its summary
(`ReturnEffect.read_code`), at the call, since its text is not at hand.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple, cast

from secreview.analysis.taint.decorator_names import is_property_getter
from secreview.analysis.taint.results import FunctionNode
from secreview.analysis.taint.summaries import ReturnEffect
from secreview.analysis.taint.values import Flow
from secreview.analysis.taint.written_reads import ReadTables, written_read


class CalleeReads(NamedTuple):
    """A call of a function of this module, for naming the reads of its parameters' parts."""

    callee: FunctionNode
    parameters: tuple[str, ...]
    shown: Callable[[ast.AST], str]
    """The source text of a node of this module (`ModuleIndex.shown`)."""
    known: ReadTables
    """The module's table of functions whose reads are indexed (`new_read_tables`): a method
    called many times is walked once."""

    def started_at_read(self, outer: Flow, inner: Flow, call: ast.AST, name: str) -> Flow | None:
        """`outer` continued by the callee's `inner`, starting at the callee's read of the part
        `inner` names, when `outer` became a source at this call only by that read; None when it
        did not, or the read is not spelled out."""
        if (
            len(outer.steps) != 1
            or outer.steps[0][0] is not call
            or outer.parameter is not None
            or inner.parameter is None
            or inner.parameter >= len(self.parameters)
            or not inner.within
            or not all(isinstance(key, str) for key in inner.within)
        ):
            return None  # the cheap tests first: this runs for every flow into a local call
        note = outer.steps[0][1]
        shown = f"`{self.shown(call)}` "
        if not note.startswith(shown):
            return None
        within = cast("tuple[str, ...]", inner.within)
        read = written_read(self.callee, self.parameters[inner.parameter], within, self.known)
        if read is None:
            return None
        line = getattr(call, "lineno", "?")
        if is_property_getter(self.callee):
            where = f"the property `{name}` (read at line {line})"
        else:
            where = f"`{name}()` (called at line {line})"
        first = (read, f"`{self.shown(read)}` in {where} {note.removeprefix(shown)}")
        steps = (
            inner.steps[1:]
            if inner.steps and isinstance(inner.steps[0][0], ast.arg)
            else inner.steps
        )
        start = Flow(outer.origin, (first,), outer.safe_for, outer.within)
        for step_node, step_note in steps:
            start = start.then(step_node, step_note)
        return start.through(inner.safe_for)


def read_by_callee(node: ast.Call, effect: ReturnEffect, short: str) -> Flow:
    """The flow of untrusted input another module's callee reads itself and returns: its first
    step is the callee's own source step, placed (`in pkg.forms.value (pkg/forms.py:5):
    `request.args` is HTTP request data (remote)`), then the call that returns it."""
    where = f" ({effect.read_at})" if effect.read_at else ""
    read = f"in `{short}`{where}: {effect.note or 'untrusted input'}"
    flow = Flow(effect.origin, ((node, read),))
    return flow.returned_from(node, short).sanitised(effect.safe_for)


def read_inside(
    flow: Flow, node: ast.Call, effect: ReturnEffect, short: str, shown: Callable[[ast.AST], str]
) -> Flow:
    """`flow`, when it became a source at this call only because another module's callee read
    a typed part of the argument (a stored request's `.args`), with its first step naming that
    read (`self.request.args["q"]` in `pkg.Form.value` at forms.py:6) instead of the call."""
    if not effect.read_code or not flow.steps or flow.parameter is not None:
        return flow
    first, note = flow.steps[0]
    prefix = f"`{shown(node)}` "
    if first is not node or not note.startswith(prefix):
        return flow
    named = f"`{effect.read_code}` in `{short}` ({effect.read_at}) {note.removeprefix(prefix)}"
    return replace(flow, steps=((node, named), *flow.steps[1:]))
