"""What a call of a local function gave the last time a loop's body ran it with the same
arguments: its events need no recording again, its return value no building again.

A loop's body runs again until its state settles (`statements.loop`, up to three rounds), and
each round applied every call in it anew: the callee's sink events spliced with the arguments'
flows and recorded (each a copy of one the first round recorded, which `EventLog` then drops),
and its return value rebuilt from the arguments' parts. A call whose arguments did not change
between rounds (the very same values: most do not depend on what the loop carries) gets the
same events and the same return value, so the second round takes them from here. That is a
fifth of the time of a module whose loops call its own functions (docassemble's `parse.py`).

What the splicing reads besides the arguments is fixed for the frame's life (the models, the
callee's result, the call's place), except the fields the module's functions write on request
objects (`ModuleState.field_writes`), which a read of an argument's attribute joins: a call is
remembered only when no field was written while it was applied, and found again only when none
was written since. A call whose callee calls its parameters (which may store what a later read
reads) is not remembered, nor one applied inside an `EventLog.rewriting` window (its events are
reworded when the window closes, so they must be recorded there each time). Recording an event
again is idempotent (`EventLog.append`: a copy is dropped, and a path dropped once is never
better than the paths kept), so leaving it out changes nothing; the budget is charged the same.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from secreview.analysis.taint.results import FunctionResult
from secreview.analysis.taint.values import Value


class CallKey(NamedTuple):
    """The inputs of one application of a callee at a call site."""

    result: FunctionResult
    arguments: tuple[tuple[int, Value], ...]
    """The parameter values, compared by `same_value`."""
    field_writes: int
    """`ModuleState.field_write_count` when the call was applied."""

    def same(self, other: CallKey) -> bool:
        """Whether `other` applies the same callee result to the same values."""
        if self.result is not other.result or self.field_writes != other.field_writes:
            return False
        mine, theirs = self.arguments, other.arguments
        return len(mine) == len(theirs) and all(
            a == c and same_value(b, d) for (a, b), (c, d) in zip(mine, theirs, strict=True)
        )


class Remembered(NamedTuple):
    """What an application gave: the budget its events cost, and its return value."""

    key: CallKey
    ticks: int
    returns: Value


class CallMemo:
    """The last application of each call site of one frame (by node), inside loops."""

    __slots__ = ("_calls",)

    def __init__(self) -> None:
        self._calls: dict[int, Remembered] = {}

    def find(self, node: ast.Call, key: CallKey) -> Remembered | None:
        """The application of `node` with the same inputs as `key`, if remembered."""
        found = self._calls.get(id(node))
        return found if found is not None and found.key.same(key) else None

    def remember(self, node: ast.Call, remembered: Remembered) -> None:
        """Keep `remembered` as the last application of `node` (the node lives as long as the
        frame, so its id names it)."""
        self._calls[id(node)] = remembered


_SCALARS = (str, bytes, int, bool, type(None))
"""Constants whose equality is sameness once their types are the same (`1 == True`,
`0.0 == -0.0` and `(1,) == (True,)` are not: floats and tuples must be the same object)."""


def same_value(value: Value, other: Value) -> bool:
    """Whether `value` gives a callee what `other` gives: the same object, or the same plain
    constant (a literal argument is a new value each time it is evaluated). Values with flows,
    parts or alternatives must be the same object: equality would take `1` for `True`, and is
    as costly to ask as what it would save."""
    if value is other:
        return True
    if value.flows or other.flows or value.parts or other.parts or value.choices or other.choices:
        return False
    if value.function is not None or other.function is not None:
        return False
    const = value.const
    if type(const) is not type(other.const):
        return False
    if type(const) not in _SCALARS and const is not other.const:
        return False
    return value == other


def call_key(result: FunctionResult, mapping: dict[int, Value], field_writes: int) -> CallKey:
    """The key of applying `result` to `mapping` (parameter index -> value)."""
    return CallKey(result, tuple(mapping.items()), field_writes)
