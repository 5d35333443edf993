"""The pre-commit hook for real: `pre-commit try-repo` installs secreview from this project into
a fresh environment and runs the hook of `.pre-commit-hooks.yaml` in a temporary repository.

pre-commit builds the hook's environment with pip, so this test needs the package index (or a
wheel cache) that installing the project needs. PRE_COMMIT_HOME points into the test's temporary
folder, so it neither uses nor fills a user's cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
HOOK_ID = "secreview"
VULNERABLE = "def run(user_input):\n    return eval(user_input)\n"
CRITICAL = (
    "import subprocess\n\nfrom flask import request\n\n\n"
    "def ping():\n    return subprocess.check_output('ping ' + request.args['h'], shell=True)\n"
)
CLEAN = "import ast\n\n\ndef run(text):\n    return ast.literal_eval(text)\n"
IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@t",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@t",
}


def _environment(pre_commit_home: Path) -> dict[str, str]:
    """This process's environment without git's per-repository variables (set when the tests
    themselves run inside a git hook, they would point every git call at the wrong repository)."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return {**kept, **IDENTITY, "PRE_COMMIT_HOME": str(pre_commit_home)}


def _git(repo: Path, env: dict[str, str], *args: str) -> str:
    completed = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return completed.stdout


def _snapshot(destination: Path, env: dict[str, str]) -> Path:
    """This project as it is on disk (tracked and new files, not ignored ones), committed in a
    repository of its own: try-repo on the project itself would install its last commit plus
    edits to tracked files, without modules not yet added to git."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        pytest.skip(f"{PROJECT} is not a git checkout; pre-commit installs hooks from git")
    for name in filter(None, listed.stdout.decode("utf-8", "surrogateescape").split("\0")):
        source = PROJECT / name
        if source.is_file():  # files deleted from the work tree are still in git's index
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _git(destination, env, "init", "-q")
    _git(destination, env, "add", "-A")
    _git(destination, env, "commit", "-q", "--no-verify", "-m", "snapshot")
    return destination


def _try_repo(
    work: Path, hook_repo: Path, env: dict[str, str], *args: str, hook: str = HOOK_ID
) -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo` on the staged files, as `git commit` would run the hook (or on
    what `args` such as `--all-files` name)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            "--color=never",
            str(hook_repo),
            hook,
            *args,
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_the_hook_blocks_a_staged_injection_and_passes_clean_code(tmp_path: Path) -> None:
    env = _environment(tmp_path / "pre-commit-home")
    hook_repo = _snapshot(tmp_path / "secreview", env)
    work = tmp_path / "work"
    work.mkdir()
    _git(work, env, "init", "-q")
    (work / "app.py").write_text("def helper(x):\n    return x + 1\n")
    _git(work, env, "add", "app.py")
    _git(work, env, "commit", "-q", "--no-verify", "-m", "Initial commit")

    (work / "run.py").write_text(VULNERABLE)
    _git(work, env, "add", "run.py")
    blocked = _try_repo(work, hook_repo, env)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode == 1, output
    assert "- exit code: 1" in output, output  # 1: a new finding, not 2: an error
    assert "Location: run.py:2 (line 2)" in output
    assert "Rule:     eval-injection" in output
    assert "Summary: 1 file reviewed, 1 defect (1 high)" in output

    _git(work, env, "rm", "-q", "--cached", "run.py")
    (work / "run.py").unlink()
    (work / "clean.py").write_text(CLEAN)
    _git(work, env, "add", "clean.py")
    passed = _try_repo(work, hook_repo, env)
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert "secreview security review" in output and "Passed" in output


def test_all_files_reviews_committed_files_whole_and_the_scan_hook_the_tree(
    tmp_path: Path,
) -> None:
    """A repository whose committed code has a critical finding passes a commit that only
    stages clean code, but fails `--all-files` and the whole-tree hook."""
    env = _environment(tmp_path / "pre-commit-home")
    hook_repo = _snapshot(tmp_path / "secreview", env)
    work = tmp_path / "work"
    work.mkdir()
    _git(work, env, "init", "-q")
    (work / "deploy.py").write_text(CRITICAL)
    _git(work, env, "add", "deploy.py")
    _git(work, env, "commit", "-q", "--no-verify", "-m", "Initial commit")
    (work / "clean.py").write_text(CLEAN)
    _git(work, env, "add", "clean.py")

    staged = _try_repo(work, hook_repo, env)
    assert staged.returncode == 0, staged.stdout + staged.stderr

    everything = _try_repo(work, hook_repo, env, "--all-files")
    output = everything.stdout + everything.stderr
    assert everything.returncode == 1, output
    assert "deploy.py" in output and "critical" in output

    whole_tree = _try_repo(work, hook_repo, env, hook="secreview-scan")
    output = whole_tree.stdout + whole_tree.stderr
    assert whole_tree.returncode == 1, output
    assert "deploy.py" in output and "critical" in output
