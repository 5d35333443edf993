"""How a value holding too many flows of parameter parts is made coarser, and how far.

A parameter flow remembers the part of its parameter it was read from (`Flow.within`): at a
call site it stands for that part of the caller's argument, not for everything the argument
holds. A value built from many parts (a label of thirty fields of `self`, a reply read at many
keys of many fields) would carry one flow per part, so past `MAX_PART_FLOWS` the flows are made
coarser. Coarser must never mean fewer, but it need not mean the whole object either: the whole
parameter stands, at each call site, for all the caller's object holds, so one field another
method stored there (an archive member, a reply) reached every label of the other fields
(keylime's tenant: 30 findings of one private key). So paths are shortened a key at a time
(`self.r.args.x` -> `self.r.args` -> `self.r`), a field is kept apart from the others while
there are at most `MAX_FIELD_FLOWS` of them, and only past that is the whole parameter taken.
"""

from __future__ import annotations

from collections.abc import Iterable

from secreview.analysis.taint.evidence_order import preferred
from secreview.analysis.taint.flows import Flow

MAX_PART_FLOWS = 24
"""Past this many flows in one value, the paths of parameter parts are shortened (see above)."""
MAX_FIELD_FLOWS = 64
"""Past this many flows of parts one key deep (fields of `self`, keys of a dict), the parts merge
into whole parameters. Every field read is then a flow of its own: a label of the forty fields
of a settings object carries forty flows, not the one key a method stored beside them."""


def coarsened(flows: Iterable[Flow]) -> list[Flow]:
    """`flows` (more than `MAX_PART_FLOWS`) with the paths of parameter parts shortened until
    they are few enough: one flow per origin, marks and shortened path, the best as evidence."""
    given = list(flows)  # past the cap at their own depth, unless that is one key (fields)
    longest = max((len(f.within) for f in given), default=0)
    for depth in range(max(longest - 1, 1), 0, -1):  # at `longest` they were too many
        kept = _at_depth(given, depth)
        if len(kept) <= (MAX_FIELD_FLOWS if depth == 1 else MAX_PART_FLOWS):
            return kept
    return _at_depth(given, 0)


def _at_depth(flows: list[Flow], depth: int) -> list[Flow]:
    """One flow per signature once each path is cut to its first `depth` keys (a part of a part
    is in the part: its caller's argument read at the shorter path holds what it did)."""
    best: dict[tuple[str, frozenset[str], tuple[object, ...]], Flow] = {}
    for flow in flows:
        if len(flow.within) > depth:  # built directly: `dataclasses.replace` took a tenth of
            # docassemble's parser module (two million flows cut, perf58)
            flow = Flow(flow.origin, flow.steps, flow.safe_for, flow.within[:depth])
        signature = flow.signature
        current = best.get(signature)
        if current is None or preferred(flow, current):
            best[signature] = flow
    return list(best.values())
