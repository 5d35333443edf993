"""Which files are Python: what discovery reviews, by extension or by a `python` shebang.

A script without an extension is Python when its first line names python; reading that line
never blocks (a pipe or a device is not a regular file, so it is not read).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from secreview.patterns import lazy_pattern
from secreview.sources.reading import open_path

PYTHON_SUFFIXES = frozenset({".py", ".pyw"})
_SHEBANG = lazy_pattern(rb"^#![^\n]*\bpython[0-9.]*\b")
_SHEBANG_BYTES = 256


def extension(name: str) -> str:
    """The extension as pathlib defines it (`.py` has none), without building a path."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def has_python_shebang(path: str) -> bool:
    """Whether a regular file starts with a python shebang; never blocks on a pipe or device."""
    try:
        handle = open_path(path)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return False
        return bool(_SHEBANG.match(os.read(handle, _SHEBANG_BYTES)))
    except OSError:
        return False
    finally:
        os.close(handle)


def is_python_file(path: Path) -> bool:
    """What discovery reviews: `.py`/`.pyw`, or an extension-less regular file with a shebang."""
    suffix = extension(path.name)
    return suffix in PYTHON_SUFFIXES or (suffix == "" and has_python_shebang(str(path)))
