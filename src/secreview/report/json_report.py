"""The JSON contract of shared/DESIGN.md: stable field names other tools and benchmarks read.

Timings are left out on purpose: the same input must give the same bytes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from secreview.cwe import lookup
from secreview.findings import LLM_KEY, REVIEW_KEY, Finding, ScanResult
from secreview.report.llm_marks import llm_properties

if TYPE_CHECKING:
    from secreview.review.model import ReviewInfo


def finding_to_dict(finding: Finding) -> dict[str, object]:
    """One finding with exactly the fields the contract names."""
    location = finding.location
    return {
        "rule_id": finding.rule_id,
        "cwe": finding.cwe,
        "cwe_name": finding.cwe_name,
        "pillar": finding.pillar,
        "pillar_name": finding.pillar_name,
        "severity": finding.severity.label,
        "confidence": finding.confidence.label,
        "path": location.path,
        "line": location.line,
        "column": location.column,
        "end_line": location.end_line,
        "end_column": location.end_column,
        "message": finding.message,
        "fix": finding.fix,
        "evidence": [
            {"path": s.location.path, "line": s.location.line, "note": s.note}
            for s in finding.evidence
        ],
        "fingerprint": finding.fingerprint,
        "tags": list(finding.tags),
        **llm_properties(finding),
    }


def result_to_dict(result: ScanResult) -> dict[str, object]:
    """The whole scan as the contract's JSON object; reviews and baselines add their fields."""
    payload: dict[str, object] = {
        "tool": {"name": "secreview", "version": result.tool_version},
        "configuration": result.configuration,
        "files_scanned": result.files_scanned,
        "parse_fallbacks": result.extra.get("parse_fallbacks", 0),
        "errors": [
            {"path": e.path, "message": e.message, "kind": e.kind.value} for e in result.errors
        ],
        "unrecoverable_regions": [
            {"path": r.path, "lines": list(r.unrecoverable_lines)}
            for r in result.files
            if r.unrecoverable_lines
        ],
        "analysis_notes": [
            {"path": r.path, "message": note} for r in result.files for note in r.notes
        ],
        "checked": [
            {"cwe": c.cwe, "name": lookup(c.cwe).name, "found": c.found, "hidden": c.hidden}
            for c in result.checked
        ],
        "findings": [finding_to_dict(f) for f in result.findings],
    }
    if LLM_KEY in result.extra:  # the types of these two load only for the runs that have them
        from secreview.llm.summary import llm_summary

        summary = llm_summary(result)
        if summary is not None:
            payload["llm"] = summary.as_dict()
    if "baselined" in result.extra:
        payload["baselined"] = result.extra["baselined"]
    if REVIEW_KEY in result.extra:
        from secreview.review.model import review_info

        payload.update(_review_fields(review_info(result)))
    return payload


def _review_fields(review: ReviewInfo | None) -> dict[str, object]:
    """What a review adds to the JSON object (nothing when `review` is None)."""
    if review is None:
        return {}
    return {
        "base": review.base,
        "head": review.head,
        "commit_message": review.commit_message,
        "resolved": [finding_to_dict(f) for f in review.resolved],
        "pre_existing": review.pre_existing,
        "skipped": [{"path": s.path, "reason": s.reason} for s in review.skipped],
        "project_files": review.project_files,
        "project_missing": list(review.project_missing),
        "project_unreviewed": [
            {"path": s.path, "reason": s.reason} for s in review.project_unreviewed
        ],
    }


def render_json(result: ScanResult) -> str:
    """Indented, key order fixed by the contract, newline-terminated."""
    return json.dumps(result_to_dict(result), indent=2, ensure_ascii=False) + "\n"
