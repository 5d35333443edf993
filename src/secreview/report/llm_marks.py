"""How reports mark what the optional LLM stage said: its own findings and its verdicts."""

from __future__ import annotations

from secreview.findings import Finding


def llm_mark(finding: Finding) -> str | None:
    """One sentence saying the LLM found or judged `finding`; None when it did neither."""
    judgement = finding.llm
    if judgement is None:
        return None
    agreed = "" if judgement.agreement is None else f", agreement {judgement.agreement:.0%}"
    if judgement.source == "llm":
        return f"found by the LLM review, not by a rule (grounded{agreed}); verify it"
    return f"{judgement.verdict} by the LLM triage{agreed}: {judgement.reason}"


def llm_properties(finding: Finding) -> dict[str, object]:
    """`source`, `verdict`, `reason`, `agreement` for SARIF and JSON ({} without a judgement)."""
    judgement = finding.llm
    if judgement is None:
        return {}
    fields: dict[str, object] = {"source": judgement.source}
    if judgement.verdict:
        fields.update(verdict=judgement.verdict, reason=judgement.reason)
    fields["agreement"] = judgement.agreement
    return fields
