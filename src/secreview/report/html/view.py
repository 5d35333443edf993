"""What the HTML report shows, as plain values: the `ScanResult` turned into cards, rows and counts.

The template only lays these out; every decision (what is counted, what a status is, which line
is the sink, which step links where) is made here, where it can be tested without HTML. Every
string that comes from the reviewed code or repository (paths, code, messages) goes through
`printable`, as in the text report: control characters and line separators become visible
escapes instead of reaching the page; the template escapes the rest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from secreview.analysis.rule import Rule
from secreview.cwe import lookup
from secreview.findings import Confidence, FileReport, Finding, ScanResult, Severity
from secreview.report import NO_DEFECTS, NO_DEFECTS_IN_PART, no_defects_verdict
from secreview.report.common import files_in_order, line_span
from secreview.report.html.code import CodeView, code_view, sink_span, windows
from secreview.review.model import PRE_EXISTING_TAG, ReviewInfo, review_info
from secreview.text import printable

TOP_FILES = 10
"""How many files the "most findings" table lists."""


@dataclass(frozen=True, slots=True)
class Row:
    """One line of code: its number, masked text, anchor id and what it is (sink, step, added)."""

    number: int
    text: str
    anchor: str
    classes: str


@dataclass(frozen=True, slots=True)
class Block:
    """The lines of one file a finding shows: runs of rows, a gap between two runs."""

    path: str
    file_anchor: str | None
    runs: tuple[tuple[Row, ...], ...]


@dataclass(frozen=True, slots=True)
class Step:
    """An evidence step; `target` is the anchor of its line when the report shows that line."""

    path: str
    line: int
    note: str
    target: str | None


@dataclass(frozen=True, slots=True)
class Card:
    """One finding as the report shows it, with what the filters need to know about it."""

    anchor: str
    rule_id: str
    cwe: int
    cwe_name: str
    pillar: int
    pillar_name: str
    severity: str
    confidence: str
    path: str
    line: int
    span: str
    snippet: str
    message: str
    fix: str
    tags: str
    status: str
    is_note: bool
    blocks: tuple[Block, ...]
    steps: tuple[Step, ...]

    def index_entry(self) -> dict[str, object]:
        """The card as the filter script reads it (embedded as JSON)."""
        return {
            "id": self.anchor,
            "severity": self.severity,
            "confidence": self.confidence,
            "cwe": self.cwe,
            "rule": self.rule_id,
            "file": self.path,
            "status": self.status,
            "note": self.is_note,
        }


@dataclass(frozen=True, slots=True)
class FileView:
    """A file with something to say: an error, an analysis note, findings or test notes."""

    anchor: str
    path: str
    error: str | None
    notes: tuple[str, ...]
    verdict: str | None
    defects: tuple[Card, ...]
    test_notes: tuple[Card, ...]


@dataclass(frozen=True, slots=True)
class RuleView:
    """A rule's `explain` documentation: its five sections, with its CWE, pillar and fix."""

    id: str
    name: str
    cwe: str
    pillar: str
    defaults: str
    what_it_does: str
    why_bad: str
    example: str
    use_instead: str
    fix: str
    references: tuple[str, ...]


def file_anchor(index: int) -> str:
    return f"file-{index}"


def rule_anchor(rule_id: str) -> str:
    return f"rule-{rule_id}"


def _status(finding: Finding, review: ReviewInfo | None) -> str:
    if review is None:
        return ""
    return "pre-existing" if PRE_EXISTING_TAG in finding.tags else "new"


def _blocks(
    anchor: str, finding: Finding, code: CodeView, files: Mapping[str, str], review: bool
) -> tuple[tuple[Block, ...], dict[tuple[str, int], str]]:
    """The finding's code, file by file, and the anchor of each shown line by (path, line)."""
    first, last = sink_span(finding)
    sink_path = finding.location.path
    steps = {(s.location.path, s.location.line) for s in finding.evidence}
    added: Mapping[str, frozenset[int]] = code.changed if review else {}
    targets: dict[tuple[str, int], str] = {}
    grouped: dict[str, list[tuple[Row, ...]]] = {}
    for window in windows(finding):
        rows: list[Row] = []
        block_number = list(grouped).index(window.path) if window.path in grouped else len(grouped)
        for number in range(window.first, window.last + 1):
            text = code.line(window.path, number)
            if text is None:
                continue
            row_anchor = f"{anchor}-{block_number}-{number}"
            targets[window.path, number] = row_anchor
            classes = [
                name
                for name, applies in (
                    ("sink", window.path == sink_path and first <= number <= last),
                    ("step", (window.path, number) in steps),
                    ("add", number in added.get(window.path, ())),
                )
                if applies
            ]
            rows.append(Row(number, printable(text), row_anchor, " ".join(classes)))
        grouped.setdefault(window.path, [])
        if rows:
            grouped[window.path].append(tuple(rows))
    blocks = tuple(
        Block(printable(path), files.get(path), tuple(runs))
        for path, runs in grouped.items()
        if runs
    )
    return blocks, targets


def card(
    anchor: str,
    finding: Finding,
    code: CodeView,
    files: Mapping[str, str],
    review: ReviewInfo | None,
    with_code: bool = True,
) -> Card:
    """The card of `finding`; a resolved finding (`with_code` False) has no code to show."""
    weakness = lookup(finding.cwe)
    pillar = lookup(finding.pillar)
    blocks, targets = (
        _blocks(anchor, finding, code, files, review is not None) if with_code else ((), {})
    )
    steps = tuple(
        Step(
            printable(s.location.path),
            s.location.line,
            printable(s.note),
            targets.get((s.location.path, s.location.line)),
        )
        for s in finding.evidence
    )
    return Card(
        anchor=anchor,
        rule_id=finding.rule_id,
        cwe=weakness.cwe,
        cwe_name=weakness.name,
        pillar=pillar.cwe,
        pillar_name=pillar.name,
        severity=finding.severity.label,
        confidence=finding.confidence.label,
        path=printable(finding.location.path),
        line=finding.location.line,
        span=line_span(finding),
        snippet=printable(finding.snippet.strip()),
        message=printable(finding.message),
        fix=printable(finding.fix),
        tags=printable(", ".join(finding.tags)),
        status="resolved" if not with_code else _status(finding, review),
        is_note=finding.is_note,
        blocks=blocks,
        steps=steps,
    )


def verdict(result: ScanResult) -> str | None:
    """The text report's verdict when no defect is reported (not "clean" when part of the code
    was not reviewed); None when there are defects, which the summary sentence counts."""
    if any(not f.is_note for f in result.findings):
        return None
    return NO_DEFECTS if not result.errors else NO_DEFECTS_IN_PART


def counts_by(findings: Sequence[Finding]) -> dict[str, list[tuple[str, str, int]]]:
    """Defects counted by severity, by CWE-1000 pillar and by CWE: (key, label, count) rows,
    severity most severe first, the others most frequent first."""
    defects = [f for f in findings if not f.is_note]
    severities = Counter(f.severity for f in defects)
    pillars = Counter(f.pillar for f in defects)
    cwes = Counter(f.cwe for f in defects)
    return {
        "severity": [
            (level.label, level.label, severities[level])
            for level in sorted(Severity, reverse=True)
        ],
        "pillar": [
            (str(cwe), f"CWE-{cwe} {lookup(cwe).name}", count)
            for cwe, count in sorted(pillars.items(), key=lambda item: (-item[1], item[0]))
        ],
        "cwe": [
            (str(cwe), f"CWE-{cwe} {lookup(cwe).name}", count)
            for cwe, count in sorted(cwes.items(), key=lambda item: (-item[1], item[0]))
        ],
    }


def file_views(result: ScanResult) -> tuple[list[FileView], list[str]]:
    """The files with something to show, in path order, and the clean files' names."""
    review = review_info(result)
    code = code_view(result)
    shown: list[tuple[FileReport, list[Finding], list[Finding]]] = []
    clean: list[str] = []
    for report, defects, notes in files_in_order(result):
        if not defects and not notes and report.error is None and not report.notes:
            clean.append(printable(report.path))
        else:
            shown.append((report, defects, notes))
    anchors = {report.path: file_anchor(i) for i, (report, _, _) in enumerate(shown)}
    views: list[FileView] = []
    number = 0
    for report, defects, notes in shown:
        cards: list[list[Card]] = [[], []]
        for kind, findings in enumerate((defects, notes)):
            for finding in findings:
                number += 1
                cards[kind].append(card(f"f{number}", finding, code, anchors, review))
        views.append(
            FileView(
                anchor=anchors[report.path],
                path=printable(report.path),
                error=printable(report.error.message) if report.error is not None else None,
                notes=tuple(printable(note) for note in report.notes),
                verdict=no_defects_verdict(report) if report.reviewed and not defects else None,
                defects=tuple(cards[0]),
                test_notes=tuple(cards[1]),
            )
        )
    return views, clean


def resolved_cards(result: ScanResult) -> list[Card]:
    """A review's resolved findings, as cards without code (the change removed it)."""
    review = review_info(result)
    if review is None:
        return []
    return [
        card(f"r{i}", finding, CodeView(), {}, review, with_code=False)
        for i, finding in enumerate(review.resolved, start=1)
    ]


def rule_views(rules: Sequence[Rule]) -> list[RuleView]:
    """The documentation of `rules`, as `secreview explain RULE-ID` prints it."""
    views = []
    for rule in sorted(rules, key=lambda r: r.id):
        weakness = lookup(rule.cwe)
        pillar = lookup(weakness.pillar)
        views.append(
            RuleView(
                id=rule.id,
                name=rule.name,
                cwe=f"CWE-{weakness.cwe} {weakness.name}",
                pillar=f"CWE-{pillar.cwe} {pillar.name}",
                defaults=f"{rule.severity.label} severity, {rule.confidence.label} confidence"
                + ("; also reported in test code" if rule.applies_in_tests else ""),
                what_it_does=rule.doc.what_it_does,
                why_bad=rule.doc.why_bad,
                example=rule.doc.example,
                use_instead=rule.doc.use_instead,
                fix=rule.fix,
                references=rule.doc.references,
            )
        )
    return views


SEVERITY_LABELS = tuple(level.label for level in sorted(Severity, reverse=True))
CONFIDENCE_LABELS = tuple(level.label for level in sorted(Confidence, reverse=True))
