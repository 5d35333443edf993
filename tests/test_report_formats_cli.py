"""The concise and JUnit formats, `--also-output` (one run, every report) and `--show-checked`."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner
from markdown_it import MarkdownIt

from secreview.cli import cli
from secreview.findings import CheckedWeakness, ErrorKind, FileError, FileReport, ScanResult
from secreview.pipeline import review_source
from secreview.report.junit import render_junit
from secreview.report.text import render_text
from secreview.review.model import REVIEW_KEY, ChangeExcerpt, ExcerptLine, ReviewInfo, finding_key
from secreview.text import SNIPPET_MAX_LINES, snippet_of

VULNERABLE = "import os\n\n\ndef run(cmd):\n    os.system(cmd)\n    return eval(cmd)\n"
CONCISE_LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<rule>[a-z0-9-]+) "
    r"CWE-(?P<cwe>\d+) \[(?P<severity>[a-z]+)\] (?P<message>.+)$"
)


def _scan(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["scan", "-j", "1", "--no-progress", *args])
    return result.exit_code, result.output


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(VULNERABLE)
    (project / "clean.py").write_text("def add(a, b):\n    return a + b\n")
    (project / "broken.py").write_text("def broken(:\n")
    return project


def test_concise_is_one_line_per_finding_matching_json(tmp_path: Path) -> None:
    project = _project(tmp_path)
    code, concise = _scan(str(project), "--format", "concise")
    assert code == 1
    _, as_json = _scan(str(project), "--format", "json")
    findings = json.loads(as_json)["findings"]
    lines = concise.splitlines()
    finding_lines = [CONCISE_LINE.match(line) for line in lines if ": error: " not in line]
    assert len(finding_lines) == len(findings) >= 2
    for match, finding in zip(finding_lines, findings, strict=True):
        assert match is not None
        assert match["path"] == finding["path"]
        assert int(match["line"]) == finding["line"]
        assert int(match["col"]) == finding["column"] + 1
        assert (match["rule"], int(match["cwe"])) == (finding["rule_id"], finding["cwe"])
        assert match["message"] == finding["message"]
    assert any(line.endswith(".py:1:1: error: " + line.split(": error: ")[1])
               for line in lines if "broken.py" in line)  # fmt: skip


def test_junit_is_well_formed_and_counts_add_up(tmp_path: Path) -> None:
    project = _project(tmp_path)
    code, xml = _scan(str(project), "--format", "junit")
    assert code == 1
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == sorted(s.get("name") for s in suites)
    for total in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(total)) == sum(int(s.get(total)) for s in suites)
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases) >= 1
        assert int(suite.get("failures")) == sum(c.find("failure") is not None for c in cases)
    by_name = {suite.get("name"): suite for suite in suites}
    app = by_name[next(name for name in by_name if name.endswith("app.py"))]
    assert int(app.get("failures")) >= 2
    failure = app.find("testcase/failure")
    assert failure is not None and failure.get("type") in {"low", "medium", "high", "critical"}
    assert failure.text and re.match(r".+app\.py:\d+:\d+\n", failure.text)
    broken = by_name[next(name for name in by_name if name.endswith("broken.py"))]
    assert int(broken.get("errors")) == 1
    clean = by_name[next(name for name in by_name if name.endswith("clean.py"))]
    assert (clean.get("tests"), clean.get("failures")) == ("1", "0")


def test_junit_escapes_what_xml_cannot_hold() -> None:
    error = FileError("bad\x01.py", "cannot read \x00 here", ErrorKind.UNREADABLE)
    result = ScanResult(files=(FileReport("bad\x01.py", error=error, reviewed=False),), checked=())
    root = ET.fromstring(render_junit(result))
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "bad\\x01.py"


def test_also_output_writes_every_format_from_one_run(tmp_path: Path) -> None:
    project = _project(tmp_path)
    sarif, markdown = tmp_path / "r.sarif", tmp_path / "r.md"
    code, output = _scan(str(project), "--format", "json", "--also-output", f"sarif={sarif}",
                         "--also-output", f"markdown={markdown}")  # fmt: skip
    assert code == 1
    findings = json.loads(output)["findings"]
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == [f["rule_id"] for f in findings]
    assert markdown.read_text().startswith("# Security review")


def test_also_output_is_checked_before_any_work(tmp_path: Path) -> None:
    code, output = _scan(str(_project(tmp_path)), "--also-output", f"sarif={tmp_path}/no/x.sarif")
    assert code == 2 and "does not exist" in output
    code, output = _scan(str(tmp_path), "--also-output", "nonsense")
    assert code == 2 and "FORMAT=FILE" in output


def test_checked_list_compact_by_default_full_with_show_checked(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _, compact = _scan(str(project))
    assert re.search(r"^Checked: \d+ weakness classes checked, \d+ found\.$", compact, re.M)
    assert "[not found]" not in compact
    _, full = _scan(str(project), "--show-checked")
    assert "[not found]" in full
    _, as_json = _scan(str(project), "--format", "json")
    assert len(json.loads(as_json)["checked"]) > 1


def test_a_class_found_below_min_severity_is_found_hidden_not_not_found(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "digest.py").write_text("import hashlib\n\nDIGEST = hashlib.md5(b'x').hexdigest()\n")
    _, shown = _scan(str(project), "--format", "json")
    weak_hash = {c["cwe"] for c in json.loads(shown)["checked"] if c["found"]}
    assert weak_hash, "the fixture must produce a finding"
    code, hidden = _scan(str(project), "--min-severity", "critical", "--format", "json")
    rows = {c["cwe"]: c for c in json.loads(hidden)["checked"]}
    assert code == 0
    assert all(rows[cwe]["found"] == 0 and rows[cwe]["hidden"] == 1 for cwe in weak_hash)
    _, text = _scan(str(project), "--min-severity", "critical", "--show-checked")
    assert "found but hidden (--min-severity, --min-confidence)" in text
    assert "[found, hidden]" in text


def test_text_shows_one_change_block_per_location() -> None:

    report = review_source("import os\n\ndef run(cmd):\n    os.system(eval(cmd))\n", "app.py")
    first, second = report.findings[:2]
    assert first.location.line == second.location.line
    excerpt = ChangeExcerpt((ExcerptLine("+", "    os.system(eval(cmd))", 4),))
    info = ReviewInfo(
        base="main", head="HEAD", excerpts={finding_key(f): excerpt for f in report.findings}
    )
    result = ScanResult(
        files=(FileReport("app.py", findings=report.findings),),
        checked=(CheckedWeakness(78, 1),),
        extra={REVIEW_KEY: info},
    )
    text = render_text(result)
    assert text.count("     Change:\n") == 1
    assert "Change: as for finding 1 above" in text


MULTI_LINE_CALL = (
    "import subprocess\n\n\ndef run(cmd):\n"
    "    subprocess.call(\n        cmd,\n        shell=True,\n    )\n"
)


def test_a_call_over_several_lines_is_shown_whole(tmp_path: Path) -> None:
    (tmp_path / "job.py").write_text(MULTI_LINE_CALL)
    _, text = _scan(str(tmp_path / "job.py"))
    shown = "         subprocess.call(\n             cmd,\n             shell=True,\n         )\n"
    assert shown in text
    _, markdown = _scan(str(tmp_path / "job.py"), "--format", "markdown")
    blocks = [t for t in MarkdownIt().parse(markdown) if t.type == "fence"]
    assert [b.content for b in blocks] == ["subprocess.call(\n    cmd,\n    shell=True,\n)\n"]


def test_a_long_call_is_cut_after_the_snippet_limit() -> None:
    code = "f(\n" + "".join(f"    a{i},\n" for i in range(20)) + ")"
    lines = snippet_of(code).splitlines()
    assert len(lines) == SNIPPET_MAX_LINES
    assert lines[0] == "f(" and lines[-1] == "…"
    assert snippet_of("os.system(cmd)") == "os.system(cmd)"
