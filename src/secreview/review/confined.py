"""Read the reviewed folder's files without ever leaving it.

A diff names its files, and so does an index; both come from the repository under review. A
name that is absolute, climbs with '..' or passes through a symbolic link could make the review
read (and show) any file on the machine, so such names are refused, and a tracked file's folders
are walked without following links, as git itself does.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from secreview.sources.diff import DiffError


def relative_name(name: str) -> str:
    """`name` when it is a plain relative path; DiffError (refused) otherwise."""
    parts = PurePosixPath(name).parts
    if (
        not name
        or "\0" in name
        or name.startswith(("/", "\\"))
        or PurePosixPath(name).is_absolute()
        or ".." in parts
        or (len(name) > 1 and name[1] == ":")  # a Windows drive
    ):
        raise DiffError(f"the diff names {name!r}, which is outside the reviewed folder")
    return name


def inside(folder: Path, name: str) -> Path:
    """The file `name` names under `folder`, with every link resolved; DiffError when it is
    not a plain relative name or leads out of `folder` through a symbolic link."""
    top = folder.resolve()
    real = Path(os.path.realpath(top / relative_name(name)))
    if real != top and top not in real.parents:
        raise DiffError(
            f"the diff names {name!r}, which leads outside {top} through a symbolic link"
        )
    return real


@dataclass(frozen=True, slots=True)
class OnDisk:
    """A tracked file as the working tree holds it: `kind` 'absent', 'file', 'link' (`data` is
    the link's target) or 'error' (`message` says why); a file over the size limit is stored
    without being held in memory and has only its blob id, `large_id`."""

    kind: str
    data: bytes = b""
    executable: bool = False
    large_id: str | None = None
    message: str = ""


class WorkingTree:
    """Tracked files of a work tree, read the way git reads them: a path whose folder is a
    symbolic link is absent (git never follows one), a final link is read as a link."""

    def __init__(self, root: Path, store: Callable[[BinaryIO, int], str | None]) -> None:
        self._root = os.fsencode(root)
        self._folders: dict[bytes, bool] = {b"": True}
        self._store = store

    def _is_real_folder(self, folder: bytes) -> bool:
        if folder not in self._folders:
            parent = folder.rpartition(b"/")[0]
            real = False
            if self._is_real_folder(parent):
                try:
                    real = stat.S_ISDIR(os.lstat(self._root + b"/" + folder).st_mode)
                except OSError:
                    real = False
            self._folders[folder] = real
        return self._folders[folder]

    def read(self, path: bytes, max_bytes: int) -> OnDisk:
        """The working tree's version of the tracked `path` (git's bytes)."""
        if not self._is_real_folder(path.rpartition(b"/")[0]):
            return OnDisk("absent")
        full = self._root + b"/" + path
        try:
            status = os.lstat(full)
        except FileNotFoundError:
            return OnDisk("absent")
        except OSError as error:
            return OnDisk("error", message=f"cannot be read ({error.strerror or error})")
        if stat.S_ISLNK(status.st_mode):
            return OnDisk("link", os.readlink(full))
        if stat.S_ISDIR(status.st_mode):
            return OnDisk("absent")  # a folder where the file was: git sees it deleted
        if not stat.S_ISREG(status.st_mode):
            return OnDisk("error", message="is not a regular file (a pipe, socket or device)")
        return self._read_file(full, max_bytes)

    def _read_file(self, full: bytes, max_bytes: int) -> OnDisk:
        try:
            descriptor = os.open(full, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError as error:
            return OnDisk("error", message=f"cannot be read ({error.strerror or error})")
        with os.fdopen(descriptor, "rb") as handle:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode):
                return OnDisk("error", message="is not a regular file")
            executable = bool(status.st_mode & stat.S_IXUSR)
            if status.st_size <= max_bytes:
                return OnDisk("file", handle.read(), executable)
            # Too large to review, but whether the change touched it still shows.
            large_id = self._store(handle, status.st_size)
            if large_id is None:
                return OnDisk("error", message="changed while it was read")
            return OnDisk("file", executable=executable, large_id=large_id)
