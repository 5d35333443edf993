"""Taint flows: one way untrusted data may reach a value, with the evidence path it followed.

A `Flow` is what the interpreter carries inside `values.Value`s: its origin (a source's trust kind,
or a parameter while a summary is computed), the evidence steps so far, what sanitisers made it
harmless for, and for a parameter flow the part of the parameter it was read from. Apart from
`values.py` (the values holding them, their merging and joining), which had grown past the size
a module here is kept to.

Flows are immutable, by convention, not `frozen=True` (see `values.py`): never assign to one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from secreview.analysis.models import ALL_KINDS
from secreview.analysis.taint.evidence_order import Step
from secreview.analysis.taint.markers import APPENDED, DECODING_KEEPS, ITEM_READ, ONE_NAME_MARKERS

MAX_STEPS = 12
"""How many evidence steps a path keeps: its first two, a mark where steps were left out, and its
last ones (`Flow.extended`), so a finding's path stays readable and a scan's memory bounded."""
LEFT_OUT = "more steps from here on, left out of this path"
"""The note of the step that marks where a long path's middle was left out: without it the shown
path would jump from one name to another as if the data went there directly."""
RETURNED_BY = "returned by `"
"""How an evidence step names the function a value was returned by (`Flow.returned_from`)."""
MAX_PATH = 3
"""How deep a parameter flow remembers the part it was read from (`self.r.args.x`)."""
PARAMETER_ORIGIN = "param:"
DECODED = "decoded"
"""Marker on a parameter flow: the function decodes the parameter's text (`parse_qsl(url)`), so
at a call site the argument's sink kinds a source or sanitiser ruled out apply again
(`Flow.through`), as they do when the caller decodes it itself (`Flow.decoded`)."""
_PARAMETER_INDEXES = {f"{PARAMETER_ORIGIN}{index}": index for index in range(64)}
"""The origin of each of the first parameters' flows -> the parameter's index (never changed)."""
FORMATTED_WHOLE = "formatted-whole"
"""Marker on a flow of a whole parameter: the function wrote it as text (`"%s" % args`,
`f"{args}"`), so a caller's list, tuple, set or dict is the `repr` of its items there, line breaks
escaped (`formats.formatted_whole`); a caller's other argument is written as it is."""


@dataclass(slots=True, unsafe_hash=True)
class Flow:
    """One way untrusted data may reach a value.

    `origin` is the trust kind of the source (`remote`, `local`, `env`) or `param:N` while a
    function summary is being computed; `steps` is the evidence so far (source first);
    `safe_for` lists the sink kinds a sanitiser on the way has made this data harmless for.
    `within` is, for a parameter flow, the path to the part of the parameter it was read from
    (`(".path",)` for `self.path`, `(".r", ".args")` for `self.r.args`, `("HTTP_HOST",)` for
    `environ["HTTP_HOST"]`; empty for the whole value), so a call site substitutes that part of
    its argument, not everything the argument holds, and can read it through the part's type
    (`self.r` holding a request makes `self.r.args` request data).
    """

    origin: str
    steps: tuple[Step, ...]
    safe_for: frozenset[str] = frozenset()
    within: tuple[object, ...] = ()

    def then(self, node: ast.AST, note: str) -> Flow:
        """This flow with one more evidence step (long paths keep their start and end)."""
        return self.extended(((node, note),))

    def returned_from(self, call: ast.AST, function: str) -> Flow:
        """This flow as what `function` (as the evidence shows it) returned at `call`: a step
        that rules read back with `returned_function` (which helper a value came out of)."""
        return self.then(call, f"{RETURNED_BY}{function}`")

    def extended(self, more: tuple[Step, ...]) -> Flow:
        """This flow with the evidence steps `more` after its own, in one new path (a callee's
        whole path spliced on step by step copied it once per step: most of a scan's time on
        a module of many small parsers calling each other); a long path keeps its start and
        end, with a `LEFT_OUT` step at the first step it leaves out."""
        steps = (*self.steps, *more)
        if len(steps) > MAX_STEPS:
            first_left_out = steps[2]  # an earlier mark, or the step where the gap starts
            mark = (
                first_left_out if first_left_out[1] == LEFT_OUT else (first_left_out[0], LEFT_OUT)
            )
            steps = (*steps[:2], mark, *steps[-(MAX_STEPS - 3) :])
        return Flow(self.origin, steps, self.safe_for, self.within)

    def sanitised(self, kinds: Iterable[str]) -> Flow:
        """This flow, now harmless for the sink kinds `kinds`."""
        return Flow(self.origin, self.steps, self.safe_for | frozenset(kinds), self.within)

    def decoded(self, node: ast.AST, note: str) -> Flow:
        """This flow once `node` decodes its text (`unquote`, `b64decode`): the sink kinds a
        source or a sanitiser made it harmless for apply again, since decoding brings back what
        they ruled out (a `%0A` in a request line is a line break after `unquote`). The evidence
        says so only when something was given back, and always on a parameter's flow, which
        keeps the `DECODED` marker for its callers' arguments."""
        kept = self.safe_for & DECODING_KEEPS
        if self.parameter is not None:
            kept |= {DECODED}  # the caller's argument is decoded too (`through`)
        if kept == self.safe_for:
            return self
        return Flow(self.origin, self.steps, kept, self.within).then(node, note)

    def through(self, callee_safe_for: frozenset[str]) -> Flow:
        """This flow (a caller's) once a callee's parameter flow with `callee_safe_for` carried
        it: the callee's sanitisers add their kinds, text built around it (`APPENDED`) ends a
        one-name mark, a decoder (`DECODED`) gives back what its source or sanitisers ruled out."""
        flow = self
        if APPENDED in callee_safe_for:
            flow = Flow(self.origin, self.steps, self.safe_for - ONE_NAME_MARKERS, self.within)
            callee_safe_for -= frozenset() if flow.parameter is not None else {APPENDED}
        if FORMATTED_WHOLE in callee_safe_for and (
            flow.parameter is None or flow.within or ITEM_READ in flow.safe_for
        ):
            callee_safe_for -= {FORMATTED_WHOLE}  # it holds only of a whole parameter
        if ITEM_READ in callee_safe_for:  # (most callees' flows carry no mark: no new sets)
            callee_safe_for -= {ITEM_READ}  # the callee's own reading of the argument
        if DECODED not in callee_safe_for:
            return flow.sanitised(callee_safe_for) if callee_safe_for else flow
        kept = flow.safe_for & DECODING_KEEPS
        if flow.parameter is not None:
            kept |= {DECODED}
        return Flow(flow.origin, flow.steps, kept | (callee_safe_for - {DECODED}), flow.within)

    def reaches(self, kind: str) -> bool:
        """Whether this flow is still dangerous for sinks of `kind`."""
        return kind not in self.safe_for and ALL_KINDS not in self.safe_for

    @property
    def parameter(self) -> int | None:
        """The parameter index of a summary flow, None for a real source."""
        index = _PARAMETER_INDEXES.get(self.origin)  # asked a million times a scan: no parsing
        if index is not None or not self.origin.startswith(PARAMETER_ORIGIN):
            return index
        return int(self.origin.removeprefix(PARAMETER_ORIGIN))

    @property
    def signature(self) -> tuple[str, frozenset[str], tuple[object, ...]]:
        """What makes two flows equivalent for reporting (their paths may differ)."""
        return (self.origin, self.safe_for, self.within)

    def narrowed(self, key: object) -> Flow:
        """This flow as read from the part `key` of its value: a whole parameter's flow becomes
        the flow of that part of the parameter; anything else is unchanged (a real source's data
        is in every part, and past `MAX_PATH` keys a part of a part is kept as the coarser part)."""
        if len(self.within) >= MAX_PATH or not self.origin.startswith(PARAMETER_ORIGIN):
            return self
        return Flow(self.origin, self.steps, self.safe_for, (*self.within, key))
