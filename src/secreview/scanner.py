"""Review many files: discover, review each in a worker process, merge deterministically.

Work is split one file per task over worker processes (one per core by default, and a worker
even with one job, so a file that crashes the parser cannot crash secreview); results are sorted
by path before anything is reported, so output is byte-for-byte the same whatever `--jobs` is.
`scan` reviews files on disk; the review of a change hands in the versions of its files as text
(`review_texts`), and both build their result with `scan_result`.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from secreview import __version__
from secreview.analysis.taint import ProjectIndex
from secreview.analysis.taint.project import (
    MAX_ROUNDS,
    RoundResult,
    iterate_project_index,
    summarise_modules,
)
from secreview.analysis.taint.summaries import ExternalSummary
from secreview.cache import IncrementalCache, RoundCache, open_cache
from secreview.config import MEMORY_PER_SOURCE_BYTE, ScanConfig, is_included
from secreview.findings import CheckedWeakness, ErrorKind, FileError, FileReport, ScanResult
from secreview.index.facts import cross_module_plan
from secreview.parse import parse_module
from secreview.pipeline import active_rules, models_for, review_file, review_text_guarded
from secreview.sources.discovery import SourceFile, discover
from secreview.sources.identity import with_identities
from secreview.sources.reading import UnreadableSourceError, read_source
from secreview.workers import Budget, FailureKind, TaskFailure, run_isolated

ProgressCallback = Callable[[int, int], None]
PhaseProgress = Callable[[str, int, int | None], None]
"""(phase label, done, total or None when unknown): what a progress display is told."""
REVIEWING, CROSS_MODULE = "Reviewing files", "Following flows across modules"


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


ReviewShared = tuple[ScanConfig, ProjectIndex | None]
"""What every file's review shares: the configuration and the project's summaries, if any."""
FileReviewer = Callable[[ReviewShared, SourceFile], FileReport]
ModuleSummariser = Callable[[tuple[ScanConfig, ProjectIndex], SourceFile], RoundResult]
_Reviewed = TypeVar("_Reviewed")
_Shared = TypeVar("_Shared")


def review_source_file(shared: ReviewShared, source: SourceFile) -> FileReport:
    """Review one discovered file (the task a worker runs)."""
    config, project = shared
    return review_file(
        source.path, source.shown_as, config, source.module, project, identity=source.identity
    )


SourceText = tuple[str, str]
"""(text, path): one version of one file, held in memory (a file before or after a change)."""


def review_source_text(config: ScanConfig, source: SourceText) -> FileReport:
    """Review one version of a file held in memory (the task a worker runs)."""
    text, path = source
    return review_text_guarded(text, path, config)


def file_budget(config: ScanConfig, size: int) -> Budget:
    """The time and memory a file of `size` bytes may take: memory grows with the size.

    Python's syntax tree alone takes up to ~350 bytes per byte of dense source (a 2 MB table
    of numbers needs 700 MB), so a flat limit would either fail big innocent files or let a
    small file that blows up take gigabytes.
    """
    if config.file_memory_bytes is None:
        return Budget(seconds=config.file_timeout_seconds)
    memory = config.file_memory_bytes + MEMORY_PER_SOURCE_BYTE * size
    return Budget(seconds=config.file_timeout_seconds, memory_bytes=memory)


def budget_of(config: ScanConfig) -> Callable[[SourceFile], Budget]:
    """Each discovered file's budget, by its size on disk."""

    def budget(source: SourceFile) -> Budget:
        try:
            size = source.path.stat().st_size
        except OSError:  # the review reports why it cannot be read
            size = 0
        return file_budget(config, size)

    return budget


def failure_error(path: str, failure: TaskFailure, doing: str, consequence: str) -> FileError:
    """The error for a file whose worker failed: a crash is ours (INTERNAL), a budget the file's.

    `doing` is the work in the infinitive ("review it"), `consequence` what was lost.
    """
    detail = failure.detail
    if failure.kind is FailureKind.TIMED_OUT:
        message = f"took longer than {detail} to {doing} (the limit); {consequence}"
        return FileError(path, message, ErrorKind.BUDGET)
    if failure.kind is FailureKind.OUT_OF_MEMORY:
        message = f"needed more than {detail} of memory to {doing} (the limit); {consequence}"
        return FileError(path, message, ErrorKind.BUDGET)
    if failure.kind is FailureKind.CRASHED:
        message = f"crashed the worker process trying to {doing} ({detail}); {consequence}"
    else:
        message = f"raised an internal error trying to {doing} ({detail}); {consequence}"
    return FileError(path, message, ErrorKind.INTERNAL)


def _review_isolated(
    tasks: Sequence[_Reviewed],
    review: Callable[[_Shared, _Reviewed], FileReport],
    shared: _Shared,
    *,
    jobs: int,
    budget: Callable[[_Reviewed], Budget],
    path_of: Callable[[_Reviewed], str],
    progress: ProgressCallback | None = None,
) -> list[FileReport]:
    """`review` of each task in a worker, in the order given; a failed worker is the file's error.

    A file that crashes its worker, or exceeds its time or memory budget, becomes an error
    report under the path `path_of` gives; the other files are reviewed as if it were not there.
    """

    def unreviewed(task: _Reviewed, failure: TaskFailure) -> FileReport:
        path = path_of(task)
        error = failure_error(path, failure, "review it", "the file was not reviewed")
        return FileReport(path=path, error=error, reviewed=False)

    return run_isolated(
        tasks, review, shared, jobs=jobs, budget=budget, on_failure=unreviewed, progress=progress
    )


def review_files(
    sources: Sequence[SourceFile],
    config: ScanConfig,
    jobs: int,
    progress: ProgressCallback | None = None,
    project: ProjectIndex | None = None,
    review: FileReviewer = review_source_file,
) -> list[FileReport]:
    """Review `sources` in `jobs` worker processes, one file per task, in path order."""
    reports = _review_isolated(
        sources,
        review,
        (config, project),
        jobs=jobs,
        budget=budget_of(config),
        path_of=lambda source: source.shown_as,
        progress=progress,
    )
    return sorted(reports, key=lambda r: r.path)


def review_texts(sources: Sequence[SourceText], config: ScanConfig, jobs: int) -> list[FileReport]:
    """Review versions of files held in memory in `jobs` worker processes, in the order given.

    Each version's budget follows the size of its text, as a file's follows its size on disk.
    """
    return _review_isolated(
        sources,
        review_source_text,
        config,
        jobs=jobs,
        budget=lambda source: file_budget(config, len(source[0].encode("utf-8", "surrogatepass"))),
        path_of=lambda source: source[1],
    )


def _parsed(source: SourceFile, config: ScanConfig) -> ast.Module | None:
    """The module's tree, or None when it cannot be read or parsed (pass 1 reported why)."""
    try:
        text = read_source(source.path, config.max_file_bytes)
    except UnreadableSourceError:
        return None
    return parse_module(text, source.shown_as).tree


def summarise_source_file(
    shared: tuple[ScanConfig, ProjectIndex], source: SourceFile
) -> RoundResult:
    """One round of summaries for one module (the task a worker runs)."""
    config, index = shared
    tree = _parsed(source, config)
    trees = {source.module: tree} if tree is not None else {}
    return summarise_modules(trees, models_for(config.model_dirs), index)


def project_index(
    sources: Sequence[SourceFile],
    config: ScanConfig,
    jobs: int,
    summarise: ModuleSummariser = summarise_source_file,
    cached: RoundCache | None = None,
) -> tuple[ProjectIndex, dict[str, FileError]]:
    """Summaries of the functions of `sources`, one module per task, and the modules that failed.

    A module whose summary crashes its worker or exceeds its budget is left out of the index
    (and of later rounds), with one error for its file. With `cached`, a module whose summaries
    for a round are stored is not summarised again.
    """
    failed: dict[str, FileError] = {}
    consequence = "flows through it into other modules were not followed"

    def run_round(index: ProjectIndex) -> RoundResult:
        def left_out(source: SourceFile, failure: TaskFailure) -> RoundResult:
            doing = "summarise it for the cross-module pass"
            failed[source.module] = failure_error(source.shown_as, failure, doing, consequence)
            return {}, set()

        def summarise_all(remaining: list[SourceFile]) -> list[RoundResult]:
            return run_isolated(
                remaining,
                summarise,
                (config, index),
                jobs=jobs,
                budget=budget_of(config),
                on_failure=left_out,
            )

        summaries: dict[str, ExternalSummary] = {}
        classes: set[str] = set()
        remaining = [s for s in sources if s.module not in failed]
        results = (
            cached(remaining, index, summarise_all, lambda s: s.module in failed)
            if cached is not None
            else summarise_all(remaining)
        )
        for found, names in results:
            summaries.update(found)
            classes.update(names)
        return summaries, classes

    return iterate_project_index(run_round), failed


def _with_error(report: FileReport, error: FileError) -> FileReport:
    """`report` also carrying `error`; a file that already failed the same way keeps one."""
    if report.error is None:
        return dataclasses.replace(report, error=error)
    if report.error.kind in (ErrorKind.INTERNAL, ErrorKind.BUDGET):
        return report
    message = f"{report.error.message}; it also {error.message}"
    return dataclasses.replace(report, error=FileError(error.path, message, error.kind))


def with_cross_module_flows(
    sources: Sequence[SourceFile],
    reports: list[FileReport],
    config: ScanConfig,
    jobs: int,
    progress: ProgressCallback | None = None,
    cache: IncrementalCache | None = None,
) -> list[FileReport]:
    """Review again, with project-wide summaries, the modules whose input can leave them.

    The first pass is per file. Where a module that reads remote input imports other modules of
    the project, those modules' functions are summarised (which parameters reach a sink or the
    return value) and that module is reviewed again, so `from helpers import run_query` is
    followed. Everything else keeps its first-pass report, so the cost is paid only there.
    """
    facts = [r.facts for r in reports if r.facts is not None]
    to_summarise, to_review = cross_module_plan(facts, depth=MAX_ROUNDS - 1)
    if not to_review:
        return reports
    by_module = {s.module: s for s in sources if s.module}
    # A file the first pass could not review (unparsable, crashed, over budget) is not tried
    # again: it would only fail again, costing another budget and a second error.
    unreviewed = {r.path for r in reports if not r.reviewed}
    summarised = [
        by_module[m] for m in sorted(to_summarise) if by_module[m].shown_as not in unreviewed
    ]
    if progress is not None:
        progress(0, 0)  # the pass has started; its length is not known yet
    cache = cache or IncrementalCache.off(config)
    imports = {f.module: f.imports for f in facts}
    index, failed = project_index(summarised, config, jobs, cached=cache.summary_rounds(imports))

    def review_again(sources: list[SourceFile]) -> list[FileReport]:
        return review_files(sources, config, jobs, progress, project=index)

    again_sources = [by_module[m] for m in sorted(to_review)]
    again = {
        r.path: r for r in cache.reports_with_summaries(again_sources, index, imports, review_again)
    }
    errors = {error.path: error for error in failed.values()}
    updated = [again.get(r.path, r) for r in reports]
    return [_with_error(r, errors[r.path]) if r.path in errors else r for r in updated]


def _first_pass(
    sources: Sequence[SourceFile],
    config: ScanConfig,
    jobs: int,
    progress: ProgressCallback | None,
    cache: IncrementalCache,
) -> list[FileReport]:
    """Each file's own review (the stored one where the cache has it), in path order."""
    reviewed = cache.reports(sources, lambda misses: review_files(misses, config, jobs, progress))
    return sorted(reviewed, key=lambda r: r.path)


def checked_weaknesses(
    reports: Sequence[FileReport], config: ScanConfig
) -> tuple[CheckedWeakness, ...]:
    """Every CWE the active rules look for, with the number of (non-note) findings of it."""
    counts = Counter(f.cwe for r in reports for f in r.findings if not f.is_note)
    hidden = Counter(cwe for r in reports for cwe in r.hidden_cwes)
    cwes = sorted({rule.cwe for rule in active_rules(config)})
    return tuple(CheckedWeakness(cwe, counts.get(cwe, 0), hidden.get(cwe, 0)) for cwe in cwes)


def scan(
    roots: Sequence[str],
    config: ScanConfig,
    jobs: int | None = None,
    progress: PhaseProgress | None = None,
) -> ScanResult:
    """Discover and review every Python file under `roots`."""
    started = time.perf_counter()
    sources, missing = discover(
        roots, config.excludes, config.follow_symlinks, gitignore=config.gitignore
    )
    sources = [source for source in sources if is_included(source.shown_as, config)]
    sources = with_identities(sources, roots)
    return scan_sources(sources, missing, config, jobs, progress, started=started)


def _phase(progress: PhaseProgress | None, label: str) -> ProgressCallback | None:
    if progress is None:
        return None
    return lambda done, total: progress(label, done, total or None)


def scan_sources(
    sources: Sequence[SourceFile],
    missing: Sequence[FileError],
    config: ScanConfig,
    jobs: int | None = None,
    progress: PhaseProgress | None = None,
    *,
    started: float | None = None,
) -> ScanResult:
    """Review `sources` (discovered, or standard input saved to a file) and report `missing`."""
    started = time.perf_counter() if started is None else started
    workers = jobs or default_jobs()
    with open_cache(config) as cache:
        reports = _first_pass(sources, config, workers, _phase(progress, REVIEWING), cache)
        reports = with_cross_module_flows(
            sources, reports, config, workers, _phase(progress, CROSS_MODULE), cache
        )
    reports.extend(FileReport(path=e.path, error=e, reviewed=False) for e in missing)
    reports.sort(key=lambda r: r.path)
    return scan_result(reports, config, started, config.configuration)


def scan_result(
    reports: Sequence[FileReport],
    config: ScanConfig,
    started: float,
    configuration: str,
    extra: Mapping[str, object] | None = None,
) -> ScanResult:
    """What a run of `config` over the files of `reports` gives a reporter.

    `started` is the `time.perf_counter()` of the run's start, `configuration` the file the
    settings came from, and `extra` what the kind of run adds (a review, its `ReviewInfo`).
    """
    fallbacks = sum(1 for r in reports if r.parsed_with_fallback)
    return ScanResult(
        files=tuple(reports),
        checked=checked_weaknesses(reports, config),
        rule_ids=tuple(rule.id for rule in active_rules(config)),
        elapsed_seconds=time.perf_counter() - started,
        tool_version=__version__,
        configuration=configuration,
        extra={"parse_fallbacks": fallbacks, **(extra or {})},
    )
