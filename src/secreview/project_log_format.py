"""Whether the scanned project's logging renders JSON as it runs by default, known to every
review (`log-injection`).

A JSON log formatter escapes the line breaks of every message, so a value logged through it
cannot forge an entry; but the formatter is chosen once, in a configuration module (keep's
`logging.py` picks `pythonjsonlogger` when `LOG_FORMAT`, unset, takes its default), while the
logging calls are everywhere. Before the review the scanner reads every file's text and, only
when one names a JSON formatter, parses in worker processes (under each file's budget) the
modules whose text configures logging, and asks each for its configuration sites
(`rules._support.log_formats`: `dictConfig`, Django's `LOGGING`, `setFormatter`,
`basicConfig`; structlog's configuration renders only structlog's loggers).

Which sites decide: a project often configures logging for several programs (the web server,
a command-line tool, scripts run by hand). Sites in test code, in scripts beside the package and
under `if __name__ == "__main__":` are left out; when some remaining site is in a package that
serves the web (a module of its folder imports a web framework at its top level) or is Django's
`LOGGING`, only those sites decide, since the findings are about what a web client sends. The
project logs JSON when every deciding site renders JSON by default. A JSON formatter that is
only one option, not the default (`--json`, `LOG_FORMAT=json`), leaves the findings as they are:
the program as shipped writes plain lines, and the scan reads a program with its defaults.
The answer is in the configuration, so it is part of every file's cache key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from secreview.analysis.rules._support.log_formats import (
    CONFIGURES,
    MARKERS,
    LoggingSites,
    logging_sites,
)
from secreview.config import ScanConfig
from secreview.context.testcode import is_test_path
from secreview.patterns import lazy_pattern
from secreview.project_prepasses import ParsedSource, with_prepasses
from secreview.project_scripts import project_scripts
from secreview.sources.discovery import SourceFile
from secreview.workers import TaskFailure

_TOP_WEB_IMPORT = lazy_pattern(
    r"^(?:from|import)[ \t]+(?:flask|quart|django|rest_framework|fastapi|starlette|webob"
    r"|pyramid|tornado|aiohttp|sanic|falcon|bottle|cherrypy|werkzeug|litestar)\b",
    re.MULTILINE,
)
"""An import of a web framework at a module's top level (an import inside a function, such as a
command-line tool's short-lived callback server, does not make its package the web server's)."""


def with_project_log_format(
    config: ScanConfig, sources: Sequence[SourceFile], jobs: int = 1
) -> ScanConfig:
    """`config` with `project_logs_json` set when the project's deciding logging
    configurations all render JSON by default."""
    return with_prepasses(config, sources, [LogFormatPass(sources)], jobs)


class LogFormatPass:
    """Whether the project logs JSON, as a pre-pass (`project_prepasses`)."""

    reads_text_only = False

    def __init__(self, sources: Sequence[SourceFile]) -> None:
        self.scripts = project_scripts([source.shown_as for source in sources])
        self.configuring: list[SourceFile] = []
        self.web_packages: set[str] = set()
        self.marked = False

    def wants_text(self, source: SourceFile) -> bool:
        """A module of the program: not test code, not a script beside the package."""
        return bool(source.module) and not (
            is_test_path(source.shown_as) or source.shown_as in self.scripts
        )

    def screen(self, source: SourceFile, text: str) -> None:
        """Note whether the text names a JSON formatter, imports a web framework at its top
        level, or may configure logging."""
        self.marked = self.marked or any(marker in text for marker in MARKERS)
        if "import" in text and _TOP_WEB_IMPORT.search(text):
            self.web_packages.add(source.module.rpartition(".")[0])
        if any(word in text for word in CONFIGURES):
            self.configuring.append(source)

    def candidates(self) -> list[SourceFile]:
        """The modules that may configure logging, when some text names a JSON formatter."""
        return self.configuring if self.marked else []

    def work(self) -> Callable[[ParsedSource], LoggingSites]:
        """The configuration sites of each."""
        return _sites

    def failed(self, source: SourceFile, failure: TaskFailure) -> LoggingSites:
        """A file whose worker failed: its configuration is plain text."""
        return _no_sites(source, failure)

    def finish(self, config: ScanConfig, found: list[LoggingSites]) -> ScanConfig:
        """`config` with `project_logs_json` when every deciding site renders JSON."""
        dicts = dict(pair for module in found for pair in module.dicts)
        every: list[bool] = []
        web: list[bool] = []
        fallback = False
        for source, module in zip(self.configuring, found, strict=True):
            serves_web = source.module.rpartition(".")[0] in self.web_packages
            for verdict, django in module.sites:
                renders_json = dicts.get(verdict, False) if isinstance(verdict, str) else verdict
                every.append(renders_json)
                if django or serves_web:
                    web.append(renders_json)
            fallback = fallback or module.fallback
        deciding = web or every or ([False] if fallback else [])
        if deciding and all(deciding):
            return config._replace(project_logs_json=True)
        return config


def _sites(parsed: ParsedSource) -> LoggingSites:
    """The module's logging configuration sites (what a worker asks)."""
    context = parsed.context
    if context is None:
        return _no_sites(parsed.source, None)
    return logging_sites(context, parsed.source.module)


def _no_sites(_source: SourceFile, _failure: TaskFailure | None) -> LoggingSites:
    """A file whose worker failed, or that cannot be read or parsed: its configuration is
    unknown, so it is plain text (a configuration the scan cannot read never makes findings
    go)."""
    return LoggingSites(((False, False),))
