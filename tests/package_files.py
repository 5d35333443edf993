"""A small package written into a test's folder, for tests of facts gathered across modules."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write_package(root: Path, modules: dict[str, str], name: str = "app") -> None:
    """`root/name/` as a package holding each of `modules` (module name -> source, dedented)."""
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    for module, source in modules.items():
        (package / f"{module}.py").write_text(textwrap.dedent(source))
