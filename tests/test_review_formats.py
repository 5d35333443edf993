"""Gerrit, GitHub and GitLab outputs hold exactly the fields those APIs document."""

from __future__ import annotations

import dataclasses
import difflib
import json
from pathlib import Path

import jsonschema
import pytest

from secreview.config import ScanConfig
from secreview.findings import Confidence, FileReport, Finding, Location, ScanResult, Severity
from secreview.report.gerrit import gerrit_review
from secreview.report.github import github_review
from secreview.report.gitlab import gitlab_issues
from secreview.report.options import RenderOptions, with_render_options
from secreview.review.changes import from_diff
from secreview.review.model import REVIEW_KEY, ReviewInfo, review_info
from secreview.review.run import review_change

DATA = Path(__file__).parent / "data"
BEFORE = "import yaml\n\n\ndef load(text):\n    return text\n"
AFTER = (
    "import os\nimport yaml\n\n\ndef load(text):\n    return yaml.load(text)\n\n\n"
    "def run(cmd):\n    return os.system(\n        cmd\n    )\n\n\ndef calc(expression):\n"
    "    return eval(expression)\n"
)


def schema(name: str) -> dict[str, object]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture
def result(tmp_path: Path) -> ScanResult:
    """A reviewed diff with a one-line, a multi-line and a mechanically fixable finding."""
    (tmp_path / "app.py").write_text(AFTER)
    diff = "".join(
        difflib.unified_diff(
            BEFORE.splitlines(keepends=True),
            AFTER.splitlines(keepends=True),
            "a/app.py",
            "b/app.py",
        )
    )
    change = from_diff(diff, "test.diff", tmp_path, max_bytes=1_000_000)
    return review_change(change, ScanConfig())


def test_the_review_found_what_the_formats_need(result: ScanResult) -> None:
    rules = {f.rule_id for f in result.findings}
    assert {"unsafe-yaml-load", "eval-injection"} <= rules
    assert any((f.location.end_line or 0) > f.location.line for f in result.findings)


def _yaml_fix(comments: list[dict]) -> None:
    """The unsafe-yaml-load comment's fix replaces exactly `yaml.load` in the new file."""
    (yaml_comment,) = [c for c in comments if "unsafe-yaml-load" in c["message"]]
    (fix,) = yaml_comment["fix_suggestions"]
    (replacement,) = fix["replacements"]
    assert replacement["replacement"] == "yaml.safe_load"
    line = AFTER.splitlines()[replacement["range"]["start_line"] - 1]
    span = replacement["range"]
    assert line[span["start_character"] : span["end_character"]] == "yaml.load"


def test_gerrit_review_input_has_ordinary_comments_with_fixes(result: ScanResult) -> None:
    payload = gerrit_review(result)
    jsonschema.validate(payload, schema("gerrit-review-input.schema.json"))
    assert "robot_comments" not in payload and "labels" not in payload
    comments = payload["comments"]["app.py"]  # type: ignore[index]
    assert len(comments) == len(result.findings)
    for comment in comments:
        assert comment["line"] == comment["range"]["end_line"]
        assert comment["unresolved"] is True
        assert "robot_id" not in comment
    _yaml_fix(comments)


def test_gerrit_robot_comments_behind_a_flag(result: ScanResult) -> None:
    flagged = with_render_options(result, RenderOptions(gerrit_robot_comments=True))
    payload = gerrit_review(flagged)
    jsonschema.validate(payload, schema("gerrit-review-input.schema.json"))
    assert "comments" not in payload
    comments = payload["robot_comments"]["app.py"]  # type: ignore[index]
    assert all(c["robot_id"] == "secreview" for c in comments)
    for comment in comments:
        assert comment["properties"]["cwe"].startswith("CWE-")
    _yaml_fix(comments)


@pytest.mark.parametrize(("fail_on", "vote"), [(Severity.HIGH, -1), (Severity.CRITICAL, 0)])
def test_gerrit_label_vote_reflects_fail_on(
    result: ScanResult, fail_on: Severity, vote: int
) -> None:
    """eval of a parameter is high: it blocks at --fail-on high, not at critical."""
    info = review_info(result)
    assert info is not None
    reviewed = dataclasses.replace(
        result, extra={**result.extra, REVIEW_KEY: dataclasses.replace(info, fail_on=fail_on)}
    )
    options = RenderOptions(gerrit_label="Code-Review")
    payload = gerrit_review(with_render_options(reviewed, options))
    jsonschema.validate(payload, schema("gerrit-review-input.schema.json"))
    assert payload["labels"] == {"Code-Review": vote}


def test_github_pull_request_review(result: ScanResult) -> None:
    payload = github_review(result)
    jsonschema.validate(payload, schema("github-pull-request-review.schema.json"))
    assert payload["event"] == "REQUEST_CHANGES"
    ranges = [c for c in payload["comments"] if "start_line" in c]  # type: ignore[union-attr]
    assert ranges and all(c["start_line"] < c["line"] for c in ranges)


def test_github_findings_outside_the_diff_go_in_the_body() -> None:
    finding = Finding(
        rule_id="eval-injection",
        cwe=95,
        severity=Severity.LOW,
        confidence=Confidence.HIGH,
        location=Location("app.py", 40, 4, 40, 20),
        message="eval of input.",
        fix="Do not.",
        fingerprint="f",
    )
    info = ReviewInfo(
        base="b", head="h", shown_lines={"app.py": frozenset({1, 2})}, fail_on=Severity.HIGH
    )
    result = ScanResult(
        files=(FileReport("app.py", (finding,)),), checked=(), extra={REVIEW_KEY: info}
    )
    payload = github_review(result)
    jsonschema.validate(payload, schema("github-pull-request-review.schema.json"))
    assert payload["comments"] == []
    assert "line 40 (outside the diff)" in payload["body"]  # type: ignore[operator]
    assert payload["event"] == "COMMENT"  # below --fail-on: comment, do not block


def test_gitlab_code_quality(result: ScanResult) -> None:
    issues = gitlab_issues(result)
    jsonschema.validate(issues, schema("gitlab-code-quality.schema.json"))
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    severities = {issue["check_name"]: issue["severity"] for issue in issues}
    assert severities["secreview/eval-injection"] == "critical"
