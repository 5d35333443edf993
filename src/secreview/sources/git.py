"""Ask git about a repository: revisions, diffs, file contents and commit messages.

git runs as a subprocess with an argument list (never through a shell), with options that keep
the user's or the repository's configuration from running programs (external diff drivers,
textconv filters, fsmonitor hooks) or changing the output format. Nothing is ever checked out:
old versions are read with `git cat-file`, so the code under review is only ever read.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
"""git's well-known id of the empty tree: the base of a repository's first commit."""

_SAFE_CONFIG = (
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.quotePath=false",
    "-c",
    "diff.noprefix=false",
    "-c",
    "color.ui=never",
)
_DIFF_OPTIONS = (
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "--find-renames",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)


class GitError(Exception):
    """git failed or is missing; the message says what was asked and git's own reason."""


@dataclass(frozen=True, slots=True)
class Revision:
    """A commit (or the empty tree) as a full id, with the name the user knows it by."""

    sha: str
    label: str

    def describe(self) -> str:
        """'origin/main (1a2b3c4d5e6f)' or just the id when the user gave the id."""
        short = self.sha[:12]
        return short if self.label in (self.sha, short) else f"{self.label} ({short})"


def run_git(root: Path, arguments: Sequence[str], *, check: bool = True) -> bytes | None:
    """git's standard output; None when `check` is off and git exits non-zero."""
    try:
        completed = subprocess.run(
            ["git", *_SAFE_CONFIG, *arguments],
            cwd=root,
            capture_output=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    if completed.returncode != 0:
        if not check:
            return None
        reason = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(
            f"`git {' '.join(arguments)}` failed: {reason[0] if reason else 'no reason given'}"
        )
    return completed.stdout


def repository_root(start: Path) -> Path | None:
    """The top folder of the git work tree containing `start`, or None outside one."""
    try:
        output = run_git(start, ["rev-parse", "--show-toplevel"], check=False)
    except GitError:
        return None
    return Path(output.decode("utf-8").strip()) if output else None


def resolve(root: Path, revision: str) -> Revision:
    """The commit `revision` names; GitError saying so when it names none."""
    output = run_git(
        root, ["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], check=False
    )
    if not output:
        raise GitError(f"{revision!r} does not name a commit in {root}")
    return Revision(output.decode().strip(), revision)


def parent_of(root: Path, commit: Revision) -> Revision:
    """The first parent of `commit`, or the empty tree for a repository's first commit."""
    output = run_git(root, ["rev-parse", "--verify", "--quiet", f"{commit.sha}^1"], check=False)
    if not output:
        return Revision(EMPTY_TREE, "empty tree")
    return Revision(output.decode().strip(), f"{commit.label}^")


def default_branch_candidates(root: Path) -> list[str]:
    """Where the default branch may be: origin/HEAD's target, then main, then master."""
    candidates = []
    output = run_git(root, ["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], check=False)
    if output:
        candidates.append(output.decode().strip().removeprefix("refs/remotes/"))
    return [*candidates, "main", "master"]


def merge_base(root: Path, base: Revision, head: Revision) -> Revision:
    """Where `head` forked from `base` (what a pull request is compared with), else `base`."""
    output = run_git(root, ["merge-base", base.sha, head.sha], check=False)
    if not output or output.decode().strip() == base.sha:
        return base
    return Revision(output.decode().strip(), f"merge-base of {base.label} and {head.label}")


def head_or_empty_tree(root: Path) -> Revision:
    """HEAD, or the empty tree in a repository with no commit yet (its first commit's base)."""
    try:
        return resolve(root, "HEAD")
    except GitError:
        return Revision(EMPTY_TREE, "empty tree")


def default_base(root: Path, head: Revision | None = None) -> Revision:
    """The merge-base of `head` (HEAD) with the default branch, else HEAD, else the empty tree."""
    current = head or head_or_empty_tree(root)
    if current.sha == EMPTY_TREE:
        return current  # no commit yet: everything is new
    for branch in default_branch_candidates(root):
        output = run_git(root, ["merge-base", current.sha, branch], check=False)
        if output:
            return Revision(output.decode().strip(), f"merge-base with {branch}")
    return current


def diff(root: Path, base: Revision, head: Revision | None, *, staged: bool = False) -> str:
    """The unified diff from `base` to `head`, to the index (`staged`) or to the work tree."""
    target = [head.sha] if head else (["--cached"] if staged else [])
    output = run_git(root, ["diff", *_DIFF_OPTIONS, base.sha, *target, "--"])
    return (output or b"").decode("utf-8", "surrogateescape")


def read_blob(root: Path, revision: Revision | None, path: str) -> bytes | None:
    """The bytes of `path` at `revision` (the index when None), or None when it is not there."""
    if revision is not None and revision.sha == EMPTY_TREE:
        return None
    spec = f"{revision.sha}:{path}" if revision else f":{path}"
    return run_git(root, ["cat-file", "blob", spec], check=False)


def commit_message(root: Path, commit: Revision) -> str:
    """The full message of `commit`, without trailing blank lines."""
    output = run_git(root, ["log", "-1", "--format=%B", commit.sha])
    return (output or b"").decode("utf-8", "replace").rstrip()
