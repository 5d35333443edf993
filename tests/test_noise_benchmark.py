"""The noise benchmark's matching and summaries, on a tiny hand-made report and triage file.

No project is installed or scanned here: the scan itself lives in benchmarks/noise.py's run.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "noise.py"
ROOT = Path("/venv/lib/python3.11/site-packages")


@pytest.fixture(scope="module")
def noise() -> ModuleType:
    """benchmarks/noise.py, imported by path (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("noise_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def finding(
    path: str, line: int, rule: str, tags: list[str] | None = None, confidence: str = "medium"
) -> dict:
    """One finding as `secreview scan --format json` writes it (only the fields read)."""
    return {
        "path": str(ROOT / path),
        "line": line,
        "rule_id": rule,
        "message": f"{rule} at {line}",
        "confidence": confidence,
        "tags": tags or [],
    }


REPORT = {
    "findings": [
        finding("pkg/b.py", 9, "path-traversal"),
        finding("pkg/a.py", 3, "eval-injection"),
        finding("pkg/a.py", 7, "swallowed-exception"),
        finding("pkg/tests/test_a.py", 1, "eval-injection", ["test-code", "note"]),
        finding("pkg/tests/conftest.py", 2, "hardcoded-crypto-key", ["test-code"]),
    ]
}

TRIAGE = (
    "# a comment line\n"
    "project\tpath\tline\trule\tverdict\treason\n"
    "demo\tpkg/a.py\t3\teval-injection\tfalse\tprogram-made source\n"
    "demo\tpkg/b.py\t9\tpath-traversal\ttrue\trequest path reaches open\n"
    "demo\tpkg/tests/conftest.py\t2\thardcoded-crypto-key\tdefensible\tfixed key in fixtures\n"
    "\n"
    "demo\tpkg/gone.py\t5\txss\tfalse\tfixed since\n"
)


@pytest.fixture
def triage_file(tmp_path: Path) -> Path:
    path = tmp_path / "triage.tsv"
    path.write_text(TRIAGE, encoding="utf-8")
    return path


def test_report_findings_drop_notes_and_become_relative(noise: ModuleType) -> None:
    found = noise.findings_from_report("demo", REPORT, ROOT)
    assert [(f.path, f.line, f.rule) for f in found] == [
        ("pkg/a.py", 3, "eval-injection"),
        ("pkg/a.py", 7, "swallowed-exception"),
        ("pkg/b.py", 9, "path-traversal"),
        ("pkg/tests/conftest.py", 2, "hardcoded-crypto-key"),  # test code, but not a note
    ]
    assert {f.project for f in found} == {"demo"}


def test_triage_rows_are_read_and_header_comments_blanks_skipped(
    noise: ModuleType, triage_file: Path
) -> None:
    verdicts = noise.load_triage(triage_file)
    assert [(v.path, v.line, v.verdict) for v in verdicts] == [
        ("pkg/a.py", 3, "false"),
        ("pkg/b.py", 9, "true"),
        ("pkg/tests/conftest.py", 2, "defensible"),
        ("pkg/gone.py", 5, "false"),
    ]
    assert verdicts[1].reason == "request path reaches open"


@pytest.mark.parametrize(
    "row",
    [
        "demo\tpkg/a.py\t3\teval-injection\tmaybe\tunknown verdict",
        "demo\tpkg/a.py\tthree\teval-injection\tfalse\tline is not a number",
        "demo\tpkg/a.py\t3\teval-injection\tfalse",
    ],
)
def test_a_malformed_triage_row_stops_with_its_line(
    noise: ModuleType, tmp_path: Path, row: str
) -> None:
    path = tmp_path / "triage.tsv"
    path.write_text("# header\n" + row + "\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"triage\.tsv:2: expected 6"):
        noise.load_triage(path)


def test_matching_pairs_untriaged_and_stale(noise: ModuleType, triage_file: Path) -> None:
    found = noise.findings_from_report("demo", REPORT, ROOT)
    triage = noise.match(found, noise.load_triage(triage_file))
    judged = {(f.path, v.verdict) for f, v in triage.judged}
    assert judged == {
        ("pkg/a.py", "false"),
        ("pkg/b.py", "true"),
        ("pkg/tests/conftest.py", "defensible"),
    }
    assert [(f.path, f.line) for f in triage.untriaged] == [("pkg/a.py", 7)]
    assert [(v.path, v.rule) for v in triage.stale] == [("pkg/gone.py", "xss")]
    assert noise.accepted_share(triage.judged) == pytest.approx(2 / 3)
    assert noise.accepted_share(()) is None


def test_a_finding_that_moved_a_line_is_untriaged_and_its_row_stale(
    noise: ModuleType, triage_file: Path
) -> None:
    moved = {"findings": [finding("pkg/b.py", 10, "path-traversal")]}
    triage = noise.match(
        noise.findings_from_report("demo", moved, ROOT), noise.load_triage(triage_file)
    )
    assert not triage.judged
    assert [f.line for f in triage.untriaged] == [10]
    assert ("pkg/b.py", 9) in {(v.path, v.line) for v in triage.stale}


def test_tables_count_per_10k_lines_and_share_accepted(
    noise: ModuleType, triage_file: Path
) -> None:
    found = tuple(noise.findings_from_report("demo", REPORT, ROOT))
    project = noise.Project("demo", "1.0", ("pkg",))
    results = [noise.Measured(project, 2_000, found)]
    triage = noise.match(found, noise.load_triage(triage_file))

    projects = noise.project_table(results, triage)
    demo = next(line for line in projects if line.startswith("demo 1.0"))
    assert demo.split()[2:7] == ["2000", "4", "20.0", "3", "67%"]

    rules = {line.split()[0]: line.split()[1:] for line in noise.rule_table(results, triage)}
    assert rules["eval-injection"] == ["1", "5.0", "0", "0", "1", "0%"]
    assert rules["path-traversal"] == ["1", "5.0", "1", "0", "0", "100%"]
    assert rules["swallowed-exception"][-1] == "-"  # found but not judged

    summary = noise.triage_summary(triage)
    assert summary[0].startswith("triaged 3, untriaged 1; true 1, defensible 1, false 1: 66.7%")
    assert "pkg/gone.py:5 xss [false]" in summary[2]


def test_rules_print_by_count_then_name(noise: ModuleType) -> None:
    counts = Counter({"b-rule": 2, "a-rule": 2, "c-rule": 5})
    assert noise.by_rule_order(counts) == ["c-rule", "a-rule", "b-rule"]


def test_bandit_table_beside_ours(noise: ModuleType) -> None:
    project = noise.Project("demo", "1.0", ("pkg",))
    found = tuple(noise.findings_from_report("demo", REPORT, ROOT))
    with_bandit = noise.Measured(project, 10_000, found, Counter({"B101 assert_used": 6}))
    table = noise.bandit_table([with_bandit])
    assert table[1].split() == ["demo", "4", "4.0", "6", "6.0"]
    assert table[2] == "bandit tests: B101 assert_used 6"
    missing = noise.Measured(project, 10_000, found, None)
    assert noise.bandit_table([missing])[0].startswith("bandit: not installed")


def test_lines_of_code_skip_blanks_and_comments(noise: ModuleType, tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "a.py").write_text("# comment\n\nx = 1\n    # indented comment\ny = 2\n")
    (package / "sub" / "b.py").write_text('"""doc"""\n')
    (package / "data.txt").write_text("not python\nat all\n")
    assert noise.count_lines(package) == 3
    assert noise.count_lines(package / "a.py") == 2


def test_projects_file_keeps_its_order(noise: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "projects.toml"
    path.write_text(
        '[[project]]\nname = "zeta"\nversion = "2.0"\npackages = ["zeta", "zeta_extra"]\n'
        '[[project]]\nname = "alpha"\nversion = "1.0"\npackages = ["alpha.py"]\n'
    )
    assert noise.load_projects(path) == [
        noise.Project("zeta", "2.0", ("zeta", "zeta_extra")),
        noise.Project("alpha", "1.0", ("alpha.py",)),
    ]


def test_the_shipped_triage_record_is_well_formed(noise: ModuleType) -> None:
    """Every row of the real record parses, judges a listed project, and is there once."""
    projects = {p.name for p in noise.load_projects(noise.HERE / "projects.toml")}
    verdicts = noise.load_triage(noise.HERE / "triage.tsv")
    assert len(verdicts) >= 100
    assert {v.project for v in verdicts} <= projects
    assert len({v.key for v in verdicts}) == len(verdicts)
    assert all(v.reason.strip() for v in verdicts)


def test_the_confidence_table_counts_what_each_minimum_confidence_shows(
    noise: ModuleType,
) -> None:
    report = {
        "findings": [
            finding("pkg/a.py", 1, "eval-injection", confidence="high"),
            finding("pkg/a.py", 2, "eval-injection", confidence="low"),
            finding("pkg/a.py", 3, "eval-injection", confidence="low"),
        ]
    }
    found = noise.findings_from_report("demo", report, ROOT)
    rows = [
        noise.Verdict("demo", "pkg/a.py", line, "eval-injection", verdict, "why")
        for line, verdict in ((1, "true"), (2, "false"), (3, "defensible"))
    ]
    table = noise.confidence_table(noise.match(found, rows))
    assert table[1].split() == ["high", "1", "100%"]
    assert table[2].split() == ["medium", "1", "100%"]
    assert table[3].split() == ["low", "3", "67%"]
