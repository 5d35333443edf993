"""The text review: what a careful human security reviewer would write, file by file.

Rendered as rich `Text` lines so the same content prints in colour on a terminal and as plain,
deterministic text when piped or written to a file.
"""

from __future__ import annotations

from rich.text import Text

from secreview.cwe import lookup
from secreview.findings import Finding, ScanResult, Severity
from secreview.llm.summary import llm_summary
from secreview.report import NO_DEFECTS, no_defects_verdict
from secreview.report.common import (
    checked_summary,
    files_in_order,
    line_span,
    shown_changes,
    summary_sentence,
)
from secreview.report.llm_marks import llm_mark
from secreview.report.options import render_options
from secreview.review.model import ChangeExcerpt, ReviewInfo, review_info
from secreview.text import printable

_SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
}
CLEAN_FILES_LISTED = 20
"""Above this many clean files, they are summarised in one line instead of one line each."""
_CHANGE_STYLE = {"+": "green", "-": "red", " ": "dim"}


def excerpt_rows(excerpt: ChangeExcerpt) -> list[tuple[str, str]]:
    """Each line of the change as (kind, '+ 12 |     code'), numbered in the new file; a
    removed line has no number there (shared with Markdown, whose diff blocks key on the kind)."""
    width = max((len(str(line.line)) for line in excerpt.lines if line.line is not None), default=1)
    rows = []
    for line in excerpt.lines:
        number = "" if line.line is None else str(line.line)
        rows.append((line.kind, f"{line.kind} {number:>{width}} | {line.text}".rstrip()))
    return rows


def _finding_lines(
    number: int, finding: Finding, excerpt: ChangeExcerpt | None, same_as: int | None = None
) -> list[Text]:
    weakness = lookup(finding.cwe)
    pillar = lookup(finding.pillar)
    head = Text(f"  {number}. ")
    head.append(f"CWE-{weakness.cwe} {weakness.name}", style="bold")
    head.append("  [")
    head.append(finding.severity.label, style=_SEVERITY_STYLE[finding.severity])
    head.append(f", confidence {finding.confidence.label}]")
    lines = [
        head,
        Text(f"     Category: CWE-{pillar.cwe} {pillar.name}", style="dim"),
        Text(f"     Rule:     {finding.rule_id}", style="dim"),
        Text(
            f"     Location: {finding.location.path}:{finding.location.line} ({line_span(finding)})"
        ),
    ]
    for code_line in finding.snippet.strip().splitlines():
        lines.append(Text(f"         {code_line}", style="magenta"))
    if same_as is not None:
        lines.append(Text(f"     Change: as for finding {same_as} above"))
    elif excerpt is not None:
        lines.append(Text("     Change:"))
        lines.extend(
            Text(f"       {row}", style=_CHANGE_STYLE[kind]) for kind, row in excerpt_rows(excerpt)
        )
    lines.append(Text(f"     Description: {finding.message}"))
    if finding.evidence:
        lines.append(Text("     Evidence:"))
        for step in finding.evidence:
            lines.append(Text(f"       - {step.location.path}:{step.location.line}  {step.note}"))
    lines.append(Text(f"     Solution: {finding.fix}", style="green"))
    if (mark := llm_mark(finding)) is not None:
        lines.append(Text(f"     LLM: {mark}", style="cyan"))
    if finding.tags:
        lines.append(Text(f"     Tags: {', '.join(finding.tags)}", style="dim"))
    return lines


def _printable_line(line: Text) -> Text:
    """`line` with its unprintable characters escaped, each styled piece keeping its style.

    Names, code and messages come from the reviewed repository: a line break or an escape
    sequence in them must not forge report lines or drive the terminal.
    """
    if printable(line.plain) == line.plain:
        return line
    cuts = sorted({edge for span in line.spans for edge in (span.start, span.end)})
    escaped = Text(style=line.style, end=line.end)
    for piece in line.divide(cuts):
        styles = [span.style for span in piece.spans]
        escaped.append(printable(piece.plain), style=" ".join(map(str, styles)) or None)
    return escaped


def render_text_lines(result: ScanResult) -> list[Text]:
    """The whole review as styled lines (unprintable characters escaped)."""
    return [_printable_line(line) for line in _styled_lines(result)]


def _styled_lines(result: ScanResult) -> list[Text]:
    out: list[Text] = []
    review = review_info(result)
    if review is not None:
        out.extend(_review_header(review))
    clean: list[str] = []
    for report, defects, notes in files_in_order(result):
        if not defects and not notes and report.error is None and not report.notes:
            clean.append(report.path)
            continue
        out.append(Text(report.path, style="bold underline"))
        if report.error is not None:
            out.append(Text(f"  Error: {report.path} {report.error.message}", style="red"))
        for note in report.notes:
            out.append(Text(f"  Analysis note: {note}", style="yellow"))
        if report.reviewed:
            if defects:
                out.extend(_findings_lines(defects, review))
            else:
                out.append(Text(f"  {no_defects_verdict(report)}", style="green"))
            if notes:
                out.append(
                    Text(f"  Notes (test code; not counted as defects, {len(notes)}):", style="dim")
                )
                out.extend(_findings_lines(notes, review))
        out.append(Text(""))
    if len(clean) <= CLEAN_FILES_LISTED:
        for path in clean:
            out.append(Text(path, style="bold underline"))
            out.append(Text(f"  {NO_DEFECTS}", style="green"))
            out.append(Text(""))
    else:
        out.append(Text(f"{len(clean)} other files: {NO_DEFECTS}", style="green"))
        out.append(Text(""))
    if review is not None:
        out.extend(_review_footer(review))
    out.extend(_checked_lines(result))
    if review is None:  # a review names its configuration in its header
        out.append(Text(f"Configuration: {result.configuration}", style="dim"))
    if (summary := llm_summary(result)) is not None:
        out.append(Text(summary.one_line(), style="cyan"))
    out.append(_summary_line(result))
    return out


def _findings_lines(findings: list[Finding], review: ReviewInfo | None) -> list[Text]:
    """Numbered findings, each change shown once (under the first finding at its lines)."""
    lines: list[Text] = []
    changes = shown_changes(findings, review)
    for number, (finding, (excerpt, same_as)) in enumerate(zip(findings, changes, strict=True), 1):
        lines.extend(_finding_lines(number, finding, excerpt, same_as))
    return lines


def _review_header(review: ReviewInfo) -> list[Text]:
    lines = [
        Text("Security review of a change", style="bold"),
        Text(f"  Base: {review.base}"),
        Text(f"  Head: {review.head}"),
        Text(f"  Configuration: {review.configuration}"),
        Text(f"  Reviewed with: {review.context}"),
    ]
    if review.commit_message:
        lines.append(Text(f"  Commit message: {review.commit_message.splitlines()[0]}"))
    lines.append(Text(""))
    return lines


def _review_footer(review: ReviewInfo) -> list[Text]:
    lines: list[Text] = []
    if review.resolved:
        lines.append(Text(f"Resolved by this change ({len(review.resolved)}):", style="bold"))
        for finding in review.resolved:
            weakness = lookup(finding.cwe)
            lines.append(
                Text(
                    f"  - CWE-{weakness.cwe} {weakness.name} ({finding.rule_id}), "
                    f"{finding.location.path}, line {finding.location.line} before the change",
                    style="green",
                )
            )
        lines.append(Text(""))
    if review.skipped:
        lines.append(Text(f"Not reviewed ({len(review.skipped)}):", style="dim"))
        lines.extend(Text(f"  - {s.path}: {s.reason}", style="dim") for s in review.skipped)
        lines.append(Text(""))
    if unreviewed := review.project_unreviewed:
        title = f"Not reviewed in the project, flows through them not followed ({len(unreviewed)}):"
        lines.append(Text(title, style="dim"))
        lines.extend(Text(f"  - {s.path}: {s.reason}", style="dim") for s in unreviewed)
        lines.append(Text(""))
    return lines


def _checked_lines(result: ScanResult) -> list[Text]:
    """One line by default; every class with `--show-checked`; nothing for an empty review."""
    summary = checked_summary(result)
    if summary is None:
        return []
    if not render_options(result).show_checked:
        return [Text(f"Checked: {summary}.", style="bold")]
    lines = [Text(f"Checked ({summary}):", style="bold")]
    for checked in result.checked:
        weakness = lookup(checked.cwe)
        status = Text(f"  [{checked.verdict()}] ")
        status.stylize("red" if checked.found else "yellow" if checked.hidden else "green")
        status.append(f"CWE-{weakness.cwe} {weakness.name}")
        lines.append(status)
    return lines


def _summary_line(result: ScanResult) -> Text:
    return Text("Summary: " + summary_sentence(result), style="bold")


def render_text(result: ScanResult) -> str:
    """The review as plain text (what is written to files and pipes)."""
    return "\n".join(line.plain for line in render_text_lines(result)) + "\n"
