"""The taint interpreter: runs each function of a module over abstract `Value`s.

It works directly on `ast`, statement by statement, keeping an environment (name -> Value) per
program point. Branches are folded when their condition is a constant and joined otherwise;
loops run to a fixpoint with a bound; guards (`if x in ALLOWED:`) clean a variable in the branch
they protect; a branch that returns or raises does not flow on. Calls are resolved through the
module's imports and the models (sources, sinks, sanitisers, types), through summaries of the
module's own functions (computed once, on first call, with parameters as symbolic sources) and
through a `ProjectIndex` for functions of other modules.

Every function has a budget of evaluation steps; when it runs out (or the code is nested deeper
than Python can recurse) the function is given up with a note and no findings.

This module only drives: what the module defines is in `module_index.py`, the state its frames
share in `module_state.py`, and how one function is interpreted in `frame.py` (a mixin per concern).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import replace

from secreview.analysis.taint.declared_types import annotated_class
from secreview.analysis.taint.environments import join_envs
from secreview.analysis.taint.frame import Frame
from secreview.analysis.taint.module_state import ModuleState
from secreview.analysis.taint.results import (
    MAX_CALL_DEPTH,
    FunctionNode,
    FunctionResult,
    OutOfBudget,
)
from secreview.analysis.taint.values import CLEAN, Value


class ModuleAnalysis(ModuleState):
    """The taint analysis of one module: every function once, on demand, then all the rest."""

    def run(self, wanted: frozenset[str] | None = None) -> list[FunctionResult]:
        """Analyse the module body, then every function not yet analysed; all results.

        With `wanted` (summarising for other modules), only the functions of those names are
        analysed for themselves; the functions they call are analysed as they are reached.
        """
        self.index_module()
        starts = (
            self.all_functions
            if wanted is None
            else [node for node in self.all_functions if node.name in wanted]
        )
        self.globals = self._analyse(self.context.tree, {})
        for node in starts:
            self.result_of(node)
        if self.globals_changed:
            # A function stored untrusted data in a global: analyse once more so that functions
            # analysed before the write see it (one more round is enough for a single write).
            self.globals_changed = False
            self.results.clear()
            self.globals = self._analyse(self.context.tree, {})
            for node in starts:
                self.result_of(node)
        return list(self.results.values())

    def result_of(self, node: FunctionNode) -> FunctionResult | None:
        """The (memoised) analysis of `node`; None while it is being analysed (recursion)."""
        key = id(node)
        if key in self.results:
            return self.results[key]
        if key in self.in_progress or len(self.in_progress) >= MAX_CALL_DEPTH:
            return None
        self.in_progress.append(key)
        try:
            self._analyse(node, self.closures.get(key, {}))
        finally:
            self.in_progress.pop()
        return self.results.get(key)

    def _analyse(
        self, node: FunctionNode | ast.Module, closure: Mapping[str, Value]
    ) -> dict[str, Value]:
        """Run one function (or the module body); store its result; its final environment."""
        frame = Frame(self, node, closure)
        if isinstance(node, ast.Module):
            self.module_frame = frame
        result = FunctionResult(node=node)
        try:
            if isinstance(node, ast.Module):
                frame.block(node.body)
            else:
                result.parameters, result.is_method = frame.bind_parameters()
                assert frame.env is not None
                result.passed = frame.passed = tuple(frame.env[name] for name in result.parameters)
                frame.block(node.body)
        except OutOfBudget:
            result.gave_up = "its analysis exceeded the step budget"
        except RecursionError:
            result.gave_up = "it is nested too deeply to analyse"
        if result.gave_up:
            name = getattr(node, "name", "<module>")
            self.notes.append(
                f"{self.context.path}:{getattr(node, 'lineno', 1)}: taint analysis of `{name}` "
                f"was given up because {result.gave_up}; it has no taint findings"
            )
        else:
            result.returns = frame.returned if frame.returned is not None else CLEAN
            if result.returns.type is None and not isinstance(node, ast.Module):
                result.returns = self._declared_return(node, result.returns)
            # A loop's body is run again until its state settles, and each pass records the
            # same events again; kept twice, every caller splices each copy anew, so the copies
            # multiply along call chains (a 2,600-line module needed gigabytes). Exact copies
            # go, and past a few paths to one sink with one flow the best ranked are kept.
            result.events = list(frame.events)
            result.sinks_seen = frame.sinks_seen
            result.reads = tuple(frame.reads)
            result.parameter_calls = tuple(frame.parameter_calls)
            if result.is_method and result.parameters:
                exits = [*frame.exits, frame.env]
                after = join_envs(*exits) or {}
                result.receiver_after = after.get(result.parameters[0], CLEAN)
        self.results[id(node)] = result
        return frame.env or {}

    def _declared_return(self, node: FunctionNode, returned: Value) -> Value:
        """`returned` typed by the function's return annotation when it names a project class
        (`def connector_for(kind) -> WebhookConnector`), `Self` for a method's own class, or a
        library class the models type annotations with (`def get_llm() -> BaseChatModel`): a
        factory looking its object up in a table or a registry, or building one the models do
        not know, returns a value the body cannot type, yet the caller holds one."""
        kind = annotated_class(node.returns, self.classes, self.qualified, self.project.classes)
        owner = self.method_class.get(id(node))
        if kind is None and owner is not None and self._names_self(node.returns):
            kind = f"class:{owner.name}"  # `def from_row(cls, row) -> Self`
        if kind is None and isinstance(node.returns, ast.Name | ast.Attribute):
            named = self.qualified(node.returns) or ""  # imported: a bare `Request` is no proof
            kind = self.models.parameter_types.get(named) if "." in named else None
        return replace(returned, type=kind) if kind else returned

    def _names_self(self, annotation: ast.expr | None) -> bool:
        """Whether `annotation` is `typing.Self` (or `typing_extensions.Self`)."""
        if not isinstance(annotation, ast.Name | ast.Attribute):
            return False
        return (self.qualified(annotation) or "").rpartition(".")[2] == "Self"
