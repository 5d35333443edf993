"""Pieces every human-facing reporter shares: grouping by file and counting by severity."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from secreview.findings import FileReport, Finding, ScanResult, Severity
from secreview.review.model import ChangeExcerpt, ReviewInfo, review_info


def files_in_order(result: ScanResult) -> Iterator[tuple[FileReport, list[Finding], list[Finding]]]:
    """Each file with its defects and its notes (test code), both in source order."""
    for report in result.files:
        ordered = sorted(report.findings, key=Finding.sort_key)
        yield (
            report,
            [f for f in ordered if not f.is_note],
            [f for f in ordered if f.is_note],
        )


def severity_counts(findings: list[Finding] | tuple[Finding, ...]) -> str:
    """'2 high, 1 low' (most severe first), or '' when there are none."""
    counts = Counter(f.severity for f in findings)
    return ", ".join(
        f"{counts[level]} {level.label}"
        for level in sorted(Severity, reverse=True)
        if counts[level]
    )


def line_span(finding: Finding) -> str:
    """'line 12' or 'lines 12-14'."""
    start, end = finding.location.line, finding.location.end_line
    return f"lines {start}-{end}" if end and end != start else f"line {start}"


def plural(count: int, noun: str) -> str:
    """'1 file', '2 files' (nouns here all take a plain -s)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def checked_summary(result: ScanResult) -> str | None:
    """'42 weakness classes checked, 2 found' (the compact checked list), or None when nothing
    was reviewed: an empty review checked nothing."""
    if result.files_scanned == 0 and not result.findings:
        return None
    found = sum(1 for checked in result.checked if checked.found)
    hidden = sum(1 for checked in result.checked if checked.hidden and not checked.found)
    classes = len(result.checked)
    noun = "weakness class" if classes == 1 else "weakness classes"
    also = f", {hidden} found but hidden (--min-severity, --min-confidence)" if hidden else ""
    return f"{classes} {noun} checked, {found} found{also}"


def shown_changes(
    findings: Sequence[Finding], review: ReviewInfo | None
) -> list[tuple[ChangeExcerpt | None, int | None]]:
    """For each finding (numbered from 1), the change to show under it, or the number of the
    earlier finding that already shows the same lines: one `Change:` block per location."""
    first_shown: dict[ChangeExcerpt, int] = {}
    shown: list[tuple[ChangeExcerpt | None, int | None]] = []
    for number, finding in enumerate(findings, start=1):
        excerpt = review.excerpt(finding) if review is not None else None
        if excerpt is None:
            shown.append((None, None))
        elif excerpt in first_shown:
            shown.append((None, first_shown[excerpt]))
        else:
            first_shown[excerpt] = number
            shown.append((excerpt, None))
    return shown


def extra_summary_parts(result: ScanResult) -> list[str]:
    """What a review or a baseline adds to the summary line."""
    parts: list[str] = []
    review = review_info(result)
    if review is not None:
        parts.append(f"{len(review.resolved)} resolved")
        if review.pre_existing:
            parts.append(f"{review.pre_existing} pre-existing (shown with --all)")
    baselined = result.extra.get("baselined")
    if baselined:
        parts.append(f"{baselined} baselined")
    return parts


def summary_sentence(result: ScanResult) -> str:
    """'12 files reviewed, 2 defects (1 high, 1 low), 1 note in test code, 1 error.': the same
    words in every human-facing format."""
    defects = [f for f in result.findings if not f.is_note]
    notes = len(result.findings) - len(defects)
    parts = [plural(result.files_scanned, "file") + " reviewed", plural(len(defects), "defect")]
    counts = severity_counts(defects)
    if counts:
        parts[-1] += f" ({counts})"
    if notes:
        parts.append(plural(notes, "note") + " in test code")
    if result.errors:
        parts.append(plural(len(result.errors), "error"))
    parts.extend(extra_summary_parts(result))
    return ", ".join(parts) + "."
