"""The GitHub Action's script run as the runner runs it: GitHub's environment variables set, in a
temporary repository, with the network parts (installing from an index, posting the review)
left out: the script writes the review to a file and says whether to post it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[1]
SCRIPT = PROJECT / "scripts" / "github-action.sh"
IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@t",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@t",
}
CLEAN = "def add(a, b):\n    return a + b\n"
VULNERABLE = "import os\n\n\ndef run(cmd):\n    os.system(cmd)\n"


def _env(tmp_path: Path, event_name: str, event: dict[str, object]) -> dict[str, str]:
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event))
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir(exist_ok=True)
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GITHUB_"))}
    return {
        **kept,
        **IDENTITY,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHON": sys.executable,
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_ACTION_PATH": str(PROJECT),
        "GITHUB_REF": "refs/heads/main",
        "RUNNER_TEMP": str(runner_temp),
        "FAIL_ON": "high",
    }


def _git(repo: Path, *args: str) -> str:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GIT_")}, **IDENTITY}
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def _commit(repo: Path, name: str, text: str) -> str:
    (repo / name).write_text(text)
    _git(repo, "add", name)
    _git(repo, "commit", "-q", "--no-verify", "-m", f"change {name}")
    return _git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _commit(repo, "util.py", CLEAN)
    return repo


def _run(repo: Path, env: dict[str, str], phase: str = "run") -> dict[str, str]:
    done = subprocess.run(
        ["bash", str(SCRIPT), phase],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = Path(env["GITHUB_OUTPUT"]).read_text().splitlines() if phase == "run" else []
    return dict(line.split("=", 1) for line in lines)


def _pull_request(base: str, head: str) -> dict[str, object]:
    return {"pull_request": {"number": 7, "base": {"sha": base}, "head": {"sha": head}}}


def test_a_pull_request_with_a_new_finding_is_reviewed_once_and_commented(
    repo: Path, tmp_path: Path
) -> None:
    base = _git(repo, "rev-parse", "HEAD")
    head = _commit(repo, "run.py", VULNERABLE)
    outputs = _run(repo, _env(tmp_path, "pull_request", _pull_request(base, head)))
    assert (outputs["mode"], outputs["status"], outputs["comment"]) == ("review", "1", "true")
    result = json.loads(Path(outputs["json"]).read_text())
    rules = [f["rule_id"] for f in result["findings"]]
    assert rules and result["head"]
    sarif = json.loads(Path(outputs["sarif"]).read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == rules  # the same one result
    review = json.loads(Path(outputs["comment-file"]).read_text())
    assert review["event"] == "REQUEST_CHANGES" and review["commit_id"] == head
    assert [c["path"] for c in review["comments"]] == ["run.py"] * len(rules)
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("# Security review") and "run.py" in summary


def test_the_project_input_reviews_the_pull_request_inside_its_project(
    repo: Path, tmp_path: Path
) -> None:
    base = _git(repo, "rev-parse", "HEAD")
    head = _commit(repo, "run.py", VULNERABLE)
    env = _env(tmp_path, "pull_request", _pull_request(base, head))
    alone = json.loads(Path(_run(repo, env)["json"]).read_text())
    inside = json.loads(Path(_run(repo, {**env, "PROJECT": "true"})["json"]).read_text())
    assert (alone["project_files"], inside["project_files"]) == (None, 2)
    assert [f["rule_id"] for f in inside["findings"]] == [f["rule_id"] for f in alone["findings"]]


def test_a_clean_pull_request_says_nothing(repo: Path, tmp_path: Path) -> None:
    base = _git(repo, "rev-parse", "HEAD")
    head = _commit(repo, "more.py", CLEAN)
    outputs = _run(repo, _env(tmp_path, "pull_request", _pull_request(base, head)))
    assert (outputs["mode"], outputs["status"], outputs["comment"]) == ("review", "0", "false")


def test_a_push_scans_the_whole_tree_for_code_scanning(repo: Path, tmp_path: Path) -> None:
    _commit(repo, "run.py", VULNERABLE)
    _commit(repo, "later.py", CLEAN)  # the vulnerable file is not part of the last change
    event = {"ref": "refs/heads/main", "repository": {"default_branch": "main"}}
    outputs = _run(repo, _env(tmp_path, "push", event))
    assert (outputs["mode"], outputs["comment"]) == ("scan", "false")
    assert outputs["status"] == "0"  # a baseline analysis: alerts, not a failed job
    sarif = json.loads(Path(outputs["sarif"]).read_text())
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert uris == {"run.py"}


def test_install_uses_the_actions_checkout_or_a_pinned_source(tmp_path: Path) -> None:
    """A stand-in python records what pip was asked to install."""
    record = tmp_path / "pip-args.txt"
    stub = tmp_path / "python"
    stub.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n')
    stub.chmod(0o755)
    env = {**_env(tmp_path, "pull_request", {}), "PYTHON": str(stub)}
    _run(tmp_path, env, "install")
    args = record.read_text().splitlines()
    assert args[:3] == ["-m", "pip", "install"] and args[-1] == str(PROJECT)
    pinned = "secreview @ git+https://example.org/secreview@0123456789abcdef"
    _run(tmp_path, {**env, "SECREVIEW_SOURCE": pinned}, "install")
    assert record.read_text().splitlines()[-1] == pinned


def test_action_yml_runs_the_script_and_never_installs_by_name() -> None:
    action = yaml.safe_load((PROJECT / "action.yml").read_text())
    steps = action["runs"]["steps"]
    runs = " ".join(step.get("run", "") for step in steps)
    assert 'github-action.sh" install' in runs and 'github-action.sh" run' in runs
    assert "pip install secreview" not in runs and "default: secreview" not in str(action)
    post = next(step for step in steps if "gh api" in step.get("run", ""))
    assert "steps.review.outputs.comment == 'true'" in post["if"]
