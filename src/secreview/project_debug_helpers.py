"""The helpers of a scanned project that show a value only under a debug flag, known to every
module's review.

eve answers errors with `abort(400, description=debug_error_message(str(e)))`, the helper living
in `eve/utils.py` and returning its argument only `if getattr(config, "DEBUG", False):`. One
module's review cannot see the other module, so before the review the scanner reads the files
whose text tests a debug flag in an indented `if` (a function's), collects, in worker processes
under each file's budget, `module.function index name` for each parameter a module-level
function shows only there (`debug_helpers.project_debug_parameters`) and hands them to every
review in the configuration: `exception-details-in-response` then rates such a call low, as code
in a debug branch is. The entries are part of the configuration, so the cache reviews every file
again when they change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from secreview.analysis.rules._support.debug_helpers import project_debug_parameters
from secreview.config import ScanConfig
from secreview.index.context import ModuleContext
from secreview.parse import parse_module
from secreview.patterns import lazy_pattern
from secreview.sources.discovery import SourceFile
from secreview.sources.reading import UnreadableSourceError, read_source
from secreview.tasks import budget_of, runner_for
from secreview.workers import TaskFailure

_DEBUG_TEST = lazy_pattern(r"^[ \t]+if\b[^\n]*\b(?:DEBUG|debug)\b", re.MULTILINE)
"""An `if` inside a function or class testing something named for debugging."""


def with_project_debug_helpers(
    config: ScanConfig, sources: Sequence[SourceFile], jobs: int = 1
) -> ScanConfig:
    """`config` with the debug-only parameters of the module-level functions of `sources`.

    Only a module whose text tests a debug flag inside a block is parsed, in `jobs` worker
    processes under its review's budget; one that fails there contributes nothing, and its own
    review reports why."""
    candidates = [s for s in sources if s.module and _may_test_debug(s, config)]
    if not candidates:
        return config
    found = runner_for(config)(
        candidates,
        _parameters,
        config,
        jobs=jobs,
        budget=budget_of(config),
        on_failure=_no_parameters,
    )
    entries = tuple(sorted(entry for entries in found for entry in entries))
    return config._replace(project_debug_helpers=entries) if entries else config


def _may_test_debug(source: SourceFile, config: ScanConfig) -> bool:
    """Whether the text of `source` tests a debug flag in an indented `if` (read, not parsed)."""
    try:
        text = read_source(source.path, config.max_file_bytes)
    except UnreadableSourceError:
        return False  # the review reports it
    if "DEBUG" not in text and "debug" not in text:  # most files say no before any pattern
        return False
    return _DEBUG_TEST.search(text) is not None


def _parameters(config: ScanConfig, source: SourceFile) -> tuple[str, ...]:
    """The debug-only parameters of the module `source` (the task a worker runs); none when it
    cannot be read or parsed (its review says why)."""
    try:
        text = read_source(source.path, config.max_file_bytes)
    except UnreadableSourceError:
        return ()
    tree = parse_module(text, source.shown_as).tree
    if tree is None:
        return ()
    context = ModuleContext(path=source.shown_as, text=text, tree=tree)
    return project_debug_parameters(context, source.module)


def _no_parameters(_source: SourceFile, _failure: TaskFailure) -> tuple[str, ...]:
    """A file whose worker failed: its helpers keep their findings' ratings."""
    return ()
