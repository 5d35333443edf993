"""Facts about the scanned project that every module's review needs, gathered before the review
in one pass of worker processes: the files its modules write with pickle
(`secreview.project_pickles`), the helpers that show a value only under a debug flag
(`secreview.project_debug_helpers`) and those that only log an exception they are handed
(`rules._support.quiet_helpers`).

Each pass of worker processes pays for starting them (about a second of CPU at `-j 1`, as much as
reviewing many small files), so the facts share one: a file is parsed once, in a worker under its
review's budget (a hostile file must not hang or exhaust the process that holds the scan), and
asked for whichever facts its text makes possible. A file whose worker fails contributes none,
and its own review reports why.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from secreview.analysis.rules._support.debug_helpers import project_debug_parameters
from secreview.analysis.rules._support.pickle_files import pickled_file_keys
from secreview.analysis.rules._support.quiet_helpers import (
    may_keep_errors,
    project_quiet_parameters,
)
from secreview.config import ScanConfig
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern
from secreview.project_debug_helpers import may_test_debug
from secreview.project_pickles import may_write_pickle
from secreview.project_prepasses import ParsedSource, with_prepasses
from secreview.sources.discovery import SourceFile
from secreview.workers import TaskFailure

_WEB_IMPORT = lazy_pattern(
    r"^[ \t]*(?:from|import)[ \t]+(?:flask|quart|django|rest_framework|fastapi|starlette|webob"
    r"|pyramid|tornado|aiohttp|sanic|falcon|bottle|cherrypy|werkzeug|litestar|jupyter_server"
    r"|notebook)\b",
    re.MULTILINE,
)
"""An import of a web framework, at any depth (read, not parsed)."""
_Facts = tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]
"""What one file gives: the keys of the files it pickles into, its debug-only parameters, the
parameters it keeps on the server."""


def with_project_facts(
    config: ScanConfig,
    sources: Sequence[SourceFile],
    jobs: int = 1,
    *,
    pickles: bool,
    debug: bool,
) -> ScanConfig:
    """`config` with the project's pickled file keys (if `pickles`) and debug-only and quiet
    helper parameters (if `debug`), read from the files whose text makes them possible."""
    if not (pickles or debug):
        return config
    return with_prepasses(config, sources, [FactsPass(pickles=pickles, debug=debug)], jobs)


class FactsPass:
    """The pickled file keys and the debug-only and quiet helper parameters, as a pre-pass
    (`project_prepasses`): screened from each file's text, asked of the files it makes them
    possible in."""

    reads_text_only = False

    def __init__(self, *, pickles: bool, debug: bool) -> None:
        self.pickles = pickles
        self.debug = debug
        self.pickling: list[SourceFile] = []
        self.debugging: list[SourceFile] = []
        self.serves_web = False

    def wants_text(self, _source: SourceFile) -> bool:
        """Every file's text is looked at (a pickle may be written from a script)."""
        return True

    def screen(self, source: SourceFile, text: str) -> None:
        """Note whether the text may write a pickle, test a debug flag or keep errors, and
        whether it imports a web framework."""
        if self.pickles and may_write_pickle(text):
            self.pickling.append(source)
        elif self.debug and source.module and (may_test_debug(text) or may_keep_errors(text)):
            self.debugging.append(source)
        self.serves_web = self.serves_web or (
            self.debug and "import" in text and bool(_WEB_IMPORT.search(text))
        )

    def candidates(self) -> list[SourceFile]:
        """The pickling files, and the debugging ones when the project serves the web: the
        debug helpers only change what web handlers send (`exception-details-in-response`),
        so a project importing no web framework (a library, a documentation tool) needs none."""
        self.debug = self.debug and self.serves_web
        return self.pickling + self.debugging if self.debug else self.pickling

    def work(self) -> Callable[[ParsedSource], _Facts]:
        """Both facts, or the one wanted."""
        if self.pickles and self.debug:
            return _both
        return _pickled_keys if self.pickles else _debug_parameters

    def failed(self, source: SourceFile, failure: TaskFailure) -> _Facts:
        """A file whose worker failed gives no fact."""
        return _none(source, failure)

    def finish(self, config: ScanConfig, found: list[_Facts]) -> ScanConfig:
        """`config` with the keys and parameters every candidate gave."""
        keys = frozenset().union(*(facts[0] for facts in found))
        entries = tuple(sorted(entry for facts in found for entry in facts[1]))
        quiet = tuple(sorted(entry for facts in found for entry in facts[2]))
        if keys:
            config = config._replace(project_pickle_files=keys)
        if entries:
            config = config._replace(project_debug_helpers=entries)
        if quiet:
            config = config._replace(project_quiet_helpers=quiet)
        return config


def _pickled_keys(parsed: ParsedSource) -> _Facts:
    """The keys the module pickles into (a worker's task when only they are wanted)."""
    context = parsed.context
    return (pickled_file_keys(context) if context else frozenset()), (), ()


def _debug_parameters(parsed: ParsedSource) -> _Facts:
    """The module's debug-only and quiet parameters (a worker's task when only they are
    wanted)."""
    context, module = parsed.context, parsed.source.module
    if context is None or not module:
        return frozenset(), (), ()
    return frozenset(), *_helper_parameters(context, module)


def _both(parsed: ParsedSource) -> _Facts:
    """Both facts of one module, parsed once (a worker's task when both are wanted)."""
    context, module = parsed.context, parsed.source.module
    if context is None:
        return frozenset(), (), ()
    found = _helper_parameters(context, module) if module else ((), ())
    return pickled_file_keys(context), *found


def _helper_parameters(
    context: ModuleContext, module: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The module's debug-only parameters and those it keeps on the server (asked only when
    the module's text makes it possible)."""
    debug = project_debug_parameters(context, module)
    quiet = project_quiet_parameters(context, module) if may_keep_errors(context.text) else ()
    return debug, quiet


def _none(_source: SourceFile, _failure: TaskFailure | None) -> _Facts:
    """A file whose worker failed: it gives no fact; its reads keep their ratings."""
    return frozenset(), (), ()
