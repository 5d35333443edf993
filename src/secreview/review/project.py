"""Review a change inside its project: every Python file of the base revision, before and after.

Reviewed alone, a changed view that hands request data to a helper in another module cannot see
the helper's sink, and a changed helper cannot see the views whose data now reaches it. With
`--project` the whole project is scanned as `secreview scan` scans a tree, once as the base
revision holds it and once with the change applied, so flows across modules count on both sides.
The change's own findings are then told from the pre-existing ones by fingerprint, as in a file
review; a finding that appears in a file the change did not touch is new too (the change made a
flow reach it) and is reported there.

The files come from git's objects (`ls-tree`, `cat-file`) and are written as plain files into a
private scratch folder that is removed afterwards; nothing is checked out, imported or run. The
base revision's files stand for every file the change leaves alone, so a review needs git's base
revision (a commit, base..head, the index, the working tree, or a diff with `--base`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from secreview.config import DEFAULT_EXCLUDES, ScanConfig, is_included
from secreview.findings import FileReport
from secreview.review.changes import Change
from secreview.review.confined import relative_name
from secreview.scanner import PhaseProgress, scan_sources
from secreview.sources.diff import DiffError
from secreview.sources.discovery import discover
from secreview.sources.git import repository as git
from secreview.sources.python_files import PYTHON_SUFFIXES
from secreview.sources.reading import too_large

BEFORE, AFTER = "The project before the change", "The project after the change"
_ENCODING = "utf-8"
_ERRORS = "surrogateescape"
"""A changed file's text is written back with the escapes its decoding used, byte for byte."""


@dataclass(frozen=True, slots=True)
class ProjectReports:
    """Each Python file's report (by path in the repository) before and after the change."""

    before: Mapping[str, FileReport]
    after: Mapping[str, FileReport]
    files: int
    """How many Python files the project has after the change."""
    missing: tuple[str, ...] = ()
    """Files of the base revision whose contents git lacks, left out of both scans."""
    left_out: tuple[tuple[str, str], ...] = ()
    """Files the change leaves alone that were not read (path, why: over the size limit): the
    review names them, since flows through them are not followed."""


class BaseFiles(NamedTuple):
    """The base revision's Python files (path -> bytes), and the paths git does not hold the
    contents of (a partial or shallow clone): the project is read without them."""

    files: dict[str, bytes]
    missing: tuple[str, ...] = ()
    oversized: tuple[tuple[str, str], ...] = ()
    """Files over the size limit (path, the reason), not read: named in the review as files
    that could not be reviewed, as `secreview scan` names them."""


def base_files(repository: git.Repository, base: git.Revision, max_bytes: int) -> BaseFiles:
    """The Python files (by suffix) of `base`; files over `max_bytes` are left out of the
    context (a changed one is an error of the change already) and named, and so are files
    whose contents the repository lacks."""
    ids = {
        path: object_id
        for path, object_id in repository.files_of(base).items()
        if PurePosixPath(path).suffix in PYTHON_SUFFIXES
    }
    held = repository.held(ids.values())
    blobs = repository.read_blobs(held, max_bytes)
    files: dict[str, bytes] = {}
    oversized: list[tuple[str, str]] = []
    for path, object_id in ids.items():
        if object_id not in held:
            continue
        if isinstance(data := blobs[object_id], bytes):
            files[path] = data
        else:
            oversized.append((path, str(too_large(data, max_bytes))))
    missing = tuple(sorted(p for p, o in ids.items() if o not in held))
    return BaseFiles(files, missing, tuple(sorted(oversized)))


def disk_files(root: Path, max_bytes: int) -> BaseFiles:
    """The Python files under `root` as the disk holds them, the project of a diff fitted to
    the disk (no base revision), found as `secreview scan` finds a tree's (symbolic links not
    followed, `.gitignore` and the default excludes honoured); files over `max_bytes`, or gone
    or unreadable since, are left out of the context as `base_files` leaves them (those over
    the limit named)."""
    found, _ = discover([str(root)], DEFAULT_EXCLUDES, gitignore=True)
    files: dict[str, bytes] = {}
    oversized: list[tuple[str, str]] = []
    for source in found:
        try:
            name = source.path.relative_to(root).as_posix()
            if (size := source.path.stat().st_size) > max_bytes:
                oversized.append((name, str(too_large(size, max_bytes))))
            else:
                files[name] = source.path.read_bytes()
        except (OSError, ValueError):  # gone since, or a path outside `root`
            continue
    return BaseFiles(files, oversized=tuple(sorted(oversized)))


def _after_change(files: Mapping[str, bytes], change: Change) -> dict[str, bytes]:
    """`files` with the change applied: changed files as the change leaves them, renamed ones
    under their new names, deleted ones gone. Only Python files by suffix, as `base_files`
    reads them: a script without one is no module either side, and keeps its file review."""
    after = dict(files)
    for path, _ in change.deleted:
        after.pop(path, None)
    for changed in change.files:
        after.pop(changed.diff.old_path, None)
    for changed in change.files:
        if PurePosixPath(changed.diff.path).suffix in PYTHON_SUFFIXES:
            after[changed.diff.path] = changed.after.encode(_ENCODING, _ERRORS)
    return after


def _scan(
    files: Mapping[str, bytes],
    identities: Mapping[str, str],
    config: ScanConfig,
    jobs: int,
    progress: PhaseProgress | None,
) -> dict[str, FileReport]:
    """Scan `files` as a project, each reported under its path in the repository and
    fingerprinted under `identities` (the new name of a renamed file) or that path."""
    with tempfile.TemporaryDirectory(prefix="secreview-project-") as scratch:
        root = Path(scratch)
        for path, data in files.items():
            try:
                target = root / relative_name(path)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            except (DiffError, OSError):
                # A name git should never hold (`..`), or one this file system refuses (too
                # long): it cannot be imported as a module either, so the project goes on
                # without it; a changed file of that name keeps its file review.
                continue
        found, _ = discover([str(root)], config.excludes)
        sources = []
        for source in found:
            name = source.path.relative_to(root).as_posix()
            if name in files and is_included(name, config):
                identity = identities.get(name, name)
                sources.append(source._replace(shown_as=name, identity=identity))
        result = scan_sources(sources, [], config, jobs, progress)
    return {report.path: report for report in result.files}


def project_reports(
    base: BaseFiles,
    change: Change,
    config: ScanConfig,
    jobs: int,
    progress: PhaseProgress | None = None,
) -> ProjectReports:
    """Scan the project before and after `change`, from the base revision's files; `progress`
    hears each scan's phases, named for the side they are on."""
    files = base.files
    renamed = {c.diff.old_path: c.diff.path for c in change.files if c.diff.old_path != c.diff.path}
    after = _after_change(files, change)
    touched = {c.diff.old_path for c in change.files} | {s.path for s in change.skipped}
    touched |= {e.path for e in change.errors}  # a changed file over the limit is an error
    left_out = tuple((path, why) for path, why in base.oversized if path not in touched)
    return ProjectReports(
        before=_scan(files, renamed, config, jobs, _side(progress, BEFORE)),
        after=_scan(after, {}, config, jobs, _side(progress, AFTER)),
        files=len(after) + len(left_out),
        missing=base.missing,
        left_out=left_out,
    )


def _side(progress: PhaseProgress | None, side: str) -> PhaseProgress | None:
    if progress is None:
        return None
    return lambda label, done, total: progress(f"{side}: {label}", done, total)
