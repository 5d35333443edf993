"""The review as Markdown, for pull-request comments and wikis."""

from __future__ import annotations

import re

from secreview.cwe import lookup
from secreview.findings import Finding, ScanResult
from secreview.report import no_defects_verdict
from secreview.report.common import files_in_order, line_span, plural, severity_counts
from secreview.report.text import excerpt_rows, extra_summary_parts
from secreview.review.model import ChangeExcerpt, ReviewInfo, review_info
from secreview.text import printable


def _code(text: str) -> str:
    """An inline code span that survives backticks inside the text."""
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if text else ""


def _change_block(excerpt: ChangeExcerpt) -> list[str]:
    """The change as a `diff` fenced block inside the finding's list item (so it renders with
    added lines green and removed lines red); the fence outgrows any backticks in the code."""
    rows = [row for _, row in excerpt_rows(excerpt)]
    longest = max((len(run) for row in rows for run in re.findall(r"`+", row)), default=0)
    fence = "`" * max(3, longest + 1)
    return ["   - Change:", f"     {fence}diff", *(f"     {row}" for row in rows), f"     {fence}"]


def _finding_block(number: int, finding: Finding, excerpt: ChangeExcerpt | None) -> list[str]:
    weakness = lookup(finding.cwe)
    pillar = lookup(finding.pillar)
    lines = [
        f"{number}. **CWE-{weakness.cwe} {weakness.name}** — {finding.severity.label} "
        f"severity, {finding.confidence.label} confidence",
        f"   - Category: CWE-{pillar.cwe} {pillar.name}",
        f"   - Rule: `{finding.rule_id}` (`secreview explain {finding.rule_id}`)",
        f"   - Location: `{finding.location.path}` {line_span(finding)}"
        + (f": {_code(finding.snippet.strip())}" if finding.snippet else ""),
    ]
    if excerpt is not None:
        lines.extend(_change_block(excerpt))
    lines.append(f"   - Description: {finding.message}")
    if finding.evidence:
        lines.append("   - Evidence:")
        lines.extend(
            f"     - `{s.location.path}:{s.location.line}` {s.note}" for s in finding.evidence
        )
    lines.append(f"   - Solution: {finding.fix}")
    if finding.tags:
        lines.append(f"   - Tags: {', '.join(finding.tags)}")
    return lines


def _excerpt(review: ReviewInfo | None, finding: Finding) -> ChangeExcerpt | None:
    """The change around a new finding of a review; a scan has none."""
    return review.excerpt(finding) if review is not None else None


def _review_header(review: ReviewInfo) -> list[str]:
    lines = [
        f"- Base: {_code(review.base)}",
        f"- Head: {_code(review.head)}",
        f"- Configuration: {_code(review.configuration)}",
    ]
    if review.commit_message:
        message = review.commit_message.splitlines()
        lines.extend(["- Commit message:", ""])
        lines.extend(f"> {line}" if line else ">" for line in message)
    return [*lines, ""]


def _review_footer(review: ReviewInfo) -> list[str]:
    lines: list[str] = []
    if review.resolved:
        lines.extend([f"## Resolved by this change ({len(review.resolved)})", ""])
        for finding in review.resolved:
            weakness = lookup(finding.cwe)
            lines.append(
                f"- **CWE-{weakness.cwe} {weakness.name}** (`{finding.rule_id}`) in "
                f"`{finding.location.path}`, line {finding.location.line} before the change"
            )
        lines.append("")
    if review.skipped:
        lines.extend([f"## Not reviewed ({len(review.skipped)})", ""])
        lines.extend(f"- `{s.path}`: {s.reason}" for s in review.skipped)
        lines.append("")
    return lines


def render_markdown(result: ScanResult) -> str:
    """Headings per file, numbered defects, notes, the checked table and a summary."""
    out = ["# Security review", ""]
    review = review_info(result)
    if review is not None:
        out.extend(_review_header(review))
    for report, defects, notes in files_in_order(result):
        out.append(f"## `{report.path}`")
        out.append("")
        if report.error is not None:
            out.append(f"> **Error:** {report.error.message}")
            out.append("")
        for note in report.notes:
            out.append(f"> **Analysis note:** {note}")
            out.append("")
        if report.reviewed:
            if defects:
                for number, finding in enumerate(defects, start=1):
                    out.extend(_finding_block(number, finding, _excerpt(review, finding)))
            else:
                out.append(no_defects_verdict(report))
            if notes:
                out.extend(
                    ["", f"<details><summary>Notes in test code ({len(notes)})</summary>", ""]
                )
                for number, finding in enumerate(notes, start=1):
                    out.extend(_finding_block(number, finding, _excerpt(review, finding)))
                out.extend(["", "</details>"])
            out.append("")
    if review is not None:
        out.extend(_review_footer(review))
    out.extend(["## Checked", "", "| CWE | Weakness | Result |", "| --- | --- | --- |"])
    for checked in result.checked:
        name = lookup(checked.cwe).name.replace("|", "\\|")
        verdict = f"found {checked.found}" if checked.found else "not found"
        out.append(f"| CWE-{checked.cwe} | {name} | {verdict} |")
    defects = [f for f in result.findings if not f.is_note]
    counts = severity_counts(defects)
    if review is None:  # a review names its configuration in its header
        out.extend(["", f"**Configuration:** {_code(result.configuration)}"])
    out.extend(
        [
            "",
            f"**Summary:** {plural(result.files_scanned, 'file')} reviewed, "
            f"{plural(len(defects), 'defect')}"
            + (f" ({counts})" if counts else "")
            + (f", {plural(len(result.errors), 'error')}" if result.errors else "")
            + "".join(f", {part}" for part in extra_summary_parts(result))
            + ".",
            "",
        ]
    )
    # Names, code and messages come from the reviewed repository: a line break or an escape
    # sequence in them must not forge Markdown structure or reach a terminal.
    return "\n".join(printable(line) for line in out)
