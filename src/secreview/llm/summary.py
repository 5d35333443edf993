"""What an LLM stage did, as reports show it: spent, refused, agreed.

It travels in `ScanResult.extra` under `LLM_KEY` (as a review's facts do), so every reporter
keeps rendering one ScanResult; `llm_summary` gives it back typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from secreview.findings import LLM_KEY, ScanResult

if TYPE_CHECKING:  # the LLM stage's modules load only when it runs
    from secreview.llm.inference import Inference

__all__ = ["LLM_KEY", "LlmSummary", "llm_summary"]


@dataclass(frozen=True, slots=True)
class LlmSummary:
    """The run of the LLM stage: its settings, its costs, and what grounding and votes did."""

    model: str
    style: str
    samples: int
    votes_needed: int
    roles: tuple[str, ...]
    requests: int
    cached: int
    tokens: int
    token_budget: int
    budget_spent: bool
    offline_misses: int
    failures: tuple[str, ...]
    stopped: str
    claims: int
    kept: int
    rejected: tuple[tuple[str, int], ...]
    """(reason, count) pairs, by reason."""
    agreement_rate: float | None
    """Share of possible votes candidate defects got (None: no defect was claimed)."""
    confirmed: int = 0
    disputed: int = 0
    undecided: int = 0
    """Findings whose samples split, or that got no usable answer."""
    inference: Inference | None = None
    """The model-inference role's outcome (None: the role did not run)."""

    def incomplete(self) -> str:
        """Why the stage did not see everything ('' when it did), in one sentence."""
        reasons = []
        if self.budget_spent:
            reasons.append(f"the token budget ({self.token_budget}) was spent")
        if self.stopped:
            reasons.append(self.stopped)
        if self.offline_misses:
            reasons.append(f"{self.offline_misses} prompts were not in the cache (offline)")
        if self.failures:
            reasons.append(f"{len(self.failures)} requests failed ({self.failures[0]})")
        return "; ".join(reasons)

    def as_dict(self) -> dict[str, object]:
        """The JSON object `llm` of the JSON report."""
        return {
            "model": self.model,
            "style": self.style,
            "samples": self.samples,
            "votes_needed": self.votes_needed,
            "roles": list(self.roles),
            "requests": self.requests,
            "cached": self.cached,
            "tokens": self.tokens,
            "token_budget": self.token_budget,
            "budget_spent": self.budget_spent,
            "offline_misses": self.offline_misses,
            "failures": list(self.failures),
            "stopped": self.stopped,
            "claims": self.claims,
            "kept": self.kept,
            "rejected": dict(self.rejected),
            "agreement_rate": self.agreement_rate,
            "triage": {
                "confirmed": self.confirmed,
                "disputed": self.disputed,
                "undecided": self.undecided,
            },
            "inference": self.inference.as_dict() if self.inference else None,
        }

    def one_line(self) -> str:
        """The stage in one sentence, for text and Markdown reports."""
        rejected = sum(count for _, count in self.rejected)
        rate = "n/a" if self.agreement_rate is None else f"{self.agreement_rate:.0%}"
        inferred = (
            f"{_count(len(self.inference.suggestions), 'model')} inferred, "
            if self.inference and self.inference.asked
            else ""
        )
        line = (
            f"LLM stage ({self.model or 'model unnamed'}, {self.samples} samples, "
            f"{self.votes_needed} must agree): {inferred}{_count(self.kept, 'defect')} kept, "
            f"{_count(rejected, 'claim')} "
            f"rejected, agreement {rate}; triage: {self.confirmed} confirmed, {self.disputed} "
            f"disputed; {self.tokens} tokens, {self.cached} answers from cache."
        )
        incomplete = self.incomplete()
        return line + (f" Incomplete: {incomplete}." if incomplete else "")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def llm_summary(result: ScanResult) -> LlmSummary | None:
    """The LLM stage's summary of `result`, or None when the run had no LLM stage."""
    summary = result.extra.get(LLM_KEY)
    return summary if isinstance(summary, LlmSummary) else None
