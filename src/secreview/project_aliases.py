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
from collections.abc import Callable, Sequence

from secreview.config import ScanConfig
from secreview.index.import_names import shim_bindings
from secreview.parse import parse_module
from secreview.patterns import lazy_pattern
from secreview.project_prepasses import ParsedSource, with_prepasses
from secreview.sources.discovery import SourceFile
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
    return with_prepasses(config, sources, [ShimsPass(sources)], jobs)


class ShimsPass:
    """The compatibility modules' names, as a pre-pass (`project_prepasses`)."""

    reads_text_only = False

    def __init__(self, sources: Sequence[SourceFile]) -> None:
        self.own_packages = {s.module.split(".")[0] for s in sources if s.module}
        self.shims: list[SourceFile] = []

    def wants_text(self, source: SourceFile) -> bool:
        """Only a module (a file the project's imports can name) can be a shim."""
        return bool(source.module)

    def screen(self, source: SourceFile, text: str) -> None:
        """Note `source` when its text handles an import failure at module level."""
        if _may_be_shim(text):
            self.shims.append(source)

    def candidates(self) -> list[SourceFile]:
        """The modules that look like shims."""
        return self.shims

    def work(self) -> Callable[[ParsedSource], ShimNames]:
        """The names each binds."""
        return _bindings

    def failed(self, source: SourceFile, failure: TaskFailure) -> ShimNames:
        """A file whose worker failed: its names stay the project's."""
        return _no_bindings(source, failure)

    def finish(self, config: ScanConfig, found: list[ShimNames]) -> ScanConfig:
        """`config` with the names other libraries fill, sorted."""
        names = sorted(
            (name, qualified)
            for bindings in found
            for name, qualified in bindings
            if qualified.split(".")[0] not in self.own_packages
        )
        return config._replace(project_shims=tuple(names)) if names else config


def _may_be_shim(text: str) -> bool:
    """Whether `text` handles an import failure at module level (read, not parsed)."""
    if not any(failure in text for failure in _IMPORT_FAILURES):
        return False  # what `_IMPORT_FALLBACK` needs: most files say no before any pattern runs
    return _IMPORT_FALLBACK.search(text) is not None


def _bindings(parsed: ParsedSource) -> ShimNames:
    """`module.name` and what it names, for each name the file imports at module level (what
    a worker asks); nothing when it cannot be read or parsed (its review says why)."""
    text, source = parsed.text, parsed.source
    if text is None:
        return ()
    end = _choice_end(text)
    if end is None:
        return ()  # no import failure handled at module level: nothing chosen there
    tree = parse_module(text[:end], source.shown_as).tree or parsed.tree
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


def _no_bindings(_source: SourceFile, _failure: TaskFailure | None) -> ShimNames:
    """A file whose worker failed: its names stay the project's."""
    return ()
