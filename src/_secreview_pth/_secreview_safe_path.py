"""Keep `python -m secreview` on the installed secreview, never a `secreview` in the current folder.

`python -m secreview` puts the current folder first on `sys.path`, so when a user reviews a checkout
that holds its own `secreview/` package, Python would import and run *that* code before any line of
ours: the code under review would run. This module is loaded at interpreter start by the
`secreview-safe-path.pth` file that the wheel installs next to it, and registers a finder that
answers for the top-level name `secreview` only, looking it up on `sys.path` without the current
folder. Every other import is left to Python. Editable installs are found the same way (their
source folder is on `sys.path`); when no installed `secreview` exists the finder steps aside.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec, PathFinder
from types import ModuleType

_NAME = "secreview"


def _outside_current_folder(entries: Sequence[str]) -> list[str]:
    """`sys.path` without the entries that mean the current folder ("" or its absolute path)."""
    try:
        here = os.path.realpath(os.getcwd())
    except OSError:  # the current folder was deleted: then no entry can be it
        here = None
    return [
        entry
        for entry in entries
        if isinstance(entry, str) and entry and os.path.realpath(entry) != here
    ]


class InstalledSecreviewFinder:
    """A meta-path finder for the top-level `secreview` package that ignores the current folder."""

    @classmethod
    def find_spec(
        cls, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        """The installed `secreview`'s spec; None for any other name or when none is installed."""
        if name != _NAME or path is not None:
            return None
        return PathFinder.find_spec(name, _outside_current_folder(sys.path))


if not any(finder is InstalledSecreviewFinder for finder in sys.meta_path):
    sys.meta_path.insert(0, InstalledSecreviewFinder)
