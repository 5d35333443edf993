"""One module's taint analysis, run once and shared by every rule that asks.

`taint_events(context)` runs the interpreter over a module with the inputs the scanner put in the
module's `AnalysisContext` (`TaintSetup`), keeps one event per sink, kind and origin (the best
evidence), and stores the outcome in the context, so every taint rule (one per sink kind) and every
pattern rule asking `untrusted_input_reaches` reads the same analysis.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.context import (
    LIBRARY_ORIGIN,
    NETWORK_ORIGINS,
    OPERATOR_ORIGINS,
    TRUSTED_INPUT_ORIGINS,
    AnalysisContext,
    ModuleTaint,
)
from secreview.analysis.taint.evidence_order import evidence_rank
from secreview.analysis.taint.input_clues import input_clues
from secreview.analysis.taint.interpreter import ModuleAnalysis
from secreview.analysis.taint.markers import ONLY_CHOSE, UNREAD_CALL
from secreview.analysis.taint.public_api import public_parameter_events
from secreview.analysis.taint.results import SinkEvent
from secreview.analysis.taint.values import PARAMETER_ORIGIN


def taint_events(context: AnalysisContext) -> ModuleTaint:
    """The module's taint analysis, computed on first use and kept in `context.taint`."""
    if context.taint is not None:
        return context.taint
    setup = context.taint_setup
    reported = setup.reported
    analysis = ModuleAnalysis(context, setup.models, setup.project, setup.module_name)
    try:
        if (
            setup.public_parameters
            or analysis.project.summaries
            or analysis.may_read_untrusted_input(reported | OPERATOR_ORIGINS)
        ):
            results = analysis.run()
        else:
            results = []
    except Exception as error:
        # Report the bug once (through the first rule that asked), not once per taint rule.
        context.taint = ModuleTaint((), (f"taint analysis failed: {error!r}",), {})
        raise
    dedicated = analysis.models.dedicated_origins
    candidates = [event for result in results for event in result.events]
    if setup.public_parameters:
        candidates.extend(public_parameter_events(results, analysis))
        reported = reported | {LIBRARY_ORIGIN}
    best: dict[tuple[str, int, str], SinkEvent] = {}  # one path per sink and trust
    for event in candidates:
        flow = event.flow
        if flow.parameter is not None or not _reported(event, reported, dedicated):
            continue
        if event.guess and flow.origin != "remote":
            continue  # a guess is worth a reader's time only for what a client sends
        key = (event.kind, id(event.node), flow.origin)
        current = best.get(key)
        if current is None or _event_rank(event) < _event_rank(current):
            best[key] = event
    events = sorted(best.values(), key=_event_order)
    sinks: dict[int, set[str]] = {}
    for result in results:
        for key, reaching in result.sinks_seen.items():
            sinks.setdefault(key, set()).update(reaching)
        for event in result.events:  # flows into a callee's sink, applied at its call sites
            sinks.setdefault(id(event.node), set()).add(event.flow.origin)
    frozen = {key: frozenset(reaching) for key, reaching in sinks.items()}
    # A function given up may hold the request the rest never shows: judged by the words then.
    network_input = analysis.network_input or bool(analysis.notes)
    outcome = ModuleTaint(tuple(events), tuple(analysis.notes), frozen, reported, network_input)
    context.taint = outcome
    return outcome


def reported_events(context: AnalysisContext) -> tuple[SinkEvent, ...]:
    """The events the taint rules report: `taint_events(context).events`, without running the
    analysis where no reported flow can appear.

    The analysis also runs on modules whose only input is the operator's (`OPERATOR_ORIGINS`) or
    the environment, so that a pattern rule asking `untrusted_input_reaches` can rate a call
    that input reaches; no taint rule reports such flows, so a module whose words show no other
    input is analysed only when a pattern rule asks (most of a large tree's command-line tools
    never do).
    """
    if context.taint is None and not _may_report(context):
        return ()
    events = taint_events(context).events
    if not context.taint_setup.public_parameters:
        return events  # no library flow to weigh (each taint rule asks: keep it cheap)
    # A public parameter that is also a request's (a route's argument) is one finding, the
    # surer one: the library flow of a sink another reported origin reaches adds nothing. (The
    # pattern rules still see both: `data_origin` asks which origins reach a call.)
    covered = {(e.kind, id(e.node)) for e in events if e.flow.origin != LIBRARY_ORIGIN}
    return tuple(
        e for e in events if e.flow.origin != LIBRARY_ORIGIN or (e.kind, id(e.node)) not in covered
    )


def _may_report(context: AnalysisContext) -> bool:
    """Whether a reported flow may appear in the module: it names an input of a reported
    origin or of one a sink is dedicated to (`Models.dedicated_origins`), a request-shaped
    clue is there, or the summaries or public parameters bring flows. The operator's command
    line and environment are tracked everywhere but reported only under `--threat-model all`."""
    setup = context.taint_setup
    if setup.public_parameters or (setup.project is not None and setup.project.summaries):
        return True
    clues = input_clues(context, setup.models)
    reportable = setup.reported | setup.models.dedicated_origins
    return clues.may_read(reportable)


def _event_rank(event: SinkEvent) -> tuple[object, ...]:
    """Which of the events of one sink and origin is shown: the input itself before output it
    only chose, a proven path before one through a call the scan does not follow, then the best
    evidence (`evidence_rank`), never the first met, whose order follows set iteration and so
    the hash seed."""
    flow = event.flow
    indirect, unread = ONLY_CHOSE in flow.safe_for, UNREAD_CALL in flow.safe_for
    sink = (event.sink, event.note, event.prefix)
    return (event.guess, indirect, unread, evidence_rank(flow), *sink)


def _event_order(event: SinkEvent) -> tuple[object, ...]:
    """Events in source order of their sinks; at one sink, by kind and origin."""
    node = event.node
    position = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
    return (position, event.kind, event.flow.origin, _event_rank(event))


def _reported(event: SinkEvent, reported: frozenset[str], dedicated: frozenset[str]) -> bool:
    """Whether the event's flow is one to report: of an origin its sink is limited to, or else
    of a reported trust kind."""
    origin = event.flow.origin
    if event.origins:
        return origin in event.origins
    return origin in reported and origin not in dedicated


def reads_remote_input(context: AnalysisContext) -> bool:
    """Whether the module can read input from the network.

    The scanner follows flows across modules only from such modules (web handlers and servers,
    and clients, crawlers, updaters and installers, which their servers attack): that is where
    cross-module flows matter, and command-line input is everywhere in scripts. A look at the
    module's words says whether it may; where the taint analysis ran (the words made every
    taint rule run it), it says whether a request, request data, a route, a view, an entry
    point, a reply, a socket read, an archive member or a model's answer is really there
    (`ModuleState.network_input`). Where public functions' parameters are input too
    (`--threat-model library`), the words alone decide, as before (a `request`-like name
    counts there even where no framework is imported).
    """
    setup = context.taint_setup
    clues = input_clues(context, setup.models)
    if setup.public_parameters:
        return clues.may_read(frozenset({"remote"})) or clues.request_named
    if not clues.may_read(NETWORK_ORIGINS):
        return False
    return context.taint is None or context.taint.network_input


def may_read_network_input(context: AnalysisContext) -> bool:
    """Whether the module's words show any way in for data from the network: a request, a
    route or handler, a socket or HTTP reply, an archive member, a model's reply
    (`InputClues`). A script without one reads only what its maintainer gives it."""
    clues = input_clues(context, context.taint_setup.models)
    return clues.shows_network_input(NETWORK_ORIGINS)


def taint_notes(context: AnalysisContext) -> tuple[str, ...]:
    """Notes of the taint analysis (functions given up), if it ran on this module."""
    return context.taint.notes if context.taint is not None else ()


def untrusted_input_reaches(context: AnalysisContext, call: ast.AST) -> bool | None:
    """Whether untrusted input reaches the sink call `call`, as far as the taint engine knows.

    True: a reported flow reaches it. False: the engine evaluated the call and neither untrusted
    input nor a parameter of the enclosing function reaches any of its arguments (constants,
    sanitised or cast values). None: the engine cannot say (module or function not analysed, or
    the value comes from a parameter, so it depends on callers), or only the operator's own input
    or the environment reaches it, which the threat model does not report: a pattern rule then
    still speaks, at the rating its `data_origin` gives. Pattern rules that flag "non-constant
    input to a dangerous call" use False to stay quiet where the flow is harmless.
    """
    taint = taint_events(context)
    reaching = taint.sinks.get(id(call))
    if reaching is None:
        return None
    if reaching & taint.reported:
        return True
    if reaching & TRUSTED_INPUT_ORIGINS or any(o.startswith(PARAMETER_ORIGIN) for o in reaching):
        return None
    return False
