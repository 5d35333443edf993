"""The data files secreview ships inside its packages: the CWE catalog, the parsed models, the map
of Bandit's tests.

They are read as plain files from their package's folder rather than through
`importlib.resources`, which could also read them out of a zip archive: its modules and the
`zipfile` module they load were 3 % of a one-file scan's start-up, and secreview is always
installed as files (pip unpacks wheels; an editable install points at the source folder).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path


def package_folder(package: str) -> Path:
    """The folder holding the modules, and data files, of the package named `package`."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{package} is not a package")
    return Path(next(iter(spec.submodule_search_locations)))
