"""What the taint interpreter produces for each function, and the limits it works within."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import NamedTuple

from secreview.analysis.taint.values import CLEAN, Flow, Value

FUNCTION_BUDGET = 60_000
"""Evaluation steps one function may take (a 10,000-statement function fits; a blow-up does not)."""
MODULE_BUDGET = 1_500_000
MAX_CALL_DEPTH = 12

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


class OutOfBudget(Exception):
    """The function took more evaluation steps than its budget."""


class ParameterCall(NamedTuple):
    """A function calling one of its parameters (`def apply(fn, x): return fn(x)`): which one,
    where, and with what, so a call site that passes a function can apply it there."""

    parameter: int
    node: ast.Call
    args: tuple[Value, ...]
    kwargs: tuple[tuple[str, Value], ...]


class SinkEvent(NamedTuple):
    """Tainted data reaching a sink: which kind, where, through which call, and the flow.

    `origins` are the origins the sink's model is limited to (empty: all but dedicated ones), kept
    so that a parameter flow applied at a call site is checked against the same sink.
    """

    kind: str
    node: ast.AST
    sink: str
    note: str
    flow: Flow
    prefix: str = ""
    origins: frozenset[str] = frozenset()
    guess: bool = False
    """The sink is guessed from the name of a project function the scan could not read
    (`guessed_sinks.py`): reported at low confidence."""
    inside: str = ""
    """Where the sink is (`path:line`) when it is inside a function of another module that the
    call `node` runs: every call of one function reaching that sink with data from one source
    is one defect, fixed at the sink (`rules._support.taint` reports it once)."""
    typed: bool = False
    """The sink is a response body served as HTML unless the handler declares another
    Content-Type first (the model's `unless_typed`): a caller that declared one before calling
    the function holding the sink (`finish_json` setting `application/json`, then `finish`)
    serves it as that type, so the event stops there (`external_calls.py`)."""

    def with_flow(self, flow: Flow) -> SinkEvent:
        """This event carried by `flow` instead (`_replace(flow=flow)`, without its generic
        cost: a caller continues each of a callee's events with each flow of the argument,
        hundreds of thousands per tree)."""
        return tuple.__new__(SinkEvent, (*self[:_FLOW_AT], flow, *self[_FLOW_AT + 1 :]))


_FLOW_AT = SinkEvent._fields.index("flow")
"""Where `SinkEvent.with_flow` puts the new flow (derived, so a field added before it cannot
shift it)."""


@dataclass
class FunctionResult:
    """The analysis of one function: its return value (with parameter flows) and sink events."""

    node: FunctionNode | ast.Module
    parameters: tuple[str, ...] = ()
    returns: Value = CLEAN
    events: list[SinkEvent] = field(default_factory=list)
    is_method: bool = False
    receiver_after: Value = CLEAN
    """What a method leaves in `self` (a constructor's attributes), with parameter flows."""
    passed: tuple[Value, ...] = ()
    """The values the parameters started with: what is still one of them at the end is the
    caller's argument itself (see `semantics.substitute`)."""
    reads: tuple[tuple[Value, int, object], ...] = ()
    """Values read as a part of a parameter (`self.request`): (value, parameter, key)."""
    gave_up: str | None = None
    parameter_calls: tuple[ParameterCall, ...] = ()
    sinks_seen: dict[int, set[str]] = field(default_factory=dict)
    """Every sink call the function evaluated (node id) -> origins of the flows reaching it."""


def record_reaching(
    seen: dict[int, set[str]], node: ast.AST, kind: str, args: list[Value], kwargs: dict[str, Value]
) -> set[str]:
    """Note in `seen` the origins of the flows of `kind` that reach the sink call `node`, under
    the call's id (any argument: pattern rules ask whether a call is harmless as a whole, and
    `["sh", "-c", cmd]` is more than its argv[0]) and under each argument written in the call
    (a rule judging one argument, the SQL text beside its bound parameters, asks for that one).
    Returns the call's set."""
    reaching = seen.setdefault(id(node), set())
    written: list[tuple[ast.expr, Value]] = []
    if (
        isinstance(node, ast.Call)
        and len(node.args) == len(args)
        and not any(isinstance(a, ast.Starred) for a in node.args)
    ):
        written.extend(zip(node.args, args, strict=False))
        written.extend((k.value, kwargs[k.arg]) for k in node.keywords if k.arg in kwargs)
    for value in (*args, *kwargs.values()):
        reaching.update(f.origin for f in value.all_flows() if f.reaches(kind))
    for argument, value in written:
        origins = seen.setdefault(id(argument), set())
        origins.update(f.origin for f in value.all_flows() if f.reaches(kind))
    return reaching
