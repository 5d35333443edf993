"""SARIF output: valid against the OASIS 2.1.0 schema, with what GitHub code scanning reads."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import jsonschema
import pytest

from secreview.analysis.rule import Hit, Rule, rule
from secreview.cwe import lookup
from secreview.findings import (
    CheckedWeakness,
    Confidence,
    EvidenceStep,
    FileError,
    FileReport,
    Finding,
    Location,
    ScanResult,
    Severity,
)
from secreview.index.context import ModuleContext
from secreview.report.sarif import SARIF_SCHEMA, render_sarif

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
SARIF = dict[str, object]


def _never(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Rules here only describe themselves; the reporter never runs checks."""
    yield from ()


def _make_rule(rule_id: str, cwe: int, severity: Severity, confidence: Confidence) -> Rule:
    return rule(
        id=rule_id,
        name=f"Human name of {rule_id}",
        cwe=cwe,
        severity=severity,
        confidence=confidence,
        summary=f"Summary of {rule_id}.",
        fix=f"Fix for {rule_id}.",
        what_it_does=f"What {rule_id} does.",
        why_bad=f"Why {rule_id} is bad.",
        example="cursor.execute('SELECT ' + name)",
        use_instead="cursor.execute('SELECT ?', (name,))",
        references=(f"https://cwe.mitre.org/data/definitions/{cwe}.html",),
    )(_never)


SQL = _make_rule("sql-injection", 89, Severity.HIGH, Confidence.HIGH)
HASH = _make_rule("weak-hash", 328, Severity.MEDIUM, Confidence.MEDIUM)
SECRET = _make_rule("hardcoded-secret", 798, Severity.CRITICAL, Confidence.LOW)  # no results
RULES = (SQL, HASH, SECRET)

TAINTED = Finding(
    rule_id="sql-injection",
    cwe=89,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    location=Location("app/views.py", 12, 4, 12, 40),
    message="Query built from request data.",
    fix="Pass the value as a query parameter.",
    evidence=(
        EvidenceStep(Location("app/views.py", 8, 8, 8, 30), "request.args['q'] (untrusted)"),
        EvidenceStep(Location("app/views.py", 10, 4, 10, 25), "query = 'SELECT ' + q"),
    ),
    fingerprint="0123456789abcdef0123",
)
HASHED = Finding(
    rule_id="weak-hash",
    cwe=328,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    location=Location("my app/util.py", 3, 0, 3, 17),
    message="MD5 is broken for security use.",
    fix="Use hashlib.sha256.",
    fingerprint="fedcba9876543210fedc",
)
IN_TESTS = Finding(
    rule_id="weak-hash",
    cwe=328,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    location=Location("tests/test_util.py", 5, 4),
    message="MD5 is broken for security use.",
    fix="Use hashlib.sha256.",
    fingerprint="aaaabbbbccccddddeeee",
    tags=("test-code", "note"),
)
BROKEN = FileError(
    "app/broken.py", "app/broken.py: invalid syntax at line 3; the file was not reviewed"
)

RESULT = ScanResult(
    files=(
        FileReport("app/views.py", findings=(TAINTED,)),
        FileReport("my app/util.py", findings=(HASHED,)),
        FileReport("tests/test_util.py", findings=(IN_TESTS,), is_test=True),
        FileReport("app/broken.py", error=BROKEN, reviewed=False),
    ),
    checked=(CheckedWeakness(89, 1), CheckedWeakness(328, 2), CheckedWeakness(798, 0)),
    elapsed_seconds=1.25,
    tool_version="0.1.0",
)


@cache
def _schema() -> dict[str, object]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _validate(text: str) -> SARIF:
    """Parse and validate with the validator for the dialect the shipped schema declares."""
    schema = _schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    log = json.loads(text)
    validator_class(schema, format_checker=validator_class.FORMAT_CHECKER).validate(log)
    return log


def _run(result: ScanResult = RESULT, rules: tuple[Rule, ...] = RULES) -> dict:
    log = _validate(render_sarif(result, rules))
    assert log["version"] == "2.1.0"
    assert log["$schema"] == SARIF_SCHEMA
    assert len(log["runs"]) == 1
    return log["runs"][0]


def _results_by_rule(run: dict, rule_id: str) -> list[dict]:
    return [r for r in run["results"] if r["ruleId"] == rule_id]


def test_shipped_schema_is_the_official_one() -> None:
    schema = _schema()
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["id"] == SARIF_SCHEMA
    assert "$schema" in schema


def test_full_result_validates() -> None:
    run = _run()
    assert len(run["results"]) == 3


@pytest.mark.parametrize("rules", [(), RULES])
def test_empty_result_validates(rules: tuple[Rule, ...]) -> None:
    run = _run(ScanResult(files=(), checked=()), rules)
    assert run["results"] == []
    assert len(run["tool"]["driver"]["rules"]) == len(rules)
    assert run["invocations"][0]["toolExecutionNotifications"] == []


def test_driver_names_the_tool() -> None:
    driver = _run()["tool"]["driver"]
    assert driver["name"] == "secreview"
    assert driver["version"] == driver["semanticVersion"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")


def test_every_rule_that_ran_is_listed_with_what_github_reads() -> None:
    rules = {r["id"]: r for r in _run()["tool"]["driver"]["rules"]}
    assert set(rules) == {"sql-injection", "weak-hash", "hardcoded-secret"}
    secret = rules["hardcoded-secret"]
    assert secret["name"] == "HardcodedSecret"
    assert secret["shortDescription"]["text"] == "Human name of hardcoded-secret"
    assert secret["defaultConfiguration"]["level"] == "error"
    assert secret["properties"] == {
        "tags": ["security", "external/cwe/cwe-798"],
        "precision": "low",
        "security-severity": "9.0",
    }
    assert rules["sql-injection"]["properties"]["security-severity"] == "7.5"
    assert rules["sql-injection"]["properties"]["precision"] == "high"
    assert rules["weak-hash"]["properties"]["security-severity"] == "5.0"
    assert rules["weak-hash"]["defaultConfiguration"]["level"] == "warning"


def test_rule_help_carries_the_five_sections_and_the_fix() -> None:
    sql = next(r for r in _run()["tool"]["driver"]["rules"] if r["id"] == "sql-injection")
    for field in ("text", "markdown"):
        help_text = sql["help"][field]
        for expected in (
            "What it does",
            "What sql-injection does.",
            "Why is this bad?",
            "Why sql-injection is bad.",
            "Example",
            "cursor.execute('SELECT ' + name)",
            "Use instead",
            "cursor.execute('SELECT ?', (name,))",
            "Fix for sql-injection.",
            "https://cwe.mitre.org/data/definitions/89.html",
        ):
            assert expected in help_text, (field, expected)
    assert "```python\ncursor.execute('SELECT ' + name)\n```" in sql["help"]["markdown"]


def test_rule_index_points_at_the_rule() -> None:
    run = _run()
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_finding_of_an_unlisted_rule_still_has_a_rule_entry() -> None:
    run = _run(rules=(HASH,))
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["sql-injection", "weak-hash"]
    (tainted,) = _results_by_rule(run, "sql-injection")
    assert rules[tainted["ruleIndex"]]["properties"]["tags"] == [
        "security",
        "external/cwe/cwe-89",
    ]


def test_cwe_taxonomy_and_relationships() -> None:
    run = _run()
    (taxonomy,) = run["taxonomies"]
    assert taxonomy["name"] == "CWE"
    assert taxonomy["version"] == "4.14"
    taxa = taxonomy["taxa"]
    assert [t["id"] for t in taxa] == ["89", "328", "798"]
    assert taxa[0]["name"] == lookup(89).name
    for descriptor in run["tool"]["driver"]["rules"]:
        (relationship,) = descriptor["relationships"]
        target = relationship["target"]
        assert target["toolComponent"]["name"] == "CWE"
        assert taxa[target["index"]]["id"] == target["id"]
        assert f"external/cwe/cwe-{target['id']}" in descriptor["properties"]["tags"]


def test_locations_are_relative_with_one_based_columns() -> None:
    (tainted,) = _results_by_rule(_run(), "sql-injection")
    physical = tainted["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "app/views.py", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 12, "startColumn": 5, "endLine": 12, "endColumn": 41}


def test_uris_are_escaped_and_absolute_paths_are_file_uris() -> None:
    hashed = _results_by_rule(_run(), "weak-hash")[0]
    location = hashed["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "my%20app/util.py"
    absolute = ScanResult(
        files=(
            FileReport(
                "/srv/app.py",
                findings=(HASHED._replace(location=Location("/srv/app.py", 1)),),
            ),
        ),
        checked=(),
    )
    result = _run(absolute)["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "file:///srv/app.py"
    }


def test_result_level_message_fingerprint_and_tags() -> None:
    (tainted,) = _results_by_rule(_run(), "sql-injection")
    assert tainted["level"] == "error"
    assert tainted["message"]["text"] == (
        "Query built from request data. Fix: Pass the value as a query parameter."
    )
    assert tainted["partialFingerprints"] == {"secreview/v1": "0123456789abcdef0123"}
    assert tainted["properties"]["tags"] == []


def test_test_code_finding_is_a_note() -> None:
    in_tests = next(
        r
        for r in _run()["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "tests/test_util.py"
    )
    assert in_tests["level"] == "note"
    assert in_tests["properties"]["tags"] == ["test-code", "note"]
    # A column-only location has no end: the region says so rather than invent one.
    assert in_tests["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 5,
        "startColumn": 5,
    }


def test_evidence_becomes_related_locations_and_a_code_flow() -> None:
    run = _run()
    (tainted,) = _results_by_rule(run, "sql-injection")
    related = tainted["relatedLocations"]
    assert [r["id"] for r in related] == [1, 2]
    assert related[0]["message"]["text"] == "request.args['q'] (untrusted)"
    assert related[0]["physicalLocation"]["region"]["startColumn"] == 9
    (code_flow,) = tainted["codeFlows"]
    (thread_flow,) = code_flow["threadFlows"]
    steps = [step["location"] for step in thread_flow["locations"]]
    assert [s["physicalLocation"]["region"]["startLine"] for s in steps] == [8, 10, 12]
    assert steps[-1]["physicalLocation"] == tainted["locations"][0]["physicalLocation"]
    for result in _results_by_rule(run, "weak-hash"):
        assert "codeFlows" not in result
        assert "relatedLocations" not in result


def test_file_errors_are_tool_notifications() -> None:
    (invocation,) = _run()["invocations"]
    assert invocation["executionSuccessful"] is True
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert notification["message"]["text"] == BROKEN.message
    assert notification["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "app/broken.py",
        "uriBaseId": "%SRCROOT%",
    }


def test_same_input_same_bytes() -> None:
    first = render_sarif(RESULT, RULES)
    assert render_sarif(RESULT, RULES) == first
    assert render_sarif(RESULT, tuple(reversed(RULES))) == first
    assert first.endswith("}\n")
