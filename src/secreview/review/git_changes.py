"""A change git knows (a commit, base..head, the index, the working tree) as whole-file texts.

Which files changed comes from `diff-tree --raw -z` between two trees of the shadow repository;
their names come from those NUL-separated entries, never from a patch header git might quote.
Contents come from one `cat-file --batch`; the hunks of every changed Python file from one
`diff-tree -p --text` of blob pairs under neutral names. A file is binary when its content holds
a NUL byte: that is decided here, not by the repository's `.gitattributes`.
"""

from __future__ import annotations

import dataclasses

from secreview.findings import FileError
from secreview.review.changes import Change, collect, decode_blob
from secreview.review.worktree import may_be_python, working_tree
from secreview.sources.diff import ChangeKind, FileDiff, parse_diff
from secreview.sources.git import repository as git

_BINARY_SNIFF_BYTES = 8000
"""git's own rule: a NUL byte in the first 8000 bytes makes a file binary."""
_KINDS = {
    "A": ChangeKind.ADDED,
    "C": ChangeKind.ADDED,
    "D": ChangeKind.DELETED,
    "R": ChangeKind.RENAMED,
}


def _is_binary(data: bytes | int | None) -> bool:
    return isinstance(data, bytes) and b"\0" in data[:_BINARY_SNIFF_BYTES]


def _file_diff(change: git.TreeChange, blobs: dict[str, bytes | int]) -> FileDiff:
    kind = _KINDS.get(change.status, ChangeKind.MODIFIED)
    mode = change.old_mode if kind is ChangeKind.DELETED else change.new_mode
    content = blobs.get((change.old_id if kind is ChangeKind.DELETED else change.new_id) or "")
    return FileDiff(
        path=change.old_path if kind is ChangeKind.DELETED else change.new_path,
        old_path=change.new_path if kind is ChangeKind.ADDED else change.old_path,
        kind=kind,
        binary=_is_binary(content),
        symlink=mode == git.SYMLINK_MODE,
        submodule=mode == git.GITLINK_MODE,
        hunks=(),
        added_lines=frozenset(),
        shown_lines=frozenset(),
    )


def _with_hunks(
    repository: git.Repository,
    diffs: list[FileDiff],
    changes: list[git.TreeChange],
    blobs: dict[str, bytes | int],
) -> list[FileDiff]:
    """The diffs of files that may be Python, with their hunks from one blob-pair patch."""
    wanted = [
        number
        for number, (diff, change) in enumerate(zip(diffs, changes, strict=True))
        if diff.kind is not ChangeKind.DELETED
        and not (diff.binary or diff.symlink or diff.submodule)
        and may_be_python(diff.path)
        and isinstance(blobs.get(change.new_id or ""), bytes)
        and not isinstance(blobs.get(change.old_id or ""), int)
    ]
    pairs = [
        (None if diffs[n].kind is ChangeKind.ADDED else changes[n].old_id, changes[n].new_id)
        for n in wanted
    ]
    result = list(diffs)
    if not pairs:
        return result
    patch = repository.patch(pairs).decode("utf-8", "surrogateescape")
    patched = {each.path: each for each in parse_diff(patch)}
    for order, number in enumerate(wanted):
        hunks = patched.get(f"f{order:07d}")
        if hunks is not None:
            result[number] = dataclasses.replace(
                diffs[number],
                hunks=hunks.hunks,
                added_lines=hunks.added_lines,
                shown_lines=hunks.shown_lines,
            )
    return result


def from_git(
    repository: git.Repository,
    base: git.Revision,
    head: git.Revision | None,
    *,
    staged: bool = False,
    max_bytes: int,
) -> Change:
    """The change from `base` to `head` (a commit), to the index (`staged`) or the work tree."""
    unreadable: list[FileError] = []
    if head is not None:
        new_tree = repository.tree_of(head)
    elif staged:
        new_tree = repository.tree_with([])
    else:
        new_tree, unreadable = working_tree(repository, max_bytes)
    changes = repository.changes(repository.tree_of(base), new_tree)
    needed = [c.new_id for c in changes if c.new_id and c.new_mode != git.GITLINK_MODE]
    needed += [
        c.old_id
        for c in changes
        if c.old_id
        and c.old_mode != git.GITLINK_MODE
        and (may_be_python(c.old_path) or may_be_python(c.new_path))
    ]
    blobs = repository.read_blobs(needed, max_bytes)
    diffs = _with_hunks(repository, [_file_diff(c, blobs) for c in changes], changes, blobs)
    by_path = {diff.path: change for diff, change in zip(diffs, changes, strict=True)}

    def read(diff: FileDiff) -> tuple[str | None, str]:
        change = by_path[diff.path]
        before = (
            ""
            if diff.kind is ChangeKind.ADDED
            else decode_blob(blobs.get(change.old_id or ""), max_bytes)
        )
        return before, decode_blob(blobs.get(change.new_id or ""), max_bytes) or ""

    def read_deleted(diff: FileDiff) -> str | None:
        return decode_blob(blobs.get(by_path[diff.path].old_id or ""), max_bytes)

    files, skipped, errors, deleted = collect(tuple(diffs), read, read_deleted)
    if head is not None:
        shown_head = head.describe()
    else:
        shown_head = "the index (staged changes)" if staged else "the working tree"
    return Change(
        files=tuple(files),
        skipped=tuple(skipped),
        errors=tuple(errors) + tuple(unreadable),
        base=base.describe(),
        head=shown_head,
        head_commit=head.sha if head else None,
        deleted=tuple(deleted),
    )
