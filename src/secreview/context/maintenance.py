"""Which scripts beside the package are named for maintenance (see `secreview.project_scripts`).

A module outside every package with a package beside it is a program, not the package's API;
it is a maintainer's when its folder or name says so: `scripts/release.py`, `docs/conf.py`,
`setup.py`. Its findings are then rated as development-only code's (`devonly`) where it reads no
network input. A module at the root not so named may be what deploys the application (a
`hashview.py` that starts the server, an agent in `install/`), and keeps its ratings.
"""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

_MAINTENANCE_FOLDERS = frozenset(
    {
        *("scripts", "script", "tools", "tool", "devtools", "dev", "ci", ".ci", ".github"),
        *("docs", "doc", "examples", "example", "demo", "demos", "contrib", "release"),
        *("releng", "maint", "maintenance", "benchmarks", "bench", "noxfiles"),
        *("devscripts", "dev-scripts", "dev_scripts", "hack", "deploy", "docker"),
        *(".claude", ".opencode", ".cursor", ".codex", ".gemini", ".devcontainer"),
    }
)
"""Folders whose scripts maintainers and developers run (`scripts/release.py`, `docs/conf.py`,
`devscripts/create-testdata.py`, Kubernetes' `hack/`, an operator's `deploy/` tooling, a
container's `docker/entrypoint.py`, run with the operator's environment) or
their coding agents do (`.claude/scripts/`, `.opencode/skills/`: helpers and local test
servers written for an assistant working in the checkout)."""
MAINTENANCE_PACKAGES = _MAINTENANCE_FOLDERS - {"contrib", "tools", "tool"}
"""The same names for a package beside the project's own (`examples/__init__.py`,
`devscripts/__init__.py`): a maintainers' package (`secreview.project_scripts`). A top-level
`contrib/` or `tools/` package is often shipped with the project, and keeps its ratings."""
_MAINTENANCE_FILES = frozenset({"setup.py", "noxfile.py", "fabfile.py", "dodo.py"})
"""Build and task files a developer runs at the repository's root."""


def maintainer_script(path: str, scripts: frozenset[str]) -> bool:
    """Whether the module shown as `path` is one of `scripts` (`secreview.project_scripts`)
    named for maintenance: in a folder such as `scripts/` or `docs/`, or a build file such as
    `setup.py`."""
    if path not in scripts:
        return False
    shown = PurePosixPath(path.replace("\\", "/"))
    return shown.name in _MAINTENANCE_FILES or any(
        folder.lower() in _MAINTENANCE_FOLDERS for folder in shown.parts[:-1]
    )


def management_command(path: str, tree: ast.Module) -> bool:
    """Whether the module shown as `path` is a Django management command: a module of an app's
    `management/commands/` folder defining a top-level `class Command`, which Django runs only
    when an operator types `manage.py <name>` (or a scheduler the operator set up does), with
    the operator's own arguments. Its findings are rated as a maintainer's script's are where it
    reads no network input."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if len(parts) < 3 or parts[-3:-1] != ("management", "commands") or parts[-1][:1] == "_":
        return False
    return any(isinstance(s, ast.ClassDef) and s.name == "Command" for s in tree.body)
