"""The pre-passes, sharing one reading of every file and one pool of worker processes.

Five facts about the scanned project are gathered before any file is reviewed: the files its
modules pickle into and its debug-only and quiet helpers (`project_facts`), what its
compatibility modules import (`project_aliases`), the constants its modules import from each
other (`project_constants`), whether its logging renders JSON (`project_log_format`) and which
library takes its logging calls' keywords (`project_log_library`). Each looks at every file's
text for the few whose text makes its fact possible, then parses those in worker processes
under each file's budget (the last needs the text only: it parses no file, and its `finish` is
asked all the same). Run one after the other, the four that parse read every file four times
and started four pools of workers (about a second of CPU each at `-j 1`), and a file two of
them wanted was parsed twice. Here every file is read once and shown to each pre-pass
that looks at it (`PrePass.screen`), then one pool parses each file some pre-pass wants once
(`ParsedSource`) and answers for every pre-pass that wants it. What each pre-pass adds to the
configuration is what it added alone: it sees the same texts and gets the same answers for the
same files, in the same order.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any, NamedTuple, Protocol

from secreview.config import ScanConfig
from secreview.index.context import ModuleContext
from secreview.parse import parse_module
from secreview.sources.discovery import SourceFile
from secreview.sources.reading import UnreadableSourceError, read_source
from secreview.tasks import budget_of, runner_for
from secreview.workers import TaskFailure


class ParsedSource:
    """One file in a worker: read once and parsed at most once, for every pre-pass that asks
    (a pre-pass that needs only part of it reads `text` and parses that part itself)."""

    def __init__(self, config: ScanConfig, source: SourceFile) -> None:
        self.config = config
        self.source = source

    @cached_property
    def text(self) -> str | None:
        """The file's text; None when it cannot be read (its review says why)."""
        try:
            return read_source(self.source.path, self.config.max_file_bytes)
        except UnreadableSourceError:
            return None

    @cached_property
    def tree(self) -> ast.Module | None:
        """The whole file parsed; None when it cannot be read or parsed."""
        text = self.text
        return None if text is None else parse_module(text, self.source.shown_as).tree

    @cached_property
    def context(self) -> ModuleContext | None:
        """The module's context (its constants, imports, parents), shared by the pre-passes:
        built from the text and tree alone, as each pre-pass built its own before."""
        tree = self.tree
        if tree is None or self.text is None:
            return None
        return ModuleContext(path=self.source.shown_as, text=self.text, tree=tree)


class PrePass(Protocol):
    """One fact about the project gathered before the review."""

    reads_text_only: bool
    """Whether the texts alone answer (no candidate to parse): `finish` is then asked with no
    answers; a pre-pass that parses is asked only when some candidate was parsed."""

    def wants_text(self, source: SourceFile) -> bool:
        """Whether the pre-pass looks at the text of `source` (asked before it is read)."""
        ...

    def screen(self, source: SourceFile, text: str) -> None:
        """Look at the text of `source`: whether it may hold the fact (read, not parsed)."""
        ...

    def candidates(self) -> list[SourceFile]:
        """The files to parse, once every text was screened."""
        ...

    def work(self) -> Callable[[ParsedSource], Any]:
        """What a worker asks each candidate (a module-level function: workers receive it)."""
        ...

    def failed(self, source: SourceFile, failure: TaskFailure) -> Any:
        """The answer for a candidate whose worker failed (crashed, over its budget)."""
        ...

    def finish(self, config: ScanConfig, found: list[Any]) -> ScanConfig:
        """`config` with the fact, from each candidate's answer (in `candidates` order; each
        pre-pass's answers are of its own type)."""
        ...


class _Task(NamedTuple):
    """One file for the shared pool, and which pre-passes (by position) want it."""

    source: SourceFile
    passes: tuple[int, ...]


_Shared = tuple[ScanConfig, tuple[Callable[[ParsedSource], Any], ...]]


def with_prepasses(
    config: ScanConfig, sources: Sequence[SourceFile], passes: Sequence[PrePass], jobs: int = 1
) -> ScanConfig:
    """`config` with what each of `passes` finds in `sources`: every file read once, every
    candidate parsed once, in one pool of `jobs` workers (see the module docstring)."""
    if not passes:
        return config
    for source in sources:
        looking = [p for p in passes if p.wants_text(source)]
        if not looking:
            continue
        try:
            text = read_source(source.path, config.max_file_bytes)
        except UnreadableSourceError:
            continue  # the review reports it
        for prepass in looking:
            prepass.screen(source, text)
    wanted = [prepass.candidates() for prepass in passes]
    asked: dict[SourceFile, list[int]] = {}
    for number, candidates in enumerate(wanted):
        for source in candidates:
            asked.setdefault(source, []).append(number)
    order = {source: position for position, source in enumerate(sources)}
    tasks = [
        _Task(source, tuple(numbers))
        for source, numbers in sorted(asked.items(), key=lambda item: order[item[0]])
    ]
    answers: list[dict[SourceFile, object]] = [{} for _ in passes]
    if tasks:
        budget = budget_of(config)

        def failed(task: _Task, failure: TaskFailure) -> tuple[object, ...]:
            return tuple(passes[number].failed(task.source, failure) for number in task.passes)

        shared: _Shared = (config, tuple(prepass.work() for prepass in passes))
        found = runner_for(config)(
            tasks,
            _answer,
            shared,
            jobs=jobs,
            budget=lambda task: budget(task.source),
            on_failure=failed,
        )
        for task, answered in zip(tasks, found, strict=True):
            for number, answer in zip(task.passes, answered, strict=True):
                answers[number][task.source] = answer
    for prepass, candidates, answered in zip(passes, wanted, answers, strict=True):
        if candidates or prepass.reads_text_only:
            config = prepass.finish(config, [answered[source] for source in candidates])
    return config


def _answer(shared: _Shared, task: _Task) -> tuple[object, ...]:
    """Each wanting pre-pass's answer for one file, read and parsed once (a worker's task)."""
    config, works = shared
    parsed = ParsedSource(config, task.source)
    return tuple(works[number](parsed) for number in task.passes)
