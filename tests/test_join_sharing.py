"""Joins that meet the same values again answer what the long way answers (perf51).

`merge_flows` gives a set it already merged back unchanged when the other side adds nothing,
`join` keeps its left side when the right adds nothing, `join_envs` skips a value already
joined, and a `try`'s handlers share one entry state: each is checked here against the plain
computation it shortcuts.
"""

from __future__ import annotations

import ast
import itertools
import textwrap

import pytest

from secreview.analysis.taint import AnalysisContext, TaintSetup, taint_events
from secreview.analysis.taint.environments import join_envs
from secreview.analysis.taint.markers import APPENDED
from secreview.analysis.taint.part_widening import MAX_FIELD_FLOWS
from secreview.analysis.taint.values import (
    CLEAN,
    MAX_PART_FLOWS,
    Flow,
    Merged,
    Value,
    constant,
    join,
    merge_flows,
)

NODES = [ast.Pass() for _ in range(40)]


def _flows(count: int, marks: frozenset[str] = frozenset()) -> list[Flow]:
    """Parameter flows of parts of two parameters, with paths of different lengths."""
    return [
        Flow(f"param:{i % 2}", tuple((n, "s") for n in NODES[: 1 + i % 5]), marks, (f".a{i}",))
        for i in range(count)
    ]


@pytest.mark.parametrize("count", [0, 1, 5, MAX_PART_FLOWS, MAX_PART_FLOWS + 6])
def test_a_merged_set_merged_again_with_part_of_itself_is_the_long_way(count: int) -> None:
    merged = merge_flows(_flows(count), _flows(count // 2, frozenset({APPENDED})))
    for size in (0, 1, len(merged) // 2, len(merged)):
        subset = frozenset(itertools.islice(merged, size))
        long_way = merge_flows(frozenset(merged), subset)  # a plain set: no shortcut
        assert merge_flows(merged, subset) == long_way
        assert merge_flows(subset, merged) == merge_flows(subset, frozenset(merged))
    assert merge_flows(merged) == merge_flows(frozenset(merged))


def test_a_widened_set_that_would_merge_further_is_not_taken_as_merged() -> None:
    # Two parts of one parameter, one with text built around it: whole, they differ only by
    # `APPENDED`, which merging again makes one flow; so the set is merged the long way.
    # Past `MAX_FIELD_FLOWS` fields, parts merge into whole parameters.
    plain = _flows(MAX_FIELD_FLOWS)
    appended = [
        Flow("param:0", (), frozenset({APPENDED}), (f".b{i}",)) for i in range(MAX_FIELD_FLOWS)
    ]
    widened = merge_flows(plain, appended)
    assert type(widened) is not Merged
    assert merge_flows(widened, frozenset()) == merge_flows(frozenset(widened), frozenset())


def test_join_keeps_its_left_side_when_the_right_adds_nothing() -> None:
    part = Value(flows=merge_flows(_flows(3)))
    left = Value(parts={".a": part, ".b": constant("x")}, type="class:Store")
    right = Value(parts={".a": part, ".b": constant("x")}, type="class:Store")
    assert join(left, right) is left
    changed = Value(parts={".a": part, ".b": constant("y")}, type="class:Store")
    joined = join(left, changed)
    assert joined is not left and joined.parts[".a"] is part  # the unchanged part is shared
    assert join(CLEAN, Value()) is not CLEAN  # never the singleton callers test by identity


def _plain_join_envs(*envs: dict[str, Value] | None) -> dict[str, Value] | None:
    """`join_envs` without skipping values already joined (each name folded in order)."""
    live = [e for e in envs if e is not None]
    if not live:
        return None
    names = dict.fromkeys(name for env in live for name in env)
    merged: dict[str, Value] = {}
    for name in names:
        if name[0] == "(" and not all(name in env for env in live):
            continue
        value = live[0].get(name, CLEAN)
        for env in live[1:]:
            value = join(value, env.get(name, CLEAN))
        merged[name] = value
    return merged


def test_joining_many_states_that_repeat_values_is_the_plain_fold() -> None:
    flows = merge_flows(_flows(MAX_PART_FLOWS + 3))
    store = [Value(parts={f".f{i}": Value(flows=flows) for i in range(k)}) for k in range(4)]
    typed = [Value(type=t) for t in ("class:A", "class:B", "os.PathLike")]
    states = [
        {"store": store[i % 4], "kind": typed[i % 3], "n": constant(i % 2)} for i in range(30)
    ]
    states.insert(5, None)
    assert join_envs(*states) == _plain_join_envs(*states)


def _events(code: str) -> list[tuple[str, int]]:
    text = textwrap.dedent(code)
    context = AnalysisContext(
        path="app.py", text=text, tree=ast.parse(text), taint_setup=TaintSetup()
    )
    return sorted((e.kind, e.node.lineno) for e in taint_events(context).events)  # type: ignore[attr-defined]


def test_every_handler_starts_from_every_state_of_the_body() -> None:
    code = """
        import os
        from flask import request
        def view():
            name = "a"
            try:
                name = request.args["n"]
                name = "b"
            except KeyError as error:
                os.system(name)
            except ValueError:
                os.system("x" + name)
            else:
                os.system(name)
        """
    found = _events(code)
    assert [line for _, line in found] == [10, 12]  # both handlers; `else` runs with "b"
