"""A small package written into a test's folder, for tests of facts gathered across modules."""

from __future__ import annotations

import textwrap
from pathlib import Path

from secreview.config import ScanConfig
from secreview.scanner import scan


def write_package(root: Path, modules: dict[str, str], name: str = "app") -> None:
    """`root/name/` as a package holding each of `modules` (module name -> source, dedented)."""
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    for module, source in modules.items():
        (package / f"{module}.py").write_text(textwrap.dedent(source))


def finding_places(
    root: Path, rule_id: str, config: ScanConfig | None = None
) -> set[tuple[str, int]]:
    """(file name, line) of every `rule_id` finding of a one-process scan of `root`."""
    result = scan([str(root)], config or ScanConfig(), jobs=1)
    return {
        (Path(report.path).name, finding.location.line)
        for report in result.files
        for finding in report.findings
        if finding.rule_id == rule_id
    }
