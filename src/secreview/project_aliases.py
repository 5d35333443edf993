"""What the scanned project's compatibility modules import, known to every module's review.

Projects keep the choice between libraries in one module (`pkg/etree.py`: `try: from lxml import
etree` / `except ImportError: import xml.etree.ElementTree as etree`) and import the name from
there (`from pkg.etree import etree`). Read alone, `etree.fromstring(...)` in the importing module
is a call of the project's `pkg.etree.etree`, which no model names, so every rule on lxml misses
it. Before the review the scanner reads the files that look like such modules (their text
handles an `ImportError`), collects, in worker processes under each file's budget, the names each
binds by importing another library up to its last `except ImportError` at module level
(`import_names.shim_bindings`) and hands the map to every review in the configuration: `from
pkg.etree import etree` then means `lxml.etree`. The map is part of the configuration, so the
cache reviews every file again when it changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from secreview.config import ScanConfig
from secreview.index.import_names import shim_bindings
from secreview.parse import parse_module
from secreview.patterns import lazy_pattern
from secreview.sources.discovery import SourceFile
from secreview.sources.reading import UnreadableSourceError, read_source
from secreview.tasks import budget_of, runner_for
from secreview.workers import TaskFailure

_IMPORT_FAILURES = ("ImportError", "ModuleNotFoundError")
_IMPORT_FALLBACK = lazy_pattern(r"^except\b[^\n]*\b(?:ImportError|ModuleNotFoundError)\b", re.M)
"""A module-level handler of an import failure: the end of the text a shim's choice is in."""
_NEXT_STATEMENT = lazy_pattern(r"^(?![ \t\r\n#]|except\b|else\b|finally\b)", re.MULTILINE)
"""The start of the next statement at module level after a `try` block's handlers."""

ShimNames = tuple[tuple[str, str], ...]
"""(`module.name`, what it names) pairs, sorted: hashable, so part of the cache key."""


def with_project_shims(
    config: ScanConfig, sources: Sequence[SourceFile], jobs: int = 1
) -> ScanConfig:
    """`config` with the names the compatibility modules of `sources` import from libraries.

    A module counts when its text handles an import failure, and only its names that another
    library fills are kept (a name from the project's own package is the project's, which the
    cross-module pass follows). Parsing happens in `jobs` worker processes under each file's
    budget; a file that fails there contributes nothing, and its own review reports why.
    """
    candidates = [s for s in sources if s.module and _may_be_shim(s, config)]
    if not candidates:
        return config
    own_packages = {s.module.split(".")[0] for s in sources if s.module}
    found = runner_for(config)(
        candidates,
        _bindings,
        config,
        jobs=jobs,
        budget=budget_of(config),
        on_failure=_no_bindings,
    )
    names = sorted(
        (name, qualified)
        for bindings in found
        for name, qualified in bindings
        if qualified.split(".")[0] not in own_packages
    )
    return config._replace(project_shims=tuple(names)) if names else config


def _may_be_shim(source: SourceFile, config: ScanConfig) -> bool:
    """Whether the text of `source` handles an import failure at module level (read, not
    parsed)."""
    try:
        text = read_source(source.path, config.max_file_bytes)
    except UnreadableSourceError:
        return False  # the review reports it
    if not any(failure in text for failure in _IMPORT_FAILURES):
        return False  # what `_IMPORT_FALLBACK` needs: most files say no before any pattern runs
    return _IMPORT_FALLBACK.search(text) is not None


def _bindings(config: ScanConfig, source: SourceFile) -> ShimNames:
    """`module.name` and what it names, for each name `source` imports at module level (the
    task a worker runs); nothing when it cannot be read or parsed (its review says why)."""
    try:
        text = read_source(source.path, config.max_file_bytes)
    except UnreadableSourceError:
        return ()
    end = _choice_end(text)
    if end is None:
        return ()  # no import failure handled at module level: nothing chosen there
    tree = (
        parse_module(text[:end], source.shown_as).tree or parse_module(text, source.shown_as).tree
    )
    if tree is None:
        return ()
    bound = shim_bindings(tree)
    return tuple((f"{source.module}.{name}", qualified) for name, qualified in bound.items())


def _choice_end(text: str) -> int | None:
    """Where the text ends that holds the module's choices between libraries: after the last
    `try` block at module level that handles an import failure (parsing only that much keeps
    the pass cheap on large modules); None when no handler is at module level."""
    handlers = list(_IMPORT_FALLBACK.finditer(text))
    if not handlers:
        return None
    last = handlers[-1]
    following = _NEXT_STATEMENT.search(text, text.find("\n", last.end()) + 1)
    return following.start() if following else len(text)


def _no_bindings(_source: SourceFile, _failure: TaskFailure) -> ShimNames:
    """A file whose worker failed: its names stay the project's."""
    return ()
