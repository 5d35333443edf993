"""Read a project's files from a local git copy, without running anything of the project's.

The real-vulnerability corpus keeps no third-party source in the repository; materialise.py and
project_tree.py recreate it from local copies of the projects. Both find the copy with
git_dirs and ask git through git_command only, for commands that read objects.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

MIRROR_ROOT = Path("/work/.mirror")
GIT_TIMEOUT = 120.0


def git_dirs(repository: str, mirror_root: Path | None, repos: Path | None) -> list[Path]:
    """The local git directories that may hold `repository` (an https URL), best first.

    A mirror named `<owner>+<name>` (case-insensitive) comes first; a mirror of the same name
    under another owner (a project that moved) and a clone `<repos>/<name>` follow. Which of
    them really has the commits is left to git. A mirror's `repo` may be bare or hold its git
    directory in `repo/.git` (fetching a small project gives the second), so both are tried.
    """
    owner, name = repository.rstrip("/").removesuffix(".git").split("/")[-2:]
    candidates: list[Path] = []
    if mirror_root is not None and mirror_root.is_dir():
        mirrors = sorted(path for path in mirror_root.iterdir() if path.is_dir())
        exact = [m for m in mirrors if m.name.lower() == f"{owner}+{name}".lower()]
        moved = [m for m in mirrors if m.name.lower().endswith(f"+{name}".lower())]
        for mirror in [*exact, *moved]:
            candidates += [mirror / "repo", mirror / "repo" / ".git"]
    if repos is not None:
        candidates += [repos / name / ".git", repos / name]
    unique = dict.fromkeys(path for path in candidates if (path / "HEAD").is_file())
    return list(unique)


def git_command(git_dir: Path, *args: str) -> list[str]:
    """A git command that reads `git_dir`'s objects and can run nothing of the project's.

    Hooks and fsmonitor are turned off, so no program named by the repository's configuration
    is started; callers ask only for commands that read objects (show, ls-tree, cat-file).
    """
    command = ["git", "--no-pager", "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false"]
    return [*command, f"--git-dir={git_dir}", *args]


def git_show(git_dir: Path, commit: str, path: str) -> bytes | None:
    """The bytes of `path` at `commit` in `git_dir`, or None when git does not have them."""
    command = git_command(git_dir, "show", "--no-textconv", f"{commit}:{path}")
    try:
        done = subprocess.run(command, capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
