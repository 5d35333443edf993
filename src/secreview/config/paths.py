"""Which files a configuration reviews, and which rules it leaves off for which files.

Every pattern here has gitignore semantics (`secreview.sources.ignore`), the same as
`--exclude`, so one way of writing paths serves every setting.
"""

from __future__ import annotations

import fnmatch
import os

from secreview.config.model import ScanConfig
from secreview.sources.ignore import matches_path


def is_included(path: str, config: ScanConfig) -> bool:
    """Whether a file shown as `path` matches an include glob (or no include globs are set)."""
    return not config.includes or any(fnmatch.fnmatch(path, p) for p in config.includes)


def is_selected(path: str, config: ScanConfig) -> bool:
    """Whether a changed file is included and no exclude pattern matches it or one of its
    folders (the reading `scan`'s discovery gives excludes)."""
    return is_included(path, config) and not matches_path(config.excludes, path)


def _relative_to_root(path: str, root: str | None) -> str | None:
    """`path` (as shown: relative to the working directory, or absolute) relative to `root`,
    '/'-separated; None when it lies outside."""
    try:
        absolute = os.path.abspath(path)
        relative = os.path.relpath(absolute, root or os.getcwd())
    except (OSError, ValueError):  # no working directory, or another drive
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return relative.replace(os.sep, "/")


def ignored_rules_for(path: str, config: ScanConfig) -> frozenset[str]:
    """The rules `per-file-ignores` switches off for the file shown as `path`.

    Patterns are relative to the configuration file's folder; a file outside it is matched by
    its shown path (so a pattern without a slash, `conftest.py`, still applies).
    """
    if not config.per_file_ignores:
        return frozenset()
    relative = _relative_to_root(path, config.root) or path.replace(os.sep, "/")
    ignored: set[str] = set()
    for pattern, rule_ids in config.per_file_ignores:
        if matches_path([pattern], relative):
            ignored.update(rule_ids)
    return frozenset(ignored)
