"""Review a change: each changed file whole, before and after; keep what the change introduced."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import NamedTuple

from secreview.config import ScanConfig, is_selected
from secreview.findings import FileReport, Finding, ScanResult
from secreview.review.changes import Change, ChangedFile
from secreview.review.classify import Classified, by_added_lines, by_fingerprint
from secreview.review.excerpts import excerpt
from secreview.review.model import (
    PRE_EXISTING_TAG,
    REVIEW_KEY,
    ChangeExcerpt,
    FindingKey,
    ReviewInfo,
    SkippedFile,
    finding_key,
)
from secreview.review.project import BaseFiles, ProjectReports, project_reports
from secreview.scanner import PhaseProgress, SourceText, default_jobs, review_texts, scan_result


def _review_all(
    sources: Sequence[SourceText], config: ScanConfig, jobs: int | None = None
) -> dict[SourceText, FileReport]:
    """Every version reviewed once, in worker processes: a file that crashes the parser, hangs or
    exhausts memory costs only itself, never the review."""
    unique = list(dict.fromkeys(sources))
    reports = review_texts(unique, config, jobs or default_jobs())
    return dict(zip(unique, reports, strict=True))


UNCHANGED_NOTE = (
    "the change does not touch this file; its new findings are flows the changed files now "
    "let reach it"
)


def _tagged(finding: Finding) -> Finding:
    return finding._replace(tags=(*finding.tags, PRE_EXISTING_TAG))


def _project_reviews(
    changed: Sequence[ChangedFile], deleted: Sequence[tuple[str, str]], project: ProjectReports
) -> dict[SourceText, FileReport]:
    """The reports the project scan has for the versions of `changed` and `deleted` files; a
    file it did not scan (a script without a suffix) is left for the file review."""
    found: dict[SourceText, FileReport] = {}
    for each in changed:
        path = each.diff.path
        before = project.before.get(each.diff.old_path)
        if path not in project.after or (before is None and each.before != ""):
            continue
        found[each.after, path] = project.after[path]
        if each.before is not None:
            found[each.before, path] = before or FileReport(path=path)  # added: nothing before
    for path, text in deleted:
        if path in project.before:
            found[text, path] = project.before[path]
    return found


class _Elsewhere(NamedTuple):
    """What the project scan says of the files the change did not touch."""

    reports: list[FileReport]
    """Their new findings: flows the change made reach them."""
    resolved: list[Finding]
    """Their findings the change stopped."""
    unreviewed: list[SkippedFile]
    """Those the scan could not review on either side: the review says so, since flows
    through them were not followed."""


def _reached_through(project: ProjectReports, changed_paths: set[str]) -> _Elsewhere:
    """New and resolved findings, and unreviewed files, of the files the change did not
    touch."""
    elsewhere = _Elsewhere([], [], [SkippedFile(path, why) for path, why in project.left_out])
    for path, after in project.after.items():
        before = project.before.get(path)
        if path in changed_paths or before is None:
            continue
        if not (before.reviewed and after.reviewed):
            error = after.error or before.error
            reason = error.message if error is not None else "not reviewed"
            elsewhere.unreviewed.append(SkippedFile(path, reason))
            continue
        classified = by_fingerprint(before.findings, after.findings, ())
        elsewhere.resolved.extend(classified.resolved)
        if classified.new:
            elsewhere.reports.append(
                after._replace(findings=classified.new, notes=(*after.notes, UNCHANGED_NOTE))
            )
    return elsewhere


def review_change(
    change: Change,
    config: ScanConfig,
    *,
    show_all: bool = False,
    commit_message: str | None = None,
    configuration: str = "none",
    jobs: int | None = None,
    project_base: BaseFiles | None = None,
    progress: PhaseProgress | None = None,
) -> ScanResult:
    """The change's new findings (and, with `show_all`, the tagged pre-existing ones).

    The version before the change is reviewed under the new path, so a renamed file keeps its
    fingerprints. When that version is unknown or could not be parsed at all, a finding is new
    when it touches an added line. With `project_base` (the base revision's Python files), the
    changed files are reviewed inside the whole project (`secreview.review.project`), its
    phases shown to `progress`.
    """
    started = time.perf_counter()
    reports: list[FileReport] = []
    resolved: list[Finding] = []
    pre_existing = 0
    excerpts: dict[FindingKey, ChangeExcerpt] = {}
    skipped = list(change.skipped)
    selected = []
    for changed in change.files:
        if is_selected(changed.diff.path, config):
            selected.append(changed)
        else:
            skipped.append(SkippedFile(changed.diff.path, "excluded by the configuration"))
    workers = jobs or default_jobs()
    project = (
        None
        if project_base is None
        else project_reports(project_base, change, config, workers, progress)
    )
    reviewed = {} if project is None else _project_reviews(selected, change.deleted, project)
    versions = [(c.after, c.diff.path) for c in selected]
    versions += [(c.before, c.diff.path) for c in selected if c.before is not None]
    versions += [(text, path) for path, text in change.deleted]
    reviewed |= _review_all([v for v in versions if v not in reviewed], config, workers)
    for changed in selected:
        path = changed.diff.path
        after = reviewed[changed.after, path]
        before = reviewed[changed.before, path] if changed.before is not None else None
        classified: Classified
        if before is not None and before.reviewed:
            classified = by_fingerprint(before.findings, after.findings, changed.diff.added_lines)
        else:
            classified = by_added_lines(after.findings, changed.diff.added_lines)
        if before is not None and before.error is not None and not before.reviewed:
            note = (
                f"the version before the change {before.error.message}; a finding is new "
                "here when it touches a line the change added"
            )
            after = after._replace(notes=(*after.notes, note))
        pre_existing += len(classified.pre_existing)
        resolved.extend(classified.resolved)
        for finding in classified.new:
            if (lines := excerpt(changed.diff, finding)) is not None:
                excerpts[finding_key(finding)] = lines
        shown = classified.new + (
            tuple(_tagged(f) for f in classified.pre_existing) if show_all else ()
        )
        reports.append(after._replace(findings=tuple(sorted(shown, key=Finding.sort_key))))
    for path, text in change.deleted:
        resolved.extend(reviewed[text, path].findings)
    elsewhere = _Elsewhere([], [], [])
    if project is not None:
        elsewhere = _reached_through(
            project, {c.diff.path for c in change.files} | {c.diff.old_path for c in change.files}
        )
        reports.extend(elsewhere.reports)
        resolved.extend(elsewhere.resolved)
    reports.extend(FileReport(path=e.path, error=e, reviewed=False) for e in change.errors)
    lines_of = {c.diff.path: c.diff.shown_lines for c in change.files}
    reports.sort(key=lambda r: r.path)
    info = ReviewInfo(
        base=change.base,
        head=change.head,
        commit_message=commit_message,
        head_commit=change.head_commit,
        resolved=tuple(sorted(resolved, key=Finding.sort_key)),
        skipped=tuple(sorted(skipped, key=lambda s: s.path)),
        pre_existing=pre_existing,
        shown_lines={r.path: lines_of[r.path] for r in reports if r.path in lines_of},
        fail_on=config.fail_on,
        excerpts=excerpts,
        configuration=configuration,
        project_files=project.files if project is not None else None,
        project_missing=project.missing if project is not None else (),
        project_unreviewed=tuple(sorted(elsewhere.unreviewed, key=lambda s: s.path)),
    )
    return scan_result(reports, config, started, configuration, {REVIEW_KEY: info})
