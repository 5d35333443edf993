"""Incremental re-runs: a content-addressed cache of each file's review, shared by runs.

- `store`: the SQLite file (WAL, busy timeout, schema check; any error turns it off, warned);
- `codec`: results as canonical JSON, decoded strictly against their types (never pickle);
- `keys`: what each result depends on (content, settings, code, models, consulted summaries);
- `incremental`: what the scanner calls to skip the tasks whose results are stored.

The scanner uses it only when `ScanConfig.cache_dir` is set (the command line sets it unless
`--no-cache`); the reviewed tree never chooses where it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from secreview.cache.incremental import IncrementalCache, RoundCache
from secreview.cache.store import (
    ENVIRONMENT_VARIABLE,
    ScanCache,
    Warn,
    default_cache_dir,
    warn_on_stderr,
)
from secreview.config import ScanConfig

__all__ = [
    "ENVIRONMENT_VARIABLE",
    "IncrementalCache",
    "RoundCache",
    "ScanCache",
    "default_cache_dir",
    "open_cache",
]


@contextmanager
def open_cache(config: ScanConfig, warn: Warn = warn_on_stderr) -> Iterator[IncrementalCache]:
    """The cache this run uses (one that holds nothing when `config` asks for none), closed
    at the end of the run."""
    if config.cache_dir is None:
        cache = IncrementalCache.off(config)
    else:
        cache = IncrementalCache(ScanCache(Path(config.cache_dir), warn), config)
    try:
        yield cache
    finally:
        cache.store.close()
