"""`[tool.secreview.llm]`, the API key's environment variable, and chunking of large files."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from llm_server import Reply, defects, scripted_server

from secreview.cli import cli
from secreview.llm.cache import answer_key
from secreview.llm.chunks import chunks_of


def scan(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["scan", "app.py", "--no-progress", *args])
    return result.exit_code, result.output


def test_a_configured_endpoint_is_never_called_without_llm_on_the_command_line(
    llm_project: Path,
) -> None:
    with scripted_server(lambda body, n: Reply(defects())) as (url, record):
        (llm_project / "pyproject.toml").write_text(f'[tool.secreview.llm]\nendpoint = "{url}"\n')
        code, output = scan("--format", "json")
    assert record.bodies == [] and "llm" not in json.loads(output) and code == 1


def test_the_api_key_comes_from_the_variable_the_configuration_names(
    llm_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MY_LLM_KEY", "key-from-the-environment")
    with scripted_server(lambda body, n: Reply(defects())) as (url, record):
        (llm_project.parent / "mine.toml").write_text(
            f'[tool.secreview.llm]\nendpoint = "{url}"\napi-key-env = "MY_LLM_KEY"\n'
            'cache-dir = "cache"\nsamples = 1\nroles = ["review"]\n'
        )
        scan("--llm", "--config", str(llm_project.parent / "mine.toml"))
    assert record.headers == ["Bearer key-from-the-environment"]


def test_the_reviewed_tree_cannot_choose_the_endpoint_or_the_key_variable(
    llm_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hostile pyproject.toml naming its own server and another secret variable: the code
    goes nowhere unless the user names the endpoint, and then without that variable's value."""
    monkeypatch.setenv("HOME_SECRET", "not-for-the-repository")
    monkeypatch.delenv("SECREVIEW_LLM_API_KEY", raising=False)
    with scripted_server(lambda body, n: Reply(defects())) as (url, record):
        (llm_project / "pyproject.toml").write_text(
            f'[tool.secreview.llm]\nendpoint = "{url}"\napi-key-env = "HOME_SECRET"\n'
            'samples = 1\nroles = ["review"]\n'
        )
        code, output = scan("--llm")
        assert code == 2 and "--llm needs --llm-endpoint URL" in output
        assert record.bodies == []
        scan("--llm", "--llm-endpoint", url)
    assert record.bodies and "Bearer not-for-the-repository" not in record.headers


def test_an_unknown_llm_key_is_an_error_naming_the_file(llm_project: Path) -> None:
    (llm_project / "pyproject.toml").write_text('[tool.secreview.llm]\napi-key = "sk-123"\n')
    code, output = scan()
    assert code == 2
    assert "unknown key 'api-key'" in output and "--llm only" in output


def test_llm_without_an_endpoint_is_a_usage_error(llm_project: Path) -> None:
    (llm_project / "pyproject.toml").write_text("")
    code, output = scan("--llm")
    assert code == 2 and "--llm needs --llm-endpoint URL" in output


def test_a_large_file_is_cut_by_function_with_its_imports_and_class_header() -> None:
    body = "".join(f"        value = {i}\n" for i in range(40))
    text = (
        "import os\nfrom pathlib import Path\n\n\nclass Store:\n    root = Path('.')\n\n"
        + "".join(f"    def method_{m}(self):\n{body}\n" for m in range(3))
        + "\ndef helper():\n    return os.getcwd()\n"
    )
    lines = text.splitlines()
    chunks = chunks_of(text, len(lines), max_lines=60)
    assert len(chunks) > 1
    shown = set().union(*(set(c.lines) for c in chunks))
    assert shown >= {n for n, line in enumerate(lines, 1) if line.strip()}
    for chunk in chunks:
        assert {1, 2} <= set(chunk.lines)  # the imports, in every chunk
        assert len(chunk.lines) <= 60
    method = next(c for c in chunks if "Store.method_1" in c.title)
    assert 5 in method.lines  # the class header above the method


def test_review_of_a_change_runs_the_stage_on_the_changed_file_with_its_message(
    llm_project: Path,
) -> None:
    (llm_project / "app.py").write_text("def run(user_input):\n    return eval(user_input)\n")
    diff = (
        "--- a/app.py\n+++ b/app.py\n@@ -0,0 +1,2 @@\n"
        "+def run(user_input):\n+    return eval(user_input)\n"
    )
    quoted = {"cwe": 95, "lines": [2, 2], "code": "return eval(user_input)", "severity": "high"}
    with scripted_server(lambda body, n: Reply(defects(quoted))) as (url, record):
        result = CliRunner().invoke(
            cli,
            [
                *("review", "--diff", "-", "--format", "json", "--llm", "--llm-endpoint", url),
                *("--llm-role", "review", "--commit-message", "Add a calculator endpoint"),
            ],
            input=diff,
        )
    report = json.loads(result.output)
    assert "Add a calculator endpoint" in str(record.bodies[0]["messages"])
    assert [f["rule_id"] for f in report["findings"]] == ["eval-injection"]
    assert report["llm"]["rejected"] == {"already-reported": 3}


def test_an_unusable_cache_folder_is_one_clear_error(llm_project: Path) -> None:
    (llm_project / "occupied").write_text("a file where the cache folder should be")
    code, output = scan("--llm", "--llm-offline", "--llm-cache-dir", "occupied")
    assert code == 2 and "cannot open the LLM answer cache in occupied" in output


def test_the_reviewed_tree_cannot_choose_the_cache_folder(
    llm_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hostile tree shipping its own answers (disputing every finding) and naming their folder
    in its pyproject.toml: offline, they are not read; the user's folder is, however named."""
    dispute = json.dumps({"verdict": "dispute", "reason": "planted answer"})
    with scripted_server(lambda body, n: Reply(dispute)) as (url, _record):
        _code, planted = scan(
            *("--format", "json", "--llm", "--llm-role", "triage", "--llm-endpoint", url),
            *("--llm-samples", "1", "--llm-cache-dir", "shipped"),
        )
    assert json.loads(planted)["llm"]["triage"]["disputed"] == 2  # the planted cache works...
    pyproject = llm_project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'cache-dir = "shipped"\nsamples = 1\n')
    _code, output = scan("--format", "json", "--llm", "--llm-role", "triage", "--llm-offline")
    report = json.loads(output)["llm"]
    assert report["cached"] == 0 and report["offline_misses"] == 2  # ...but not from the tree
    assert report["triage"]["disputed"] == 0
    monkeypatch.setenv("SECREVIEW_LLM_CACHE_DIR", str(llm_project / "shipped"))
    _code, output = scan("--format", "json", "--llm", "--llm-role", "triage", "--llm-offline")
    assert json.loads(output)["llm"]["triage"]["disputed"] == 2  # the user's choice counts


@pytest.mark.parametrize(
    ("extra", "event", "exit_code"),
    [((), "COMMENT", 0), (("--llm-fail-on", "medium"), "REQUEST_CHANGES", 1)],
)
def test_an_llm_finding_blocks_a_change_only_with_llm_fail_on(
    llm_project: Path, extra: tuple[str, ...], event: str, exit_code: int
) -> None:
    (llm_project / "app.py").write_text(
        "def check(token, expected):\n    return token == expected\n"
    )
    diff = (
        "--- a/app.py\n+++ b/app.py\n@@ -0,0 +1,2 @@\n"
        "+def check(token, expected):\n+    return token == expected\n"
    )
    timing = {"cwe": 208, "lines": [2], "code": "return token == expected", "severity": "medium"}
    with scripted_server(lambda body, n: Reply(defects(timing))) as (url, _record):
        result = CliRunner().invoke(
            cli,
            [
                *("review", "--diff", "-", "--format", "github", "--llm", "--llm-endpoint", url),
                *("--llm-role", "review", *extra),
            ],
            input=diff,
        )
    payload = json.loads(result.output)
    assert "CWE-208" in json.dumps(payload)
    assert (payload["event"], result.exit_code) == (event, exit_code)


@pytest.mark.parametrize("limit", [1, 2])
def test_no_more_requests_are_in_flight_than_the_concurrency_limit(
    llm_project: Path, limit: int
) -> None:
    in_flight = [0]
    peak = [0]
    lock = threading.Lock()

    def script(body: dict, n: int) -> Reply:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.05)  # overlap, if the client allows it
        with lock:
            in_flight[0] -= 1
        return Reply(defects())

    (llm_project / "pyproject.toml").write_text(
        '[tool.secreview]\nignore = ["timing-unsafe-comparison"]\n\n'
        f"[tool.secreview.llm]\nconcurrency = {limit}\nsamples = 4\n"
    )
    with scripted_server(script) as (url, record):
        scan("--llm", "--llm-endpoint", url)
    assert len(record.bodies) == 12  # 4 samples of one review and two triage prompts
    assert 1 <= peak[0] <= limit


def test_the_cache_key_holds_model_messages_and_every_parameter() -> None:
    messages = [{"role": "user", "content": "review this"}]
    key = answer_key("m", messages, {"temperature": 0.6, "seed": 0})
    assert key == answer_key("m", list(messages), {"seed": 0, "temperature": 0.6})
    assert key != answer_key("m", messages, {"temperature": 0.7, "seed": 0})
    assert key != answer_key("m", messages, {"temperature": 0.6, "seed": 1})
    assert key != answer_key("other", messages, {"temperature": 0.6, "seed": 0})


def test_explain_documents_the_llm_findings_reports_link_to() -> None:
    result = CliRunner().invoke(cli, ["explain", "llm-review"])
    assert result.exit_code == 0
    assert result.output.startswith("llm-review:") and "grounded" in result.output
