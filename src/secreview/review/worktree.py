"""The working tree as a git tree, made in the shadow repository without running git on it.

`git diff` against the working tree would refresh (and write) the reviewed repository's index,
run its clean filters and fsmonitor, and follow its `core.worktree`. Here the tracked files that
can be Python are read from the disk by us (see `confined`), changed ones are stored as blobs in
the shadow, and the shadow's copy of the index is updated and written as a tree, which `diff-tree`
then compares with the base like any commit.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePosixPath

from secreview.findings import ErrorKind, FileError
from secreview.review.confined import OnDisk, WorkingTree
from secreview.sources.git import repository as git
from secreview.sources.python_files import PYTHON_SUFFIXES

_REGULAR_MODES = frozenset({"100644", "100755"})


def may_be_python(path: str) -> bool:
    """Python by its name, or possibly by its shebang (no suffix)."""
    suffix = PurePosixPath(path).suffix
    return suffix in PYTHON_SUFFIXES or suffix == ""


def _update(
    repository: git.Repository, entry: git.IndexEntry, on_disk: OnDisk
) -> tuple[str, str | None, bytes] | None:
    """The index update that makes `entry` say what the disk holds (None: it already does)."""
    shadow = repository.shadow
    if on_disk.kind == "absent":
        return ("0", None, entry.path)
    if on_disk.kind == "link":
        target = shadow.write_object("blob", on_disk.data)
        same = entry.mode == git.SYMLINK_MODE and entry.object_id == target
        return None if same and not entry.stage else (git.SYMLINK_MODE, target, entry.path)
    mode = "100755" if on_disk.executable else "100644"
    if entry.mode in _REGULAR_MODES:
        mode = entry.mode  # an executable bit alone is no change to review
    if on_disk.large_id is not None:
        same = on_disk.large_id == entry.object_id and not entry.stage
        return None if same else (mode, on_disk.large_id, entry.path)
    blob = shadow.blob_id(on_disk.data)
    unix_endings = shadow.blob_id(on_disk.data.replace(b"\r\n", b"\n"))
    if entry.object_id in (blob, unix_endings) and entry.mode in _REGULAR_MODES and not entry.stage:
        return None  # unchanged (or only its line endings, which git's autocrlf would undo)
    return (mode, shadow.write_object("blob", on_disk.data), entry.path)


def working_tree(repository: git.Repository, max_bytes: int) -> tuple[str, list[FileError]]:
    """The tree of the work tree's tracked files, and the files that could not be read."""
    entries: dict[bytes, list[git.IndexEntry]] = defaultdict(list)
    for entry in repository.index_entries():
        entries[entry.path].append(entry)
    disk = WorkingTree(repository.root, repository.shadow.store_stream)
    updates: list[tuple[str, str | None, bytes]] = []
    errors: list[FileError] = []
    for path, group in entries.items():
        entry = min(group, key=lambda e: e.stage)
        name = git.decode_path(path)
        unmerged = entry.stage > 0
        if not unmerged and (
            entry.keep or entry.mode == git.GITLINK_MODE or not may_be_python(name)
        ):
            continue  # git itself would not look (or the file cannot be Python)
        on_disk = disk.read(path, max_bytes)
        if on_disk.kind == "error":
            reason = f"{on_disk.message}; the file was not reviewed"
            errors.append(FileError(name, reason, ErrorKind.UNREADABLE))
            continue
        if (update := _update(repository, entry, on_disk)) is not None:
            updates.append(update)
    return repository.tree_with(updates), errors
