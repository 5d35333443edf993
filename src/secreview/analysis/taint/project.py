"""Cross-module summaries: analyse every module of a project and index what its functions do.

`build_project_index` runs a per-file scan's interpreter over each module, turns each function's
result into an `ExternalSummary` (no AST nodes, so it pickles), and repeats while the summaries
change (a helper calling a helper in a third module needs a second round), at most `MAX_ROUNDS`
times so import cycles terminate.

A round only summarises again the modules that asked the index, in the round before, for a name
whose answer has since changed (a worklist): the analysis of a module is a function of its tree
and of those answers, so every other module's summaries would come out the same.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import NamedTuple

from secreview.analysis.models import Models, default_models
from secreview.analysis.taint.check_summaries import parameter_checks
from secreview.analysis.taint.constructor_summaries import constructor_fields, stored_parameters
from secreview.analysis.taint.decorator_names import is_class_method, is_property_getter
from secreview.analysis.taint.interpreter import ModuleAnalysis
from secreview.analysis.taint.overrides import joined_overrides
from secreview.analysis.taint.project_types import project_types
from secreview.analysis.taint.results import FunctionResult
from secreview.analysis.taint.stubs import stub_body
from secreview.analysis.taint.summaries import (
    ExternalSummary,
    ProjectIndex,
    ReturnEffect,
    SinkEffect,
    return_order,
    returned_elements,
    returned_parts,
    sink_order,
)
from secreview.analysis.taint.values import Flow
from secreview.analysis.taint.written_reads import new_read_tables, written_read
from secreview.index.choices import choice_bases
from secreview.index.context import ModuleContext
from secreview.index.decorator_fills import decorator_fills
from secreview.index.facts import module_name_for, relative_import_base
from secreview.index.keyword_fields import keyword_classes
from secreview.index.model_text import own_text_classes
from secreview.index.reexports import ReExports, module_bindings

__all__ = [
    "MAX_ROUNDS",
    "ModuleRound",
    "build_project_index",
    "iterate_project_index",
    "module_name_for",
    "module_path",
    "project_types",
    "summarise_module",
    "summarise_modules",
]

MAX_ROUNDS = 3


def module_path(module_name: str, package: str = "", is_package: bool = False) -> str:
    """The relative file path shown for a dotted module name in evidence notes: `package`, the
    package the scanned folder is, is left out so the path reads like the report's paths
    (relative to the scanned folder); a package's own module (`is_package`) is its `__init__.py`."""
    if package and module_name == package:
        return "__init__.py"
    if package:
        module_name = module_name.removeprefix(f"{package}.")
    suffix = "/__init__.py" if is_package else ".py"
    return module_name.replace(".", "/") + suffix


class ModuleRound(NamedTuple):
    """One module's summaries and classes after a round, and what it asked the index for.

    `asked` lists the function and class names the module's analysis looked up in the index;
    `asked_everything` is set when it read the index whole (then any change concerns it).
    """

    summaries: Mapping[str, ExternalSummary]
    classes: frozenset[str]
    asked: frozenset[str] = frozenset()
    asked_everything: bool = False

    def concerned_by(self, before: ProjectIndex, after: ProjectIndex) -> bool:
        """Whether any answer this module was given differs between the two indexes."""
        if self.asked_everything:
            return before != after
        return any(
            before.get(name) != after.get(name)
            or (name in before.classes) != (name in after.classes)
            for name in self.asked
        )


RoundResult = Mapping[str, ModuleRound]
"""One round's outcome: module name -> its `ModuleRound` (a module that failed is absent)."""


def build_project_index(
    modules: Mapping[str, ast.Module], models: Models | None = None
) -> ProjectIndex:
    """Summaries of every function and method of `modules` (dotted module name -> tree)."""
    chosen = models or default_models()
    bindings = {name: module_bindings(tree, name, False) for name, tree in modules.items()}
    bases = {name: choice_bases(tree) for name, tree in modules.items()}
    fills = {name: decorator_fills(tree) for name, tree in modules.items()}
    keywords = {name: keyword_classes(tree) for name, tree in modules.items()}
    own_text = {name: own_text_classes(tree) for name, tree in modules.items()}
    defining = ReExports(bindings).defining_name
    known = project_types(bases, defining, chosen.clean_annotations, fills, keywords, own_text)
    return iterate_project_index(
        sorted(modules),
        lambda index, names: summarise_modules(modules, chosen, index, names),
        known,
    )


def iterate_project_index(
    modules: Sequence[str],
    run_round: Callable[[ProjectIndex, Sequence[str]], RoundResult],
    known: ProjectIndex | None = None,
) -> ProjectIndex:
    """Repeat `run_round(index, modules to summarise)` from an empty index until it is stable.

    A helper calling a helper in a third module needs a second round; `MAX_ROUNDS` ends import
    cycles. Each round only reads the previous round's index, so `run_round` may split its
    modules over processes (the scanner does) and the result is the same. After the first round
    only the modules concerned by what changed are given (see `ModuleRound.concerned_by`); the
    others keep their summaries, which would come out the same. `known` holds what is known of
    the project before any summary, the same every round: the functions other modules can call
    (`wanted`), the names it hands on (`aliases`) and its fixed-value types (`choices`).
    """
    every = frozenset(modules)
    start = replace(known or ProjectIndex(), summaries={}, classes=frozenset(), modules=every)
    index = start
    latest: dict[str, ModuleRound] = {}
    pending = list(modules)
    for _ in range(MAX_ROUNDS):
        outcome = run_round(index, pending)
        for name in pending:
            if name in outcome:
                latest[name] = outcome[name]
            else:  # it failed: its summaries leave the index
                latest.pop(name, None)
        updated = _index_of(latest, start)
        if updated == index:
            break
        pending = [name for name in sorted(latest) if latest[name].concerned_by(index, updated)]
        index = updated
    return index


def _index_of(rounds: Mapping[str, ModuleRound], start: ProjectIndex) -> ProjectIndex:
    """The index of every module's latest summaries, built in module order, over `start` (all
    the modules summarised, one that failed too: it was read, so its calls are not guessed)."""
    summaries: dict[str, ExternalSummary] = {}
    classes: set[str] = set()
    for name in sorted(rounds):
        summaries.update(rounds[name].summaries)
        classes.update(rounds[name].classes)
    joined_overrides(summaries, start.ancestors)
    return replace(start, summaries=summaries, classes=frozenset(classes))


class _AskedSummaries(Mapping[str, ExternalSummary]):
    """The index's summaries, noting every name looked up (for the worklist)."""

    def __init__(self, summaries: Mapping[str, ExternalSummary]) -> None:
        self._summaries = summaries
        self.asked: set[str] = set()
        self.asked_everything = False

    def __getitem__(self, name: str) -> ExternalSummary:
        self.asked.add(name)
        return self._summaries[name]

    def __iter__(self) -> Iterator[str]:
        self.asked_everything = True
        return iter(self._summaries)

    def __len__(self) -> int:
        self.asked_everything = True
        return len(self._summaries)


class _AskedClasses(frozenset[str]):
    """The index's class names, noting every name tested for membership (for the worklist)."""

    asked: set[str]

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str):
            self.asked.add(name)
        return super().__contains__(name)


def summarise_module(
    name: str, context: ModuleContext, models: Models, index: ProjectIndex
) -> ModuleRound:
    """One round over one module: each function's summary given `index` from the last round."""
    summaries = _AskedSummaries(index.summaries)
    classes = _AskedClasses(index.classes)
    classes.asked = set()
    watched = ProjectIndex(
        summaries=summaries,
        classes=classes,
        modules=index.modules,
        scanned=index.scanned,
        aliases=index.aliases,
        choices=index.choices,
        filled=index.filled,
        safe_xml_modules=index.safe_xml_modules,
        safe_parsers=index.safe_parsers,
        safe_parser_fields=index.safe_parser_fields,
        ancestors=index.ancestors,
    )
    analysis = ModuleAnalysis(context, models, watched, name)
    found: dict[str, ExternalSummary] = {}
    for result in analysis.run(index.wanted.get(name)):
        qualified = _qualified_name(analysis, name, result)
        if qualified is not None:
            checks = parameter_checks(analysis, result)  # a validator: what its answer proves
            found[qualified] = _summarise(qualified, result, context)._replace(
                checks=checks, return_type=_project_class(result.returns.type, name, analysis)
            )
    return ModuleRound(
        summaries=found,
        classes=frozenset(f"{name}.{cls}" for cls in analysis.classes),
        asked=frozenset(summaries.asked | classes.asked),
        asked_everything=summaries.asked_everything,
    )


def module_context(
    name: str,
    tree: ast.Module,
    package: str = "",
    is_package: bool = False,
    shim_names: Mapping[str, str] | None = None,
    library_names: frozenset[str] = frozenset(),
    folder: str = "",
    logs_keywords_apart: bool = False,
) -> ModuleContext:
    """The context the summaries of module `name` are computed in (its text is not needed);
    `package` and `is_package` as for `module_path` (the path tells a package's `__init__`),
    `shim_names` and `library_names` as `ModuleContext`'s, `folder` as `SourceFile`'s,
    `logs_keywords_apart` as `ModuleContext.project_logs_keywords_apart`."""
    path = "/".join(filter(None, [folder, module_path(name, package, is_package)]))
    shims = shim_names or {}
    base = relative_import_base(name, is_package)
    return ModuleContext(
        path=path,
        text="",
        tree=tree,
        shim_names=shims,
        package=base,
        library_names=library_names,
        project_logs_keywords_apart=logs_keywords_apart,
    )


def summarise_modules(
    modules: Mapping[str, ast.Module],
    models: Models,
    index: ProjectIndex,
    names: Sequence[str] | None = None,
) -> dict[str, ModuleRound]:
    """One round over `names` of `modules` (all of them by default), in name order."""
    chosen = sorted(modules) if names is None else sorted(names)
    return {
        name: summarise_module(name, module_context(name, modules[name]), models, index)
        for name in chosen
    }


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


def _project_class(kind: str | None, module: str, analysis: ModuleAnalysis) -> str | None:
    """`kind`, a returned value's type, as the qualified name of a project class (`class:Repo`
    of this module is `module.Repo`), or a type the models declare for an annotation (a helper
    that makes a client, `def get_llm() -> BaseChatModel`: `llm.LangChain`) or for a library
    call's result (a wrapper of Django's loader, `return loader.get_template(name)`, hands its
    callers a `django.template.LoadedTemplate`, whose `render` autoescapes, as it does in its
    own module), or None for any other type. A returned type whose attributes are sources (an
    HTTP client's response) is not handed on: a helper fetching from a fixed service of the
    operator's (`return requests.get(SERVICE_URL)`) would start flows in every caller."""
    if kind is None:
        return None
    if kind.startswith("class:"):
        return f"{module}.{kind.removeprefix('class:')}"
    models = analysis.models
    known = (
        kind in analysis.project.classes
        or (kind in models.returned_types and kind not in models.typed_sources)
        or kind in models.parameter_types.values()
    )
    return kind if known else None


def _summarise(qualified: str, result: FunctionResult, context: ModuleContext) -> ExternalSummary:
    """The picklable view of one function's analysis."""
    path = context.path
    returns: set[ReturnEffect] = set()
    for position, flows in returned_parts(result.returns):
        for flow in flows:
            if flow.parameter is not None:
                effect = _parameter_return(result, context, flow)
            else:
                note = flow.steps[0][1] if flow.steps else "untrusted input"
                line = getattr(flow.steps[0][0], "lineno", 0) if flow.steps else 0
                read_at = f"{path}:{line}" if line else ""
                effect = ReturnEffect(None, flow.safe_for, flow.origin, note, read_at=read_at)
            if isinstance(position, str):
                returns.add(effect._replace(attribute=position))
            else:
                returns.add(effect._replace(position=position))
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
                    within=_portable(event.flow.within),
                    guess=event.guess,
                    typed=event.typed,
                )
            )
    return ExternalSummary(
        qualified_name=qualified,
        parameters=result.parameters,
        returns=tuple(sorted(returns, key=return_order)),
        sinks=tuple(sorted(sinks, key=sink_order)),
        is_method=result.is_method,
        binds_class=is_class_method(result.node),
        is_property=is_property_getter(result.node),
        stores=stored_parameters(result),
        fields=constructor_fields(result),
        overridable=result.is_method and stub_body(result.node),
        returned_elements=returned_elements(result.returns),
    )


def _parameter_return(result: FunctionResult, context: ModuleContext, flow: Flow) -> ReturnEffect:
    """The return effect of a parameter flow, with where the body reads that part of the
    parameter when it spells the read out (see `ReturnEffect.read_at`)."""
    parameter, safe_for, within = flow.parameter, flow.safe_for, _portable(flow.within)
    assert parameter is not None
    node = result.node
    read = None
    if not isinstance(node, ast.Module) and parameter < len(result.parameters):
        known = context.derived(new_read_tables)
        read = written_read(node, result.parameters[parameter], within, known)
    if read is None:
        return ReturnEffect(parameter, safe_for, within=within)
    return ReturnEffect(
        parameter,
        safe_for,
        within=within,
        read_at=f"{context.path}:{read.lineno}",
        read_code=ast.unparse(read),  # the module text is not always at hand: same in every run
    )


def _portable(within: tuple[object, ...]) -> tuple[str, ...]:
    """A parameter part as a summary keeps it: string keys (attributes, mapping keys) only,
    since a summary travels as JSON; past another key (an index), the part holding it stands
    for it (coarser: `self.folders[0].origin` is kept as `self.folders`, never as all of
    `self`, which at a call site is everything the caller's object holds)."""
    keys: list[str] = []
    for key in within:
        if not isinstance(key, str):
            break
        keys.append(key)
    return tuple(keys)
