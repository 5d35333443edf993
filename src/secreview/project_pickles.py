"""The files a scanned project writes with pickle, known to every module's review.

A program that caches its own objects often pickles them in one module and unpickles them in
another (a builder writes `doctreedir / f"{name}.doctree"`, the environment reads it back). One
module's review cannot see the other module, so before the review the scanner reads the files
that can write a pickle (their text names a pickling module and a `dump`), collects the keys of
the files they write (`pickle_files.pickled_file_keys`) and hands them to every review in the
configuration: `unsafe-deserialization` then rates such a read as the program's own artefact.
The keys are part of the configuration, so the cache reviews a file again when they change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from secreview.analysis.rules._support.pickle_files import pickled_file_keys
from secreview.config import ScanConfig
from secreview.index.context import ModuleContext
from secreview.parse import parse_module
from secreview.sources.discovery import SourceFile
from secreview.sources.reading import UnreadableSourceError, read_source

_MAY_PICKLE = re.compile(r"\b(?:pickle|cPickle|_pickle|dill|cloudpickle|joblib)\b")
_DUMPS = re.compile(r"\bdump\s*\(")


def with_project_pickle_files(config: ScanConfig, sources: Sequence[SourceFile]) -> ScanConfig:
    """`config` with the keys of every file the modules of `sources` write with pickle."""
    keys: set[str] = set()
    for source in sources:
        try:
            text = read_source(source.path, config.max_file_bytes)
        except UnreadableSourceError:
            continue  # the review reports it
        if _MAY_PICKLE.search(text) and _DUMPS.search(text):
            keys |= _written_keys(source, text)
    if not keys:
        return config
    return config._replace(project_pickle_files=frozenset(keys))


def _written_keys(source: SourceFile, text: str) -> frozenset[str]:
    """The keys `text` pickles into; none when it cannot be indexed (its review says why)."""
    tree = parse_module(text, source.shown_as).tree
    if tree is None:
        return frozenset()
    try:
        return pickled_file_keys(ModuleContext(path=source.shown_as, text=text, tree=tree))
    except Exception:  # nested too deeply, or a defect of ours: the file's own review reports it;
        return frozenset()  # without its keys, a read of those files only keeps medium confidence
