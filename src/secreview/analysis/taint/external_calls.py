"""Calls into another module of the project, through its `ExternalSummary`.

A summary says which parameters reach which sinks inside the function (or the functions it
calls) and which reach its return value; applied at a call site, the arguments' flows take
those paths. A sink whose body is HTML only while no other Content-Type was declared
(`SinkEvent.typed`: Tornado's `write`/`finish`) is not reached from a caller that declared one
before the call: `finish_json` sets `application/json`, then hands `json.dumps(data)` to the
handler's own `finish`, whose `super().finish(chunk)` alone cannot tell.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from secreview.analysis.taint.callee_reads import read_by_callee, read_inside
from secreview.analysis.taint.configured_urls import caller_fixes_host
from secreview.analysis.taint.formats import formatted_whole
from secreview.analysis.taint.guard_shapes import hands_file_object
from secreview.analysis.taint.objects import ObjectRules
from secreview.analysis.taint.results import SinkEvent
from secreview.analysis.taint.semantics import read_path
from secreview.analysis.taint.summaries import ExternalSummary, returned_value
from secreview.analysis.taint.values import Flow, Value
from secreview.analysis.taint.view_pages import declares_other_type


class ExternalCallRules(ObjectRules):
    """Summaries of other modules' functions applied at a call site."""

    def declared_type_before(self, node: ast.Call) -> bool:
        """Whether this function (or its handler class, for every request) declared a
        Content-Type other than HTML before the call `node`: what the callee writes is then
        served as that type, whichever write it ends in."""
        handler = self.analysis.classes.get(self.class_name or "")
        return declares_other_type(self.node, handler, node.lineno, self.context)

    def apply_external(
        self, summary: ExternalSummary, node: ast.Call, args: list[Value], kwargs: dict[str, Value]
    ) -> Value:
        """Apply the summary of a function of another module of the project."""
        mapping = self.parameter_values(summary.parameters, args, kwargs)
        short = summary.qualified_name
        for effect in summary.sinks:
            argument = mapping.get(effect.parameter)
            if argument is None:
                continue
            if caller_fixes_host(effect.kind, effect.prefix, argument) or hands_file_object(
                effect.kind, effect.within, argument
            ):
                continue
            if effect.typed and self.declared_type_before(node):
                continue
            flows = self._argument_part(argument, effect.within, node)
            for flow in formatted_whole(argument, effect.safe_for, effect.within, flows):
                combined = flow.then(
                    node,
                    f"passed to `{short}`, which uses it as `{effect.sink}` at {effect.location}",
                ).through(effect.safe_for)
                if combined.reaches(effect.kind) and self.accepts(effect.origins, combined):
                    self.events.append(
                        SinkEvent(
                            effect.kind,
                            node,
                            effect.sink,
                            f"{effect.note} inside `{short}`",
                            combined,
                            origins=effect.origins,
                            guess=effect.guess,
                            inside=effect.location,
                            typed=effect.typed,
                        )
                    )
        flows: list[tuple[int | str | None, Flow]] = []
        for effect in summary.returns:
            if effect.parameter is None:
                flows.append((effect.place, read_by_callee(node, effect, short)))
                continue
            argument = mapping.get(effect.parameter)
            if argument is not None:
                flows.extend(
                    (
                        effect.place,
                        read_inside(f, node, effect, short, self.analysis.shown)
                        .returned_from(node, short)
                        .through(effect.safe_for),
                    )
                    for f in self._argument_part(argument, effect.within, node)
                )
        result = returned_value(flows, summary.returned_elements)
        return replace(result, type=summary.return_type) if summary.return_type else result

    def _argument_part(
        self, argument: Value, within: tuple[object, ...], node: ast.Call
    ) -> frozenset[Flow]:
        """The flows of the part of `argument` a summary's effect was read from (all, if none)."""
        return read_path(argument, within, self.reader(node)).all_flows()
