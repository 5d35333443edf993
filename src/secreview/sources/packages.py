"""The packages a scanned folder sits in, named the way Python names them.

Python names a module after the packages that hold it: `sphinx/util/osutil.py` is
`sphinx.util.osutil` because `sphinx/` and `sphinx/util/` have an `__init__.py`. A scan often
starts inside a package (`secreview scan site-packages/sphinx`, or a project folder that is
itself a package); module names taken relative to the scan root alone (`util.osutil`) would never
match the project's absolute imports (`from sphinx.util import osutil`), and the cross-module
pass would lose those flows. Only the existence of `__init__.py` is checked: nothing is read or
imported.
"""

from __future__ import annotations

import os

INIT_FILE = "__init__.py"


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
