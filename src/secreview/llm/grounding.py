"""Check each defect an LLM claims against the code: what does not hold is dropped and counted.

A claim is kept only when its lines exist, the code it quotes is on those lines (whitespace
aside, in the masked text the model was shown), and its CWE is a weakness specific enough to act
on: an id MITRE's CWE-1000 view lists as a weakness (so categories, views and made-up ids are
refused) and not one of the ten pillars (the "defects" of the seeds' reviews that name a pillar
and no line). Each refusal has a reason, reported in `llm.rejected`.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from secreview.cwe import UnknownCWEError, lookup, related
from secreview.findings import Finding, Severity
from secreview.llm.prompts import ReviewedFile, without_line_numbers
from secreview.patterns import lazy_pattern

MAX_CLAIMED_LINES = 100
"""A claim spanning more lines than this points at nothing in particular; within a shorter
span, the defect's lines are those its quote covers."""
MAX_CLAIM_LINES = 30
"""The lines a quote may cover."""
MIN_QUOTE_CHARACTERS = 3
_OPENING = lazy_pattern(r"[\[{]")


class Rejection(enum.StrEnum):
    """Why a claim (or a whole answer) was dropped."""

    INVALID_ANSWER = "invalid-answer"
    """The answer holds no JSON object of the asked shape."""
    MALFORMED = "malformed-claim"
    """A defect without a CWE, lines or quoted code of the right type."""
    NO_SUCH_LINES = "no-such-lines"
    QUOTE_NOT_ON_LINES = "quote-not-on-lines"
    UNKNOWN_CWE = "unknown-cwe"
    """Not a weakness of the CWE-1000 view: made up, a category or a view."""
    TOO_GENERAL = "too-general"
    """A pillar, or a span too long to name the defect."""
    ALREADY_REPORTED = "already-reported"
    """A rule of secreview reports the same weakness on those lines."""


@dataclass(frozen=True, slots=True)
class Claim:
    """A defect that holds up: where it is, what it is, what the model said of it."""

    cwe: int
    first_line: int
    last_line: int
    code: str
    description: str
    fix: str
    severity: Severity

    @property
    def pillar(self) -> int:
        """The CWE-1000 pillar of the claimed weakness (what votes compare)."""
        return lookup(self.cwe).pillar

    def overlaps(self, other: Claim) -> bool:
        """Whether the two claims share a line."""
        return self.first_line <= other.last_line and other.first_line <= self.last_line


def _candidates(text: str) -> list[object]:
    """Every JSON value that starts at a '{' or '[' of `text` and decodes, in order."""
    decoder = json.JSONDecoder()
    found: list[object] = []
    position = 0
    while (match := _OPENING.search(text, position)) is not None:
        try:
            value, end = decoder.raw_decode(text, match.start())
        except ValueError:
            position = match.start() + 1
            continue
        found.append(value)
        position = end
    return found


def answer_object(text: str, key: str) -> dict[str, object] | None:
    """The last JSON object in `text` that has `key` (models wrap answers in prose or fences)."""
    for value in reversed(_candidates(text)):
        if isinstance(value, dict) and key in value:
            return value
    return None


def parse_defects(text: str) -> list[object] | None:
    """The raw defects of a review answer; None when the answer has no `{"defects": [...]}`."""
    answer = answer_object(text, "defects")
    if answer is None or not isinstance(answer["defects"], list):
        return None
    return list(answer["defects"])


def _cwe_of(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and (match := re.fullmatch(r"\s*(?:CWE-?)?(\d+)\s*", value, re.I)):
        return int(match[1])
    return None


def _lines_of(value: object) -> tuple[int, int] | None:
    numbers: list[object]
    if isinstance(value, list):
        numbers = value
    elif isinstance(value, str):
        numbers = [int(n) for n in re.findall(r"\d+", value)]
    else:
        numbers = [value]
    if not numbers or not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
        return None
    ints = [int(n) for n in numbers]  # type: ignore[call-overload]
    return min(ints), max(ints)


def normalised(text: str) -> str:
    """`text` with every run of whitespace one space, ends stripped."""
    return " ".join(text.split())


def _severity(value: object) -> Severity:
    try:
        return Severity.parse(value) if isinstance(value, str) else Severity.MEDIUM
    except KeyError:
        return Severity.MEDIUM


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _quoted_span(
    wanted: str, lines: Sequence[str], first: int, last: int
) -> tuple[int, int] | None:
    """The shortest run of lines within first..last whose text holds `wanted` (whitespace
    aside), the earliest of several; None when no run does."""
    if wanted not in normalised(" ".join(lines[first - 1 : last])):
        return None
    for length in range(1, last - first + 2):
        for start in range(first, last - length + 2):
            if wanted in normalised(" ".join(lines[start - 1 : start - 1 + length])):
                return start, start + length - 1
    return None


def ground(raw: object, file: ReviewedFile) -> Claim | Rejection:
    """The claim `raw` (one item of `defects`) checked against `file`."""
    if not isinstance(raw, dict):
        return Rejection.MALFORMED
    cwe = _cwe_of(raw.get("cwe"))
    span = _lines_of(raw.get("lines", raw.get("line")))
    quote = raw.get("code")
    if cwe is None or span is None or not isinstance(quote, str):
        return Rejection.MALFORMED
    first, last = span
    if first < 1 or last > len(file.lines):
        return Rejection.NO_SUCH_LINES
    if last - first + 1 > MAX_CLAIMED_LINES:
        return Rejection.TOO_GENERAL
    wanted = normalised(without_line_numbers(quote))
    quoted = _quoted_span(wanted, file.lines, first, last)
    if len(wanted) < MIN_QUOTE_CHARACTERS or quoted is None:
        return Rejection.QUOTE_NOT_ON_LINES
    first, last = quoted
    try:
        weakness = lookup(cwe)
    except UnknownCWEError:
        return Rejection.UNKNOWN_CWE
    if weakness.parent is None or last - first + 1 > MAX_CLAIM_LINES:
        return Rejection.TOO_GENERAL
    if any(_same_as_finding(cwe, first, last, finding) for finding in file.findings):
        return Rejection.ALREADY_REPORTED
    return Claim(
        cwe=cwe,
        first_line=first,
        last_line=last,
        code=wanted,
        description=_text(raw.get("description")) or lookup(cwe).name,
        fix=_text(raw.get("fix")),
        severity=_severity(raw.get("severity")),
    )


def _same_as_finding(cwe: int, first: int, last: int, finding: Finding) -> bool:
    end = finding.location.end_line or finding.location.line
    return related(cwe, finding.cwe) and finding.location.line <= last and first <= end
