"""Shortcuts of the engine give what the plain computation gives: a call's argument parts read
once (`ArgumentReads`) are what reading them at each event reads, and a return value substituted
with them is the one substituted reading afresh; a flow carried through a callee flow without
marks is the flow the full `Flow.through` builds; a parameter's index read from the table of
origins is the one parsed from the origin."""

from __future__ import annotations

import ast

from secreview.analysis.taint.argument_reads import MAX_REMEMBERED_PARTS, ArgumentReads
from secreview.analysis.taint.flows import FORMATTED_WHOLE, Flow
from secreview.analysis.taint.markers import APPENDED, ITEM_READ
from secreview.analysis.taint.results import SinkEvent
from secreview.analysis.taint.semantics import argument_flows
from secreview.analysis.taint.substitution import substitute
from secreview.analysis.taint.values import Value, merge_flows

NODES = ast.parse(";".join(f"v{i} = {i}" for i in range(8))).body


def _flow(
    origin: str, node: int, within: tuple[object, ...] = (), marks: frozenset[str] = frozenset()
) -> Flow:
    return Flow(origin, ((NODES[node], f"step {node}"),), marks, within)


def _argument() -> Value:
    """An object holding request data in one field, its own parameter's data in another."""
    field = Value(flows=merge_flows([_flow("remote", 1)]))
    nested = Value(flows=merge_flows([_flow("param:0", 2, (".a",))]))
    keyed = Value(flows=merge_flows([_flow("remote", 3)]))
    return Value(
        flows=merge_flows([_flow("param:1", 4), _flow("param:0", 5, (".b", "k"))]),
        parts={".path": field, ".inner": nested, 1: keyed},
    )


def test_argument_parts_read_once_are_those_read_at_each_event() -> None:
    argument = _argument()
    mapping = {0: argument, 2: Value(flows=merge_flows([_flow("local", 6)]))}
    reads = 0

    def read(container: Value, key: object) -> Value:
        nonlocal reads
        reads += 1
        return container.part(key)

    paths: list[tuple[object, ...]] = [
        (),
        (".path",),
        (".inner",),
        (".inner", ".x"),
        (".other", "y"),
        (1,),
        (True,),  # equal to `1` as a key, but a different part of a parameter as evidence
        (1.0,),
        (".path",),
        (1,),
    ]
    remembered = ArgumentReads(mapping, read)
    for parameter in (0, 2):
        for within in paths:
            flow = _flow("param:0", 7, within)
            plain = argument_flows(mapping[parameter], flow, lambda c, k: c.part(k))
            once = remembered.flows(parameter, flow)
            assert once == plain
            assert sorted(map(repr, once)) == sorted(map(repr, plain))  # `True` is not `1`
            assert remembered.flows(parameter, flow) is once
    distinct = {(p, repr(w)): w for p in (0, 2) for w in paths}
    assert reads == sum(len(w) for w in distinct.values())  # each part read once


def test_a_flow_through_a_callee_flow_without_marks_is_what_the_full_rule_gives() -> None:
    for outer in (
        _flow("remote", 1),
        _flow("param:0", 2),
        _flow("param:0", 2, (".a",)),
        _flow("remote", 3, (), frozenset({"sql"})),
        _flow("param:2", 4, (), frozenset({ITEM_READ})),
    ):
        for marks in (set(), {"sql"}, {ITEM_READ}, {FORMATTED_WHOLE}, {APPENDED}):
            given = frozenset(marks)
            carried = outer.through(given)
            kept = given - {ITEM_READ}
            if outer.parameter is None or outer.within or ITEM_READ in outer.safe_for:
                kept -= {FORMATTED_WHOLE}
            if APPENDED not in given:
                assert carried == outer.sanitised(kept)
            assert carried.steps == outer.steps and carried.origin == outer.origin


def test_a_parameter_index_from_the_table_is_the_one_in_its_origin() -> None:
    for index in (0, 1, 7, 63, 64, 200):
        assert Flow(f"param:{index}", ()).parameter == index
    for origin in ("remote", "local", "env", "parameter"):
        assert Flow(origin, ()).parameter is None


def test_a_return_value_substituted_with_the_parts_a_call_read_is_the_plain_one() -> None:
    argument = _argument()
    mapping = {0: argument}
    returned = Value(
        flows=merge_flows([_flow("param:0", 6, (".path",)), _flow("param:0", 7, (1,))]),
        parts={"a": Value(flows=merge_flows([_flow("param:0", 5, (".inner", ".x"))]))},
    )
    call = NODES[0]
    plain = substitute(returned, mapping, call, "helper")
    arguments = ArgumentReads(mapping, None)
    for flow in (_flow("param:0", 1, (".path",)), _flow("param:0", 2, (True,))):
        arguments.flows(0, flow)  # read already by the call's events
    shared = substitute(returned, mapping, call, "helper", arguments=arguments)
    assert shared == plain
    assert repr(shared) == repr(plain)


def test_an_event_carried_by_another_flow_is_what_replacing_its_flow_gives() -> None:
    flow = _flow("param:1", 3, (".a",))
    for event in (
        SinkEvent("command", NODES[0], "os.system", "shell command", _flow("remote", 1)),
        SinkEvent(
            "log", NODES[1], "logging.info", "a", _flow("remote", 2), "p", frozenset({"x"}), True
        ),
    ):
        moved = event.with_flow(flow)
        assert type(moved) is SinkEvent
        assert moved == event._replace(flow=flow)
        assert repr(moved) == repr(event._replace(flow=flow))


def test_parts_past_the_remembered_few_are_read_again_and_give_the_same() -> None:
    argument = _argument()
    mapping = {0: argument}
    remembered = ArgumentReads(mapping, None)
    paths = [(f".f{index}", "k") for index in range(MAX_REMEMBERED_PARTS * 2)]
    for within in [*paths, *paths[::-1], *paths]:
        flow = _flow("param:0", 7, within)
        assert remembered.flows(0, flow) == argument_flows(argument, flow)
