"""`secreview review` reads what the change holds, from the repository and folder under review
only: quoted file names, shallow and partial clones, diffs naming files outside, links, the
configuration a change cannot choose for itself."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import cli
from secreview.config import find_pyproject

HANDLER = (
    "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
    '@app.route("/run")\ndef run():\n    return str(len(request.args["x"]))\n'
)
EVALUATING = HANDLER.replace("len(", "eval(")
TABLE = '[tool.secreview]\nfail-on = "low"\n'
EXCLUDE_ALL = '[tool.secreview]\nexclude = ["*"]\n'


@pytest.fixture(autouse=True)
def _no_inherited_git_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("GIT_")]:
        monkeypatch.delenv(name)


def git(repo: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        capture_output=True,
        check=True,
    )
    return completed.stdout.decode("utf-8", "surrogateescape")


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def review(folder: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["review", "-C", str(folder), *args], input=stdin)
    return result.exit_code, result.output


def findings(output: str) -> set[tuple[str, str]]:
    return {(f["rule_id"], f["path"]) for f in json.loads(output)["findings"]}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    (folder / "app.py").write_text(HANDLER)
    commit_all(folder, "Handler")
    return folder


QUOTED_NAMES = ('a"b.py', "new\nline.py", "tab\there.py", "back\\slash.py", "é.py")


def test_file_names_git_quotes_are_reviewed(repo: Path) -> None:
    for name in QUOTED_NAMES:
        (repo / name).write_text(EVALUATING)
    commit_all(repo, "Handlers with odd names")
    code, output = review(repo, "--commit", "HEAD", "--format", "json")
    assert code == 1, output
    assert {("tainted-code", name) for name in QUOTED_NAMES} <= findings(output)
    for name in QUOTED_NAMES:  # and uncommitted edits to them, in the working tree
        edited = EVALUATING + '\n\ndef other():\n    return eval(request.args["y"])\n'
        (repo / name).write_text(edited)
    code, output = review(repo, "--base", "HEAD", "--format", "json")
    assert {("tainted-code", name) for name in QUOTED_NAMES} <= findings(output)


def test_a_diff_with_quoted_names_is_reviewed(repo: Path, tmp_path: Path) -> None:
    for name in QUOTED_NAMES:
        (repo / name).write_text(EVALUATING)
    git(repo, "add", "-A")
    patch = git(repo, "-c", "core.quotePath=true", "diff", "--cached")
    assert 'tab\\there.py"' in patch and "\\303\\251.py" in patch
    git(repo, "reset", "-q")
    code, output = review(repo, "--diff", "-", "--base", "HEAD", "--format", "json", stdin=patch)
    assert code == 1, output
    assert {("tainted-code", name) for name in QUOTED_NAMES} <= findings(output)


def test_a_commit_whose_parent_a_shallow_clone_lacks_is_an_error(
    repo: Path, tmp_path: Path
) -> None:
    (repo / "app.py").write_text(EVALUATING)
    commit_all(repo, "Evaluate")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    code, output = review(shallow, "--commit", "HEAD")
    assert code == 2
    assert "is not in the repository" in output and "shallow" in output


def test_missing_file_contents_are_an_error_not_an_empty_file(repo: Path) -> None:
    """As in a partial clone: the base blob is absent; nothing is fetched, nothing assumed."""
    old_blob = git(repo, "rev-parse", "HEAD:app.py").strip()
    (repo / "app.py").write_text(EVALUATING)
    commit_all(repo, "Evaluate")
    (repo / ".git" / "objects" / old_blob[:2] / old_blob[2:]).unlink()
    code, output = review(repo, "--commit", "HEAD")
    assert code == 2
    assert "not in the repository" in output


def _diff_naming(name: str) -> str:
    return f"--- a/{name}\n+++ b/{name}\n@@ -1 +1,2 @@\n x = 1\n+eval(compute())\n"


@pytest.mark.parametrize("name", ["../outside.py", "/etc/outside.py", "sub/../../outside.py"])
@pytest.mark.parametrize("with_base", [False, True])
def test_a_diff_naming_a_file_outside_is_refused(repo: Path, name: str, with_base: bool) -> None:
    (repo.parent / "outside.py").write_text("x = 1\neval(input())\n")
    patch = _diff_naming(name).replace("a//", "/").replace("b//", "/")
    code, output = review(
        repo, "--diff", "-", *(["--base", "HEAD"] if with_base else []), stdin=patch
    )
    assert code == 2
    assert "outside" in output


def test_a_diff_through_a_link_leading_out_is_refused(tmp_path: Path) -> None:
    outside, folder = tmp_path / "outside", tmp_path / "folder"
    outside.mkdir()
    folder.mkdir()
    (outside / "secret.py").write_text("x = 1\neval(input())\n")
    (folder / "link").symlink_to(outside)
    code, output = review(folder, "--diff", "-", stdin=_diff_naming("link/secret.py"))
    assert code == 2
    assert "symbolic link" in output


def test_a_tracked_folder_replaced_by_a_link_is_not_followed(repo: Path, tmp_path: Path) -> None:
    (repo / "pkg").mkdir()
    (repo / "pkg" / "mod.py").write_text("VALUE = 1\n")
    commit_all(repo, "Package")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "mod.py").write_text(EVALUATING)
    (repo / "pkg" / "mod.py").unlink()
    (repo / "pkg").rmdir()
    (repo / "pkg").symlink_to(outside)
    code, output = review(repo, "--base", "HEAD", "--format", "json")
    assert code == 0, output
    skipped = {s["path"]: s["reason"] for s in json.loads(output)["skipped"]}
    assert skipped == {"pkg/mod.py": "deleted by the change"}


def test_a_file_replaced_by_a_link_is_a_link_not_its_target(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "target.py").write_text(EVALUATING)
    (repo / "app.py").unlink()
    (repo / "app.py").symlink_to(tmp_path / "target.py")
    code, output = review(repo, "--base", "HEAD", "--format", "json")
    assert code == 0, output
    assert json.loads(output)["skipped"] == [{"path": "app.py", "reason": "a symbolic link"}]


def test_the_change_cannot_configure_its_own_review(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(TABLE)
    commit_all(repo, "Configure")
    (repo / "pyproject.toml").write_text(EXCLUDE_ALL)
    (repo / "app.py").write_text(EVALUATING)
    commit_all(repo, "Evaluate, and exclude everything from review")
    code, output = review(repo, "--commit", "HEAD", "--format", "json")
    assert code == 1
    assert ("tainted-code", "app.py") in findings(output)
    assert json.loads(output)["configuration"].startswith("pyproject.toml at HEAD^ (")
    code, output = review(repo, "--base", "HEAD^")  # the working tree, same base
    assert code == 1 and "Configuration: pyproject.toml at HEAD^ (" in output
    code, output = review(repo, "--commit", "HEAD", "--format", "markdown")
    assert "- Configuration: `pyproject.toml at HEAD^ (" in output


def test_the_base_configuration_and_config_option_apply(repo: Path, tmp_path: Path) -> None:
    (repo / "pyproject.toml").write_text(EXCLUDE_ALL)
    commit_all(repo, "Exclude everything")
    (repo / "app.py").write_text(EVALUATING)
    commit_all(repo, "Evaluate")
    code, output = review(repo, "--commit", "HEAD", "--format", "json")
    assert code == 0 and findings(output) == set()  # the base said so: honoured
    own = tmp_path / "secreview.toml"
    own.write_text('fail-on = "critical"\n')
    code, output = review(repo, "--commit", "HEAD", "--config", str(own), "--format", "json")
    assert code == 1
    assert json.loads(output)["configuration"] == str(own)


def test_a_bare_diff_outside_git_takes_the_folders_configuration(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    (tmp_path / "pyproject.toml").write_text(TABLE)
    code, output = review(tmp_path, "--diff", "-", "--format", "json", stdin=_diff_naming("app.py"))
    assert code == 1
    assert json.loads(output)["configuration"] == str(tmp_path / "pyproject.toml")


def test_find_pyproject_stops_at_the_repository_top(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(EXCLUDE_ALL)
    inner = tmp_path / "checkout" / "sub"
    inner.mkdir(parents=True)
    git(tmp_path / "checkout", "init", "-q")
    assert find_pyproject(inner) is None
    (tmp_path / "checkout" / "pyproject.toml").write_text(TABLE)
    assert find_pyproject(inner) == (tmp_path / "checkout" / "pyproject.toml").resolve()


def test_a_sha256_repository(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "--object-format=sha256", "-b", "main")
    (tmp_path / "app.py").write_text(HANDLER)
    commit_all(tmp_path, "Handler")
    (tmp_path / "app.py").write_text(EVALUATING)
    commit_all(tmp_path, "Evaluate")
    code, output = review(tmp_path, "--commit", "HEAD", "--format", "json")
    assert code == 1, output
    assert ("tainted-code", "app.py") in findings(output)


def test_a_linked_worktree_is_reviewed_at_its_own_head(repo: Path, tmp_path: Path) -> None:
    linked = tmp_path / "linked"
    git(repo, "worktree", "add", "-q", "-b", "feature", str(linked))
    (linked / "app.py").write_text(EVALUATING)
    code, output = review(linked, "--format", "json")
    assert code == 1, output
    assert ("tainted-code", "app.py") in findings(output)
    assert json.loads(output)["base"].startswith("merge-base with main")


def test_git_variables_of_the_environment_do_not_redirect_the_review(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    git(decoy, "init", "-q")
    monkeypatch.setenv("GIT_DIR", str(decoy / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(decoy))
    (repo / "app.py").write_text(EVALUATING)
    code, output = review(repo, "--base", "HEAD", "--format", "json")
    assert code == 1, output
    assert ("tainted-code", "app.py") in findings(output)


def test_the_change_cannot_baseline_its_own_findings(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The baseline the base configuration names is read as the base holds it."""
    monkeypatch.chdir(repo)
    (repo / "pyproject.toml").write_text('[tool.secreview]\nbaseline = "baseline.json"\n')
    assert (
        CliRunner().invoke(cli, ["baseline", "create", "-o", "baseline.json", "."]).exit_code == 0
    )
    commit_all(repo, "Configure a baseline")
    (repo / "app.py").write_text(EVALUATING)
    assert (
        CliRunner().invoke(cli, ["baseline", "create", "-o", "baseline.json", "."]).exit_code == 0
    )
    commit_all(repo, "Evaluate, and accept it in the baseline")
    code, output = review(repo, "--commit", "HEAD", "--format", "json")
    assert code == 1, output
    assert ("tainted-code", "app.py") in findings(output)
    (repo / "baseline.json").unlink()
    commit_all(repo, "Remove the baseline")
    code, output = review(repo, "--base", "HEAD")
    assert code == 2 and "names the baseline baseline.json, which is not in it" in output


def test_staged_reads_the_index_a_commit_hook_is_given(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`git commit -a` runs hooks with GIT_INDEX_FILE naming the index being committed."""
    (repo / "app.py").write_text(EVALUATING)
    other_index = repo / ".git" / "next-index.lock"
    subprocess.run(
        ["git", "add", "app.py"],
        cwd=repo,
        env={**os.environ, "GIT_INDEX_FILE": str(other_index)},
        check=True,
    )
    code, output = review(repo, "--staged", "--format", "json")
    assert (code, findings(output)) == (0, set())  # the repository's own index: nothing staged
    monkeypatch.setenv("GIT_INDEX_FILE", str(other_index))
    code, output = review(repo, "--staged", "--format", "json")
    assert code == 1 and ("tainted-code", "app.py") in findings(output)


@pytest.mark.parametrize("swapped_object", ["HEAD:app.py", "HEAD^{tree}"], ids=["blob", "tree"])
def test_an_object_store_answering_with_other_content_is_an_error(
    repo: Path, swapped_object: str
) -> None:
    """git does not re-hash what it reads; the review does, so a swapped object (a file's
    content or a tree) cannot show the safe version in place of the change."""
    safe = git(repo, "rev-parse", swapped_object).strip()
    (repo / "app.py").write_text(EVALUATING)
    commit_all(repo, "Evaluate")
    changed = git(repo, "rev-parse", swapped_object).strip()
    objects = repo / ".git" / "objects"
    swapped = objects / changed[:2] / changed[2:]
    swapped.chmod(0o644)
    swapped.write_bytes((objects / safe[:2] / safe[2:]).read_bytes())
    code, output = review(repo, "--commit", "HEAD")
    assert code == 2
    assert "does not hold what its id names" in output


def test_reflog_and_upstream_names_are_refused_with_what_to_name_instead(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(tmp_path),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "first",
        ],
        check=True,
    )
    result = CliRunner().invoke(cli, ["review", "-C", str(tmp_path), "--base", "@{upstream}"])
    assert result.exit_code == 2
    assert "name the branch or commit instead" in result.output
