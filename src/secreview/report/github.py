"""A pull-request review for GitHub's "Create a review for a pull request" REST endpoint.

POST the output to /repos/{owner}/{repo}/pulls/{number}/reviews. GitHub only accepts comments on
lines the pull request's diff shows, so findings elsewhere (a taint path ending on an unchanged
line) are listed in the review body instead of being dropped or failing the whole request.
"""

from __future__ import annotations

import json

from secreview.findings import Finding, ScanResult
from secreview.report import markdown_builder as md
from secreview.report.comments import comment_text, summary_text
from secreview.review.model import review_info

JSONObject = dict[str, object]


def _comment(finding: Finding, shown: frozenset[int]) -> JSONObject | None:
    """A line (or range) comment on the new side, or None when the diff does not show the line."""
    start = finding.location.line
    end = finding.location.end_line or start
    body = comment_text(finding, markdown=True)
    if end > start and all(line in shown for line in range(start, end + 1)):
        return {
            "path": finding.location.path,
            "start_line": start,
            "start_side": "RIGHT",
            "line": end,
            "side": "RIGHT",
            "body": body,
        }
    if start in shown:
        return {"path": finding.location.path, "line": start, "side": "RIGHT", "body": body}
    return None


def github_review(result: ScanResult) -> JSONObject:
    """The review as the JSON object the endpoint takes."""
    review = review_info(result)
    shown_lines = review.shown_lines if review else {}
    findings = [f for f in result.findings if not f.is_note]
    comments: list[JSONObject] = []
    elsewhere: list[Finding] = []
    for finding in findings:
        comment = _comment(finding, shown_lines.get(finding.location.path, frozenset()))
        if comment is None:
            elsewhere.append(finding)
        else:
            comments.append(comment)
    body = [summary_text(result, review)]
    for finding in elsewhere:
        body.extend(
            [
                "",
                "---",
                f"{md.code(finding.location.path)} line {finding.location.line} "
                "(outside the diff):",
                "",
                comment_text(finding, markdown=True),
            ]
        )
    blocking = review.blocking(findings) if review else findings
    payload: JSONObject = {}
    if review is not None and review.head_commit:
        payload["commit_id"] = review.head_commit
    payload.update(
        {
            "event": "REQUEST_CHANGES" if blocking else "COMMENT",
            "body": "\n".join(body),
            "comments": comments,
        }
    )
    return payload


def render_github(result: ScanResult) -> str:
    """The review JSON, indented, newline-terminated."""
    return json.dumps(github_review(result), indent=2, ensure_ascii=False) + "\n"
