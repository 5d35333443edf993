"""The LLM stage end to end: `scan --llm` against a scripted chat-completions server on loopback.

Each test scripts what the "model" answers and checks what secreview makes of it: grounded
defects kept, hallucinations dropped and counted, votes across samples, triage verdicts that
re-rate and never hide, the exit code left alone, the cache answering offline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from llm_server import APP, AUTHZ, TIMING, Reply, defects, scripted_server

from secreview.cli import cli


def scan(*args: str) -> tuple[int, dict]:
    """Run `secreview scan app.py --format json ARGS`: exit code and report."""
    result = CliRunner().invoke(
        cli, ["scan", "app.py", "--format", "json", "--no-progress", *args], catch_exceptions=False
    )
    return result.exit_code, json.loads(result.output)


def review_only(endpoint: str, *args: str) -> tuple[int, dict]:
    return scan("--llm", "--llm-endpoint", endpoint, "--llm-role", "review", *args)


def llm_findings(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["rule_id"] == "llm-review"]


def test_grounded_defects_become_findings_tagged_as_llm(llm_project: Path) -> None:
    with scripted_server(lambda body, n: Reply(defects(TIMING, AUTHZ))) as (url, record):
        code, report = review_only(url)
    found = llm_findings(report)
    # AUTHZ claims lines 19-20 but quotes line 19 alone: the finding is where the quote is.
    assert [(f["cwe"], f["line"], f["end_line"]) for f in found] == [(208, 9, 9), (863, 19, 19)]
    assert all(f["tags"] == ["source:llm"] and f["source"] == "llm" for f in found)
    assert found[1]["evidence"][0]["note"] == (
        "the model quotes `if user.name == target.owner or user.is_admin or True:`"
    )
    assert found[0]["agreement"] == 1.0 and found[0]["confidence"] == "medium"
    assert report["llm"]["kept"] == 2 and report["llm"]["agreement_rate"] == 1.0
    assert len(record.bodies) == 3  # one prompt, three samples
    assert {body["seed"] for body in record.bodies} == {0, 1, 2}
    assert code == 1  # the static findings fail the run, as without --llm


def test_hallucinated_lines_wrong_quotes_and_unknown_cwes_are_dropped_and_counted(
    llm_project: Path,
) -> None:
    answer = defects(
        TIMING,
        {**TIMING, "lines": [90, 91]},
        {**TIMING, "lines": [10, 10]},
        {**TIMING, "code": "return token is user.api_token"},
        {**TIMING, "cwe": 99999},
        {**TIMING, "cwe": 16},  # a category, not a weakness
        {**TIMING, "cwe": 707},  # a pillar: the seeds' vague "defects"
        {**TIMING, "lines": [8, 10], "code": "return  token ==\n user.api_token"},  # narrowed
        {**TIMING, "lines": [1, 120], "code": "import subprocess"},
        {"cwe": 208, "description": "no lines"},
        {**TIMING, "cwe": 78, "lines": [15, 15], "code": "subprocess.run("},
    )
    with scripted_server(lambda body, n: Reply(answer)) as (url, _record):
        _code, report = review_only(url)
    assert [f["cwe"] for f in llm_findings(report)] == [208]
    assert report["llm"]["rejected"] == {
        "already-reported": 3,
        "malformed-claim": 3,
        "no-such-lines": 6,
        "quote-not-on-lines": 6,
        "too-general": 3,
        "unknown-cwe": 6,
    }
    assert report["llm"]["claims"] == 33


def test_invalid_json_counts_as_a_rejected_answer_not_a_crash(llm_project: Path) -> None:
    answers = ["Sure! Here are the defects: {defects: none}", "```json\n[1, 2\n```", ""]
    with scripted_server(lambda body, n: Reply(answers[body["seed"]])) as (url, _record):
        code, report = review_only(url)
    assert llm_findings(report) == []
    assert report["llm"]["rejected"] == {"invalid-answer": 3}
    assert code == 1


def test_a_defect_is_kept_only_when_enough_samples_agree(llm_project: Path) -> None:
    per_sample = {
        0: defects(TIMING, AUTHZ),
        1: defects({**TIMING, "cwe": 203}, {**AUTHZ, "lines": [19, 19], "code": "or True"}),
        2: defects(AUTHZ),
    }
    with scripted_server(lambda body, n: Reply(per_sample[body["seed"]])) as (url, _record):
        _code, report = review_only(url)
    found = {f["cwe"]: f for f in llm_findings(report)}
    # CWE-208 and CWE-203 share a pillar (CWE-664... via 203) and a line: two of three agree.
    assert set(found) == {208, 863}
    assert found[863]["agreement"] == 1.0 and found[863]["confidence"] == "medium"
    assert found[208]["agreement"] == pytest.approx(0.667) and found[208]["confidence"] == "low"
    _code, again = scan("--llm", "--llm-role", "review", "--llm-offline")  # no endpoint at all
    assert llm_findings(again) == llm_findings(report)  # the cache repeats the review
    assert again["llm"]["cached"] == 3 and again["llm"]["requests"] == 0


def test_disagreeing_samples_keep_nothing_and_lower_the_agreement_rate(llm_project: Path) -> None:
    per_sample = {0: defects(TIMING), 1: defects(AUTHZ), 2: defects()}
    with scripted_server(lambda body, n: Reply(per_sample[body["seed"]])) as (url, _record):
        _code, report = review_only(url)
    assert llm_findings(report) == []
    assert report["llm"]["agreement_rate"] == pytest.approx(0.333)


def test_llm_findings_never_change_the_exit_code_unless_asked(llm_project: Path) -> None:
    (llm_project / "app.py").write_text(APP.split("@app.route")[0])
    with scripted_server(lambda body, n: Reply(defects(TIMING))) as (url, _record):
        quiet_code, report = review_only(url)
        failing_code, _report = review_only(url, "--llm-fail-on", "medium")
        high_code, _report = review_only(url, "--llm-fail-on", "high")
    assert [f["rule_id"] for f in report["findings"]] == ["llm-review"]
    assert (quiet_code, failing_code, high_code) == (0, 1, 0)


def test_429_then_success_honours_retry_after(llm_project: Path) -> None:
    def script(body: dict, n: int) -> Reply:
        if n < 2:
            return Reply('{"error": "slow down"}', status=429, headers={"Retry-After": "0"})
        return Reply(defects(TIMING))

    with scripted_server(script) as (url, record):
        _code, report = review_only(url, "--llm-samples", "1")
    assert len(record.bodies) == 3
    assert [f["cwe"] for f in llm_findings(report)] == [208]
    assert report["llm"]["failures"] == []


def test_a_server_that_never_answers_in_time_is_reported_not_fatal(llm_project: Path) -> None:
    (llm_project / "pyproject.toml").write_text(
        "[tool.secreview.llm]\nretries = 0\ntimeout = 0.2\n"
    )
    with scripted_server(lambda body, n: Reply(defects(TIMING), delay=1.0)) as (url, _record):
        code, report = review_only(url, "--llm-samples", "1")
    assert report["llm"]["failures"] == ["no answer within 0.2s after 1 attempts"]
    assert llm_findings(report) == [] and code == 1


def test_a_refused_key_stops_the_stage_after_one_request(llm_project: Path) -> None:
    with scripted_server(lambda body, n: Reply("{}", status=401)) as (url, record):
        _code, report = review_only(url)
    assert len(record.bodies) <= 2  # concurrency 2: at most the requests already in flight
    assert report["llm"]["stopped"] == "the server refused the request (HTTP 401)"


def test_the_token_budget_stops_the_stage_and_says_so(llm_project: Path) -> None:
    with scripted_server(lambda body, n: Reply(defects(TIMING), tokens=5000)) as (url, record):
        _code, report = review_only(url, "--llm-token-budget", "6000")
    assert report["llm"]["budget_spent"] is True
    assert report["llm"]["tokens"] <= 10000 and len(record.bodies) < 3


def test_select_and_ignore_apply_to_llm_findings_by_cwe_pillar_and_rule_id(
    llm_project: Path,
) -> None:
    """TIMING is CWE-208 (pillar CWE-664), AUTHZ CWE-863 (pillar CWE-284); the static findings
    are command injection and XSS (pillar CWE-707)."""
    with scripted_server(lambda body, n: Reply(defects(TIMING, AUTHZ))) as (url, _record):
        kept = {
            selection: sorted(
                (f["rule_id"], f["cwe"]) for f in review_only(url, *selection)[1]["findings"]
            )
            for selection in (
                (),
                ("--ignore", "CWE-863"),  # app.py has no finding of it: the LLM's alone
                ("--ignore", "CWE-664"),
                ("--ignore", "llm-review"),
                ("--select", "llm-review"),
                ("--select", "CWE-284"),
            )
        }
    static = [("tainted-command", 78), ("xss", 79)]
    timing, authz = ("llm-review", 208), ("llm-review", 863)
    assert kept == {
        (): sorted([*static, timing, authz]),
        ("--ignore", "CWE-863"): sorted([*static, timing]),
        ("--ignore", "CWE-664"): sorted([*static, authz]),
        ("--ignore", "llm-review"): static,
        ("--select", "llm-review"): [timing, authz],
        ("--select", "CWE-284"): [authz],
    }
    # Without --llm a CWE no rule reports is refused (CWE-863 is reported since
    # `object-owner-from-url`, CWE-639, sits under it; CWE-566 is not).
    plain = CliRunner().invoke(cli, ["scan", "app.py", "--ignore", "CWE-566"])
    assert plain.exit_code == 2 and "no secreview rule reports" in plain.output
