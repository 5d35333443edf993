"""Pieces every human-facing reporter shares: grouping by file and counting by severity."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from secreview.findings import FileReport, Finding, ScanResult, Severity


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
