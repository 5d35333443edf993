"""The parts of a call's arguments a callee's flows name, the last few read kept for the call.

A callee's sink events and returned flows each name the part of a parameter they came from
(`Flow.within`), and many name the same one: every event of a helper that formats `self.path`
reads the caller's `.path` again. Each read narrows every flow of the argument and merges them
(`values.narrowed`), so reading the same part once per event was about a sixth of a scan's CPU
once objects' fields kept their own flows (xmodnet55). A call's arguments do not change while
its summary is applied, so what one read gives, every other read of that part gives too.
perf51 tried keeping every part and reverted it for its memory; the last few parts are kept here
(`MAX_REMEMBERED_PARTS`), which answer most reads and take no more memory than before.
"""

from __future__ import annotations

from secreview.analysis.taint.semantics import PartReader, argument_flows
from secreview.analysis.taint.values import Flow, Value

MAX_REMEMBERED_PARTS = 16
"""How many parts, the last read, a call remembers. Remembering every part a call's events name
held all their flows until the call ended: docassemble's `parse.py` (objects of fifty fields,
read at many keys) grew from 207 to 325 MB; with 16 it stays at 238 (242 before any of this).
On the standard library's network modules 16 parts leave 25,460 of the 77,924 reads to do,
every part 23,986, and 8 parts 53,926."""


class ArgumentReads:
    """The flows of the parts of one call's arguments (`semantics.argument_flows`), the last
    `MAX_REMEMBERED_PARTS` read remembered per parameter and path while the call's summary is
    being applied."""

    __slots__ = ("_known", "_mapping", "_read")

    def __init__(self, mapping: dict[int, Value], read: PartReader | None) -> None:
        self._mapping = mapping
        self._read = read
        self._known: dict[tuple[int, str], frozenset[Flow]] = {}

    def flows(self, parameter: int, flow: Flow) -> frozenset[Flow]:
        """`argument_flows(mapping[parameter], flow, read)`, read again only once forgotten.
        The path is remembered by its `repr`, which tells apart keys that compare equal but
        read as different parts' flows (`1` and `True`, `0.0` and `-0.0`)."""
        key = (parameter, repr(flow.within))
        remembered = self._known
        known = remembered.get(key)
        if known is None:
            if len(remembered) >= MAX_REMEMBERED_PARTS:  # the oldest goes (dicts keep order)
                del remembered[next(iter(remembered))]
            known = remembered[key] = argument_flows(self._mapping[parameter], flow, self._read)
        return known
