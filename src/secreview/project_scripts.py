"""The scripts that sit beside a scanned package: reviewed as programs, not as its public API.

Under `--threat-model library` the parameters of a package's public functions are the attacker's
(`analysis.taint.public_api`). A repository holds more than its package: `setup.py`, a release
script (`publish.py`), a documentation helper (`docs/source/helper.py`), maintainer tools
(`tools/`, `.github/scripts/`, `experiments/`). Their functions are called by the script itself
or by a maintainer at a prompt, never by a user of the package, so their parameters are no
attacker's data: such a module is reviewed as `web` reviews it (its request handlers and what a
client sends stay reported).

A module is such a script when no folder above it, up to the scan root, is a package (none holds
an `__init__.py` among the scanned files) while a package that is not test code sits beside it or
beside one of those folders: `publish.py` beside `mechanize/`, `docs/` beside `pypickle/`, and in
the `src` layout (`src/pkg/`) beside `src/` (a module in `src/` itself ships with the package, as
pytest's `src/py.py` does, and stays public API). A single-module library
(`bottle.py`, `six.py`, `gnupg.py` at the root, a lone file scanned) has no package beside it and
stays public API; a test package beside it (`test/__init__.py`) does not count. A package
beside the project's own that is named for maintenance (`examples/__init__.py`,
`devscripts/`, a Sphinx extension under `docs/`) is a maintainers' package, whose modules are
such scripts too (`_maintenance_packages`). Only the scanned
files' names are read. Each file's cache key holds whether it is one (`cache.keys.NOT_IN_KEY`),
so a script added beside the package does not make every other file be reviewed again.

Under every threat model, a finding in such a script that is also named for maintenance (in a
`scripts/`, `tools/`, `ci/`, `docs/`, `examples/` or `demo/` folder, or `setup.py`, `noxfile.py`,
`fabfile.py`: `context.maintenance`) and reads no network input (no request, route, socket or HTTP
reply) is rated low confidence, as development-only code is (`context/devonly.py`): a
maintainer runs it by hand with their own arguments, and a deployed application does not run
it at all. A module at the root that is not so named may be what deploys the application
(hashview's `hashview.py` starts its server; an agent in `install/` runs on every node), so
it keeps its ratings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from secreview.config import ScanConfig
from secreview.context.maintenance import MAINTENANCE_PACKAGES
from secreview.context.testcode import is_test_path
from secreview.sources.discovery import SourceFile

_INIT = "__init__.py"
_SOURCE_FOLDER = "src"
"""The `src` layout's folder: the package in `src/pkg/` is the repository's, beside its root."""


def with_project_scripts(config: ScanConfig, sources: Sequence[SourceFile]) -> ScanConfig:
    """`config` with the shown names of the modules of `sources` that are scripts beside a
    package."""
    found = project_scripts([source.shown_as for source in sources])
    return config._replace(project_scripts=found) if found else config


def project_scripts(paths: Sequence[str]) -> frozenset[str]:
    """The names among `paths` (as shown, `/`-separated) of modules outside every package with
    a package that is not test code beside them or beside a folder above them."""
    files = [PurePosixPath(path.replace("\\", "/")) for path in paths]
    packages = {file.parent for file in files if file.name == _INIT}
    beside: set[PurePosixPath] = set()
    distributed: set[PurePosixPath] = set()
    for package in packages:
        holder = package.parent
        if holder in packages or is_test_path(f"{package}/{_INIT}"):
            continue  # a subpackage, or a test package
        if holder.name == _SOURCE_FOLDER:  # what `src/` holds is what the project ships
            distributed.add(holder)
            holder = holder.parent
        beside.add(holder)
    if not beside:
        return frozenset()
    maintained = _maintenance_packages(packages)
    return frozenset(
        path
        for path, file in zip(paths, files, strict=True)
        if file.name != _INIT
        and (
            (
                file.parent not in distributed
                and not any(folder in packages for folder in file.parents)
                and any(folder in beside for folder in file.parents)
            )
            or any(folder in maintained for folder in file.parents)
        )
    )


def _maintenance_packages(packages: set[PurePosixPath]) -> set[PurePosixPath]:
    """Top-level packages that are maintainers' tools beside the project's own package: between
    the package and the folder it shares with another top-level package, the package or a plain
    folder is named for maintenance (`examples/__init__.py` beside `luigi/`, `devscripts/`, a
    Sphinx extension in `docs/source/`), and not so on the other's side. Folders above the one
    they share (the checkout's own place, `~/dev/project`) say nothing of either; a project whose
    only package is named so (`scripts/`) ships it."""
    top = [p for p in packages if p.parent not in packages and not is_test_path(f"{p}/{_INIT}")]
    return {
        package
        for package in top
        if any(
            _named_between(package, other) and not _named_between(other, package)
            for other in top
            if other != package
        )
    }


def _named_between(package: PurePosixPath, other: PurePosixPath) -> bool:
    """Whether `package` or a folder above it, below the folder it shares with `other`, is named
    for maintenance."""
    shared = set(other.parents)
    for folder in [package, *package.parents]:
        if folder in shared:
            return False
        if folder.name.lower() in MAINTENANCE_PACKAGES:
            return True
    return False
