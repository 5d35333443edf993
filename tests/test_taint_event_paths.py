"""A function keeps a bounded number of evidence paths per sink and flow, and what it reports is
what keeping every path reported: the bound holds, the best path is the one kept, and a frame's
event log gives exactly the list the plain computation gives (copies removed at the end, the
paths bounded by `kept_events`), rewording windows included."""

from __future__ import annotations

import ast
import itertools
import random
import textwrap

from secreview.analysis.taint import AnalysisContext, TaintSetup
from secreview.analysis.taint.event_log import EventLog, restated
from secreview.analysis.taint.event_paths import MAX_EVENT_PATHS, kept_events, path_signature
from secreview.analysis.taint.evidence_order import evidence_rank
from secreview.analysis.taint.interpreter import ModuleAnalysis
from secreview.analysis.taint.results import SinkEvent
from secreview.analysis.taint.values import Flow, Value
from tests.test_dataflow import FLASK, events

NODES = ast.parse(";".join(f"v{i} = {i}" for i in range(12))).body


def _event(sink: int, path: tuple[int, ...], origin: str = "param:0") -> SinkEvent:
    steps = tuple((NODES[i], f"step {i}") for i in path)
    return SinkEvent("command", NODES[sink], "os.system", "shell command", Flow(origin, steps))


def _plain(recorded: list[SinkEvent]) -> list[SinkEvent]:
    """What a function kept before the log: every event, copies removed at the end, bounded."""
    return kept_events(recorded)


def _events() -> list[SinkEvent]:
    paths = [p for n in (1, 2, 3) for p in itertools.permutations(range(1, 7), n)]
    chosen = random.Random(7).choices(paths, k=400)
    return [_event(sink, path) for sink, path in zip(itertools.cycle((0, 8, 9)), chosen)]


def test_the_log_keeps_what_keeping_everything_then_bounding_keeps() -> None:
    recorded = _events()
    log = EventLog()
    log.extend(recorded)
    assert list(log) == _plain(recorded)


def test_the_log_remembering_its_worst_path_keeps_what_finding_it_each_time_keeps() -> None:
    """Every path better than the last (each replaces the remembered worst), then worse (none
    does), then mixed: the log, which finds a full group's worst path again only once it was
    replaced, keeps what the plain computation keeps."""
    paths = [p for n in (3, 2, 1) for p in itertools.permutations(range(1, 7), n)]
    ordered = sorted((_event(0, p) for p in paths), key=lambda e: evidence_rank(e.flow))
    for recorded in (ordered[::-1], ordered, ordered[::2] + ordered[::-3] + ordered):
        log = EventLog()
        log.extend(recorded)
        assert list(log) == _plain(recorded)


def test_at_most_the_bound_of_paths_per_sink_and_flow_and_the_best_among_them() -> None:
    recorded = _events()
    kept = kept_events(recorded)
    groups: dict[object, list[SinkEvent]] = {}
    for event in kept:
        groups.setdefault(path_signature(event), []).append(event)
    assert len(groups) == 3 and all(len(g) == MAX_EVENT_PATHS for g in groups.values())
    for group in groups.values():
        best = min(
            (e for e in recorded if path_signature(e) in {path_signature(group[0])}),
            key=lambda e: evidence_rank(e.flow),
        )
        assert best in group


def test_a_few_paths_are_all_kept() -> None:
    recorded = [_event(0, (1,)), _event(0, (2,)), _event(0, (1,)), _event(0, (3, 4))]
    assert kept_events(recorded) == [_event(0, (1,)), _event(0, (2,)), _event(0, (3, 4))]


def test_a_rewording_window_gives_what_rewording_in_place_gave() -> None:
    recorded = _events()
    change = restated(NODES[2], lambda text: f"handed on: {text}")
    log = EventLog()
    log.extend(recorded[:150])
    with log.rewriting(change):
        log.extend(recorded[150:300])
        with log.rewriting(change):  # nested: reworded twice, as in place
            log.extend(recorded[300:])
    in_place = (
        recorded[:150]
        + [change(e) for e in recorded[150:300]]
        + [change(change(e)) for e in recorded[300:]]
    )
    assert list(log) == _plain(in_place)


BRANCHES = FLASK + textwrap.dedent(
    """
    def run(text, a, b, c, d):
        if a:
            text = text + "1"
        if b:
            text = text + "2"
        os.system(text)

    def wrap(text, a, b, c, d):
        if c:
            run(text, a, b, c, d)
        if d:
            run(text, b, a, c, d)
        run(text, a, a, c, d)
        run(text, b, b, c, d)
        run(text, c, d, a, b)
        run(text, d, c, b, a)

    def view():
        wrap(request.args["q"], 1, 2, 3, 4)
    """
)


def test_a_sink_reached_along_many_calls_is_still_reported_once() -> None:
    setup = TaintSetup()
    tree = ast.parse(BRANCHES)
    context = AnalysisContext(path="app.py", text=BRANCHES, tree=tree, taint_setup=setup)
    for result in ModuleAnalysis(context, setup.models, setup.project, setup.module_name).run():
        counts: dict[object, int] = {}
        for event in result.events:
            key = path_signature(event)
            counts[key] = counts.get(key, 0) + 1
        assert all(count <= MAX_EVENT_PATHS for count in counts.values())
    line = BRANCHES.splitlines().index("    os.system(text)") + 1
    assert events(BRANCHES) == [("command", line, "remote")]


def test_all_flows_is_the_same_asked_again_and_at_another_depth() -> None:
    inner = Value(flows=frozenset({Flow("param:0", (), within=(".a",))}))
    outer = Value(parts={"x": inner, "y": Value(parts={"z": inner})})
    first = outer.all_flows()
    assert outer.all_flows() is first
    assert outer.all_flows(6) == Value(parts=dict(outer.parts)).all_flows(6)
    assert first == Value(parts=dict(outer.parts)).all_flows()
