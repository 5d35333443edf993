"""Find the repository a folder belongs to by reading the file system, never by asking git.

`git rev-parse --show-toplevel` would read the repository's configuration, which can point git
at another folder (`core.worktree`) or pull in more configuration (`include`, `includeIf`). The
walk here follows only what git's own layout fixes: a `.git` folder, or a `.git` file saying
`gitdir: <path>` (linked worktrees, submodules) whose `commondir` names the shared folder.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import NamedTuple

from secreview.patterns import lazy_pattern

_SMALL_FILE_BYTES = 64 * 1024
"""`.git` files, `commondir` and `HEAD` are one line; anything larger is not git's."""
_SECTION = lazy_pattern(r"^\s*\[\s*([A-Za-z0-9.-]+)\s*(?:\"[^\"]*\")?\s*\]")
_OBJECT_FORMAT = lazy_pattern(r"^\s*objectformat\s*=\s*([A-Za-z0-9]+)\s*$", re.IGNORECASE)


class Location(NamedTuple):
    """Where a repository's parts are: the work tree's top, the git folder of this work tree
    (HEAD, index) and the folder it shares with other work trees (objects, refs)."""

    root: Path
    git_dir: Path
    common_dir: Path
    bare: bool = False
    """A repository without a work tree (a server's, a mirror): `root` is its git folder, and
    only its revisions can be reviewed, never a work tree or an index."""

    @property
    def objects(self) -> Path:
        """The object folder every revision is read from."""
        return self.common_dir / "objects"


def read_small(path: Path) -> bytes | None:
    """The bytes of a small regular file (never a FIFO or a device), or None."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > _SMALL_FILE_BYTES:
            return None
        return os.read(descriptor, _SMALL_FILE_BYTES)
    except OSError:
        return None
    finally:
        os.close(descriptor)


def _is_git_dir(git_dir: Path, common_dir: Path) -> bool:
    return (
        (git_dir / "HEAD").is_file()
        and (common_dir / "objects").is_dir()
        and (common_dir / "refs").is_dir()
    )


def _common_dir(git_dir: Path) -> Path:
    pointer = read_small(git_dir / "commondir")
    if pointer is None:
        return git_dir
    return (git_dir / os.fsdecode(pointer.strip())).resolve()


def _from_dot_git(top: Path) -> Location | None:
    dot_git = top / ".git"
    if dot_git.is_dir():
        git_dir = dot_git.resolve()
    elif dot_git.is_file():
        content = read_small(dot_git)
        if content is None or not content.startswith(b"gitdir:"):
            return None
        git_dir = (top / os.fsdecode(content[len(b"gitdir:") :].strip())).resolve()
    else:
        return None
    common_dir = _common_dir(git_dir)
    return Location(top, git_dir, common_dir) if _is_git_dir(git_dir, common_dir) else None


def find_repository(start: Path) -> Location | None:
    """The repository whose work tree holds `start`, or None outside every repository."""
    folder = start.resolve()
    for top in (folder, *folder.parents):
        found = _from_dot_git(top)
        if found is not None:
            return found
    return None


def bare_repository(folder: Path) -> Location | None:
    """`folder` itself as a bare repository (HEAD, objects and refs directly in it, as a server
    hook or a mirror holds it), or None. Only the folder named is tried: a folder inside a bare
    repository is no work tree of it."""
    git_dir = folder.resolve()
    common_dir = _common_dir(git_dir)
    if not _is_git_dir(git_dir, common_dir):
        return None
    return Location(git_dir, git_dir, common_dir, bare=True)


def object_format(location: Location) -> str:
    """'sha1' or 'sha256', as the repository's `[extensions] objectformat` says (default sha1).

    Only the repository's own config file decides it (git ignores includes for extensions)."""
    text = (read_small(location.common_dir / "config") or b"").decode("utf-8", "replace")
    section = ""
    for line in text.splitlines():
        if header := _SECTION.match(line):
            section = header[1].lower()
        elif section == "extensions" and (value := _OBJECT_FORMAT.match(line)):
            return value[1].lower()
    return "sha1"
