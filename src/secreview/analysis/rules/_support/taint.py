"""The check behind every taint rule: report the flows the taint engine found into one sink kind.

All taint rules read one shared analysis of the module
(`secreview.analysis.taint.reported_events`), computed the first time any of them runs where a
reported flow can appear, and report each sink reached with the whole path, source first, as
evidence. What counts as a source, sink or sanitiser is data, in
`secreview/analysis/models/*.toml`; what differs between the rules (the sink kind and the words of
the message) is a `TaintSpec`, written in the rule's own module beside its documentation.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from typing import NamedTuple

from secreview.analysis.rule import Hit, Rule, rule
from secreview.analysis.rules._support.quoting import code
from secreview.analysis.taint import AnalysisContext, reported_events
from secreview.analysis.taint.context import NETWORK_ORIGINS
from secreview.analysis.taint.markers import (
    CLIENT_PROMPT,
    GUESSED_SOURCE,
    ONLY_CHOSE,
    UNREAD_CALL,
)
from secreview.analysis.taint.results import SinkEvent
from secreview.analysis.taint.unread_calls import HIDDEN_NOTE, UNREAD_NOTE
from secreview.findings import Confidence, Severity

_ORIGIN_WORDS = {
    "remote": "remote input",
    "local": "local input",
    "env": "environment input",
    "socket": "data read from the network",
    "archive": "a member of an archive",
    "model": "a language model's reply",
    "library": "an argument of the library's public API",
    "secret": "a password",
    "weak-token": "a predictable random value used as a token",
}
"""How messages describe the data of each origin."""
_ACTORS = {
    "socket": "the sender",
    "archive": "whoever made the archive",
    "model": "whoever steers the model",
    "library": "the library's caller",
    "env": "whoever sets the environment",
    "local": "whoever runs the program",
}
"""Who chooses the data of each origin, for a rule's danger sentence written for a request ("the
requester"): a zip member reaching a path is chosen by the archive's maker, a reply's module name
by the server that answered, not by anyone requesting anything of this program."""
_UNPROVEN_ORIGINS = frozenset({"library", "model"})
"""Origins whose attacker is likely but not shown, reported at medium confidence: what a public
function's callers pass may be their users' data, and a model's prompt may carry a user's text or
a page the model read (one shown to hold request data is reported at the rule's confidence)."""
_SHOWN_LINES = 12
"""Lines of other calls a merged finding names before it says how many more there are."""


class TaintSpec(NamedTuple):
    """What differs between taint rules besides metadata: the sink kind and its wording.

    `origins` are the dedicated origins the rule reports (a password, a predictable token): who
    typed such data does not change the weakness, so it is never downgraded as local input.
    `severity_of` may set the severity of one hit from the sink call (a session cookie).
    `names_the_label`: the message quotes the code that made the data what it is (the read of
    `request.form["password"]`) rather than where the path began (`request.form`).
    `reports` may drop sink events the model's call names match too widely (a `find` that is
    not a database's); `sure_of` may raise a network flow's confidence to high from what the
    path shows (data parsed from a JSON body).
    `anchor` may move a hit from the sink to an earlier step of its flow in the same function,
    where the defect is made and fixed (a path join); the events one anchor gathers are one
    finding, the surest of them, with the sink as the last step of its evidence.
    """

    kind: str
    danger: str
    origins: tuple[str, ...] = ()
    severity_of: Callable[[SinkEvent, AnalysisContext], Severity | None] | None = None
    names_the_label: bool = False
    reports: Callable[[SinkEvent, AnalysisContext], bool] | None = None
    sure_of: Callable[[SinkEvent, AnalysisContext], bool] | None = None
    anchor: Callable[[SinkEvent, AnalysisContext], ast.AST | None] | None = None


def taint_rule(spec: TaintSpec, **metadata: object) -> Rule:
    """A rule reporting every flow of untrusted data into sinks of `spec.kind`."""
    severity, default = metadata["severity"], metadata["confidence"]
    assert isinstance(severity, Severity) and isinstance(default, Confidence)

    def check(node: ast.AST, context: AnalysisContext) -> Iterator[Hit]:
        anchored: dict[int, Hit] = {}
        called: dict[tuple[str, int], list[Hit]] = {}
        for event in reported_events(context):
            if event.kind != spec.kind or (
                spec.reports is not None and not spec.reports(event, context)
            ):
                continue
            place = spec.anchor(event, context) if spec.anchor is not None else None
            hit = _hit(event, spec, severity, default, context, place)
            if place is None and event.inside:
                called.setdefault((event.inside, id(event.flow.steps[0][0])), []).append(hit)
                continue
            if place is None:
                yield hit
                continue
            kept = anchored.get(id(place))
            if kept is None or _surer(hit, kept, metadata):
                anchored[id(place)] = hit
        yield from anchored.values()
        for hits in called.values():
            yield _one_defect(hits, metadata)

    check.__doc__ = f"Report untrusted data reaching a {spec.kind} sink."
    return rule(visits=(ast.Module,), follows_data_flow=True, **metadata)(check)  # type: ignore[arg-type]


def _one_defect(hits: list[Hit], metadata: dict[str, object]) -> Hit:
    """The finding standing for calls that carry data from one source to one sink inside a
    function of another module (OctoPrint's settings API: sixty `s.set(path, data[...])` calls
    reaching the one log line inside `Settings.set`): reported at the first of the surest calls
    (confidence, then severity), the other calls' lines named as its evidence's last step."""
    ordered = sorted(hits, key=lambda hit: (_line(hit.node), getattr(hit.node, "col_offset", 0)))
    chosen = max(ordered, key=lambda hit: _rank(hit, metadata))  # the first of the surest
    others = sorted({_line(hit.node) for hit in ordered} - {_line(chosen.node)})
    if not others:
        return chosen
    lines = ", ".join(str(line) for line in others[:_SHOWN_LINES])
    more = f" and {len(others) - _SHOWN_LINES} more" if len(others) > _SHOWN_LINES else ""
    note = f"the same data reaches the same sink through the calls on lines {lines}{more}"
    return chosen._replace(evidence=(*chosen.evidence, (chosen.node, note)))


def _line(node: ast.AST) -> int:
    return getattr(node, "lineno", 0)


def _surer(hit: Hit, other: Hit, metadata: dict[str, object]) -> bool:
    """Whether `hit` is more certain than `other` (confidence, then severity), so that one
    finding standing for several sinks keeps the strongest."""
    return _rank(hit, metadata) > _rank(other, metadata)


def _rank(hit: Hit, metadata: dict[str, object]) -> tuple[int, int]:
    confidence = hit.confidence or metadata["confidence"]
    chosen = hit.severity or metadata["severity"]
    assert isinstance(confidence, Confidence) and isinstance(chosen, Severity)
    return (int(confidence), int(chosen))


def _danger_of(danger: str, origin: str) -> str:
    """`danger` with "the requester" naming who chooses data of `origin` (`_ACTORS`)."""
    actor = _ACTORS.get(origin)
    return danger.replace("the requester", actor) if actor else danger


def _hit(
    event: SinkEvent,
    spec: TaintSpec,
    severity: Severity,
    default: Confidence,
    context: AnalysisContext,
    place: ast.AST | None = None,
) -> Hit:
    """A hit at the sink (or at `place`, the spec's anchor on the flow) naming the source, the
    sink and the path in between."""
    flow = event.flow
    source_node, source_note = flow.steps[0]
    if spec.names_the_label:
        # The step that gave the flow its origin: a source's or a label's note ends "(origin)".
        marker = f"({flow.origin})"
        source_node, source_note = next(
            (step for step in flow.steps if step[1].endswith(marker)), flow.steps[0]
        )
    source = context.segment(source_node) or source_note
    line = getattr(source_node, "lineno", "?")
    described = _ORIGIN_WORDS.get(flow.origin, f"{flow.origin} input")
    if CLIENT_PROMPT in flow.safe_for:
        described += " to a prompt holding request data"
    reaches = f"reaches `{event.sink}`"
    node = event.node
    if place is not None:
        sink_line = getattr(event.node, "lineno", "?")
        reaches = f"goes into `{code(context, place)}` here, which {reaches} (line {sink_line})"
        node = place
    message = (
        f"`{source}` (line {line}, {described}) {reaches} as "
        f"{event.note or 'its argument'}; {_danger_of(spec.danger, flow.origin)}"
    )
    evidence = (*flow.steps, (event.node, f"reaches `{event.sink}` ({event.note})"))
    chosen = spec.severity_of(event, context) if spec.severity_of else None
    if flow.origin in _UNPROVEN_ORIGINS and CLIENT_PROMPT not in flow.safe_for:
        return Hit(
            node=node,
            message=message,
            evidence=evidence,
            confidence=Confidence.MEDIUM,
            severity=chosen,
        )
    # A command's output, not the input that chose it; or data taken for input from a name.
    indirect = bool({ONLY_CHOSE, GUESSED_SOURCE} & flow.safe_for)
    if (
        indirect
        or event.guess
        or (flow.origin not in NETWORK_ORIGINS and flow.origin not in spec.origins)
    ):
        return Hit(
            node=node,
            message=message,
            evidence=evidence,
            confidence=Confidence.LOW,
            severity=min(chosen or severity, Severity.MEDIUM),
        )
    confidence: Confidence | None = None  # the rule's own
    if UNREAD_CALL in flow.safe_for:  # likely, not proven: see `unread_calls.py`
        confidence = min(default, Confidence.MEDIUM)
        if not any(UNREAD_NOTE in note for _, note in flow.steps):
            evidence = (*evidence, (event.node, HIDDEN_NOTE))
    elif spec.sure_of is not None and spec.sure_of(event, context):
        confidence = Confidence.HIGH
    return Hit(
        node=node, message=message, evidence=evidence, severity=chosen, confidence=confidence
    )
