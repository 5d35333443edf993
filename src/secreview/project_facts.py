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
from collections.abc import Sequence

from secreview.analysis.rules._support.debug_helpers import project_debug_parameters
from secreview.analysis.rules._support.pickle_files import pickled_file_keys
from secreview.analysis.rules._support.quiet_helpers import (
    may_keep_errors,
    project_quiet_parameters,
)
from secreview.config import ScanConfig
from secreview.index.context import ModuleContext
from secreview.parse import parse_module
from secreview.patterns import lazy_pattern
from secreview.project_debug_helpers import may_test_debug
from secreview.project_pickles import may_write_pickle
from secreview.sources.discovery import SourceFile
from secreview.sources.reading import UnreadableSourceError, read_source
from secreview.tasks import budget_of, runner_for
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
    pickling: list[SourceFile] = []
    debugging: list[SourceFile] = []
    serves_web = False
    for source in sources:  # each file read once, its text tested for every fact wanted
        try:
            text = read_source(source.path, config.max_file_bytes)
        except UnreadableSourceError:
            continue  # the review reports it
        if pickles and may_write_pickle(text):
            pickling.append(source)
        elif debug and source.module and (may_test_debug(text) or may_keep_errors(text)):
            debugging.append(source)
        serves_web = serves_web or (debug and "import" in text and bool(_WEB_IMPORT.search(text)))
    # The debug helpers only change what web handlers send (`exception-details-in-response`):
    # a project importing no web framework (a library, a documentation tool) needs none of them.
    debug = debug and serves_web
    candidates = pickling + debugging if debug else pickling
    if not candidates:
        return config
    task = _both if pickles and debug else (_pickled_keys if pickles else _debug_parameters)
    found: list[_Facts] = runner_for(config)(
        candidates,
        task,
        config,
        jobs=jobs,
        budget=budget_of(config),
        on_failure=_none,
    )
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


def _module(config: ScanConfig, source: SourceFile) -> ModuleContext | None:
    """The module `source` parsed once, or None when it cannot be read or parsed (its review
    says why)."""
    try:
        text = read_source(source.path, config.max_file_bytes)
    except UnreadableSourceError:
        return None
    tree = parse_module(text, source.shown_as).tree
    return None if tree is None else ModuleContext(path=source.shown_as, text=text, tree=tree)


def _pickled_keys(config: ScanConfig, source: SourceFile) -> _Facts:
    """The keys the module pickles into (a worker's task when only they are wanted)."""
    context = _module(config, source)
    return (pickled_file_keys(context) if context else frozenset()), (), ()


def _debug_parameters(config: ScanConfig, source: SourceFile) -> _Facts:
    """The module's debug-only and quiet parameters (a worker's task when only they are
    wanted)."""
    context = _module(config, source)
    if context is None or not source.module:
        return frozenset(), (), ()
    return frozenset(), *_helper_parameters(context, source.module)


def _both(config: ScanConfig, source: SourceFile) -> _Facts:
    """Both facts of one module, parsed once (a worker's task when both are wanted)."""
    context = _module(config, source)
    if context is None:
        return frozenset(), (), ()
    found = _helper_parameters(context, source.module) if source.module else ((), ())
    return pickled_file_keys(context), *found


def _helper_parameters(
    context: ModuleContext, module: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The module's debug-only parameters and those it keeps on the server (asked only when
    the module's text makes it possible)."""
    debug = project_debug_parameters(context, module)
    quiet = project_quiet_parameters(context, module) if may_keep_errors(context.text) else ()
    return debug, quiet


def _none(_source: SourceFile, _failure: TaskFailure) -> _Facts:
    """A file whose worker failed: it gives no fact; its reads keep their ratings."""
    return frozenset(), (), ()
