"""The data files secreview ships inside its packages: the CWE catalog, the parsed models, the map
of Bandit's tests, the standard library's module names.

They are read as plain files from their package's folder rather than through
`importlib.resources`, which could also read them out of a zip archive: its modules and the
`zipfile` module they load were 3 % of a one-file scan's start-up, and secreview is always
installed as files (pip unpacks wheels; an editable install points at the source folder).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path


def package_folder(package: str) -> Path:
    """The folder holding the modules, and data files, of the package named `package`."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{package} is not a package")
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def stdlib_module_names() -> frozenset[str]:
    """The standard library's top-level module names, as shipped in `data/stdlib_modules.txt`
    rather than `sys.stdlib_module_names`, which differs between the Pythons that may run the
    scan (3.12 and 3.13 removed `imp`, `asyncore`, `cgi`...): same input, same output."""
    text = (package_folder("secreview.data") / "stdlib_modules.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))
