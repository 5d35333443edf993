"""Turn what the user asked to review (a diff, a commit, base..head) into whole-file texts.

For every file the change touches this gives the text before and after the change, or says why
the file is skipped (deleted, binary, a symlink, not Python) or cannot be read. Changes git knows
are read in `git_changes`; a bare diff is fitted here to the files on disk, forward when the disk
holds the version before it, backward when it already holds the result, or applied to a base
revision. A diff's file names never lead the review outside the folder (see `confined`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from secreview.findings import FileError
from secreview.patterns import lazy_pattern
from secreview.review.confined import inside, relative_name
from secreview.review.model import SkippedFile
from secreview.sources.diff import ChangeKind, DiffError, FileDiff, apply_diff, fits, parse_diff
from secreview.sources.git import repository as git
from secreview.sources.python_files import PYTHON_SUFFIXES
from secreview.sources.reading import UnreadableSourceError, decode_source, read_source, too_large

_SHEBANG = lazy_pattern(r"^#![^\n]*\bpython[0-9.]*\b")


@dataclass(frozen=True, slots=True)
class ChangedFile:
    """One changed Python file: its diff, and its whole text before (None: unknown) and after."""

    diff: FileDiff
    before: str | None
    after: str


@dataclass(frozen=True, slots=True)
class Change:
    """Everything to review, plus what was compared and what could not be reviewed."""

    files: tuple[ChangedFile, ...]
    skipped: tuple[SkippedFile, ...]
    errors: tuple[FileError, ...]
    base: str
    head: str
    head_commit: str | None = None
    deleted: tuple[tuple[str, str], ...] = ()
    """(path, text) of deleted Python files: their findings are resolved by the change."""


def _is_python(path: str, text: str | None) -> bool:
    suffix = PurePosixPath(path).suffix
    if suffix in PYTHON_SUFFIXES:
        return True
    return suffix == "" and text is not None and bool(_SHEBANG.match(text))


def _skip_reason(diff: FileDiff) -> str | None:
    if diff.submodule:
        return "a submodule, not a file"
    if diff.symlink:
        return "a symbolic link"
    if diff.binary:
        return "a binary file"
    return None


def decode_blob(data: bytes | int | None, max_bytes: int) -> str | None:
    """Source text of a blob (or its size when it was too large to read); None when absent;
    UnreadableSourceError when it can't be read."""
    if data is None:
        return None
    size = data if isinstance(data, int) else len(data)
    if size > max_bytes:
        raise too_large(size, max_bytes)
    assert isinstance(data, bytes)
    return decode_source(data)


TextReader = Callable[[FileDiff], tuple[str | None, str]]
"""Gives a file's (before, after) texts; raises UnreadableSourceError or DiffError."""


def collect(
    diffs: tuple[FileDiff, ...],
    read: TextReader,
    read_deleted: Callable[[FileDiff], str | None],
) -> tuple[list[ChangedFile], list[SkippedFile], list[FileError], list[tuple[str, str]]]:
    files: list[ChangedFile] = []
    skipped: list[SkippedFile] = []
    errors: list[FileError] = []
    deleted: list[tuple[str, str]] = []
    for diff in diffs:
        reason = _skip_reason(diff)
        if diff.kind is ChangeKind.DELETED:
            if reason is None and PurePosixPath(diff.path).suffix in PYTHON_SUFFIXES:
                try:
                    text = read_deleted(diff)
                except UnreadableSourceError:
                    text = None
                if text is not None:
                    deleted.append((diff.path, text))
            skipped.append(SkippedFile(diff.path, "deleted by the change"))
            continue
        if reason is not None:
            skipped.append(SkippedFile(diff.path, reason))
            continue
        if PurePosixPath(diff.path).suffix not in PYTHON_SUFFIXES | {""}:
            skipped.append(SkippedFile(diff.path, "not a Python file"))
            continue
        try:
            before, after = read(diff)
        except UnreadableSourceError as error:
            errors.append(FileError(diff.path, f"{error}; the file was not reviewed", error.kind))
            continue
        if not _is_python(diff.path, after):
            skipped.append(SkippedFile(diff.path, "not a Python file"))
            continue
        files.append(ChangedFile(diff, before, after))
    return files, skipped, errors, deleted


def _fit_to_disk(folder: Path, diff: FileDiff, max_bytes: int) -> tuple[str, str]:
    """(before, after) of a file from the disk, which holds either version."""
    new_file = inside(folder, diff.path)
    if new_file.exists():
        on_disk = read_source(new_file, max_bytes)
        if fits(on_disk, diff, reverse=True):  # the disk already holds the changed version
            return apply_diff(on_disk, diff, reverse=True), on_disk
        if diff.kind is ChangeKind.ADDED:
            raise DiffError(f"the diff adds {diff.path}, but a different {diff.path} exists")
    old_file = inside(folder, diff.old_path)
    if diff.kind is ChangeKind.ADDED:
        return "", apply_diff("", diff)
    if not old_file.exists():
        raise DiffError(
            f"the diff changes {diff.old_path}, which is not in {folder}; run secreview from "
            "the folder the diff's paths are relative to"
        )
    return (before := read_source(old_file, max_bytes)), apply_diff(before, diff)


def _blob_text(
    repository: git.Repository, base: git.Revision, path: str, max_bytes: int
) -> str | None:
    """The text of `path` at `base`, None when `base` has no such file."""
    object_id = repository.blob_id_at(base, path)
    if object_id is None:
        return None
    return decode_blob(repository.read_blobs([object_id], max_bytes)[object_id], max_bytes)


def from_diff(
    text: str,
    label: str,
    folder: Path,
    *,
    base: git.Revision | None = None,
    repository: git.Repository | None = None,
    max_bytes: int,
) -> Change:
    """The change a unified diff describes, applied to `base` in `repository` or to the disk.

    DiffError when the diff does not apply (a review of the wrong files would mislead) or names
    a file outside `folder` (refused before anything is read).
    """
    diffs = parse_diff(text)
    for diff in diffs:
        for name in {diff.path, diff.old_path}:
            if base is not None and repository is not None:
                relative_name(name)
            else:
                inside(folder, name)

    def read(diff: FileDiff) -> tuple[str | None, str]:
        if base is not None and repository is not None:
            before = (
                ""
                if diff.kind is ChangeKind.ADDED
                else _blob_text(repository, base, diff.old_path, max_bytes)
            )
            if before is None:
                raise DiffError(f"the diff changes {diff.old_path}, which is not in {base.label}")
            return before, apply_diff(before, diff)
        return _fit_to_disk(folder, diff, max_bytes)

    def read_deleted(diff: FileDiff) -> str | None:
        if base is not None and repository is not None:
            return _blob_text(repository, base, diff.old_path, max_bytes)
        old_file = inside(folder, diff.old_path)
        return read_source(old_file, max_bytes) if old_file.exists() else None

    files, skipped, errors, deleted = collect(diffs, read, read_deleted)
    return Change(
        files=tuple(files),
        skipped=tuple(skipped),
        errors=tuple(errors),
        base=base.describe() if base else f"the files before {label}",
        head=f"{base.describe()} with {label} applied" if base else f"the files after {label}",
        deleted=tuple(deleted),
    )
