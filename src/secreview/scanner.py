"""Scan many files: discover, review each in a worker process, merge deterministically.

Work is split one file per task over a process pool (one process per core by default); results
are sorted by path before anything is reported, so output is byte-for-byte the same whatever
`--jobs` is.
"""

from __future__ import annotations

import ast
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat

from secreview import __version__
from secreview.analysis.dataflow import ProjectIndex
from secreview.analysis.dataflow.project import (
    MAX_ROUNDS,
    RoundResult,
    iterate_project_index,
    summarise_modules,
)
from secreview.analysis.dataflow.summaries import ExternalSummary
from secreview.config import ScanConfig
from secreview.config_file import is_included
from secreview.findings import CheckedWeakness, FileReport, ScanResult
from secreview.index import cross_module_plan
from secreview.parse import parse_module
from secreview.pipeline import active_rules, models_for, review_file
from secreview.sources.discovery import SourceFile, discover
from secreview.sources.reading import UnreadableSourceError, read_source

ProgressCallback = Callable[[int, int], None]


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _review_one(
    source: SourceFile, config: ScanConfig, project: ProjectIndex | None = None
) -> FileReport:
    return review_file(source.path, source.shown_as, config, source.module, project)


def review_files(
    sources: Sequence[SourceFile],
    config: ScanConfig,
    jobs: int,
    progress: ProgressCallback | None = None,
    project: ProjectIndex | None = None,
) -> list[FileReport]:
    """Review `sources` with `jobs` processes (in this process when 1), in path order."""
    reports: list[FileReport] = []
    if jobs <= 1 or len(sources) <= 1:
        for done, source in enumerate(sources, start=1):
            reports.append(_review_one(source, config, project))
            if progress:
                progress(done, len(sources))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            chunk = max(1, min(32, len(sources) // (jobs * 8) or 1))
            count = len(sources)
            results = pool.map(
                _review_one, sources, [config] * count, [project] * count, chunksize=chunk
            )
            for done, report in enumerate(results, start=1):
                reports.append(report)
                if progress:
                    progress(done, len(sources))
    return sorted(reports, key=lambda r: r.path)


def _parsed(source: SourceFile, config: ScanConfig) -> ast.Module | None:
    """The module's tree, or None when it cannot be read or parsed (pass 1 reported why)."""
    try:
        text = read_source(source.path, config.max_file_bytes)
    except UnreadableSourceError:
        return None
    return parse_module(text, source.shown_as).tree


def _summarise_chunk(
    chunk: Sequence[SourceFile], config: ScanConfig, index: ProjectIndex
) -> RoundResult:
    """One round of summaries for some modules (run in a worker process)."""
    trees = {s.module: tree for s in chunk if (tree := _parsed(s, config)) is not None}
    return summarise_modules(trees, models_for(config.model_dirs), index)


def project_index(sources: Sequence[SourceFile], config: ScanConfig, jobs: int) -> ProjectIndex:
    """Summaries of the functions of `sources`, each round split over `jobs` processes."""
    if jobs <= 1 or len(sources) <= 1:
        trees = {s.module: tree for s in sources if (tree := _parsed(s, config)) is not None}
        models = models_for(config.model_dirs)
        return iterate_project_index(lambda index: summarise_modules(trees, models, index))
    parts = min(len(sources), jobs * 4)
    chunks = [list(sources[start::parts]) for start in range(parts)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:

        def run_round(index: ProjectIndex) -> RoundResult:
            summaries: dict[str, ExternalSummary] = {}
            classes: set[str] = set()
            for found, names in pool.map(_summarise_chunk, chunks, repeat(config), repeat(index)):
                summaries.update(found)
                classes.update(names)
            return summaries, classes

        return iterate_project_index(run_round)


def with_cross_module_flows(
    sources: Sequence[SourceFile], reports: list[FileReport], config: ScanConfig, jobs: int
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
    summarised = [by_module[m] for m in sorted(to_summarise)]
    index = project_index(summarised, config, jobs)
    again = {
        r.path: r
        for r in review_files(
            [by_module[m] for m in sorted(to_review)], config, jobs, project=index
        )
    }
    return [again.get(r.path, r) for r in reports]


def checked_weaknesses(
    reports: Sequence[FileReport], config: ScanConfig
) -> tuple[CheckedWeakness, ...]:
    """Every CWE the active rules look for, with the number of (non-note) findings of it."""
    counts = Counter(f.cwe for r in reports for f in r.findings if not f.is_note)
    cwes = sorted({rule.cwe for rule in active_rules(config)})
    return tuple(CheckedWeakness(cwe=cwe, found=counts.get(cwe, 0)) for cwe in cwes)


def scan(
    roots: Sequence[str],
    config: ScanConfig,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
) -> ScanResult:
    """Discover and review every Python file under `roots`."""
    started = time.perf_counter()
    sources, missing = discover(roots, config.excludes, config.follow_symlinks)
    sources = [source for source in sources if is_included(source.shown_as, config)]
    workers = jobs or default_jobs()
    reports = review_files(sources, config, workers, progress)
    reports = with_cross_module_flows(sources, reports, config, workers)
    reports.extend(FileReport(path=e.path, error=e, reviewed=False) for e in missing)
    reports.sort(key=lambda r: r.path)
    return ScanResult(
        files=tuple(reports),
        checked=checked_weaknesses(reports, config),
        rule_ids=tuple(rule.id for rule in active_rules(config)),
        elapsed_seconds=time.perf_counter() - started,
        tool_version=__version__,
        extra={"parse_fallbacks": sum(1 for r in reports if r.parsed_with_fallback)},
    )
