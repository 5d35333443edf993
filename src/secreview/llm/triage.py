"""The triage role: the model reads a static finding's path and code, then confirms or disputes.

A verdict re-rates a finding and never hides it: confirmed raises its confidence one step,
disputed sets it low, and the reason is shown with it. The verdict is the one at least
`votes_needed` samples give; when the samples split, the finding is left as it was and says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from secreview.findings import Confidence, Finding, LlmJudgement
from secreview.llm.chunks import Chunk
from secreview.llm.grounding import answer_object
from secreview.masking import mask_prose

CONFIRMED, DISPUTED = "confirmed", "disputed"
VERDICT_TAGS = {CONFIRMED: "llm:confirmed", DISPUTED: "llm:disputed"}
_ANSWERS = {"confirm": CONFIRMED, "confirmed": CONFIRMED, "dispute": DISPUTED, "disputed": DISPUTED}
MAX_REASON = 400


@dataclass(frozen=True, slots=True)
class Verdict:
    """One sample's verdict on a finding, with its reason."""

    verdict: str
    reason: str


def parse_verdict(text: str) -> Verdict | None:
    """The verdict of a triage answer; None when it has none of the asked shape."""
    answer = answer_object(text, "verdict")
    if answer is None or not isinstance(answer["verdict"], str):
        return None
    verdict = _ANSWERS.get(answer["verdict"].strip().lower())
    reason = answer.get("reason")
    if verdict is None or not isinstance(reason, str) or not reason.strip():
        return None
    text = " ".join(reason.split())
    return Verdict(verdict, text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…")


def lines_for(finding: Finding, chunks: Sequence[Chunk]) -> Chunk:
    """The chunks that show the finding's line or a step of its path, merged into one."""
    wanted = {finding.location.line} | {
        s.location.line for s in finding.evidence if s.location.path == finding.location.path
    }
    chosen = [chunk for chunk in chunks if wanted & set(chunk.lines)] or list(chunks[:1])
    lines = sorted({number for chunk in chosen for number in chunk.lines})
    calls = sorted({call for chunk in chosen for call in chunk.calls})
    return Chunk(", ".join(chunk.title for chunk in chosen), tuple(lines), tuple(calls))


def decide(answers: Sequence[str | None], needed: int) -> tuple[Verdict | None, int, int]:
    """The verdict at least `needed` usable answers give (None if none does), its votes, and
    the number of usable answers."""
    verdicts = [v for v in (parse_verdict(a) for a in answers if a is not None) if v]
    if not verdicts:
        return None, 0, 0
    counts = Counter(v.verdict for v in verdicts)
    winner, votes = max(counts.items(), key=lambda item: (item[1], item[0] == DISPUTED))
    if votes < needed or votes * 2 <= len(verdicts):
        return None, votes, len(verdicts)
    return next(v for v in verdicts if v.verdict == winner), votes, len(verdicts)


def judged(finding: Finding, verdict: Verdict, votes: int, answered: int) -> Finding:
    """`finding` re-rated by `verdict`, carrying it, its reason and its agreement."""
    if verdict.verdict == CONFIRMED:
        confidence = Confidence(min(finding.confidence + 1, Confidence.HIGH))
    else:
        confidence = Confidence.LOW
    return finding._replace(
        confidence=confidence,
        tags=(*finding.tags, VERDICT_TAGS[verdict.verdict]),
        llm=LlmJudgement(
            source="static",
            verdict=verdict.verdict,
            reason=mask_prose(verdict.reason),
            agreement=round(votes / answered, 3),
        ),
    )
