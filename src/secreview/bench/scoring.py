"""The arithmetic of a benchmark: which cases a tool flagged, per-category rates, overall F1.

A case is flagged when the tool reports, anywhere in the case's file, a weakness of the case's
CWE or of a closely related one (`RELATED_CWES`): the OWASP Benchmark scorecards count the same
way, so a tool is not penalised for filing eval injection under CWE-95 instead of CWE-94.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from secreview.sources.sidefiles import MIB, SideFileError, read_side_text

RELATED_CWES: dict[int, frozenset[int]] = {
    22: frozenset({22, 23, 36, 73}),
    78: frozenset({78, 77}),
    79: frozenset({79, 80}),
    89: frozenset({89, 564}),
    94: frozenset({94, 95}),
    113: frozenset({113, 93}),
    117: frozenset({117, 93}),
    611: frozenset({611, 776, 827}),
    1333: frozenset({1333, 730}),
}


EXPECTED_MAX_BYTES = 16 * MIB
"""The OWASP Benchmark's expected results are about 100 KB; a larger file is refused unread."""


class ExpectedResultsError(ValueError):
    """An expected-results file that cannot be read; the message says which line and why."""


@dataclass(frozen=True, slots=True)
class Expectation:
    """One labelled case: its name (the file stem), category, truth and CWE."""

    name: str
    category: str
    vulnerable: bool
    cwe: int


def _share(part: int, rest: int) -> float:
    """`part` as a share of `part + rest`; 0.0 when both are 0 (nothing to measure)."""
    return part / (part + rest) if part + rest else 0.0


@dataclass(frozen=True, slots=True)
class CategoryScore:
    """The confusion matrix of one category and the rates derived from it."""

    category: str
    cwe: int
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    @property
    def tpr(self) -> float:
        """True-positive rate (recall): vulnerable cases found."""
        return _share(self.tp, self.fn)

    @property
    def fpr(self) -> float:
        """False-positive rate: safe cases flagged."""
        return _share(self.fp, self.tn)

    @property
    def score(self) -> float:
        """TPR - FPR, the OWASP Benchmark score (1.0 perfect, 0.0 no better than guessing)."""
        return self.tpr - self.fpr


@dataclass(frozen=True, slots=True)
class Overall:
    """Totals over all categories."""

    tp: int
    fn: int
    fp: int
    tn: int

    @property
    def precision(self) -> float:
        """Flagged cases that are vulnerable."""
        return _share(self.tp, self.fp)

    @property
    def recall(self) -> float:
        """Vulnerable cases that were flagged."""
        return _share(self.tp, self.fn)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _is_cwe_number(text: str) -> bool:
    """ASCII digits only (`str.isdigit` accepts '²', which `int` rejects), and few of them."""
    return text.isascii() and text.isdigit() and len(text) <= 9


def read_expected(path: Path) -> dict[str, Expectation]:
    """Parse `# test name, category, real vulnerability, cwe` rows (comments and blanks skipped)."""
    try:
        text = read_side_text(path, what="expected-results file", max_bytes=EXPECTED_MAX_BYTES)
    except SideFileError as error:
        raise ExpectedResultsError(str(error)) from None
    found: dict[str, Expectation] = {}
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:  # an unclosed quote, a field over csv's 128 KB limit
        raise ExpectedResultsError(f"{path}: is not a readable CSV file ({error})") from None
    for number, row in enumerate(rows, start=1):
        if not row or row[0].lstrip().startswith("#"):
            continue
        if len(row) < 4:
            raise ExpectedResultsError(
                f"{path}:{number} has {len(row)} fields; expected name, category, true/false, CWE"
            )
        name, category, truth, cwe = (field.strip() for field in row[:4])
        if truth.lower() not in ("true", "false") or not _is_cwe_number(cwe):
            raise ExpectedResultsError(
                f"{path}:{number}: `real vulnerability` must be true/false and `cwe` a number"
            )
        found[name] = Expectation(name, category, truth.lower() == "true", int(cwe))
    return found


def matches(expected_cwe: int, reported: Iterable[int]) -> bool:
    """Whether any reported CWE counts as finding the expected one."""
    accepted = RELATED_CWES.get(expected_cwe, frozenset({expected_cwe}))
    return any(cwe in accepted for cwe in reported)


def score(
    expected: Mapping[str, Expectation], reported: Mapping[str, Iterable[int]]
) -> list[CategoryScore]:
    """Per-category confusion matrices; `reported` maps case name -> CWEs found in its file."""
    counts: dict[str, list[int]] = {}
    cwes: dict[str, int] = {}
    for case in expected.values():
        flagged = matches(case.cwe, reported.get(case.name, ()))
        cell = counts.setdefault(case.category, [0, 0, 0, 0])
        cwes.setdefault(case.category, case.cwe)
        index = (0 if flagged else 1) if case.vulnerable else (2 if flagged else 3)
        cell[index] += 1
    return [
        CategoryScore(category, cwes[category], *counts[category]) for category in sorted(counts)
    ]


def overall(scores: Iterable[CategoryScore]) -> Overall:
    """Sum of the categories' matrices."""
    rows = list(scores)
    return Overall(
        tp=sum(s.tp for s in rows),
        fn=sum(s.fn for s in rows),
        fp=sum(s.fp for s in rows),
        tn=sum(s.tn for s in rows),
    )


def render_table(tool: str, scores: list[CategoryScore]) -> str:
    """A plain-text table: one row per category, then the overall precision, recall and F1."""
    header = (
        f"{'category':<14} {'CWE':>5} {'TP':>4} {'FN':>4} {'FP':>4} {'TN':>4} "
        f"{'TPR':>6} {'FPR':>6} {'TPR-FPR':>8}"
    )
    lines = [f"== {tool} ==", header, "-" * len(header)]
    for row in scores:
        lines.append(
            f"{row.category:<14} {row.cwe:>5} {row.tp:>4} {row.fn:>4} {row.fp:>4} {row.tn:>4} "
            f"{row.tpr:>6.2f} {row.fpr:>6.2f} {row.score:>8.2f}"
        )
    total = overall(scores)
    lines.append("-" * len(header))
    lines.append(
        f"{'overall':<20} {total.tp:>4} {total.fn:>4} {total.fp:>4} {total.tn:>4}   "
        f"precision {total.precision:.3f}  recall {total.recall:.3f}  F1 {total.f1:.3f}"
    )
    return "\n".join(lines)
