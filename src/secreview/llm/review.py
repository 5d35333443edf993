"""The review role: defects no rule found, asked N times, grounded, and kept by vote.

A model's review varies from run to run (the seeds: four "none", one list of five). So each
prompt is answered `samples` times; every claim is grounded (`grounding`); claims of different
samples that name the same CWE-1000 pillar on overlapping lines are one defect; a defect is kept
when at least `votes_needed` samples name it, and the share that did is its agreement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from secreview.analysis.engine import fingerprint
from secreview.findings import Confidence, EvidenceStep, Finding, LlmJudgement, Location
from secreview.llm.grounding import Claim, Rejection, ground, parse_defects
from secreview.llm.prompts import ReviewedFile
from secreview.masking import mask_prose

RULE_ID = "llm-review"
EXPLANATION = """llm-review: a defect the optional LLM stage found (`--llm`), not a rule
Reported only with --llm, tagged `source:llm`, with the CWE the model named.

What it does
  Asks an OpenAI-compatible model to review the file (the code fenced as data, secrets masked,
  secreview's own findings included), several samples at a set temperature. A claimed defect is
  kept only when it is grounded (its lines exist, the quoted code is on them, its CWE is a
  weakness, not a category or view, and no rule already reports it there) and when enough
  samples agree on it (same CWE-1000 pillar, overlapping lines).

Why is this bad?
  The model's reading is evidence of a different kind than a rule's: its confidence is the
  share of samples that agreed (at most medium), and it never changes the exit status unless
  --llm-fail-on is given.

Use instead
  Read the quoted lines and the reason; confirm the defect or suppress it with a reason
  (`# secreview: ignore[llm-review] <why>`).

References
  - Yu et al., Security Code Review by LLMs, arXiv 2401.16310
  - secreview's README, "LLM stage"
"""
"""What `secreview explain llm-review` prints: reports link every LLM finding to it."""
SOURCE_TAG = "source:llm"
MAX_PROSE = 600
"""Characters of a model's description or fix kept in a finding."""


@dataclass(frozen=True, slots=True)
class Voted:
    """A defect several samples agree on: the claim shown, how many agreed, of how many."""

    claim: Claim
    votes: int
    answered: int

    @property
    def agreement(self) -> float:
        """Share of the answered samples that named it."""
        return self.votes / self.answered


@dataclass(slots=True)
class Tally:
    """What the grounding and the vote did with one file's (or one run's) answers."""

    rejected: Counter[str] = field(default_factory=Counter)
    claims: int = 0
    """Defects claimed in all samples, before grounding."""
    votes: int = 0
    """Sum over candidate defects of the samples naming each..."""
    possible_votes: int = 0
    """...and of the samples that could have: their ratio is the agreement rate."""
    kept: int = 0

    def add(self, other: Tally) -> None:
        """Add `other`'s counts to these."""
        self.rejected.update(other.rejected)
        self.claims += other.claims
        self.votes += other.votes
        self.possible_votes += other.possible_votes
        self.kept += other.kept


def grounded_samples(
    answers: Sequence[str | None], file: ReviewedFile, tally: Tally
) -> list[list[Claim]]:
    """The grounded claims of each answered sample (answers that are None were never given);
    every dropped claim is counted in `tally` with its reason."""
    samples: list[list[Claim]] = []
    for answer in answers:
        if answer is None:
            continue
        defects = parse_defects(answer)
        if defects is None:
            tally.rejected[Rejection.INVALID_ANSWER.value] += 1
            continue
        tally.claims += len(defects)
        claims = []
        for raw in defects:
            checked = ground(raw, file)
            if isinstance(checked, Rejection):
                tally.rejected[checked.value] += 1
            else:
                claims.append(checked)
        samples.append(claims)
    return samples


def vote(samples: Sequence[Sequence[Claim]], needed: int, tally: Tally) -> list[Voted]:
    """The defects at least `needed` samples agree on (same pillar, overlapping lines)."""
    clusters: list[list[tuple[int, Claim]]] = []
    for index, claims in enumerate(samples):
        for claim in claims:
            home = next((c for c in clusters if _same_defect(c[0][1], claim)), None)
            if home is None:
                clusters.append([(index, claim)])
            elif all(sample != index for sample, _ in home):
                home.append((index, claim))  # a sample repeating itself is one vote
    kept: list[Voted] = []
    for cluster in clusters:
        tally.votes += len(cluster)
        tally.possible_votes += len(samples)
        if len(cluster) >= needed:
            kept.append(Voted(_representative([c for _, c in cluster]), len(cluster), len(samples)))
    tally.kept += len(kept)
    return kept


def _same_defect(first: Claim, second: Claim) -> bool:
    """Claims agree when they name the same CWE-1000 pillar on overlapping lines."""
    return first.pillar == second.pillar and first.overlaps(second)


def _representative(claims: list[Claim]) -> Claim:
    """The claim of the most named CWE (the earliest sample's on a tie)."""
    counts = Counter(claim.cwe for claim in claims)
    best = max(counts.values())
    return next(claim for claim in claims if counts[claim.cwe] == best)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_PROSE else text[: MAX_PROSE - 1] + "…"


def as_finding(voted: Voted, file: ReviewedFile) -> Finding:
    """A Finding of rule `llm-review` for a kept defect; its evidence is the quoted code."""
    claim = voted.claim
    location = Location(file.path, claim.first_line, 0, claim.last_line, None)
    quoted = "\n".join(file.lines[claim.first_line - 1 : claim.last_line])
    agreed = f"{voted.votes} of {voted.answered} samples"
    return Finding(
        rule_id=RULE_ID,
        cwe=claim.cwe,
        severity=claim.severity,
        confidence=Confidence.MEDIUM if voted.votes == voted.answered else Confidence.LOW,
        location=location,
        message=mask_prose(_short(claim.description)) + f" (LLM review, {agreed} agree)",
        fix=mask_prose(_short(claim.fix)) or "Review the quoted code and fix it if it is a defect.",
        evidence=(
            EvidenceStep(Location(file.path, claim.first_line), f"the model quotes `{claim.code}`"),
        ),
        fingerprint=fingerprint(RULE_ID, file.path, "", quoted),
        tags=(SOURCE_TAG,),
        snippet=quoted,
        llm=LlmJudgement(source="llm", agreement=round(voted.agreement, 3)),
    )
