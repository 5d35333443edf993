"""A value of too many parameter-part flows is made coarser by shortening paths, field by field,
and only past `MAX_FIELD_FLOWS` fields by taking whole parameters (`part_widening`)."""

from __future__ import annotations

import ast

from secreview.analysis.taint.part_widening import MAX_FIELD_FLOWS, MAX_PART_FLOWS
from secreview.analysis.taint.semantics import argument_flows
from secreview.analysis.taint.values import Flow, Value, merge_flows

STEP = (ast.Pass(), "parameter `self`")


def _field(name: str, *deeper: object) -> Flow:
    return Flow("param:0", (STEP,), frozenset(), (f".{name}", *deeper))


def test_deep_paths_are_cut_to_their_fields_first() -> None:
    flows = [_field(f"f{i % 5}", "key", i) for i in range(MAX_PART_FLOWS + 1)]
    merged = merge_flows(flows)
    assert {f.within for f in merged} <= {(f".f{i}", "key") for i in range(5)}


def test_a_label_of_many_fields_keeps_each_field_apart() -> None:
    fields = [_field(f"f{i}") for i in range(MAX_PART_FLOWS + 2)]
    merged = merge_flows(fields)
    assert {f.within for f in merged} == {f.within for f in fields}
    # At a call site the label stands for those fields only, not for another field's data.
    secret = Flow("archive", ((ast.Pass(), "archive member"),))
    parts = {f".f{i}": Value() for i in range(MAX_PART_FLOWS + 2)}
    caller = Value(parts={**parts, ".key": Value(flows=frozenset({secret}))})
    assert not any(argument_flows(caller, f) for f in merged)


def test_past_the_field_cap_the_whole_parameter_is_kept() -> None:
    merged = merge_flows(_field(f"f{i}") for i in range(MAX_FIELD_FLOWS + 1))
    assert {f.within for f in merged} == {()}
