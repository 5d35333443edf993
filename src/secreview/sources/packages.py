"""The packages a scanned folder sits in, named the way Python names them.

Python names a module after the packages that hold it: `sphinx/util/osutil.py` is
`sphinx.util.osutil` because `sphinx/` and `sphinx/util/` have an `__init__.py`. A scan often
starts inside a package (`secreview scan site-packages/sphinx`, or a project folder that is
itself a package); module names taken relative to the scan root alone (`util.osutil`) would never
match the project's absolute imports (`from sphinx.util import osutil`), and the cross-module
pass would lose those flows. Only the existence of `__init__.py` is checked: nothing is read or
imported.

A repository also holds packages below folders that are not packages: a monorepo's
`packages/opal-common/opal_common/`, an application's `backend/chainlit/`, a client's
`api_client/python/timesketch_api_client/`. The folder holding the build file
(`pyproject.toml`, `setup.py`, `setup.cfg`) is where that distribution's imports start, as `src/`
is in a src layout: its code imports `chainlit.types`, never `backend.chainlit.types`, so the
modules below it are named from there (`distribution_relative`). Only the existence of the files
is checked.
"""

from __future__ import annotations

import os

INIT_FILE = "__init__.py"
BUILD_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


def enclosing_package(folder: str) -> str:
    """The dotted name of the package `folder` is (with the packages above it), or "".

    Walks up from `folder` while the folder has an `__init__.py` and its name can be spelled in
    an import; a plain folder or a namespace package stops the walk, so the names below it stay
    relative to the scan root as before.
    """
    names: list[str] = []
    current = os.path.abspath(folder)
    while True:
        name = os.path.basename(current)
        if not name.isidentifier() or not os.path.isfile(os.path.join(current, INIT_FILE)):
            break
        names.append(name)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return ".".join(reversed(names))


def distribution_relative(path: str, relative: str, known: dict[str, bool]) -> str | None:
    """`relative` (the file's `/`-separated path below the scan root) cut to start below the
    deepest folder under the root that is a distribution's root, or None when no folder is.

    A distribution's root holds a build file and is not itself a package (a package's
    `setup.py` module is code, not a build file). `path` is the file's path on disk; `known`
    caches each folder's answer for the whole walk.
    """
    parts = relative.split("/")
    folder = os.path.dirname(path)
    for depth in range(len(parts) - 1, 0, -1):  # the file's folder up to the root's child
        answer = known.get(folder)
        if answer is None:
            answer = known[folder] = not os.path.isfile(os.path.join(folder, INIT_FILE)) and any(
                os.path.isfile(os.path.join(folder, name)) for name in BUILD_FILES
            )
        if answer:
            return "/".join(parts[depth:])
        folder = os.path.dirname(folder)
    return None


def unique_modules(named: dict[str, str], from_root: dict[str, str]) -> dict[str, str]:
    """`named` (file -> module name) with each name one file's: a module named from its
    distribution's root (`from_root` holds its name from the scan root) that another file is
    also named (each distribution's `setup.py`, two `tests` packages) keeps its name from the
    scan root instead."""
    count: dict[str, int] = {}
    for module in named.values():
        count[module] = count.get(module, 0) + 1
    return {
        file: from_root[file] if file in from_root and count[module] > 1 else module
        for file, module in named.items()
    }
