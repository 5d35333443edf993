"""The review as Markdown, for pull-request comments and wikis.

Every line is built with `markdown_builder`, so what the reviewed repository chose to contain
(paths, code, messages) renders as itself and never as Markdown structure.
"""

from __future__ import annotations

from secreview.cwe import lookup
from secreview.findings import Finding, ScanResult
from secreview.llm.summary import llm_summary
from secreview.report import markdown_builder as md
from secreview.report import no_defects_verdict
from secreview.report.common import (
    checked_summary,
    files_in_order,
    line_span,
    shown_changes,
    summary_sentence,
)
from secreview.report.llm_marks import llm_mark
from secreview.report.options import render_options
from secreview.report.text import excerpt_rows
from secreview.review.model import ChangeExcerpt, ReviewInfo, review_info


def _change_lines(excerpt: ChangeExcerpt | None, same_as: int | None) -> list[str]:
    """The change as a `diff` fenced block (added lines green, removed red), or a pointer to
    the finding above that already shows the same lines."""
    if same_as is not None:
        return md.item("-", f"Change: as for finding {same_as} above")
    if excerpt is None:
        return []
    rows = [row for _, row in excerpt_rows(excerpt)]
    return md.item("-", "Change:", md.fenced(rows, "diff"))


def _finding_block(
    number: int, finding: Finding, excerpt: ChangeExcerpt | None, same_as: int | None
) -> list[str]:
    weakness = lookup(finding.cwe)
    pillar = lookup(finding.pillar)
    location = f"Location: {md.code(finding.location.path)} {line_span(finding)}"
    snippet = finding.snippet.strip()
    if snippet and "\n" not in snippet:
        location += f": {md.code(snippet)}"
    code_block = md.fenced(snippet.splitlines(), "python") if "\n" in snippet else []
    details = [
        *md.item("-", f"Category: {md.text(f'CWE-{pillar.cwe} {pillar.name}')}"),
        *md.item(
            "-",
            f"Rule: {md.code(finding.rule_id)} ({md.code(f'secreview explain {finding.rule_id}')})",
        ),
        *md.item("-", location, code_block),
        *_change_lines(excerpt, same_as),
        *md.item("-", f"Description: {md.prose(finding.message)}"),
    ]
    if finding.evidence:
        steps = [
            line
            for step in finding.evidence
            for line in md.item(
                "-",
                f"{md.code(f'{step.location.path}:{step.location.line}')} {md.prose(step.note)}",
            )
        ]
        details.extend(md.item("-", "Evidence:", steps))
    details.extend(md.item("-", f"Solution: {md.prose(finding.fix)}"))
    if (mark := llm_mark(finding)) is not None:
        details.extend(md.item("-", f"LLM: {md.prose(mark)}"))
    if finding.tags:
        details.extend(md.item("-", f"Tags: {md.text(', '.join(finding.tags))}"))
    title = (
        f"{md.strong(md.text(f'CWE-{weakness.cwe} {weakness.name}'))} — "
        f"{finding.severity.label} severity, {finding.confidence.label} confidence"
    )
    return md.item(f"{number}.", title, details)


def _findings_list(findings: list[Finding], review: ReviewInfo | None) -> list[str]:
    lines: list[str] = []
    changes = shown_changes(findings, review)
    for number, (finding, (excerpt, same_as)) in enumerate(zip(findings, changes, strict=True), 1):
        lines.extend(_finding_block(number, finding, excerpt, same_as))
    return lines


def _review_header(review: ReviewInfo) -> list[str]:
    lines = [
        *md.item("-", f"Base: {md.code(review.base)}"),
        *md.item("-", f"Head: {md.code(review.head)}"),
        *md.item("-", f"Configuration: {md.code(review.configuration)}"),
        *md.item("-", f"Reviewed with: {review.context}"),
    ]
    if review.commit_message:
        quoted = md.blockquote(review.commit_message.splitlines())
        lines.extend(md.item("-", "Commit message:", ["", *quoted]))
    return [*lines, ""]


def _review_footer(review: ReviewInfo) -> list[str]:
    lines: list[str] = []
    if review.resolved:
        lines.extend([md.heading(2, f"Resolved by this change ({len(review.resolved)})"), ""])
        for finding in review.resolved:
            weakness = lookup(finding.cwe)
            lines.extend(
                md.item(
                    "-",
                    f"{md.strong(md.text(f'CWE-{weakness.cwe} {weakness.name}'))} "
                    f"({md.code(finding.rule_id)}) in {md.code(finding.location.path)}, "
                    f"line {finding.location.line} before the change",
                )
            )
        lines.append("")
    unreviewed = review.project_unreviewed
    for title, files in (
        (f"Not reviewed ({len(review.skipped)})", review.skipped),
        (
            f"Not reviewed in the project, flows through them not followed ({len(unreviewed)})",
            unreviewed,
        ),
    ):
        if files:
            lines.extend([md.heading(2, title), ""])
            for skipped in files:
                lines.extend(md.item("-", f"{md.code(skipped.path)}: {md.text(skipped.reason)}"))
            lines.append("")
    return lines


def _checked_lines(result: ScanResult) -> list[str]:
    """One line by default; every class with `--show-checked`; nothing for an empty review."""
    summary = checked_summary(result)
    if summary is None:
        return []
    if not render_options(result).show_checked:
        return [f"{md.strong('Checked:')} {summary}.", ""]
    lines = [md.heading(2, "Checked"), "", f"{summary}:", ""]
    for checked in result.checked:
        name = md.text(f"CWE-{checked.cwe} {lookup(checked.cwe).name}")
        lines.extend(md.item("-", f"{name}: {checked.verdict()}"))
    return [*lines, ""]


def render_markdown(result: ScanResult) -> str:
    """Headings per file, numbered defects, notes, the checked classes and a summary."""
    out = [md.heading(1, "Security review"), ""]
    review = review_info(result)
    if review is not None:
        out.extend(_review_header(review))
    for report, defects, notes in files_in_order(result):
        out.extend([md.heading(2, md.code(report.path)), ""])
        if report.error is not None:
            out.extend([f"> {md.strong('Error:')} {md.text(report.error.message)}", ""])
        for note in report.notes:
            out.extend([f"> {md.strong('Analysis note:')} {md.prose(note)}", ""])
        if report.reviewed:
            if defects:
                out.extend(_findings_list(defects, review))
            else:
                out.append(md.text(no_defects_verdict(report)))
            if notes:
                summary = md.html_text(f"Notes in test code ({len(notes)})")
                out.extend(["", f"<details><summary>{summary}</summary>", ""])
                out.extend(_findings_list(notes, review))
                out.extend(["", "</details>"])
            out.append("")
    if review is not None:
        out.extend(_review_footer(review))
    out.extend(_checked_lines(result))
    if review is None:  # a review names its configuration in its header
        out.extend([f"{md.strong('Configuration:')} {md.code(result.configuration)}", ""])
    if (summary := llm_summary(result)) is not None:
        out.extend([f"{md.strong('LLM:')} {md.text(summary.one_line())}", ""])
    out.extend([f"{md.strong('Summary:')} {md.text(summary_sentence(result))}", ""])
    return "\n".join(out)
