"""Calls through a base class's stub method: what the project's subclasses do in its place.

A base class declares a hook (`def reverse_signup_action(self, shift): raise
NotImplementedError`) and the code calls it on a value typed as the base (`participant:
AbstractParticipant`), so the method that runs is one of the subclasses'. Read alone, the stub
says nothing: it was taken as an unknown call returning its arguments' data, so a redirect to
`participant.reverse_signup_action(shift)` looked like one to the request's data, while every
implementation returns `reverse(...)` of a route name. When the project's own subclasses
implement the method, a call through the base does what one of them does: the stub's summary
becomes the union of theirs (what each returns, which parameter reaches which sink). A stub no
subclass implements keeps the unknown reading (`ExternalSummary.overridable`): its
implementation is elsewhere, perhaps in a plugin, and may return anything.

Within one module the same holds for the module's own subclasses (`local_implementations`):
the interpreter applies each and joins what they return.

The union is made where the index is built (`project._index_of`), under the base's own name, so
a module calling the base depends on one entry that changes whenever an implementation does
(the cache keys and the rounds' worklist see it).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from secreview.analysis.taint.module_index import ModuleIndex
from secreview.analysis.taint.stubs import stub_body
from secreview.analysis.taint.summaries import (
    ExternalSummary,
    ReturnEffect,
    SinkEffect,
    return_order,
    sink_order,
)


def joined_overrides(
    summaries: dict[str, ExternalSummary], ancestors: Mapping[str, tuple[str, ...]]
) -> None:
    """Replace, in `summaries`, each overridable method's summary by the union of the project
    subclasses' implementations of it, where there is at least one."""
    stubs = [name for name, summary in summaries.items() if summary.overridable]
    if not stubs:
        return
    descendants: dict[str, list[str]] = {}
    for name in sorted(ancestors):
        for base in ancestors[name]:
            descendants.setdefault(base, []).append(name)
    for name in sorted(stubs):
        stub = summaries[name]
        owner, _, method = name.rpartition(".")
        implementations = [
            found
            for subclass in descendants.get(owner, ())
            if (found := summaries.get(f"{subclass}.{method}")) is not None
            and not found.overridable
            and found.is_method == stub.is_method
        ]
        if implementations:
            summaries[name] = _union(stub, implementations)


def _union(stub: ExternalSummary, implementations: list[ExternalSummary]) -> ExternalSummary:
    """`stub` doing what any one of `implementations` does. Effects name parameters by
    position, the stub's and its implementations' alike (`self`, then the same arguments); an
    effect of a parameter the stub does not have is left out, as no call through it passes one."""
    size = len(stub.parameters)
    returns: set[ReturnEffect] = set()
    sinks: set[SinkEffect] = set()
    for implementation in implementations:
        returns.update(
            effect
            for effect in implementation.returns
            if effect.parameter is None or effect.parameter < size
        )
        sinks.update(effect for effect in implementation.sinks if effect.parameter < size)
    return stub._replace(
        returns=tuple(sorted(returns, key=return_order)),
        sinks=tuple(sorted(sinks, key=sink_order)),
        overridable=False,
    )


def local_implementations(
    analysis: ModuleIndex, stub: ast.FunctionDef | ast.AsyncFunctionDef
) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The implementations of the method `stub` by the module's classes deriving from its
    class (through the module's classes), in source order; none for a plain function."""
    owner = analysis.method_class.get(id(stub))
    if owner is None:
        return []
    found = []
    for name, cls in analysis.classes.items():
        if name == owner.name or not _derives(analysis, cls, owner.name):
            continue
        for item in cls.body:
            if (
                isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                and item.name == stub.name
                and not stub_body(item)
            ):
                found.append(item)
    return found


def _derives(analysis: ModuleIndex, cls: ast.ClassDef, base: str) -> bool:
    """Whether `cls` derives from the module's class `base`, through the module's classes."""
    seen: set[str] = set()
    pending = [name.rsplit(".", 1)[-1] for name in analysis.base_names(cls)]
    while pending:
        current = pending.pop(0)
        if current == base:
            return True
        if current in seen or current not in analysis.classes:
            continue
        seen.add(current)
        pending.extend(n.rsplit(".", 1)[-1] for n in analysis.base_names(analysis.classes[current]))
    return False
