"""Annotated fixture projects (`tests/fixtures/projects/NAME/`), scanned whole.

A `# expect: RULE-ID` line must be reported and a `# ok: RULE-ID` line must not, as in the rule
fixtures but over several files, for what only a scan of the project can see (re-exports, types
defined in other modules). A project is copied out of `tests/` first, since a scan treats files
under a tests folder as test code, where no flow starts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from test_rule_fixtures import parse_annotations

from secreview.config import ScanConfig
from secreview.scanner import scan

PROJECTS = Path(__file__).parent / "fixtures" / "projects"


def annotation_problems(
    name: str, tmp_path: Path, jobs: int, threat_model: str = "web"
) -> tuple[int, list[str]]:
    """(annotations checked, the ones the scan of the copied project `name` under
    `threat_model` contradicts)."""
    project = PROJECTS / name
    root = tmp_path / name
    if not root.exists():
        shutil.copytree(project, root)
    result = scan([str(root)], ScanConfig(threat_model=threat_model), jobs=jobs)
    reported = {
        (Path(f.location.path).relative_to(root), f.location.line, f.rule_id)
        for f in result.findings
    }
    problems = []
    checked = 0
    for source in sorted(project.rglob("*.py")):
        relative = source.relative_to(project)
        for kind, rule_id, line in parse_annotations(source.read_text(encoding="utf-8")):
            checked += 1
            if (kind == "expect") != ((relative, line, rule_id) in reported):
                problems.append(f"{relative}:{line}: {kind} {rule_id}")
    return checked, problems
