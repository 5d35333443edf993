"""Whether the scanned project logs through a library that keeps keyword arguments out of the
message, known to every review (`log-injection`).

`logger.info("Case viewed", case_id=case_id, user=name)` means different things in different
libraries. The standard library's `Logger.info` accepts only `exc_info`, `stack_info`,
`stacklevel` and `extra`: any other keyword raises `TypeError`, so such a call is never the
standard library's. loguru puts every keyword into the record's `extra` dict, which a sink
writes only where its format asks for `{extra}`; logbook and `twisted.logger` use keywords only
to fill the `{}` fields the message names. structlog is the one that writes them: its console
renderer prints `key=value` with a string value as it is, line breaks and all.

Which library a call goes to is often unknowable where it is made: a service's base class in
another module binds `self.logger = logger.bind(service=...)`, and a subclass's method logs
through `self.logger`, a receiver of no known type. Before the review the scanner reads the text
of every module of the program (not tests, not scripts beside the package) and notes whether one
imports such a keyword-capturing library and whether any imports structlog. With the first and
not the second, a logging call on an untyped receiver that passes a keyword the standard library
rejects is read as that library's (`taint.log_arguments`): its unnamed keywords are no message
text. Only the text is read, nothing is parsed; the answer is in the configuration, so it is
part of every file's cache key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from secreview.config import ScanConfig
from secreview.context.testcode import is_test_path
from secreview.patterns import lazy_pattern
from secreview.project_prepasses import ParsedSource, with_prepasses
from secreview.project_scripts import project_scripts
from secreview.sources.discovery import SourceFile
from secreview.workers import TaskFailure

_CAPTURING_IMPORT = lazy_pattern(
    r"^[ \t]*(?:from[ \t]+(?:loguru|logbook|twisted\.logger)[ \t.]"
    r"|import[ \t]+(?:loguru|logbook|twisted\.logger)\b)",
    re.MULTILINE,
)
"""An import of a logging library whose loggers keep keywords the message does not name out of
the message text: loguru (`extra`), logbook and `twisted.logger` (format fields only)."""
_STRUCTLOG_IMPORT = lazy_pattern(r"^[ \t]*(?:from|import)[ \t]+structlog\b", re.MULTILINE)
"""An import of structlog, whose renderers write every keyword as `key=value`."""


def with_project_log_library(
    config: ScanConfig, sources: Sequence[SourceFile], jobs: int = 1
) -> ScanConfig:
    """`config` with `project_logs_keywords_apart` set when the project's logging calls with
    keywords the standard library rejects are a keyword-capturing library's."""
    scripts = project_scripts([source.shown_as for source in sources])
    return with_prepasses(config, sources, [LogLibraryPass(scripts)], jobs)


class LogLibraryPass:
    """Which logging library takes the project's keyword arguments, as a pre-pass that reads
    text only (`project_prepasses`)."""

    reads_text_only = True

    def __init__(self, scripts: frozenset[str]) -> None:
        """`scripts`: the project's scripts beside its package (`project_scripts`), whose
        imports say nothing of how the program logs."""
        self.scripts = scripts
        self.capturing = False
        self.structlog = False

    def wants_text(self, source: SourceFile) -> bool:
        """A module of the program: not test code, not a script beside the package."""
        return bool(source.module) and not (
            is_test_path(source.shown_as) or source.shown_as in self.scripts
        )

    def screen(self, _source: SourceFile, text: str) -> None:
        """Note whether the text imports a keyword-capturing library or structlog."""
        if not self.capturing and ("loguru" in text or "logbook" in text or "twisted" in text):
            self.capturing = bool(_CAPTURING_IMPORT.search(text))
        if not self.structlog and "structlog" in text:
            self.structlog = bool(_STRUCTLOG_IMPORT.search(text))

    def candidates(self) -> list[SourceFile]:
        """None: the text answers."""
        return []

    def work(self) -> Callable[[ParsedSource], None]:
        """Nothing to ask a worker (no candidate is parsed)."""
        return _nothing

    def failed(self, _source: SourceFile, _failure: TaskFailure) -> None:
        """Never asked: no file is parsed for this pre-pass."""

    def finish(self, config: ScanConfig, _found: list[None]) -> ScanConfig:
        """`config` with `project_logs_keywords_apart` when some module imports a
        keyword-capturing library and none imports structlog."""
        if self.capturing and not self.structlog:
            return config._replace(project_logs_keywords_apart=True)
        return config


def _nothing(_parsed: ParsedSource) -> None:
    """What a worker would answer: nothing (`LogLibraryPass` parses no file)."""
