"""One generic test for every annotated rule fixture.

In `tests/fixtures/rules/**/*.py`, a comment `# expect: RULE-ID[, RULE-ID]` says the next code line
must be reported by each rule named; `# ok: RULE-ID` says it must not. Annotations stack.
A first line `# secreview-fixture: threat-model=all` reviews the file under that threat model.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePath

import pytest

from secreview.analysis.rules import ALL_RULES, RULES_BY_ID
from secreview.config import ScanConfig
from secreview.index.facts import module_name_for
from secreview.pipeline import review_source
from secreview.sources.reading import read_source

RULE_FIXTURES = Path(__file__).parent / "fixtures" / "rules"
ANNOTATION = re.compile(r"^\s*#\s*(expect|ok):\s*(.+?)\s*$")
FIXTURE_HEADER = re.compile(r"#\s*secreview-fixture:\s*threat-model=(\w+)\s*")


EVERY_RULE = frozenset(RULES_BY_ID)
"""Fixtures test what each rule reports, so rules shipped off by default run too."""


def fixture_config(text: str) -> ScanConfig:
    """The configuration a fixture asks for on its first line (default: the default one)."""
    match = FIXTURE_HEADER.fullmatch(text.split("\n", 1)[0])
    if match:
        return ScanConfig(threat_model=match[1], enabled_rules=EVERY_RULE)
    return ScanConfig(enabled_rules=EVERY_RULE)


def parse_annotations(text: str) -> list[tuple[str, str, int]]:
    """(kind, rule id, target line) for each annotation: the next line that is not one."""
    lines = text.splitlines()
    found: list[tuple[str, str, int]] = []
    pending: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start=1):
        match = ANNOTATION.match(line)
        if match:
            pending.extend((match[1], rid.strip()) for rid in match[2].split(","))
            continue
        if pending and line.strip():
            found.extend((kind, rid, number) for kind, rid in pending)
            pending = []
    return found


FIXTURE_FILES = sorted(RULE_FIXTURES.rglob("*.py"))


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: str(p.relative_to(RULE_FIXTURES)))
def test_fixture_annotations_hold(fixture: Path) -> None:
    """Every `expect` is reported on its line and no `ok` line is reported."""
    text = read_source(fixture)
    shown_as = str(fixture.relative_to(RULE_FIXTURES))
    # Named as a scan of the fixtures folder names it, so relative imports resolve as there.
    module = module_name_for(PurePath(shown_as))
    report = review_source(text, shown_as, fixture_config(text), module=module)
    assert report.error is None, report.error
    reported = {(f.rule_id, f.location.line) for f in report.findings}
    annotations = parse_annotations(text)
    assert annotations, f"{shown_as} has no annotations"
    problems = []
    for kind, rule_id, line in annotations:
        assert rule_id in RULES_BY_ID, f"{shown_as}:{line} names unknown rule {rule_id}"
        if kind == "expect" and (rule_id, line) not in reported:
            problems.append(f"line {line}: expected {rule_id}, not reported")
        if kind == "ok" and (rule_id, line) in reported:
            problems.append(f"line {line}: {rule_id} reported on an ok line")
    assert not problems, "\n".join(problems)


def test_every_rule_has_hits_and_safe_twins() -> None:
    """Each rule is exercised by at least one expect and one ok annotation."""
    kinds: dict[str, set[str]] = {}
    for fixture in FIXTURE_FILES:
        for kind, rule_id, _ in parse_annotations(fixture.read_text(encoding="utf-8")):
            kinds.setdefault(rule_id, set()).add(kind)
    missing = [r.id for r in ALL_RULES if kinds.get(r.id) != {"expect", "ok"}]
    assert not missing, f"rules without both expect and ok fixtures: {missing}"


def test_a_flow_finding_replaces_the_pattern_finding_of_the_same_defect() -> None:
    """One defect, one finding: request data in `shell=True` is reported once, with its path."""
    text = (
        "import subprocess\nfrom flask import request\n\n"
        "def ping():\n"
        "    host = request.args['host']\n"
        "    return subprocess.check_output('ping ' + host, shell=True)\n"
    )
    report = review_source(text, "app.py")
    on_sink = [f for f in report.findings if f.location.line == 6 and f.cwe == 78]
    assert [f.rule_id for f in on_sink] == ["tainted-command"]
    assert on_sink[0].evidence[0].location.line == 5
