"""Review a change: each changed file whole, before and after; keep what the change introduced."""

from __future__ import annotations

import dataclasses
import time

from secreview import __version__
from secreview.config import ScanConfig
from secreview.config_file import is_selected
from secreview.findings import ErrorKind, FileError, FileReport, Finding, ScanResult
from secreview.pipeline import active_rules, review_source
from secreview.review.changes import Change
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
from secreview.scanner import checked_weaknesses


def _review_text(text: str, path: str, config: ScanConfig) -> FileReport:
    """`review_source`, with the one failure it leaves to callers turned into a report."""
    try:
        return review_source(text, path, config)
    except RecursionError:
        return FileReport(
            path=path,
            error=FileError(
                path, "is nested too deeply to analyse; the file was not reviewed", ErrorKind.BUDGET
            ),
            reviewed=False,
        )


def _tagged(finding: Finding) -> Finding:
    return dataclasses.replace(finding, tags=(*finding.tags, PRE_EXISTING_TAG))


def review_change(
    change: Change,
    config: ScanConfig,
    *,
    show_all: bool = False,
    commit_message: str | None = None,
    configuration: str = "none",
) -> ScanResult:
    """The change's new findings (and, with `show_all`, the tagged pre-existing ones).

    The version before the change is reviewed under the new path, so a renamed file keeps its
    fingerprints. When that version is unknown or could not be parsed at all, a finding is new
    when it touches an added line.
    """
    started = time.perf_counter()
    reports: list[FileReport] = []
    resolved: list[Finding] = []
    pre_existing = 0
    excerpts: dict[FindingKey, ChangeExcerpt] = {}
    skipped = list(change.skipped)
    for changed in change.files:
        path = changed.diff.path
        if not is_selected(path, config):
            skipped.append(SkippedFile(path, "excluded by the configuration"))
            continue
        after = _review_text(changed.after, path, config)
        before = _review_text(changed.before, path, config) if changed.before is not None else None
        classified: Classified
        if before is not None and before.reviewed:
            classified = by_fingerprint(before.findings, after.findings, changed.diff.added_lines)
        else:
            classified = by_added_lines(after.findings, changed.diff.added_lines)
        pre_existing += len(classified.pre_existing)
        resolved.extend(classified.resolved)
        for finding in classified.new:
            if (lines := excerpt(changed.diff, finding)) is not None:
                excerpts[finding_key(finding)] = lines
        shown = classified.new + (
            tuple(_tagged(f) for f in classified.pre_existing) if show_all else ()
        )
        reports.append(
            dataclasses.replace(after, findings=tuple(sorted(shown, key=Finding.sort_key)))
        )
    for path, text in change.deleted:
        resolved.extend(_review_text(text, path, config).findings)
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
    )
    return ScanResult(
        files=tuple(reports),
        checked=checked_weaknesses(reports, config),
        rule_ids=tuple(rule.id for rule in active_rules(config)),
        elapsed_seconds=time.perf_counter() - started,
        tool_version=__version__,
        extra={
            "parse_fallbacks": sum(1 for r in reports if r.parsed_with_fallback),
            REVIEW_KEY: info,
        },
    )
