"""One finding as a review comment, shared by the Gerrit, GitHub and GitLab reporters."""

from __future__ import annotations

from secreview.cwe import lookup
from secreview.findings import Finding, ScanResult
from secreview.report import markdown_builder as md
from secreview.review.model import ReviewInfo

TOOL = "secreview"


def cwe_url(cwe: int) -> str:
    """MITRE's page for the weakness."""
    return f"https://cwe.mitre.org/data/definitions/{cwe}.html"


def comment_text(finding: Finding, *, markdown: bool) -> str:
    """What, why, how to fix, and the evidence path: everything needed to act on the comment."""
    return _markdown_comment(finding) if markdown else _plain_comment(finding)


def _title_and_rating(finding: Finding) -> tuple[str, str]:
    weakness = lookup(finding.cwe)
    rating = f"{finding.severity.label} severity, {finding.confidence.label} confidence"
    return f"CWE-{weakness.cwe} {weakness.name}", rating


def _plain_comment(finding: Finding) -> str:
    title, rating = _title_and_rating(finding)
    lines = [f"{title} ({rating}, rule {finding.rule_id})", "", finding.message, "",
             f"Fix: {finding.fix}"]  # fmt: skip
    if finding.evidence:
        lines.extend(["", "Evidence:"])
        lines.extend(f"- {s.location.path}:{s.location.line} {s.note}" for s in finding.evidence)
    if finding.tags:
        lines.extend(["", f"Tags: {', '.join(finding.tags)}"])
    return "\n".join(lines)


def _markdown_comment(finding: Finding) -> str:
    """The comment built with the one Markdown builder, so quoted code renders as itself."""
    title, rating = _title_and_rating(finding)
    lines = [
        f"{md.strong(f'{TOOL}: {md.link(title, cwe_url(finding.cwe))}')} ({rating}, rule "
        f"{md.code(finding.rule_id)})",
        "",
        md.prose(finding.message),
        "",
        f"{md.strong('Fix:')} {md.prose(finding.fix)}",
    ]
    if finding.evidence:
        lines.extend(["", "Evidence:", ""])
        for number, step in enumerate(finding.evidence, start=1):
            where = md.code(f"{step.location.path}:{step.location.line}")
            lines.extend(md.item(f"{number}.", f"{where} {md.prose(step.note)}"))
    if finding.tags:
        lines.extend(["", f"Tags: {md.text(', '.join(finding.tags))}"])
    return "\n".join(lines)


def summary_text(result: ScanResult, review: ReviewInfo | None) -> str:
    """One paragraph: how many new findings, how many block, how many the change resolved."""
    findings = [f for f in result.findings if not f.is_note]
    blocking = review.blocking(findings) if review else findings
    parts = [f"{TOOL} found {len(findings)} new security finding(s)"]
    if review is not None:
        parts.append(f"{len(blocking)} at or above {review.fail_on.label} severity")
        parts.append(f"{len(review.resolved)} resolved by this change")
    if result.errors:
        parts.append(f"{len(result.errors)} file(s) could not be reviewed")
    return "; ".join(parts) + "."
