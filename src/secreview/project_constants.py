"""The constants the scanned project's modules import from one another, known to every review.

Projects keep table names, group names and fixed command words in one module and import them by
name (`from pkg.constants import DB_TABLE_CACHE`). Read alone, the importing module only sees an
imported name, which no rule can vouch for: `f"DELETE FROM {DB_TABLE_CACHE}"` reads as SQL text
built from an unknown value. Before the review the scanner reads every file's text for
`from M import NAME` of upper-case names (the convention for constants; a look at the text, not a
parse), parses in worker processes, under each file's budget, only the project modules named
there, and folds their module-level constants as their own review would
(`ModuleContext.constant_value`: assigned once, never rebound). The values that are plain
(strings, numbers, tuples of them, short) go to every review in the configuration, and the
importing module's `constant_value` then knows them. The table is part of the configuration,
so the cache reviews every file again when a constant changes.

A name the importing module binds again, and a module reached only through a package's
re-export, stay unknown: only what one `from ... import` of the defining module shows is used.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Sequence

from secreview.config import ScanConfig
from secreview.index.facts import absolute_module, is_package_file, relative_import_base
from secreview.index.folded_calls import UNKNOWN
from secreview.patterns import lazy_pattern
from secreview.project_prepasses import ParsedSource, with_prepasses
from secreview.sources.discovery import SourceFile
from secreview.sources.reading import UnreadableSourceError, read_source
from secreview.workers import TaskFailure

_FROM_IMPORT = lazy_pattern(
    r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n]*)", re.MULTILINE
)
"""A `from M import ...` statement at the start of a line, with its (possibly bracketed) names."""
_CONSTANT_NAME = lazy_pattern(r"\b[A-Z][A-Z0-9_]*[A-Z0-9]\b")
"""An upper-case name, the convention for a module constant."""
_ASSIGNED_CONSTANT = lazy_pattern(
    r"^([A-Z][A-Z0-9_]*[A-Z0-9])[ \t]*(?::[^=\n]*)?=(?!=)", re.MULTILINE
)
"""An upper-case name assigned at the start of a line (at module level, where constants are)."""
MAX_TEXT = 256
"""The longest string kept: table and group names are short, and the table is in every key."""
MAX_ITEMS = 32

ProjectConstants = tuple[tuple[str, object], ...]
"""(`module.NAME`, its value) pairs, sorted: hashable, so part of the cache key."""


def with_project_constants(
    config: ScanConfig, sources: Sequence[SourceFile], jobs: int = 1
) -> ScanConfig:
    """`config` with the plain constants the modules of `sources` import from each other.

    Parsing happens in `jobs` worker processes under each file's budget; a file that fails
    there contributes nothing, and its own review reports why.
    """
    return with_prepasses(config, sources, [ConstantsPass(sources, config)], jobs)


class ConstantsPass:
    """The imported constants, as a pre-pass (`project_prepasses`)."""

    reads_text_only = False

    def __init__(self, sources: Sequence[SourceFile], config: ScanConfig) -> None:
        self.sources = sources
        self.config = config
        self.wanted: dict[str, set[str]] = {}
        """Module -> the upper-case names some module imports from it."""
        self.defining: list[SourceFile] = []

    def wants_text(self, source: SourceFile) -> bool:
        """Only a module imports from another by name."""
        return bool(source.module)

    def screen(self, source: SourceFile, text: str) -> None:
        """Note the upper-case names the text imports from each module (read from the text,
        relative imports resolved in the importing module's package)."""
        if "import" not in text:
            return
        package = relative_import_base(source.module, is_package_file(str(source.path)))
        for statement in _FROM_IMPORT.finditer(text):
            names = _CONSTANT_NAME.findall(statement.group(2))
            if names:
                module = _absolute(statement.group(1), package)
                if module:
                    self.wanted.setdefault(module, set()).update(names)

    def candidates(self) -> list[SourceFile]:
        """The modules some module imports constants from whose text assigns one of them (a
        module that only imports them again has nothing to fold). Their text is read again:
        which names are wanted is known only once every text was seen, and they are few."""
        wanted = self.wanted
        self.defining = [
            s
            for s in self.sources
            if s.module in wanted and _may_define(s, wanted[s.module], self.config)
        ]
        return self.defining

    def work(self) -> Callable[[ParsedSource], ProjectConstants]:
        """The module constants each folds."""
        return _folded_constants

    def failed(self, source: SourceFile, failure: TaskFailure) -> ProjectConstants:
        """A file whose worker failed: its constants stay unknown to its importers."""
        return _no_constants(source, failure)

    def finish(self, config: ScanConfig, found: list[ProjectConstants]) -> ScanConfig:
        """`config` with the table of wanted constants no two files disagree on."""
        table: dict[str, object] = {}
        ambiguous: set[str] = set()
        for source, constants in zip(self.defining, found, strict=True):
            for name, value in constants:
                key = f"{source.module}.{name}"
                if name not in self.wanted[source.module]:
                    continue
                if key in table and (type(table[key]), table[key]) != (type(value), value):
                    ambiguous.add(key)  # two files of the tree are that module: neither known
                table[key] = value
        known = tuple(sorted((k, v) for k, v in table.items() if k not in ambiguous))
        return config._replace(project_constants=known) if known else config


def _may_define(source: SourceFile, names: set[str], config: ScanConfig) -> bool:
    """Whether the text of `source` assigns one of `names` at the start of a line."""
    try:
        text = read_source(source.path, config.max_file_bytes)
    except UnreadableSourceError:
        return False
    return not names.isdisjoint(_ASSIGNED_CONSTANT.findall(text))


def _absolute(spelled: str, package: str) -> str | None:
    """The module `from spelled import` names, its leading dots resolved in `package`."""
    dotted = spelled.lstrip(".")
    statement = ast.ImportFrom(module=dotted or None, names=[], level=len(spelled) - len(dotted))
    return absolute_module(statement, package)


def _folded_constants(parsed: ParsedSource) -> ProjectConstants:
    """The module's upper-case module constants whose folded values are plain (what a worker
    asks); nothing when it cannot be read or parsed (its review says why)."""
    context = parsed.context
    if context is None:
        return ()
    folded = []
    for name, expression in context.module_constants.items():
        if _CONSTANT_NAME.fullmatch(name):
            value = context.constant_value(expression)
            if value is not UNKNOWN and _plain(value):
                folded.append((name, value))
    return tuple(sorted(folded, key=lambda pair: pair[0]))


def _plain(value: object) -> bool:
    """Whether `value` is small and of a type the cache key can hold. `None` is not kept: in a
    settings module it is the placeholder the operator fills (`SMTP_HOST = None  # Your Mail
    Server`), and folding it would read the deployed program as the unconfigured one."""
    if isinstance(value, str):
        return len(value) <= MAX_TEXT
    if isinstance(value, tuple):
        return len(value) <= MAX_ITEMS and all(
            _plain(item) and not isinstance(item, tuple) for item in value
        )
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, bool | int)


def _no_constants(_source: SourceFile, _failure: TaskFailure | None) -> ProjectConstants:
    """A file whose worker failed: its constants stay unknown to its importers."""
    return ()
