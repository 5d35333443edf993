"""The cross-module pass's rounds: their task, which worker each module goes to, and the run.

The pass summarises the same modules round after round (`iterate_project_index`, run here by
`project_index` in worker processes or on Ray). Each module is given to the same worker every
round (`worker_of_module`), and the worker keeps what it parsed (`RoundSummariser`), so a module
is read, parsed and indexed once for all rounds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from secreview.analysis.taint import ProjectIndex
from secreview.analysis.taint.project import (
    ModuleRound,
    iterate_project_index,
    module_context,
    summarise_module,
)
from secreview.cache import RoundCache
from secreview.config import ScanConfig
from secreview.findings import FileError
from secreview.index.context import ModuleContext
from secreview.index.facts import is_package_file
from secreview.parse import parse_module
from secreview.pipeline import library_names, models_for
from secreview.sources.discovery import SourceFile
from secreview.sources.reading import UnreadableSourceError, read_source
from secreview.tasks import budget_of, failure_error
from secreview.workers import TaskFailure, WorkerPool

KEPT_SOURCE_BYTES = 3 * 2**20
"""How much source (in bytes) the workers together keep parsed between rounds of the
cross-module pass (each worker its share): a tree takes tens of bytes per byte of source, so this
bounds their memory to under a hundred MB whatever `--jobs` is (a budget per worker made the
peak grow with the jobs); a module beyond it is parsed again in the rounds that need it. At
4 MB the peak of `-j 2` on the speed tree was 307 MB (workers 129 + 128 MB), at 3 MB 286 MB."""


class RoundSummariser:
    """The cross-module pass's task: summarise a module, keeping its parsed context for later.

    Rounds give each module to the same worker (`WorkerPool.run` with `slot_of`), and each
    worker has its own copy of this object, so a module is read, parsed and indexed once for
    every round instead of once per round. Only modules that asked the index for a name are
    kept (`_may_change`): the others are never summarised again (the worklist of
    `iterate_project_index`).
    """

    def __init__(self, kept_source_bytes: int = KEPT_SOURCE_BYTES) -> None:
        self._kept: dict[str, tuple[ModuleContext, int, ModuleRound]] = {}
        """module -> (its context, its size in bytes, its last round)"""
        self._room = kept_source_bytes
        self._index: ProjectIndex | None = None

    def __call__(
        self, shared: tuple[ScanConfig, ProjectIndex], source: SourceFile
    ) -> ModuleRound | None:
        """One round of summaries for one module; None when it cannot be read or parsed."""
        config, index = shared
        if index is not self._index:  # a new round: drop what it shows cannot change again
            self._index = index
            for module, (_, size, last) in list(self._kept.items()):
                if not _may_change(last, index):
                    del self._kept[module]
                    self._room += size
        kept = self._kept.pop(source.module, None)
        if kept is None:
            try:
                text = read_source(source.path, config.max_file_bytes)
            except UnreadableSourceError:
                return None
            tree = parse_module(text, source.shown_as).tree
            if tree is None:
                return None
            context, size = (
                module_context(
                    source.module,
                    tree,
                    source.package,
                    is_package_file(source.shown_as),
                    dict(config.project_shims),
                    library_names(config.model_dirs),
                    source.folder,
                    config.project_logs_keywords_apart,
                ),
                len(text),
            )
        else:
            context, size, _ = kept
            self._room += size
        outcome = summarise_module(source.module, context, models_for(config.model_dirs), index)
        if _may_change(outcome, index) and size <= self._room:
            self._kept[source.module] = (context, size, outcome)
            self._room -= size
        return outcome


def _may_change(outcome: ModuleRound, index: ProjectIndex) -> bool:
    """Whether a later round may summarise the module again: it asked for a name of the
    project (the index of a later round has the same names, only their summaries change), or
    the index is still empty (the first round: the names are not known yet)."""
    if outcome.asked_everything or not (index.summaries or index.classes):
        return True
    return any(name in index.summaries or name in index.classes for name in outcome.asked)


def summarise_source_file(
    shared: tuple[ScanConfig, ProjectIndex], source: SourceFile
) -> ModuleRound | None:
    """One round of summaries for one module, parsed afresh; None when it cannot be."""
    return RoundSummariser(kept_source_bytes=0)(shared, source)


def worker_of_module(sources: Sequence[SourceFile], jobs: int) -> dict[str, int]:
    """Each module's worker for every round: the largest first, each to the least loaded."""
    load = [0] * max(jobs, 1)
    sizes = {source.module: _size(source) for source in sources}
    slots: dict[str, int] = {}
    for module in sorted(sizes, key=lambda m: (-sizes[m], m)):
        slot = load.index(min(load))
        slots[module] = slot
        load[slot] += sizes[module]
    return slots


def _size(source: SourceFile) -> int:
    try:
        return source.path.stat().st_size
    except OSError:
        return 0


ModuleSummariser = Callable[[tuple[ScanConfig, ProjectIndex], SourceFile], ModuleRound | None]


def project_index(
    sources: Sequence[SourceFile],
    config: ScanConfig,
    jobs: int,
    summarise: ModuleSummariser | None = None,
    cached: RoundCache | None = None,
    known: ProjectIndex | None = None,
) -> tuple[ProjectIndex, dict[str, FileError]]:
    """Summaries of the functions of `sources`, one module per task, and the modules that failed.

    Workers last for all rounds and each module goes to the same worker every round, so the
    default summariser (`RoundSummariser`) parses it once. A module whose summary crashes its
    worker or exceeds its budget is left out of the index (and of later rounds), with one
    error for its file. With `cached`, a module whose summaries for a round are stored is not
    summarised again. `known` is what the scanner knows of the project before any summary
    (`iterate_project_index`): its `wanted` limits each module to the functions other modules
    can call (`demanded_functions`), its `aliases` are the names the project hands on
    (`alias_table`) and its `choices` the project's fixed-value types (`project_choices`).
    """
    failed: dict[str, FileError] = {}
    consequence = "flows through it into other modules were not followed"
    by_module = {source.module: source for source in sources}
    slots = worker_of_module(sources, min(jobs, len(sources)))

    def left_out(source: SourceFile, failure: TaskFailure) -> ModuleRound | None:
        doing = "summarise it for the cross-module pass"
        failed[source.module] = failure_error(source.shown_as, failure, doing, consequence)
        return None

    def rounds_through_cache(
        summarise_round: Callable[[list[SourceFile], ProjectIndex], list[ModuleRound | None]],
    ) -> Callable[[ProjectIndex, Sequence[str]], dict[str, ModuleRound]]:
        """A round of the worklist: the modules it names, stored or from `summarise_round`."""

        def run_round(index: ProjectIndex, modules: Sequence[str]) -> dict[str, ModuleRound]:
            remaining = [by_module[m] for m in modules if m not in failed]
            if cached is None:
                outcomes = summarise_round(remaining, index)
            else:
                outcomes = cached(
                    remaining,
                    index,
                    lambda misses: summarise_round(misses, index),
                    lambda source: source.module in failed,
                )
            return {
                source.module: outcome
                for source, outcome in zip(remaining, outcomes, strict=True)
                if outcome is not None
            }

        return run_round

    if config.engine == "ray":  # no worker outlives a round there: each round parses again
        from secreview.distributed.ray_engine import run_on_ray  # imported for Ray runs only

        def on_ray(remaining: list[SourceFile], index: ProjectIndex) -> list[ModuleRound | None]:
            work = summarise or RoundSummariser()
            budget = budget_of(config)
            shared = (config, index)
            return run_on_ray(
                remaining, work, shared, jobs=jobs, budget=budget, on_failure=left_out
            )

        index = iterate_project_index(sorted(by_module), rounds_through_cache(on_ray), known)
        return index, failed

    workers = min(jobs, len(sources))
    kept = RoundSummariser(kept_source_bytes=KEPT_SOURCE_BYTES // max(workers, 1))
    with WorkerPool(summarise or kept, workers) as pool:

        def in_pool(remaining: list[SourceFile], index: ProjectIndex) -> list[ModuleRound | None]:
            return pool.run(
                remaining,
                (config, index),
                budget=budget_of(config),
                on_failure=left_out,
                slot_of=lambda source: slots[source.module],
            )

        index = iterate_project_index(sorted(by_module), rounds_through_cache(in_pool), known)
        return index, failed
