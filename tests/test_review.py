"""`secreview review` on real (temporary) git repositories and on bare diffs."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import cli
from secreview.findings import Confidence, EvidenceStep, Finding, Location, Severity
from secreview.review.excerpts import excerpt
from secreview.sources.diff import parse_diff

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


def test_min_confidence_hides_less_certain_findings_in_a_review(repo: Path) -> None:
    (repo / "app.py").write_text(HELPER + VULNERABLE)  # eval of a parameter: medium confidence
    commit_all(repo, "Add the run endpoint")
    code, payload = review(repo, "--commit", "HEAD", "--min-confidence", "high")
    assert (code, payload["findings"]) == (0, [])
    code, payload = review(repo, "--commit", "HEAD", "--min-confidence", "medium")
    assert (code, lines_of(payload)) == (1, [("eval-injection", "app.py", 9)])


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


# The changed lines in context: text and Markdown reviews show the change around a new finding.

HANDLER = (
    "import os\n"
    "\n"
    "\n"
    "def handle(user_input):\n"
    '    """Handle one request."""\n'
    "    value = user_input.strip()\n"
    "    if not value:\n"
    "        return None\n"
    "    return value\n"
    "\n"
    "\n"
    "def helper(x):\n"
    "    return x + 1\n"
)
HANDLER_WITH_EVAL = HANDLER.replace(
    "        return None\n", "        return None\n    value = eval(value)\n"
)
CALC = "def calc(expression):\n    return eval(expression)\n\n\n"


def review_as(repo: Path, output_format: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["review", "-C", str(repo), "--format", output_format, *args])
    assert result.exit_code in (0, 1), result.output
    return result.output


def finding_blocks(text: str) -> list[str]:
    """The text review of the one changed file, cut into one block per numbered finding."""
    findings = text.split("\nChecked")[0]
    return re.split(r"\n  \d+\. ", findings)[1:]


def test_the_text_review_shows_the_changed_lines_around_a_new_finding(repo: Path) -> None:
    (repo / "app.py").write_text(HANDLER)
    commit_all(repo, "Add the handler")
    (repo / "app.py").write_text(HANDLER_WITH_EVAL)
    commit_all(repo, "Evaluate the value")
    text = review_as(repo, "text", "--commit", "HEAD")
    assert (
        "     Location: app.py:9 (line 9)\n"
        "         eval(value)\n"
        "     Change:\n"
        "          6 |     value = user_input.strip()\n"
        "          7 |     if not value:\n"
        "          8 |         return None\n"
        "       +  9 |     value = eval(value)\n"
        "         10 |     return value\n"
        "         11 |\n"
        "         12 |\n"
        "     Description: "
    ) in text
    assert "def handle" not in text  # a few lines around the finding, not the whole hunk


def test_the_markdown_review_shows_the_change_as_a_diff_block(repo: Path) -> None:
    (repo / "app.py").write_text(HANDLER.replace("    if not value:\n", "    if value:\n"))
    commit_all(repo, "Add the handler")
    (repo / "app.py").write_text(HANDLER_WITH_EVAL)
    commit_all(repo, "Evaluate the value")
    markdown = review_as(repo, "markdown", "--commit", "HEAD")
    assert (
        "   - Location: `app.py` line 9: `eval(value)`\n"
        "   - Change:\n"
        "     ```diff\n"
        "        6 |     value = user_input.strip()\n"
        "     -    |     if value:\n"
        "     +  7 |     if not value:\n"
        "        8 |         return None\n"
        "     +  9 |     value = eval(value)\n"
        "       10 |     return value\n"
        "       11 |\n"
        "       12 |\n"
        "     ```\n"
        "   - Description: "
    ) in markdown


def test_a_pre_existing_finding_on_an_unchanged_line_shows_no_change(repo: Path) -> None:
    (repo / "app.py").write_text(CALC + HANDLER)
    commit_all(repo, "Add the handler")
    (repo / "app.py").write_text(CALC + HANDLER_WITH_EVAL)
    commit_all(repo, "Evaluate the value")
    first, second = finding_blocks(review_as(repo, "text", "--commit", "HEAD", "--all"))
    assert "Location: app.py:2 " in first and "Tags: pre-existing" in first
    assert "Change:" not in first
    assert "Location: app.py:13 " in second and "       + 13 |     value = eval(value)" in second
    markdown = review_as(repo, "markdown", "--commit", "HEAD", "--all")
    pre_existing, new = markdown.split("   - Location: `app.py` line 13")
    assert "`app.py` line 2" in pre_existing and "Change:" not in pre_existing
    assert "```diff\n" in new and "     + 13 |     value = eval(value)\n" in new


def test_a_bare_diff_shows_the_change_around_its_new_finding(tmp_path: Path) -> None:
    """Without a base version a finding is new when it touches an added line; it shows them."""
    diff = "--- a/app.py\n+++ b/app.py\n@@ -1 +1,2 @@\n def run(user_input):\n+    eval(x)\n"
    (tmp_path / "app.py").write_text("def run(user_input):\n    eval(x)\n")
    result = CliRunner().invoke(cli, ["review", "-C", str(tmp_path), "--diff", "-"], input=diff)
    assert result.exit_code == 1, result.output
    change = "     Change:\n         1 | def run(user_input):\n       + 2 |     eval(x)\n"
    assert change in result.output


def test_a_scan_shows_no_change_block(repo: Path) -> None:
    (repo / "app.py").write_text(HANDLER_WITH_EVAL)
    result = CliRunner().invoke(cli, ["scan", str(repo / "app.py")])
    assert "eval(value)" in result.output
    assert "Change:" not in result.output


EXCERPT_DIFF = (
    "--- a/app.py\n+++ b/app.py\n@@ -1,13 +1,12 @@\n"
    " def run(request):\n"
    "-    name = request.args.get('name', 'x')\n"
    "+    name = request.args['name']\n"
    "     a = 1\n"
    "     b = 2\n"
    "     c = 3\n"
    "     d = 4\n"
    "-    name = shlex.quote(name)\n"
    "     e = 5\n"
    "     f = 6\n"
    "     g = 7\n"
    "     h = 8\n"
    "     i = 9\n"
    "     os.system(name)\n"
)


def _finding(line: int, *evidence_lines: int) -> Finding:
    return Finding(
        rule_id="shell-command-injection",
        cwe=78,
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        location=Location("app.py", line, 4),
        message="m",
        fix="f",
        evidence=tuple(EvidenceStep(Location("app.py", n), "step") for n in evidence_lines),
    )


def test_the_excerpt_shows_removed_lines_between_shown_ones_only() -> None:
    (diff,) = parse_diff(EXCERPT_DIFF)
    shown = excerpt(diff, _finding(8))
    assert shown is not None
    assert [(line.kind, line.line) for line in shown.lines] == [
        (" ", 5),
        (" ", 6),
        ("-", None),  # the sanitiser the change removed, right above the finding's line
        (" ", 7),
        (" ", 8),
        (" ", 9),
        (" ", 10),
        (" ", 11),
    ]


def test_the_excerpt_follows_the_evidence_when_the_sink_is_outside_the_hunks() -> None:
    (diff,) = parse_diff(EXCERPT_DIFF)
    assert excerpt(diff, _finding(40)) is None
    shown = excerpt(diff, _finding(40, 2))  # the source the change wrote, on line 2
    assert shown is not None
    assert [(line.kind, line.line) for line in shown.lines] == [
        (" ", 1),
        ("-", None),
        ("+", 2),
        (" ", 3),
        (" ", 4),
        (" ", 5),
    ]


def test_staged_review_in_a_repository_without_commits(tmp_path: Path) -> None:
    """The pre-commit hook's command works for the very first commit of a repository."""
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "app.py").write_text(HELPER + VULNERABLE)
    git(tmp_path, "add", "app.py")
    code, payload = review(tmp_path, "--staged")
    assert code == 1
    assert lines_of(payload) == [("eval-injection", "app.py", 9)]


def test_staged_review_compares_the_index_with_head_not_the_branch_base(repo: Path) -> None:
    """On a feature branch, the hook judges the commit being made, not the whole branch."""
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "app.py").write_text(HELPER + VULNERABLE)
    commit_all(repo, "Earlier commit on the branch")
    (repo / "other.py").write_text(OTHER)
    git(repo, "add", "other.py")
    code, payload = review(repo, "--staged")
    assert code == 0 and lines_of(payload) == []
