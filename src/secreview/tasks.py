"""A file's task in a worker: the review it runs, what it may use, where it runs, and how its
failure is said.

Shared by the first pass, the cross-module pass's rounds and its second reviews (`scanner`,
`summary_rounds`), locally or on Ray (`secreview.distributed`): the same budget and the same
error sentence for the same failure, whichever ran it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from secreview.analysis.taint import ProjectIndex
from secreview.config import MEMORY_PER_SOURCE_BYTE, ScanConfig
from secreview.distributed import Runner
from secreview.findings import ErrorKind, FileError, FileReport, Finding
from secreview.pipeline import review_file
from secreview.sources.discovery import SourceFile
from secreview.workers import Budget, FailureKind, TaskFailure, run_isolated


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


def runner_for(config: ScanConfig) -> Runner:
    """Where `config`'s per-file work runs: local worker processes, or the Ray cluster that
    `ray_session` connected to (`--engine ray`); the Ray engine is imported only then."""
    if config.engine != "ray":
        return run_isolated
    from secreview.distributed.ray_engine import run_on_ray

    return run_on_ray


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


ReviewShared = tuple[ScanConfig, ProjectIndex | None]
"""What every file's review shares: the configuration and the project's summaries, if any."""
FileReviewer = Callable[[ReviewShared, SourceFile], FileReport]


def review_source_file(shared: ReviewShared, source: SourceFile) -> FileReport:
    """Review one discovered file (the task a worker runs)."""
    config, project = shared
    return review_file(
        source.path, source.shown_as, config, source.module, project, identity=source.identity
    )


AgainShared = tuple[ScanConfig, ProjectIndex, Mapping[str, tuple[Finding, ...]]]
"""What the cross-module pass's second reviews share: the configuration, the project's
summaries, and each module's first-pass `FileReport.local_findings`."""


def review_source_file_again(shared: AgainShared, source: SourceFile) -> FileReport:
    """Review one module again with the project's summaries (the task a worker runs): only the
    rules that use them run where the first pass kept the other rules' findings."""
    config, project, local_findings = shared
    return review_file(
        source.path,
        source.shown_as,
        config,
        source.module,
        project,
        identity=source.identity,
        local_findings=local_findings.get(source.module),
    )
