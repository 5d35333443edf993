"""One finding as a review comment, shared by the Gerrit, GitHub and GitLab reporters."""

from __future__ import annotations

from secreview.cwe import lookup
from secreview.findings import Finding, ScanResult
from secreview.review.model import ReviewInfo

TOOL = "secreview"


def cwe_url(cwe: int) -> str:
    """MITRE's page for the weakness."""
    return f"https://cwe.mitre.org/data/definitions/{cwe}.html"


def comment_text(finding: Finding, *, markdown: bool) -> str:
    """What, why, how to fix, and the evidence path: everything needed to act on the comment."""
    weakness = lookup(finding.cwe)
    title = f"CWE-{weakness.cwe} {weakness.name}"
    rating = f"{finding.severity.label} severity, {finding.confidence.label} confidence"
    evidence = [f"{s.location.path}:{s.location.line} {s.note}" for s in finding.evidence]
    if markdown:
        lines = [
            f"**{TOOL}: [{title}]({cwe_url(finding.cwe)})** ({rating}, rule `{finding.rule_id}`)",
            "",
            finding.message,
            "",
            f"**Fix:** {finding.fix}",
        ]
        if evidence:
            lines.extend(["", "Evidence:", *(f"1. `{step}`" for step in evidence)])
    else:
        lines = [f"{title} ({rating}, rule {finding.rule_id})", "", finding.message, "",
                 f"Fix: {finding.fix}"]  # fmt: skip
        if evidence:
            lines.extend(["", "Evidence:", *(f"- {step}" for step in evidence)])
    if finding.tags:
        lines.extend(["", f"Tags: {', '.join(finding.tags)}"])
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
