"""The files a scanned project writes with pickle, known to every module's review.

A program that caches its own objects often pickles them in one module and unpickles them in
another (a builder writes `doctreedir / f"{name}.doctree"`, the environment reads it back). One
module's review cannot see the other module, so before the review the scanner reads the files
that can write a pickle (their text names a pickling module and a `dump`), collects, in worker
processes under each file's budget, the keys of the files they write
(`pickle_files.pickled_file_keys`) and hands them to every review in the configuration:
`unsafe-deserialization` then rates such a read as the program's own artefact. The keys are part
of the configuration, so the cache reviews every file again when they change.
"""

from __future__ import annotations

from collections.abc import Sequence

from secreview.analysis.rules._support.pickle_files import pickled_file_keys
from secreview.config import ScanConfig
from secreview.index.context import ModuleContext
from secreview.parse import parse_module
from secreview.patterns import lazy_pattern
from secreview.sources.discovery import SourceFile
from secreview.sources.reading import UnreadableSourceError, read_source
from secreview.tasks import budget_of, runner_for
from secreview.workers import TaskFailure

_MAY_PICKLE = lazy_pattern(r"\b(?:pickle|cPickle|_pickle|dill|cloudpickle|joblib)\b")
_DUMPS = lazy_pattern(r"\bdump\s*\(")


def with_project_pickle_files(
    config: ScanConfig, sources: Sequence[SourceFile], jobs: int = 1
) -> ScanConfig:
    """`config` with the keys of every file the modules of `sources` write with pickle.

    Only a file whose text may write a pickle is parsed, and in `jobs` worker processes under
    its review's budget (a hostile file must not hang or exhaust the process that holds the
    scan); one that fails there contributes no keys, and its own review reports why.
    """
    candidates = [source for source in sources if _may_write_pickle(source, config)]
    if not candidates:
        return config
    keys = runner_for(config)(
        candidates,
        _written_keys,
        config,
        jobs=jobs,
        budget=budget_of(config),
        on_failure=_no_keys,
    )
    found = frozenset().union(*keys)
    return config._replace(project_pickle_files=found) if found else config


def _may_write_pickle(source: SourceFile, config: ScanConfig) -> bool:
    """Whether the text of `source` names a pickling module and a `dump` (read, not parsed)."""
    try:
        text = read_source(source.path, config.max_file_bytes)
    except UnreadableSourceError:
        return False  # the review reports it
    if "dump" not in text:  # what `_DUMPS` needs: most files say no before any pattern runs
        return False
    return bool(_MAY_PICKLE.search(text) and _DUMPS.search(text))


def _written_keys(config: ScanConfig, source: SourceFile) -> frozenset[str]:
    """The keys the module `source` pickles into (the task a worker runs); none when it cannot
    be read or indexed (its review says why)."""
    try:
        text = read_source(source.path, config.max_file_bytes)
    except UnreadableSourceError:
        return frozenset()
    tree = parse_module(text, source.shown_as).tree
    if tree is None:
        return frozenset()
    return pickled_file_keys(ModuleContext(path=source.shown_as, text=text, tree=tree))


def _no_keys(_source: SourceFile, _failure: TaskFailure) -> frozenset[str]:
    """A file whose worker failed: without its keys, a read of its files keeps medium."""
    return frozenset()
