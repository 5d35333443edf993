"""`secreview review` on real (temporary) git repositories and on bare diffs."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import cli

HELPER = "import os\n\n\ndef helper(x):\n    return x + 1\n"
VULNERABLE = "\n\ndef run(user_input):\n    return eval(user_input)\n"
OTHER = "\n\ndef other():\n    return 2\n"


def git(repo: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return completed.stdout


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "app.py").write_text(HELPER)
    (tmp_path / "README.md").write_text("hello\n")
    commit_all(tmp_path, "Initial commit")
    yield tmp_path


def review(repo: Path, *args: str, stdin: str | None = None) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(
        cli, ["review", "-C", str(repo), "--format", "json", *args], input=stdin
    )
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.output)


def lines_of(payload: dict[str, object], key: str = "findings") -> list[tuple[str, str, int]]:
    return [(f["rule_id"], f["path"], f["line"]) for f in payload[key]]  # type: ignore[index]


def test_a_commit_adding_an_injection_reports_it_on_the_added_line(repo: Path) -> None:
    (repo / "app.py").write_text(HELPER + VULNERABLE)
    commit_all(repo, "Add the run endpoint")
    code, payload = review(repo, "--commit", "HEAD")
    assert code == 1
    assert lines_of(payload) == [("eval-injection", "app.py", 9)]
    assert payload["resolved"] == []
    assert payload["commit_message"] == "Add the run endpoint"
    assert payload["head"].startswith("HEAD (")  # type: ignore[union-attr]


def test_moving_the_vulnerable_function_reports_nothing_new(repo: Path) -> None:
    (repo / "app.py").write_text(HELPER + VULNERABLE)
    commit_all(repo, "Add")
    (repo / "app.py").write_text(VULNERABLE.lstrip() + "\n\n" + HELPER + OTHER)  # `run` moves up
    commit_all(repo, "Reorder")
    code, payload = review(repo, "--commit", "HEAD")
    assert (code, payload["findings"], payload["resolved"]) == (0, [], [])
    assert payload["pre_existing"] == 1


def test_renaming_the_file_reports_nothing_new(repo: Path) -> None:
    (repo / "app.py").write_text(HELPER + VULNERABLE)
    commit_all(repo, "Add")
    git(repo, "mv", "app.py", "service.py")
    commit_all(repo, "Rename")
    code, payload = review(repo, "--commit", "HEAD")
    assert (code, payload["findings"], payload["resolved"]) == (0, [], [])
    code, payload = review(repo, "--commit", "HEAD", "--all")
    assert [f["tags"] for f in payload["findings"]] == [["pre-existing"]]  # type: ignore[index]
    assert code == 0  # pre-existing findings never fail the review


def test_a_fix_is_reported_resolved_and_passes(repo: Path) -> None:
    (repo / "app.py").write_text(HELPER + VULNERABLE)
    commit_all(repo, "Add")
    (repo / "app.py").write_text(HELPER + VULNERABLE.replace("eval(", "int("))
    commit_all(repo, "Fix")
    code, payload = review(repo, "--commit", "HEAD")
    assert code == 0
    assert payload["findings"] == []
    assert lines_of(payload, "resolved") == [("eval-injection", "app.py", 9)]


def test_a_syntax_error_elsewhere_does_not_stop_the_review(repo: Path) -> None:
    (repo / "broken.py").write_text("def ok():\n    return 1\n\ndef broken(:\n    pass\n")
    commit_all(repo, "Add a broken module")
    (repo / "broken.py").write_text(
        "def ok():\n    return 1\n\ndef broken(:\n    pass\n" + VULNERABLE
    )
    (repo / "app.py").write_text(HELPER + VULNERABLE)
    commit_all(repo, "Add two endpoints")
    code, payload = review(repo, "--commit", "HEAD")
    assert code == 1
    assert ("eval-injection", "app.py", 9) in lines_of(payload)
    assert ("eval-injection", "broken.py", 9) in lines_of(payload)
    assert any(e["path"] == "broken.py" for e in payload["errors"])  # type: ignore[union-attr]


def test_the_working_tree_is_compared_with_the_default_branch(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "app.py").write_text(HELPER + OTHER)
    commit_all(repo, "Unrelated work on the branch")
    (repo / "app.py").write_text(HELPER + OTHER + VULNERABLE)  # not committed, not staged
    code, payload = review(repo)
    assert code == 1
    assert payload["base"].startswith("merge-base with main")  # type: ignore[union-attr]
    assert payload["head"] == "the working tree"
    assert lines_of(payload) == [("eval-injection", "app.py", 13)]
    assert payload["commit_message"] is None


def test_staged_changes_and_skipped_files(repo: Path) -> None:
    (repo / "new.py").write_text(VULNERABLE)
    (repo / "README.md").write_text("changed\n")
    (repo / "logo.png").write_bytes(b"\x89PNG\x00\x01")
    git(repo, "add", "-A")
    git(repo, "rm", "-q", "--cached", "README.md")  # unstaged: not part of --staged
    code, payload = review(repo, "--staged", "--commit-message", "Add new.py")
    assert code == 1
    assert lines_of(payload) == [("eval-injection", "new.py", 4)]
    assert payload["commit_message"] == "Add new.py"
    reasons = {s["path"]: s["reason"] for s in payload["skipped"]}  # type: ignore[union-attr]
    assert reasons["logo.png"] == "a binary file"
    assert reasons["README.md"] == "deleted by the change"


def test_deleting_a_vulnerable_file_resolves_its_findings(repo: Path) -> None:
    (repo / "old.py").write_text(VULNERABLE)
    commit_all(repo, "Add")
    git(repo, "rm", "-q", "old.py")
    commit_all(repo, "Remove")
    code, payload = review(repo, "--commit", "HEAD")
    assert code == 0
    assert lines_of(payload, "resolved") == [("eval-injection", "old.py", 4)]


def test_explicit_base_and_head(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD").strip()
    (repo / "app.py").write_text(HELPER + VULNERABLE)
    commit_all(repo, "Add")
    (repo / "app.py").write_text(HELPER + OTHER + VULNERABLE)
    commit_all(repo, "More")
    code, payload = review(repo, "--base", first, "--head", "HEAD")
    assert code == 1
    assert lines_of(payload) == [("eval-injection", "app.py", 13)]
    assert payload["commit_message"] == "More"


def test_a_bare_diff_outside_a_repository(tmp_path: Path) -> None:
    """The working folder holds the changed files; the diff is undone to get the old ones."""
    diff = (
        "--- a/app.py\n+++ b/app.py\n@@ -1,4 +1,8 @@\n"
        "+def run(user_input):\n+    return eval(user_input)\n+\n+\n"
        " \n \n def helper(x):\n     return x + 1\n"
    )
    (tmp_path / "app.py").write_text(
        "def run(user_input):\n    return eval(user_input)\n\n\n\n\ndef helper(x):\n"
        "    return x + 1\n"
    )
    code, payload = review(tmp_path, "--diff", "-", stdin=diff)
    assert code == 1
    assert lines_of(payload) == [("eval-injection", "app.py", 2)]
    # The same diff applied forward to the old version gives the same review.
    (tmp_path / "app.py").write_text("\n\ndef helper(x):\n    return x + 1\n")
    assert review(tmp_path, "--diff", "-", stdin=diff) == (code, payload)


def test_a_diff_that_does_not_apply_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("something else entirely\n")
    diff = "--- a/app.py\n+++ b/app.py\n@@ -1,2 +1,3 @@\n x = 1\n+y = 2\n z = 3\n"
    result = CliRunner().invoke(cli, ["review", "-C", str(tmp_path), "--diff", "-"], input=diff)
    assert result.exit_code == 2
    assert "does not apply to app.py" in result.output


def test_a_diff_file_in_a_repository_against_a_base(repo: Path, tmp_path: Path) -> None:
    (repo / "app.py").write_text(HELPER + VULNERABLE)
    patch = tmp_path / "change.diff"
    patch.write_text(git(repo, "diff"))
    git(repo, "checkout", "-q", "--", "app.py")  # the work tree no longer has the change
    code, payload = review(repo, "--diff", str(patch), "--base", "HEAD")
    assert code == 1
    assert lines_of(payload) == [("eval-injection", "app.py", 9)]


def test_outside_a_repository_without_a_diff_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["review", "-C", str(tmp_path)])
    assert result.exit_code == 2
    assert "not in a git repository" in result.output


def test_git_never_runs_the_code(repo: Path) -> None:
    """The review reads blobs; a hook or a module that would run leaves no trace."""
    marker = repo / "ran"
    (repo / "app.py").write_text(f"open({str(marker)!r}, 'w').close()\n" + HELPER + VULNERABLE)
    commit_all(repo, "Add")
    review(repo, "--commit", "HEAD")
    assert not marker.exists()
    assert os.path.exists(repo / "app.py")


def test_review_honours_a_baseline_and_reports_unreasoned_suppressions(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fingerprints hold the path as shown, so the baseline is made from the repository root."""
    (repo / "app.py").write_text(HELPER + VULNERABLE)
    commit_all(repo, "Add")
    baseline = repo / ".secreview-baseline.json"
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["baseline", "create", "-o", str(baseline), "."])
    assert result.exit_code == 0
    code, payload = review(repo, "--commit", "HEAD", "--baseline", str(baseline))
    assert (code, payload["findings"], payload["baselined"]) == (0, [], 1)
    (repo / "app.py").write_text(
        HELPER + VULNERABLE + "\n\ndef calc(formula):\n"
        "    return eval(formula)  # secreview: ignore[eval-injection]\n"
    )
    code, payload = review(repo, "--baseline", str(baseline))
    assert code == 1
    assert lines_of(payload) == [("bad-suppression", "app.py", 13)]
