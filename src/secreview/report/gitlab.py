"""GitLab Code Quality JSON (a subset of the Code Climate issue format) for merge requests.

Publish it as `artifacts: reports: codequality:`. GitLab tells issues apart by `fingerprint`
and keeps only one per fingerprint, so identical findings in one function get an occurrence
number mixed in (finding fingerprints are deliberately the same for identical code).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping

from secreview.findings import Finding, ScanResult, Severity
from secreview.report.comments import TOOL, comment_text

_SEVERITIES: Mapping[Severity, str] = {
    Severity.LOW: "minor",
    Severity.MEDIUM: "major",
    Severity.HIGH: "critical",
    Severity.CRITICAL: "blocker",
}
NOTE_SEVERITY = "info"

JSONObject = dict[str, object]


def _issue(finding: Finding, occurrence: int) -> JSONObject:
    fingerprint = hashlib.sha256(f"{finding.fingerprint}:{occurrence}".encode()).hexdigest()[:32]
    lines: JSONObject = {"begin": finding.location.line}
    if finding.location.end_line and finding.location.end_line > finding.location.line:
        lines["end"] = finding.location.end_line
    return {
        "type": "issue",
        "check_name": f"{TOOL}/{finding.rule_id}",
        "description": f"CWE-{finding.cwe}: {finding.message}",
        "content": {"body": comment_text(finding, markdown=True)},
        "categories": ["Security"],
        "fingerprint": fingerprint,
        "severity": NOTE_SEVERITY if finding.is_note else _SEVERITIES[finding.severity],
        "location": {"path": finding.location.path, "lines": lines},
    }


def gitlab_issues(result: ScanResult) -> list[JSONObject]:
    """One Code Quality issue per finding, in report order."""
    seen: Counter[str] = Counter()
    issues = []
    for finding in result.findings:
        seen[finding.fingerprint] += 1
        issues.append(_issue(finding, seen[finding.fingerprint]))
    return issues


def render_gitlab(result: ScanResult) -> str:
    """The report JSON array, indented, newline-terminated."""
    return json.dumps(gitlab_issues(result), indent=2, ensure_ascii=False) + "\n"
