"""What a chunk's code calls in the project: each function's signature and the engine's summary.

A chunk shows one function (or a few); the helpers it calls sit elsewhere, often in another
module, and a model that cannot see them guesses what they do. The engine already knows: a
function summary says which parameters reach which sink and which reach the return value (or
what untrusted input the function reads itself). Each chunk lists, for the project functions its
lines call and does not show, the signature and that summary in one line, so the model reads a
helper's effect instead of inventing it. The code is parsed, never run.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from secreview.analysis.models import Models
from secreview.analysis.taint.project import build_project_index
from secreview.analysis.taint.summaries import ExternalSummary, ProjectIndex
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of
from secreview.parse import parse_module

MAX_CALLEES_PER_CHUNK = 20
"""Summaries one prompt carries (the first by name): context, not a second file."""


def _defined_lines(tree: ast.Module, module: str) -> dict[str, range]:
    """The lines of each top-level function and method of `tree`, by qualified name."""
    spans: dict[str, range] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            spans[f"{module}.{node.name}"] = range(node.lineno, (node.end_lineno or 0) + 1)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    name = f"{module}.{node.name}.{item.name}"
                    spans[name] = range(item.lineno, (item.end_lineno or 0) + 1)
    return spans


@dataclass(frozen=True, slots=True)
class ProjectCall:
    """A call, on `line`, of the project function `name`, defined on lines `defined` of the
    same file (empty: elsewhere)."""

    line: int
    name: str
    defined: range = range(0)


@dataclass(frozen=True, slots=True)
class ProjectCalls:
    """The engine's summaries of a project's functions, and the module name of each file."""

    index: ProjectIndex
    modules: Mapping[str, str]
    """Module name by shown path."""

    def calls_in(self, path: str, text: str) -> tuple[ProjectCall, ...]:
        """The calls of project functions in the file (parsed once for all its chunks)."""
        module = self.modules.get(path, "")
        tree = parse_module(text, path).tree
        if tree is None or not self.index.summaries:
            return ()
        context = ModuleContext(path, text, tree)
        defined = _defined_lines(tree, module)
        calls = []
        for node in nodes_of(context, ast.Call):
            name = context.call_name(node)
            if name is None and isinstance(node.func, ast.Name) and module:
                name = f"{module}.{node.func.id}"  # a function of the module itself
            if name and name in self.index.summaries:
                calls.append(ProjectCall(node.lineno, name, defined.get(name, range(0))))
        return tuple(calls)

    def summaries_for(self, calls: Sequence[ProjectCall], lines: Sequence[int]) -> tuple[str, ...]:
        """The summary lines of the functions `lines` call and do not show, by name (at most
        `MAX_CALLEES_PER_CHUNK`)."""
        shown = frozenset(lines)
        names = sorted(
            {
                call.name
                for call in calls
                if call.line in shown and not (call.defined and shown.issuperset(call.defined))
            }
        )
        summaries = self.index.summaries
        return tuple(summary_line(summaries[name]) for name in names[:MAX_CALLEES_PER_CHUNK])


def project_calls(sources: Sequence[tuple[str, str, str]], models: Models) -> ProjectCalls:
    """The summaries of every function of `sources` ((path, text, module) triples)."""
    trees: dict[str, ast.Module] = {}
    for path, text, module in sources:
        tree = parse_module(text, path).tree if module else None
        if tree is not None:
            trees[module] = tree
    index = build_project_index(trees, models)
    return ProjectCalls(index, {path: module for path, _text, module in sources})


def _parameter(summary: ExternalSummary, position: int) -> str:
    names = summary.parameters
    return f"`{names[position]}`" if 0 <= position < len(names) else f"argument {position}"


def summary_line(summary: ExternalSummary) -> str:
    """`name(parameters)`: what reaches a sink and what reaches the return value, in one line."""
    effects = []
    for sink in summary.sinks:
        safe = f" (made safe for {', '.join(sorted(sink.safe_for))})" if sink.safe_for else ""
        effects.append(
            f"{_parameter(summary, sink.parameter)} reaches a {sink.kind} sink "
            f"(`{sink.sink}`, {sink.location}){safe}"
        )
    for returned in summary.returns:
        safe = f" (safe for {', '.join(sorted(returned.safe_for))})" if returned.safe_for else ""
        if returned.parameter is None:
            effects.append(f"returns {returned.origin} input: {returned.note}{safe}")
        else:
            effects.append(f"returns data of {_parameter(summary, returned.parameter)}{safe}")
    said = "; ".join(effects) or "no parameter reaches a sink or the return value"
    return f"{summary.qualified_name}({', '.join(summary.parameters)}): {said}"
