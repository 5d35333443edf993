"""The parts of a call's arguments a callee's flows name, each read once per call.

A callee's sink events and returned flows each name the part of a parameter they came from
(`Flow.within`), and many name the same one: every event of a helper that formats `self.path`
reads the caller's `.path` again. Each read narrows every flow of the argument and merges them
(`values.narrowed`), so reading the same part once per event was about a sixth of a scan's CPU
once objects' fields kept their own flows (xmodnet55). A call's arguments do not change while
its summary is applied, so what one read gives, every other read of that part gives too.
"""

from __future__ import annotations

from secreview.analysis.taint.semantics import PartReader, argument_flows
from secreview.analysis.taint.values import Flow, Value


class ArgumentReads:
    """The flows of the parts of one call's arguments (`semantics.argument_flows`), remembered
    per parameter and path for as long as the call's summary is being applied."""

    __slots__ = ("_known", "_mapping", "_read")

    def __init__(self, mapping: dict[int, Value], read: PartReader | None) -> None:
        self._mapping = mapping
        self._read = read
        self._known: dict[tuple[int, str], frozenset[Flow]] = {}

    def flows(self, parameter: int, flow: Flow) -> frozenset[Flow]:
        """`argument_flows(mapping[parameter], flow, read)`, read once per part. The path is
        remembered by its `repr`, which tells apart keys that compare equal but read as
        different parts' flows (`1` and `True`, `0.0` and `-0.0`)."""
        key = (parameter, repr(flow.within))
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = argument_flows(self._mapping[parameter], flow, self._read)
        return known
