"""A callee's return value at a call site: its parameter flows become the arguments' flows.

Apart from `semantics.py` (the interpreter's small rules, of which splicing a flow and reading
an argument's part are the steps used here), which had grown past the size a module is kept to.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from secreview.analysis.taint.argument_reads import ArgumentReads
from secreview.analysis.taint.semantics import PartRead, PartReader, read_path, splice
from secreview.analysis.taint.values import Flow, Value, merge_flows

if TYPE_CHECKING:
    from secreview.analysis.taint.callee_reads import CalleeReads


def substitute(
    value: Value,
    mapping: dict[int, Value],
    call: ast.AST,
    name: str,
    read: PartReader | None = None,
    passed: tuple[Value, ...] = (),
    reads: tuple[PartRead, ...] = (),
    callee_reads: CalleeReads | None = None,
    arguments: ArgumentReads | None = None,
) -> Value:
    """A callee's return value at a call site: parameter flows become the arguments' flows.

    `passed` are the values the callee's parameters started with: a part that is still one of
    them (`self.r = req`, `return x`) is the caller's argument itself, with its type and parts,
    so a request stored in an object is still a request when a method reads `self.r.args`;
    `reads` are, likewise, parts of parameters returned as read (`return self.request`).
    `arguments` are the parts of the arguments the call read already (`ArgumentReads`, of this
    `mapping` and `read`); each part is read once either way."""
    parameter_flows = {f for f in value.all_flows() if f.parameter is not None}
    if not parameter_flows and not value.parts:
        flows = merge_flows(f.returned_from(call, f"{name}()") for f in value.flows)
        return Value(
            flows=flows,
            type=value.type,
            prefix=value.prefix,
            const=value.const,
            classes=value.classes,
        )

    known = arguments if arguments is not None else ArgumentReads(mapping, read)

    def expand(flows: frozenset[Flow]) -> frozenset[Flow]:
        result: list[Flow] = []
        for flow in flows:
            parameter = flow.parameter
            if parameter is None:
                result.append(flow.returned_from(call, f"{name}()"))
            elif parameter in mapping:
                result.extend(
                    splice(f, flow, call, name, callee_reads).returned_from(call, f"{name}()")
                    for f in known.flows(parameter, flow)
                )
        return merge_flows(result)

    def rebuild(current: Value, depth: int = 0) -> Value:
        for index, initial in enumerate(passed):
            if current is initial and index in mapping:
                return mapping[index].mapped(lambda f: f.then(call, f"passed through `{name}()`"))
        for read_value, index, key in reads:
            if current is read_value and index in mapping:
                part = read_path(mapping[index], (key,), read)
                return part.mapped(lambda f: f.returned_from(call, f"{name}()"))
        parts = {k: rebuild(v, depth + 1) for k, v in current.parts.items()} if depth < 4 else {}
        return Value(
            flows=expand(current.flows),
            parts=parts,
            exact=current.exact,
            shape=current.shape,
            type=current.type,
            const=current.const,
            classes=current.classes | passed_classes(current.flows, mapping),
        )

    return rebuild(value)


def passed_classes(flows: frozenset[Flow], mapping: dict[int, Value]) -> frozenset[str]:
    """The classes the arguments are, for the parameters a value may be whole (`store_class or
    Store` is the caller's class when it passes one): a class travels as a value, not a flow."""
    found: frozenset[str] = frozenset()
    for flow in flows:
        parameter = flow.parameter
        if parameter is not None and not flow.within and parameter in mapping:
            found |= mapping[parameter].classes
    return found
