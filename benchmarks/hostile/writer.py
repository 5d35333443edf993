"""Writes one shape's entries and folds each into the corpus digest.

The digest lets two runs (or two machines) check they measured the same corpus without walking
it afterwards: a walk by path cannot reach the entries deeper than PATH_MAX, nor the locked
folder when not run as root.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

Name = str | bytes


def _encoded(name: Name) -> bytes:
    return name if isinstance(name, bytes) else os.fsencode(name)


class ShapeWriter:
    """Creates entries below one shape's folder; names may be bytes (not valid UTF-8)."""

    def __init__(self, folder: Path, shape: str, digest: hashlib._Hash) -> None:
        self.folder = os.fsencode(folder)
        self.shape = shape
        self.digest = digest
        self.entries: list[str] = []
        """Each entry's name below the folder, printable (bytes that are not UTF-8 escaped)."""
        self.paths: list[bytes] = []
        """Each entry's full path, to review it alone."""
        self.locked: list[bytes] = []
        os.makedirs(self.folder, exist_ok=True)

    def _path(self, name: Name) -> bytes:
        path = os.path.join(self.folder, _encoded(name))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return path

    def _record(self, kind: str, name: Name, payload: bytes) -> None:
        self.entries.append(repr(_encoded(name))[2:-1])
        self.paths.append(os.path.join(self.folder, _encoded(name)))
        self.digest.update(f"{self.shape}\0{kind}\0".encode() + _encoded(name) + b"\0")
        self.digest.update(hashlib.sha256(payload).digest())

    def file(self, name: Name, data: bytes) -> None:
        """A regular file holding `data`."""
        with open(self._path(name), "wb") as handle:
            handle.write(data)
        self._record("file", name, data)

    def symlink(self, name: Name, target: Name) -> None:
        """A symbolic link; `target` is not required to exist."""
        os.symlink(_encoded(target), self._path(name))
        self._record("symlink", name, _encoded(target))

    def fifo(self, name: Name) -> None:
        """A named pipe: a reader that opens it blocks until a writer comes, which never does."""
        os.mkfifo(self._path(name))
        self._record("fifo", name, b"")

    def lock(self, name: Name) -> None:
        """Take every permission away from an entry already written (restored before removal)."""
        path = os.path.join(self.folder, _encoded(name))
        os.chmod(path, 0)
        self.locked.append(path)
        self.digest.update(b"lock\0" + _encoded(name))

    def deep_file(self, folders: list[str], name: str, data: bytes) -> int:
        """A file below `folders`, created one folder at a time relative to its parent's
        descriptor, so its full path may exceed PATH_MAX; returns the full path's length."""
        parent = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for folder in folders:
                os.mkdir(folder, dir_fd=parent)
                child = os.open(folder, os.O_RDONLY | os.O_DIRECTORY, dir_fd=parent)
                os.close(parent)
                parent = child
            handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=parent)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
        finally:
            os.close(parent)
        relative = "/".join([*folders, name])
        self._record("file", relative, data)
        return len(self.folder) + 1 + len(relative.encode())
