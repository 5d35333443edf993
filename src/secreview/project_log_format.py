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
from collections.abc import Sequence

from secreview.analysis.rules._support.log_formats import (
    CONFIGURES,
    MARKERS,
    LoggingSites,
    logging_sites,
)
from secreview.config import ScanConfig
from secreview.context.testcode import is_test_path
from secreview.index.context import ModuleContext
from secreview.parse import parse_module
from secreview.patterns import lazy_pattern
from secreview.project_scripts import project_scripts
from secreview.sources.discovery import SourceFile
from secreview.sources.reading import UnreadableSourceError, read_source
from secreview.tasks import budget_of, runner_for
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
    scripts = project_scripts([source.shown_as for source in sources])
    texts: dict[SourceFile, str] = {}
    web_packages: set[str] = set()
    marked = False
    for source in sources:
        if not source.module or is_test_path(source.shown_as) or source.shown_as in scripts:
            continue
        try:
            text = read_source(source.path, config.max_file_bytes)
        except UnreadableSourceError:
            continue  # the review reports it
        marked = marked or any(marker in text for marker in MARKERS)
        if "import" in text and _TOP_WEB_IMPORT.search(text):
            web_packages.add(source.module.rpartition(".")[0])
        if any(word in text for word in CONFIGURES):
            texts[source] = text
    if not marked or not texts:
        return config
    candidates = list(texts)
    found: list[LoggingSites] = runner_for(config)(
        candidates,
        _sites,
        config,
        jobs=jobs,
        budget=budget_of(config),
        on_failure=_no_sites,
    )
    dicts = dict(pair for module in found for pair in module.dicts)
    every: list[bool] = []
    web: list[bool] = []
    fallback = False
    for source, module in zip(candidates, found, strict=True):
        serves_web = source.module.rpartition(".")[0] in web_packages
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


def _sites(config: ScanConfig, source: SourceFile) -> LoggingSites:
    """The module's logging configuration sites (the task a worker runs)."""
    try:
        text = read_source(source.path, config.max_file_bytes)
    except UnreadableSourceError:
        return _no_sites(source, None)
    tree = parse_module(text, source.shown_as).tree
    if tree is None:
        return _no_sites(source, None)
    context = ModuleContext(path=source.shown_as, text=text, tree=tree)
    return logging_sites(context, source.module)


def _no_sites(_source: SourceFile, _failure: TaskFailure | None) -> LoggingSites:
    """A file whose worker failed, or that cannot be read or parsed: its configuration is
    unknown, so it is plain text (a configuration the scan cannot read never makes findings
    go)."""
    return LoggingSites(((False, False),))
