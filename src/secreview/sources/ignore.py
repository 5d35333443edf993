"""Which paths are left out: `--exclude` patterns and `.gitignore` files, both as git reads them.

Patterns follow gitignore semantics (pathspec's `GitIgnoreSpec`): `build` leaves out anything
named build at any depth, `src/legacy` only that folder (anchored), `*.py` every Python file,
`!keep.py` takes one back. An exclude pattern is matched against a path relative to the folder
being scanned and against the path as secreview prints it (relative to the working directory),
so what a report shows can be pasted into `--exclude` as it is.

`.gitignore` files are read as data (never through git, which would read the repository's
configuration), each at most `GITIGNORE_MAX_BYTES`, from every folder walked and from the folders
above the scan root up to the repository top; deeper files take precedence, as in git.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from secreview.sources.sidefiles import SideFileError, read_side_text

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

GITIGNORE = ".gitignore"
GITIGNORE_MAX_BYTES = 1024 * 1024
"""A .gitignore is a few kilobytes; a larger one is refused (with an error), not read."""


def _gitignore_spec(lines: Sequence[str]) -> GitIgnoreSpec:
    """pathspec's matcher for `lines`, imported on first need: pathspec and what it loads (its
    optional backends, typing_extensions) were 7 % of a one-file scan's start-up, and a scan
    of files named one by one matches no pattern at all."""
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(lines)


class Patterns:
    """Gitignore-style patterns (`--exclude`), compiled into one matcher when first matched."""

    __slots__ = ("_lines", "_spec")

    def __init__(self, lines: Sequence[str]) -> None:
        self._lines = tuple(lines)
        self._spec: GitIgnoreSpec | None = None

    def match(self, path: str, is_dir: bool) -> bool:
        """Whether the patterns leave out `path` ('/'-separated, relative); folders match
        `name/` too."""
        if not self._lines or not path:
            return False
        if self._spec is None:
            self._spec = _gitignore_spec(self._lines)
        return bool(self._spec.match_file(f"{path}/" if is_dir else path))


def matches_path(patterns: Sequence[str], path: str, is_dir: bool = False) -> bool:
    """Whether a gitignore-style pattern of `patterns` matches `path` or one of its folders."""
    compiled = Patterns(patterns)
    parts = path.split("/")
    return any(
        compiled.match("/".join(parts[:end]), is_dir or end < len(parts))
        for end in range(1, len(parts) + 1)
    )


class GitIgnore(NamedTuple):
    """One `.gitignore` file: the real folder it sits in and its patterns."""

    folder: str
    spec: GitIgnoreSpec

    def decision(self, real_path: str, is_dir: bool) -> bool | None:
        """True: ignored, False: taken back by a `!` pattern, None: this file says nothing."""
        prefix = self.folder.rstrip(os.sep) + os.sep
        if not real_path.startswith(prefix):
            return None
        relative = real_path[len(prefix) :].replace(os.sep, "/")
        result = self.spec.check_file(f"{relative}/" if is_dir else relative)
        return result.include


def read_gitignore(folder: str) -> GitIgnore | str | None:
    """The `.gitignore` of `folder` (a real path), None when it has none, or why it cannot be
    used (one sentence)."""
    path = os.path.join(folder, GITIGNORE)
    if not os.path.lexists(path):
        return None
    try:
        text = read_side_text(path, what=GITIGNORE, max_bytes=GITIGNORE_MAX_BYTES)
    except SideFileError as error:
        return f"{error}; its patterns were not applied"
    return GitIgnore(folder, _gitignore_spec(text.splitlines()))


def is_gitignored(rules: Sequence[GitIgnore], real_path: str, is_dir: bool) -> bool:
    """What the deepest `.gitignore` that speaks of `real_path` decides (`rules` shallow
    first)."""
    for rule in reversed(rules):
        decision = rule.decision(real_path, is_dir)
        if decision is not None:
            return decision
    return False


def enclosing_gitignores(real_root: str) -> tuple[list[GitIgnore], list[str]]:
    """The `.gitignore` files of the folders above `real_root` up to the repository top (the
    first folder holding `.git`), shallow first, and why any could not be read.

    Outside a repository, none: a `.gitignore` above an unversioned folder governs nothing.
    """
    if os.path.lexists(os.path.join(real_root, ".git")):
        return [], []
    folders: list[str] = []
    for folder in Path(real_root).parents:
        folders.append(str(folder))
        if os.path.lexists(folder / ".git"):
            break
    else:
        return [], []
    found: list[GitIgnore] = []
    problems: list[str] = []
    for folder in reversed(folders):
        read = read_gitignore(folder)
        if isinstance(read, GitIgnore):
            found.append(read)
        elif read is not None:
            problems.append(read)
    return found, problems
