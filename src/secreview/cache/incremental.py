"""What the scanner asks of the cache: the stored result of each task it can skip.

Three kinds of result are kept, each under a key of everything it was computed from:
- a file's first-pass report: its content, the settings, the names it is reported under;
- a module's summaries in one round of the cross-module pass: its content and the digest of the
  previous round's summaries it could consult;
- a module's report reviewed again with the project's summaries: its content and the digest of
  the final summaries it could consult.
So after an edit, a module is analysed again only when its own text, or a summary it consults,
changed: the edited file and the modules its changed summaries reach.

The scanner hands in the function that computes the misses (in worker processes, as without a
cache) and gets back one result per task, in the order of the tasks. Reports that depend on the
machine (a file over its time or memory budget, a crash, an unreadable file) are never stored.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple, TypeVar

from secreview.analysis.taint.project import ModuleRound
from secreview.analysis.taint.summaries import ExternalSummary, ProjectIndex
from secreview.cache.codec import DecodeError, decode, encode
from secreview.cache.keys import IndexDigests, content_digest, digest, settings_digest
from secreview.cache.store import ScanCache
from secreview.config import ScanConfig
from secreview.findings import ErrorKind, FileReport
from secreview.index.facts import is_package_file
from secreview.sources.discovery import SourceFile
from secreview.sources.reading import UnreadableSourceError, read_bytes

RoundResult = ModuleRound | None
"""One round's summaries of one module and what it asked the index for (None: it failed)."""
STORED_ERRORS = frozenset({ErrorKind.SYNTAX, ErrorKind.ENCODING})
"""Errors that follow from a file's bytes alone, so a report with one may be reused."""

Result = TypeVar("Result")
Summarise = Callable[[list[SourceFile]], list[RoundResult]]
RoundCache = Callable[
    [list[SourceFile], ProjectIndex, Summarise, Callable[[SourceFile], bool]], list[RoundResult]
]
"""(modules, the last round's index, summarise the misses, whether a module failed): each
module's summaries for the next round, in order (what `IncrementalCache.summary_rounds` gives)."""


class StoredRound(NamedTuple):
    """How one round's summaries of one module are stored (summaries in the order found), with
    the names it asked for, which the worklist of later rounds needs."""

    summaries: tuple[ExternalSummary, ...]
    classes: frozenset[str]
    asked: frozenset[str]
    asked_everything: bool


class IncrementalCache:
    """The cache as one scan uses it: keys for this run's settings, values in `store`."""

    def __init__(self, store: ScanCache, config: ScanConfig) -> None:
        self.store = store
        self._config = config
        self._settings = settings_digest(config) if store.enabled else ""
        self._contents: dict[str, str | None] = {}
        self._summary_digests: dict[ExternalSummary, str] = {}
        self._decoded: dict[tuple[type, str], object] = {}
        """Values by stored text: a module's summaries are mostly the same from round to
        round, and decoding them again would cost more than the lookup of their key."""

    @classmethod
    def off(cls, config: ScanConfig) -> IncrementalCache:
        """A cache that holds nothing: every task is computed, nothing is read or stored."""
        return cls(ScanCache(None), config)

    def content(self, source: SourceFile) -> str | None:
        """The digest of the file's bytes as first read in this run (None: it cannot be read,
        so nothing about it is cached; its review says why)."""
        if source.shown_as not in self._contents:
            self._contents[source.shown_as] = self._read_digest(source)
        return self._contents[source.shown_as]

    def _read_digest(self, source: SourceFile) -> str | None:
        try:
            return content_digest(read_bytes(source.path, self._config.max_file_bytes))
        except UnreadableSourceError:
            return None

    def _unchanged(self, source: SourceFile) -> bool:
        """Whether the file still holds what its key was made from (an edit during the scan
        must not store the new text's report under the old text's key)."""
        return self._read_digest(source) == self.content(source)

    def reports(
        self,
        sources: Sequence[SourceFile],
        review: Callable[[list[SourceFile]], list[FileReport]],
        consulted: Callable[[SourceFile], str] | None = None,
    ) -> list[FileReport]:
        """Each file's report, stored or from `review` of the misses (in `sources` order).

        `review` returns one report per file it is given, in any order. `consulted` gives the
        digest of the project summaries a file's review consults (the re-review of the
        cross-module pass); without it, this is the first pass.
        """
        kind = "report" if consulted is None else "report-with-summaries"

        def key(source: SourceFile, content: str) -> str:
            extra = consulted(source) if consulted is not None else ""
            names = [source.shown_as, source.identity, source.module]
            script = source.shown_as in self._config.project_scripts  # see `keys.NOT_IN_KEY`
            return digest(kind, self._settings, content, names, extra, script)

        def storable(_source: SourceFile, report: FileReport) -> bool:
            return report.error is None or report.error.kind in STORED_ERRORS

        def in_order(misses: list[SourceFile]) -> list[FileReport]:
            by_path = {report.path: report for report in review(misses)}
            return [by_path[source.shown_as] for source in misses]

        return self._cached(sources, key, in_order, FileReport, storable)

    def reports_with_summaries(
        self,
        sources: Sequence[SourceFile],
        index: ProjectIndex,
        imports: Mapping[str, Iterable[str]],
        review: Callable[[list[SourceFile]], list[FileReport]],
    ) -> list[FileReport]:
        """Each module's report reviewed again with `index`: stored under the digest of the
        summaries it consults (modules named under its `imports`), or from `review`."""
        if not self.store.enabled:
            return review(list(sources))
        digests = IndexDigests(index, self._summary_digests)

        def consulted(source: SourceFile) -> str:
            return digests.for_module(source.module, imports.get(source.module, ()))

        return self.reports(sources, review, consulted)

    def summary_rounds(self, imports: Mapping[str, Iterable[str]]) -> RoundCache:
        """The rounds of the cross-module pass through this cache (`imports`: by module)."""

        def rounds(
            sources: list[SourceFile],
            index: ProjectIndex,
            summarise: Summarise,
            failed: Callable[[SourceFile], bool],
        ) -> list[RoundResult]:
            return self.summaries(sources, index, imports, summarise, failed)

        return rounds

    def summaries(
        self,
        sources: Sequence[SourceFile],
        index: ProjectIndex,
        imports: Mapping[str, Iterable[str]],
        summarise: Summarise,
        failed: Callable[[SourceFile], bool],
    ) -> list[RoundResult]:
        """Each module's summaries for the round after `index`, stored or from `summarise`
        (in `sources` order); a module `failed` says failed is never stored."""
        if not self.store.enabled:
            return summarise(list(sources))
        digests = IndexDigests(index, self._summary_digests)

        def key(source: SourceFile, content: str) -> str:
            consulted = digests.for_module(source.module, imports.get(source.module, ()))
            # The evidence paths the summaries hold depend on the package scanned into and on
            # whether the module is a package's `__init__`.
            init = is_package_file(source.shown_as)
            named = (
                [source.module, source.package, init] if source.package or init else source.module
            )
            # Which of its functions are summarised depends on what the other modules spell.
            wanted = index.wanted.get(source.module)
            chosen = None if wanted is None else sorted(wanted)
            return digest("summaries", self._settings, content, named, consulted, chosen)

        def as_stored(result: RoundResult) -> StoredRound | None:
            if result is None:
                return None
            found = tuple(result.summaries.values())
            return StoredRound(found, result.classes, result.asked, result.asked_everything)

        stored = self._cached(
            sources,
            key,
            lambda misses: [as_stored(result) for result in summarise(misses)],
            StoredRound,
            lambda source, value: value is not None and not failed(source),
        )
        return [
            None
            if value is None
            else ModuleRound(
                {summary.qualified_name: summary for summary in value.summaries},
                value.classes,
                value.asked,
                value.asked_everything,
            )
            for value in stored
        ]

    def _cached(
        self,
        sources: Sequence[SourceFile],
        key: Callable[[SourceFile, str], str],
        compute: Callable[[list[SourceFile]], list[Result]],
        kind: type[Result],
        storable: Callable[[SourceFile, Result], bool],
    ) -> list[Result]:
        """The results of `sources`: stored ones decoded, the rest from `compute` and stored."""
        keys: dict[str, str] = {}
        if self.store.enabled:
            for source in sources:
                content = self.content(source)
                if content is not None:
                    keys[source.shown_as] = key(source, content)
        texts = self.store.get_many(keys.values())
        found: dict[str, Result] = {}
        for path, each in keys.items():
            if each in texts:
                try:
                    found[path] = self._decode(texts[each], kind)
                except DecodeError as error:
                    self.store.report_bad_value(each, str(error))
        misses = [source for source in sources if source.shown_as not in found]
        computed = compute(misses) if misses else []
        new: dict[str, str] = {}
        for source, result in zip(misses, computed, strict=True):
            found[source.shown_as] = result
            if source.shown_as in keys and storable(source, result) and self._unchanged(source):
                new[keys[source.shown_as]] = encode(result)
        self.store.put_many(new)
        return [found[source.shown_as] for source in sources]

    def _decode(self, text: str, kind: type[Result]) -> Result:
        """`decode`, once per text and kind in this run (the values are frozen)."""
        if (kind, text) not in self._decoded:
            self._decoded[kind, text] = decode(text, kind)
        return typing.cast(Result, self._decoded[kind, text])
