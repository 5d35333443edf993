"""Review many files: discover, review each in a worker process, merge deterministically.

Work is split one file per task over worker processes (one per core by default, and a worker
even with one job, so a file that crashes the parser cannot crash secreview); results are sorted
by path before anything is reported, so output is byte-for-byte the same whatever `--jobs` is.
`scan` reviews files on disk; the review of a change hands in the versions of its files as text
(`review_texts`), and both build their result with `scan_result`.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

from secreview import __version__
from secreview.analysis.models import modelled_packages
from secreview.analysis.taint import ProjectIndex
from secreview.analysis.taint.project import MAX_ROUNDS
from secreview.analysis.taint.project_types import project_types
from secreview.analysis.taint.route_kinds import defining_modules
from secreview.cache import IncrementalCache, open_cache
from secreview.config import ScanConfig, is_included
from secreview.context.testcode import is_test_path
from secreview.distributed import Runner
from secreview.findings import CheckedWeakness, ErrorKind, FileError, FileReport, ScanResult
from secreview.index.choices import patterned_fields
from secreview.index.facts import (
    cross_module_plan,
    demanded_functions,
    implementing_modules,
)
from secreview.index.reexports import ReExports, alias_table, followed_imports
from secreview.index.xml_defaults import safe_parser_fields
from secreview.pipeline import active_rules, models_for, review_text_guarded
from secreview.project_aliases import ShimsPass
from secreview.project_constants import ConstantsPass
from secreview.project_facts import FactsPass
from secreview.project_log_format import LogFormatPass
from secreview.project_log_library import LogLibraryPass
from secreview.project_prepasses import PrePass, with_prepasses
from secreview.project_routes import project_routes
from secreview.project_scripts import with_project_scripts
from secreview.sources.discovery import SourceFile, discover
from secreview.sources.identity import with_identities
from secreview.summary_rounds import project_index
from secreview.tasks import (
    FileReviewer,
    budget_of,
    failure_error,
    file_budget,
    review_source_file,
    review_source_file_again,
    runner_for,
)
from secreview.workers import Budget, TaskFailure, run_isolated

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


_Reviewed = TypeVar("_Reviewed")
_Shared = TypeVar("_Shared")


SourceText = tuple[str, str]
"""(text, path): one version of one file, held in memory (a file before or after a change)."""


def review_source_text(config: ScanConfig, source: SourceText) -> FileReport:
    """Review one version of a file held in memory (the task a worker runs)."""
    text, path = source
    return review_text_guarded(text, path, config)


def _review_isolated(
    tasks: Sequence[_Reviewed],
    review: Callable[[_Shared, _Reviewed], FileReport],
    shared: _Shared,
    *,
    jobs: int,
    budget: Callable[[_Reviewed], Budget],
    path_of: Callable[[_Reviewed], str],
    progress: ProgressCallback | None = None,
    runner: Runner = run_isolated,
) -> list[FileReport]:
    """`review` of each task in a worker, in the order given; a failed worker is the file's error.

    A file that crashes its worker, or exceeds its time or memory budget, becomes an error
    report under the path `path_of` gives; the other files are reviewed as if it were not there.
    """

    def unreviewed(task: _Reviewed, failure: TaskFailure) -> FileReport:
        path = path_of(task)
        error = failure_error(path, failure, "review it", "the file was not reviewed")
        return FileReport(path=path, error=error, reviewed=False)

    return runner(
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
    return _review_sources(sources, review, (config, project), config, jobs, progress)


def _review_sources(
    sources: Sequence[SourceFile],
    review: Callable[[_Shared, SourceFile], FileReport],
    shared: _Shared,
    config: ScanConfig,
    jobs: int,
    progress: ProgressCallback | None,
) -> list[FileReport]:
    """`review` of each of `sources` in `jobs` worker processes, in path order."""
    reports = _review_isolated(
        sources,
        review,
        shared,
        jobs=jobs,
        budget=budget_of(config),
        path_of=lambda source: source.shown_as,
        progress=progress,
        runner=runner_for(config),
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


def _with_error(report: FileReport, error: FileError) -> FileReport:
    """`report` also carrying `error`; a file that already failed the same way keeps one."""
    if report.error is None:
        return report._replace(error=error)
    if report.error.kind in (ErrorKind.INTERNAL, ErrorKind.BUDGET):
        return report
    message = f"{report.error.message}; it also {error.message}"
    return report._replace(error=FileError(error.path, message, error.kind))


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
    followed, also when a package hands the function on (`from pkg import run_query`, a star
    import: `secreview.index.reexports`). Everything else keeps its first-pass report, so the
    cost is paid only there.
    When no active rule uses the summaries (a `--select` of pattern rules), nothing can change
    and the pass is skipped.
    """
    if not any(rule.uses_project_summaries for rule in active_rules(config)):
        return _without_local_findings(reports)
    bindings = ReExports(
        {r.facts.module: r.facts.bindings for r in reports if r.facts},
        modelled_packages(models_for(config.model_dirs)),
    )
    facts = followed_imports([r.facts for r in reports if r.facts is not None], bindings)
    routes = project_routes(facts, bindings.defining_name)
    to_summarise, to_review = cross_module_plan(facts, depth=MAX_ROUNDS - 1)
    # A test double implementing a stub is no code a deployed call runs.
    tests = {s.module for s in sources if s.module and is_test_path(s.shown_as)}
    to_summarise |= implementing_modules(
        [f for f in facts if f.module not in tests], to_summarise, bindings.defining_name
    )
    readers = {f.module for f in facts if f.reads_remote_input}
    to_review |= defining_modules(routes.functions, readers)
    if not to_review:
        return _without_local_findings(reports)
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
    wanted = demanded_functions(facts, to_summarise | to_review)
    safe_parsers = frozenset(f"{f.module}.{name}" for f in facts for name in f.safe_parsers)
    index, failed = project_index(
        summarised,
        config,
        jobs,
        cached=cache.summary_rounds(imports),
        known=replace(
            project_types(
                {f.module: f.choice_bases for f in facts},
                bindings.defining_name,
                models_for(config.model_dirs).clean_annotations,
                {f.module: f.decorator_fills for f in facts},
                {f.module: f.keyword_classes for f in facts},
                {f.module: f.own_text_classes for f in facts},
            ),
            wanted=wanted,
            aliases=alias_table(facts, bindings, to_summarise | to_review),
            routes=routes.arguments,
            matchdict_routes=routes.matchdict,
            request_helpers=routes.helpers,
            scanned=frozenset(by_module),
            safe_xml_modules=frozenset(f.module for f in facts if f.safe_xml_default),
            safe_parsers=safe_parsers,
            safe_parser_fields=safe_parser_fields(
                (store for f in facts for store in f.parser_fields),
                safe_parsers,
                bindings.defining_name,
            ),
            patterned=patterned_fields(
                {f.module: f.choice_bases for f in facts},
                bindings.defining_name,
                models_for(config.model_dirs).pattern_types,
            ),
        ),
    )

    local = {
        r.facts.module: r.local_findings
        for r in reports
        if r.facts is not None and r.facts.module in to_review and r.local_findings is not None
    }

    def review_again(sources: list[SourceFile]) -> list[FileReport]:
        shared = (config, index, {s.module: local[s.module] for s in sources if s.module in local})
        return _review_sources(sources, review_source_file_again, shared, config, jobs, progress)

    again_sources = [by_module[m] for m in sorted(to_review)]
    again = {
        r.path: r for r in cache.reports_with_summaries(again_sources, index, imports, review_again)
    }
    errors = {error.path: error for error in failed.values()}
    updated = [again.get(r.path, r) for r in _without_local_findings(reports)]
    return [_with_error(r, errors[r.path]) if r.path in errors else r for r in updated]


def _without_local_findings(reports: list[FileReport]) -> list[FileReport]:
    """`reports` without what only the second review needed (it is not rendered; dropping it
    keeps the memory of a large scan's result down)."""
    return [r._replace(local_findings=None) if r.local_findings is not None else r for r in reports]


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
    if config.engine == "ray":  # its workers run elsewhere, in another working folder
        sources = [s._replace(path=s.path.absolute()) for s in sources]
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
    active = {rule.id for rule in active_rules(config)}
    config = with_prepasses(config, sources, _prepasses(sources, config, active), workers)
    config = with_project_scripts(config, sources)
    with open_cache(config) as cache:
        reports = _first_pass(sources, config, workers, _phase(progress, REVIEWING), cache)
        reports = with_cross_module_flows(
            sources, reports, config, workers, _phase(progress, CROSS_MODULE), cache
        )
    reports.extend(FileReport(path=e.path, error=e, reviewed=False) for e in missing)
    reports.sort(key=lambda r: r.path)
    return scan_result(reports, config, started, config.configuration)


def _prepasses(
    sources: Sequence[SourceFile], config: ScanConfig, active: set[str]
) -> list[PrePass]:
    """The facts the active rules need from the whole project before the review, gathered
    together (`project_prepasses`: every file read once, one pool of workers)."""
    pickles = "unsafe-deserialization" in active
    debug = "exception-details-in-response" in active
    passes: list[PrePass] = []
    if pickles or debug:
        passes.append(FactsPass(pickles=pickles, debug=debug))
    passes += [ShimsPass(sources), ConstantsPass(sources, config)]
    if "log-injection" in active:
        log_format = LogFormatPass(sources)  # its scripts beside the package serve both
        passes += [log_format, LogLibraryPass(log_format.scripts)]
    return passes


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
