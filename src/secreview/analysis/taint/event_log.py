"""The sink events one frame records, each kept once, in the order first recorded.

A loop's body runs again until its state settles, and each pass re-applies every call in it:
a local callee's parameter events are spliced with the argument's flows once more, giving the
same events again. Kept as a plain list and de-duplicated only when the function ended, one
loop of OctoPrint's serial connector (`_monitor`, which calls most of the module) held 560,000
events, a few percent of them distinct, and the file ran out of its memory budget. Here an exact
copy of an event already recorded is not recorded again.

Some callers reword the events a call of theirs records (a call inferred from a hand-over, a
guessed sink): they do it in a window (`rewriting`), whose events are collected apart, reworded,
then recorded here. The result is the same list, in the same order, as recording every event,
rewording the window's in place and removing copies at the end (`dict.fromkeys`): what is
reported, and in which order, does not change.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from secreview.analysis.taint.event_paths import MAX_EVENT_PATHS, path_signature
from secreview.analysis.taint.evidence_order import preferred
from secreview.analysis.taint.results import SinkEvent


class EventLog:
    """A frame's sink events without exact copies, and with at most `MAX_EVENT_PATHS` paths
    per sink and flow, the best ranked (see the module docstring and `event_paths.py`)."""

    __slots__ = ("_events", "_groups", "_seen", "_windows", "_worst")

    def __init__(self) -> None:
        self._events: list[SinkEvent | None] = []
        """In the order recorded; None where a better path to the same sink replaced one."""
        self._seen: set[SinkEvent] = set()
        self._groups: dict[Hashable, list[int]] = {}
        """Per `path_signature`: the position of each kept path."""
        self._worst: dict[Hashable, int] = {}
        """Per full group: the position of its worst kept path, until that path is replaced (the
        kept paths never change otherwise, so neither does which is worst). Finding it again for
        every new path to a full group was a third of the cost of recording events once objects'
        fields kept their own flows (xmodnet55)."""
        self._windows = 0

    def append(self, event: SinkEvent) -> None:
        """Record `event`, unless an equal one was recorded already, or as many better paths
        to its sink with its flow (never inside a window: its events are reworded first)."""
        seen = self._seen
        if event in seen:
            return
        events = self._events
        if self._windows:
            seen.add(event)
            events.append(event)
            return
        signature = path_signature(event)
        group = self._groups.setdefault(signature, [])
        if len(group) < MAX_EVENT_PATHS:
            seen.add(event)
            group.append(len(events))
            events.append(event)
            return
        # Only the kept paths need remembering: a copy of a path dropped or replaced is never
        # better than the paths that are kept, which only get better.
        worst = self._worst.get(signature)
        if worst is None:
            worst = self._worst[signature] = _worst_of(events, group)
        current = events[worst]
        assert current is not None
        if preferred(event.flow, current.flow):
            seen.discard(current)
            events[worst] = None
            seen.add(event)
            group[group.index(worst)] = len(events)
            events.append(event)
            del self._worst[signature]  # the group changed: found again when next needed

    def extend(self, events: Iterable[SinkEvent]) -> None:
        """Record each of `events` (see `append`)."""
        for event in events:
            self.append(event)

    def __iter__(self) -> Iterator[SinkEvent]:
        return (event for event in self._events if event is not None)

    @contextmanager
    def rewriting(self, change: Callable[[SinkEvent], SinkEvent]) -> Iterator[None]:
        """Collect the events recorded inside the `with` block apart, then record each as
        `change` rewrites it (windows nest: an inner one's events reach the outer window)."""
        outer_events, outer_seen = self._events, self._seen
        self._events, self._seen = [], set()
        self._windows += 1
        try:
            yield
        finally:
            self._windows -= 1
            window = self._events
            self._events, self._seen = outer_events, outer_seen
            self.extend(map(change, (event for event in window if event is not None)))


def _worst_of(events: list[SinkEvent | None], group: list[int]) -> int:
    """The position, among the kept paths at `group`, of the one a better path replaces."""
    worst = group[0]
    for position in group[1:]:
        if _worse(events[position], position, events[worst], worst):
            worst = position
    return worst


def _worse(event: SinkEvent | None, position: int, other: SinkEvent | None, where: int) -> bool:
    """Whether the path `event` (recorded at `position`) is kept after `other` (at `where`):
    ranked lower (`preferred`), or ranked the same and recorded later."""
    assert event is not None and other is not None
    if preferred(other.flow, event.flow):
        return True
    return not preferred(event.flow, other.flow) and position > where


def restated(node: ast.AST, restate: Callable[[str], str]) -> Callable[[SinkEvent], SinkEvent]:
    """The rewording of an event's evidence step at `node` by `restate` (for `rewriting`): a
    call inferred from a hand-over says so instead of reading like one the code makes."""

    def change(event: SinkEvent) -> SinkEvent:
        flow = event.flow
        steps = tuple((step, restate(text) if step is node else text) for step, text in flow.steps)
        return event._replace(flow=replace(flow, steps=steps))

    return change
