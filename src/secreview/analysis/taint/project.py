"""Cross-module summaries: analyse every module of a project and index what its functions do.

`build_project_index` runs the same interpreter as a per-file scan over each module, turns each
function's result into an `ExternalSummary` (no AST nodes, so it pickles), and repeats while the
summaries still change (a helper calling a helper in a third module needs a second round), at most
`MAX_ROUNDS` times so import cycles terminate.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping

from secreview.analysis.models import Models, default_models
from secreview.analysis.taint.interpreter import ModuleAnalysis
from secreview.analysis.taint.results import FunctionResult
from secreview.analysis.taint.summaries import (
    ExternalSummary,
    ProjectIndex,
    ReturnEffect,
    SinkEffect,
)
from secreview.index.context import ModuleContext
from secreview.index.facts import module_name_for

__all__ = [
    "MAX_ROUNDS",
    "build_project_index",
    "iterate_project_index",
    "module_name_for",
    "module_path",
    "summarise_modules",
]

MAX_ROUNDS = 3


def module_path(module_name: str) -> str:
    """The relative file path shown for a dotted module name in evidence notes."""
    return module_name.replace(".", "/") + ".py"


RoundResult = tuple[dict[str, ExternalSummary], set[str]]
"""One round's summaries (qualified function name -> summary) and class names."""


def build_project_index(
    modules: Mapping[str, ast.Module], models: Models | None = None
) -> ProjectIndex:
    """Summaries of every function and method of `modules` (dotted module name -> tree)."""
    chosen = models or default_models()
    return iterate_project_index(lambda index: summarise_modules(modules, chosen, index))


def iterate_project_index(run_round: Callable[[ProjectIndex], RoundResult]) -> ProjectIndex:
    """Repeat `run_round` from an empty index until the summaries stop changing.

    A helper calling a helper in a third module needs a second round; `MAX_ROUNDS` ends import
    cycles. Each round only reads the previous round's index, so `run_round` may split its
    modules over processes (the scanner does) and the result is the same.
    """
    index = ProjectIndex()
    for _ in range(MAX_ROUNDS):
        summaries, classes = run_round(index)
        updated = ProjectIndex(summaries=summaries, classes=frozenset(classes))
        if updated == index:
            break
        index = updated
    return index


def summarise_modules(
    modules: Mapping[str, ast.Module], models: Models, index: ProjectIndex
) -> RoundResult:
    """One round over `modules`: each function's summary given `index` from the last round."""
    summaries: dict[str, ExternalSummary] = {}
    classes: set[str] = set()
    for name, tree in sorted(modules.items()):
        context = ModuleContext(path=module_path(name), text="", tree=tree)
        analysis = ModuleAnalysis(context, models, index, name)
        for result in analysis.run():
            qualified = _qualified_name(analysis, name, result)
            if qualified is not None:
                summaries[qualified] = _summarise(qualified, result, module_path(name))
        classes.update(f"{name}.{cls}" for cls in analysis.classes)
    return summaries, classes


def _qualified_name(analysis: ModuleAnalysis, module: str, result: FunctionResult) -> str | None:
    """`module.function` or `module.Class.method` for top-level definitions, else None."""
    node = result.node
    if isinstance(node, ast.Module):
        return None
    if analysis.functions.get(node.name) is node:
        return f"{module}.{node.name}"
    owner = analysis.method_class.get(id(node))
    if owner is not None and owner in analysis.context.tree.body:
        return f"{module}.{owner.name}.{node.name}"
    return None


def _summarise(qualified: str, result: FunctionResult, path: str) -> ExternalSummary:
    """The picklable view of one function's analysis."""
    returns: set[ReturnEffect] = set()
    for flow in result.returns.all_flows():
        if flow.parameter is not None:
            returns.add(ReturnEffect(flow.parameter, flow.safe_for))
        else:
            note = flow.steps[0][1] if flow.steps else "untrusted input"
            returns.add(ReturnEffect(None, flow.safe_for, flow.origin, note))
    sinks: set[SinkEffect] = set()
    if result.gave_up is None:
        for event in result.events:
            parameter = event.flow.parameter
            if parameter is None:
                continue
            line = getattr(event.node, "lineno", 0)
            sinks.add(
                SinkEffect(
                    parameter=parameter,
                    kind=event.kind,
                    sink=event.sink,
                    location=f"{path}:{line}",
                    safe_for=event.flow.safe_for,
                    prefix=event.prefix,
                    note=event.note,
                    origins=event.origins,
                )
            )
    return ExternalSummary(
        qualified_name=qualified,
        parameters=result.parameters,
        returns=tuple(sorted(returns, key=_return_order)),
        sinks=tuple(sorted(sinks, key=_sink_order)),
        is_method=result.is_method,
    )


def _return_order(effect: ReturnEffect) -> tuple[int, str, str, str]:
    """A summary's effects in an order that does not depend on the hash seed (the repr of a
    frozenset does), so the summary is the same in every process."""
    parameter = -1 if effect.parameter is None else effect.parameter
    return (parameter, ",".join(sorted(effect.safe_for)), effect.origin, effect.note)


def _sink_order(effect: SinkEffect) -> tuple[object, ...]:
    """See `_return_order`."""
    return (
        effect.parameter,
        effect.kind,
        effect.sink,
        effect.location,
        ",".join(sorted(effect.safe_for)),
        effect.prefix,
        effect.note,
        ",".join(sorted(effect.origins)),
    )
