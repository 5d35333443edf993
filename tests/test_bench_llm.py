"""`secreview bench --llm`: the corpus and real vulnerabilities with and without each LLM role,
against the scripted chat-completions server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from llm_server import Reply, defects, scripted_server, user_prompt

from secreview.bench.command import bench_command

HEAD = "import os\nimport shellkit\nfrom flask import Flask, request\napp = Flask(__name__)\n"
CASES = {
    "cmd_vuln": "os.system(request.args['c'])",
    "cmd_safe": "os.system('ls')",
    "wrap_vuln": "shellkit.launch_line(request.args['c'])",
    "wrap_safe": "shellkit.launch_line('ls')",
}
SINK_LINE = 7
WRAPPER_SINK = {"models": [{"name": "shellkit.launch_line", "role": "sink", "kind": "command"}]}


def view(call: str) -> str:
    return HEAD + f"@app.route('/')\ndef v():\n    {call}\n    return ''\n"


def script(body: dict, _n: int) -> Reply:
    """Infer the wrapper as a command sink; review: find it in wrap_vuln.py; triage: confirm
    in wrap_vuln.py, dispute elsewhere."""
    prompt = user_prompt(body)
    if "For a taint analysis" in prompt:
        return Reply(json.dumps(WRAPPER_SINK))
    if "Judge one finding" in prompt:
        verdict = "confirm" if "wrap_vuln.py" in prompt else "dispute"
        return Reply(json.dumps({"verdict": verdict, "reason": "scripted"}))
    if "wrap_vuln.py" in prompt:
        claim = {"cwe": 78, "lines": [SINK_LINE], "code": CASES["wrap_vuln"], "severity": "high"}
        return Reply(defects(claim))
    return Reply(defects())


@pytest.fixture
def corpora(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SECREVIEW_LLM_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "corpus").mkdir()
    for name, call in CASES.items():
        (tmp_path / "corpus" / f"{name}.py").write_text(view(call))
    (tmp_path / "expected.csv").write_text(
        "# test name, category, real vulnerability, cwe\n"
        + "".join(f"{name},cmdi,{str(name.endswith('vuln')).lower()},78\n" for name in CASES)
    )
    case = tmp_path / "real" / "cases" / "demo-PYSEC-0"
    case.mkdir(parents=True)
    (case / "vulnerable.py").write_text(view(CASES["cmd_vuln"]))
    (case / "fixed.py").write_text(view("os.system('ping -c 1 localhost')"))
    (case / "case.toml").write_text(
        f"cwe = [78]\nlines = [{SINK_LINE}]\nfixed_lines = [{SINK_LINE}]\n"
    )
    return tmp_path


def bench(*args: str) -> dict[str, list[str]]:
    """The LLM rows of `bench corpus --llm ARGS`, by role: TPR, FPR, found, after fix, tokens,
    requests, cached."""
    result = CliRunner().invoke(
        bench_command,
        [
            *("corpus", "--expected", "expected.csv", "--llm", "--realvulns", "real"),
            *("--llm-samples", "1", *args),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    table = result.output.split("== secreview with and without the LLM roles")[1]
    rows = [line.split() for line in table.splitlines()[3:] if line.strip()]
    return {row[0]: row[1:8] for row in rows}


def test_bench_llm_scores_each_role_against_the_scripted_server(corpora: Path) -> None:
    with scripted_server(script) as (url, record):
        rows = bench("--llm-endpoint", url)
    assert list(rows) == ["static", "infer", "review", "triage", "all"]
    rates = {role: (row[0], row[1], row[2], row[3]) for role, row in rows.items()}
    assert rates == {
        "static": ("0.50", "0.00", "1/1", "0/1"),
        "infer": ("1.00", "0.00", "1/1", "0/1"),  # the wrapper, modelled by the LLM
        "review": ("1.00", "0.00", "1/1", "0/1"),  # the wrapper, found by the LLM review
        "triage": ("0.00", "0.00", "0/1", "0/1"),  # disputed findings do not count
        "all": ("0.50", "0.00", "0/1", "0/1"),
    }
    assert rows["static"][4:] == ["0", "0", "0"]  # no token, request or answer without a role
    assert all(int(rows[role][4]) > 0 for role in ("infer", "review", "triage", "all"))
    offline = bench("--llm-offline")  # the cache repeats every row, for free
    assert {role: row[:4] for role, row in offline.items()} == {
        role: row[:4] for role, row in rows.items()
    }
    assert all(row[5] == "0" for row in offline.values())
    assert len(record.bodies) > 0


def test_bench_llm_needs_an_endpoint(corpora: Path) -> None:
    result = CliRunner().invoke(bench_command, ["corpus", "--expected", "expected.csv", "--llm"])
    assert result.exit_code == 2 and "--llm needs --llm-endpoint URL" in result.output
