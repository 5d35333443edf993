"""The sink events a function's analysis keeps: a bounded number of paths per sink and flow.

A value keeps one flow per origin, sanitisation and parameter part (`values.merge_flows`), but a
function's sink events were kept whole: every call of a local function splices each of the
callee's parameter events with each flow of the argument, so a sink deep in a chain of helpers
reached along many branches is recorded once per path, and the paths multiply at each caller.
OctoPrint's 7,000-line serial connector recorded 48,000 events in one method for 4,500 distinct
sinks and flows (a hundred paths to one regex search), and its callers ran out of memory.

Events that differ only in their evidence path are the same finding at the same sink: the
module reports one per sink, kind and origin, the best by `evidence_rank`
(`module_taint._event_rank`), and a summary for other modules keeps none of the paths
(`project._summarise`). So past `MAX_EVENT_PATHS` paths for one sink and flow, the best ranked
are kept: what the function reports is unchanged (the best path is always kept), a caller
splicing a kept path after its own keeps its shortest evidence, and below the bound nothing is
dropped, so the library threat model's checks of a path's steps (`library_scope`) see every
path wherever a function has few.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable

from secreview.analysis.taint.evidence_order import evidence_rank
from secreview.analysis.taint.results import SinkEvent

MAX_EVENT_PATHS = 4
"""Evidence paths one function keeps for one sink, kind and flow signature."""
SPLICES_PER_STEP = 8
"""A callee's sink event continued with one flow of the caller's argument at a call costs the
caller this many times less than an evaluation step (`results.FUNCTION_BUDGET`): even with the
paths bounded, a call whose callee reaches thousands of sinks costs, and a loop calling most of
its module, run again until its state settles, spliced millions (OctoPrint's `_monitor`, minutes
of work that counted as a few thousand steps); now it runs out of its budget and is given up
with a note, like any function too costly to read."""


def path_signature(event: SinkEvent) -> Hashable:
    """Everything of an event but its evidence path (the node by identity, as events compare)."""
    flow = event.flow
    return (
        event.kind,
        id(event.node),
        event.sink,
        event.note,
        event.prefix,
        event.origins,
        event.guess,
        event.inside,
        flow.origin,
        flow.safe_for,
        flow.within,
    )


def kept_events(events: Iterable[SinkEvent]) -> list[SinkEvent]:
    """`events` without exact copies (a loop's body, run again until its state settles, records
    its events again), and with at most `MAX_EVENT_PATHS` paths per sink and flow, the best
    ranked; the kept events stay in the order they were first recorded."""
    unique = list(dict.fromkeys(events))
    groups: dict[Hashable, list[int]] = {}
    for position, event in enumerate(unique):
        groups.setdefault(path_signature(event), []).append(position)
    dropped: set[int] = set()
    for positions in groups.values():
        if len(positions) > MAX_EVENT_PATHS:
            best = heapq.nsmallest(
                MAX_EVENT_PATHS, positions, key=lambda p: (evidence_rank(unique[p].flow), p)
            )
            dropped.update(set(positions) - set(best))
    if not dropped:
        return unique
    return [event for position, event in enumerate(unique) if position not in dropped]
