"""SARIF as GitHub code scanning reads it: the documented requirements, checked on whole files.

The checks follow GitHub's "SARIF support for code scanning" reference (required properties of
sarifLog, run, toolComponent, reportingDescriptor, result, location and physicalLocation; the
security-severity scale; the upload limits), applied to a real scan of the bundled examples and
to a crafted result with test-code notes and configured severities.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner
from test_report_sarif import HASH, HASHED, IN_TESTS, RESULT, RULES, SQL, TAINTED

from secreview.cli import cli
from secreview.findings import FileReport, ScanResult, Severity
from secreview.report.sarif import render_sarif

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
LIMITS = {"runs": 20, "results": 25_000, "rules": 25_000, "thread_flow_locations": 10_000,
          "locations": 1_000, "tags": 20}  # fmt: skip
LEVELS = {"note", "warning", "error"}
PRECISIONS = {"very-high", "high", "medium", "low"}
# GitHub's buckets: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
LEVEL_FOR_SCORE = ((9.0, "error"), (7.0, "error"), (4.0, "warning"), (0.1, "note"))


def _score(value: object) -> float:
    """A security-severity: a string holding a number in (0.0, 10.0]."""
    assert isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value), value
    score = float(value)
    assert 0.0 < score <= 10.0, value
    return score


def _level_for(score: float) -> str:
    return next(level for floor, level in LEVEL_FOR_SCORE if score >= floor)


def _text(holder: object, field: str, limit: int | None = None) -> str:
    assert isinstance(holder, dict) and isinstance(holder.get(field), dict), (holder, field)
    text = holder[field].get("text")
    assert isinstance(text, str) and text.strip(), (holder, field)
    assert limit is None or len(text) <= limit
    return text


def _check_physical_location(physical: dict) -> None:
    uri = physical["artifactLocation"]["uri"]
    assert uri and not uri.startswith("/") and "://" not in uri and "\\" not in uri, uri
    region = physical["region"]
    assert region["startLine"] >= 1 and region.get("startColumn", 1) >= 1
    assert region.get("endLine", region["startLine"]) >= region["startLine"]


def check_github_requirements(log: dict) -> None:
    """Assert every requirement of GitHub's SARIF reference that the file can be checked for."""
    assert log["$schema"] and log["version"] == "2.1.0"
    assert 1 <= len(log["runs"]) <= LIMITS["runs"]
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert isinstance(driver["name"], str) and driver["name"]
        rules = driver["rules"]
        assert len(rules) <= LIMITS["rules"]
        assert len({rule["id"] for rule in rules}) == len(rules)
        for rule in rules:
            assert rule["id"] and len(rule.get("name", "")) <= 255
            _text(rule, "shortDescription", 1024)
            _text(rule, "fullDescription", 1024)
            _text(rule, "help")
            assert rule["helpUri"].startswith("https://")
            assert rule["defaultConfiguration"]["level"] in LEVELS
            properties = rule["properties"]
            tags = properties["tags"]
            assert "security" in tags and len(tags) <= LIMITS["tags"]
            assert all(isinstance(tag, str) and tag for tag in tags)
            assert properties["precision"] in PRECISIONS
            score = _score(properties["security-severity"])
            assert rule["defaultConfiguration"]["level"] == _level_for(score)
        results = run["results"]
        assert len(results) <= LIMITS["results"]
        for result in results:
            rule = rules[result["ruleIndex"]]
            assert rule["id"] == result["ruleId"]
            _text(result, "message")
            assert 1 <= len(result["locations"]) <= 10
            for location in result["locations"]:
                _check_physical_location(location["physicalLocation"])
            for related in result.get("relatedLocations", []):
                _check_physical_location(related["physicalLocation"])
            assert len(result.get("relatedLocations", [])) <= LIMITS["locations"]
            fingerprints = result["partialFingerprints"]
            assert fingerprints and all(isinstance(v, str) and v for v in fingerprints.values())
            for flow in result.get("codeFlows", []):
                for thread in flow["threadFlows"]:
                    assert len(thread["locations"]) <= LIMITS["thread_flow_locations"]
                    for step in thread["locations"]:
                        _check_physical_location(step["location"]["physicalLocation"])
            score = _score(result["properties"]["security-severity"])
            assert result["level"] == _level_for(score), result
            # The rule's score (what GitHub shows) is never below any of its results'.
            assert _score(rule["properties"]["security-severity"]) >= score


def test_a_real_scan_meets_githubs_requirements(tmp_path: Path) -> None:
    output = tmp_path / "scan.sarif"
    ran = CliRunner().invoke(
        cli,
        [
            "scan",
            str(EXAMPLES),
            "-j",
            "1",
            "--no-progress",
            "--format",
            "sarif",
            "-o",
            str(output),
        ],
    )
    assert ran.exit_code == 1, ran.output
    log = json.loads(output.read_text(encoding="utf-8"))
    assert log["runs"][0]["results"], "the examples have findings to check"
    check_github_requirements(log)


def test_the_crafted_result_meets_githubs_requirements() -> None:
    check_github_requirements(json.loads(render_sarif(RESULT, RULES)))


def test_a_test_code_note_is_not_rated_as_its_rule() -> None:
    log = json.loads(render_sarif(RESULT, RULES))
    check_github_requirements(log)
    by_uri = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r
        for r in log["runs"][0]["results"]
    }
    note = by_uri["tests/test_util.py"]
    assert (note["level"], note["properties"]["security-severity"]) == ("note", "1.0")
    hashed = by_uri["my%20app/util.py"]
    assert (hashed["level"], hashed["properties"]["security-severity"]) == ("warning", "5.0")
    tainted = by_uri["app/views.py"]
    assert (tainted["level"], tainted["properties"]["security-severity"]) == ("error", "7.5")


def test_a_rule_whose_only_results_are_notes_is_rated_low() -> None:
    only_notes = ScanResult(
        files=(FileReport("tests/test_util.py", findings=(IN_TESTS,), is_test=True),),
        checked=(),
    )
    log = json.loads(render_sarif(only_notes, (HASH,)))
    check_github_requirements(log)
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert rule["properties"]["security-severity"] == "3.0"
    assert rule["defaultConfiguration"]["level"] == "note"


def test_a_severity_lowered_in_the_configuration_is_what_github_sees() -> None:
    lowered = TAINTED._replace(severity=Severity.LOW)
    result = ScanResult(files=(FileReport("app/views.py", findings=(lowered,)),), checked=())
    log = json.loads(render_sarif(result, (SQL,)))
    check_github_requirements(log)
    run = log["runs"][0]
    (rule,) = run["tool"]["driver"]["rules"]
    assert rule["properties"]["security-severity"] == "3.0"
    (only,) = run["results"]
    assert (only["level"], only["properties"]["security-severity"]) == ("note", "3.0")


def test_a_rule_without_results_keeps_its_default_rating() -> None:
    result = ScanResult(files=(FileReport("my app/util.py", findings=(HASHED,)),), checked=())
    rules = {
        r["id"]: r
        for r in json.loads(render_sarif(result, RULES))["runs"][0]["tool"]["driver"]["rules"]
    }
    assert rules["hardcoded-secret"]["properties"]["security-severity"] == "9.0"
    assert rules["sql-injection"]["properties"]["security-severity"] == "7.5"


def test_an_unlisted_rule_still_has_help_and_a_full_description() -> None:
    log = json.loads(render_sarif(RESULT, ()))
    check_github_requirements(log)
