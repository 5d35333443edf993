"""The contract between pipeline stages: findings, their evidence, and a whole scan's result.

Everything here is a frozen dataclass so that a value produced by one stage cannot be changed by a
later one, and so that results from worker processes can be pickled and merged deterministically.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from secreview.cwe import lookup

if TYPE_CHECKING:
    from secreview.index.facts import ModuleFacts


class Severity(enum.IntEnum):
    """How bad a finding is if real; ordered so that thresholds compare with `>=`."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        """Lower-case name used in every output format."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Parse 'low'...'critical' (any case)."""
        return cls[text.strip().upper()]


class Confidence(enum.IntEnum):
    """How sure the rule is that the finding is real."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        """Lower-case name used in every output format."""
        return self.name.lower()


class Location(NamedTuple):
    """A span in a file; lines are 1-based, columns 0-based (as `ast` gives them)."""

    path: str
    line: int
    column: int = 0
    end_line: int | None = None
    end_column: int | None = None


class EvidenceStep(NamedTuple):
    """One step of the evidence: where, and what happens there (source first, sink last)."""

    location: Location
    note: str


class LlmJudgement(NamedTuple):
    """What the optional LLM stage said of a finding: one it found itself (source 'llm', with
    the share of samples that agreed), or its verdict on a static finding, with the reason."""

    source: str
    """'llm' (the LLM found it) or 'static' (a rule did; the LLM judged it)."""
    verdict: str = ""
    """'confirmed' or 'disputed' for a judged static finding; '' for the LLM's own."""
    reason: str = ""
    agreement: float | None = None
    """Share of the samples that agreed (0..1)."""


class Finding(NamedTuple):
    """One security defect, with everything a reviewer needs to act on it."""

    rule_id: str
    cwe: int
    severity: Severity
    confidence: Confidence
    location: Location
    message: str
    fix: str
    evidence: tuple[EvidenceStep, ...] = ()
    fingerprint: str = ""
    tags: tuple[str, ...] = ()
    snippet: str = ""
    llm: LlmJudgement | None = None
    """Set only by the optional LLM stage (`--llm`)."""

    @property
    def cwe_name(self) -> str:
        """Official MITRE name of the finding's CWE."""
        return lookup(self.cwe).name

    @property
    def pillar(self) -> int:
        """The CWE-1000 pillar the finding's CWE belongs to."""
        return lookup(self.cwe).pillar

    @property
    def pillar_name(self) -> str:
        """Official name of the pillar."""
        return lookup(self.pillar).name

    @property
    def is_note(self) -> bool:
        """A note is shown but never counts toward the verdict or `--fail-on` (e.g. test code)."""
        return "note" in self.tags

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order used by every reporter: by file, position, then rule."""
        return (self.location.path, self.location.line, self.location.column, self.rule_id)


class ErrorKind(enum.StrEnum):
    """Why a file was not (fully) reviewed; `INTERNAL` is our defect, every other kind the input's.

    The kind decides the exit code: an internal error exits 2 whatever was found, so a crash never
    looks like "findings found"; the others keep the exit code the findings give (2 with --strict).
    """

    SYNTAX = "syntax"
    """No parser could read the file, or part of it."""
    ENCODING = "encoding"
    """Not text in its declared encoding, binary, or an encoding Python cannot decode."""
    UNREADABLE = "unreadable"
    """Missing, permission denied, an I/O error, not a regular file, a broken link."""
    NOT_PYTHON = "not-python"
    """Named on the command line, but not a Python file (so it was not reviewed)."""
    TOO_LARGE = "too-large"
    """Over --max-file-size."""
    OUTSIDE = "outside"
    """A symbolic link leading outside the scanned tree (not followed without --follow-symlinks)."""
    BUDGET = "budget"
    """The file exceeded its time or memory budget (or is nested too deeply to analyse)."""
    INTERNAL = "internal"
    """A secreview defect: a rule raised, or a worker process died."""


class FileError(NamedTuple):
    """A file that could not be reviewed (or only partly): path, one clear sentence, and why."""

    path: str
    message: str
    kind: ErrorKind = ErrorKind.UNREADABLE


class CheckedWeakness(NamedTuple):
    """A weakness class the scan looked for, and how many findings of it were reported."""

    cwe: int
    found: int
    hidden: int = 0
    """Findings of it that `--min-severity`/`--min-confidence` hid: found, not shown (never
    "not found")."""

    def verdict(self) -> str:
        """'found 2', 'found, hidden' or 'not found', as the checked lists say it."""
        if self.found:
            return f"found {self.found}"
        return "found, hidden" if self.hidden else "not found"


class FileReport(NamedTuple):
    """What one file yielded: its findings, an error if any, and whether it is test code."""

    path: str
    findings: tuple[Finding, ...] = ()
    error: FileError | None = None
    is_test: bool = False
    parsed_with_fallback: bool = False
    reviewed: bool = True
    unrecoverable_lines: tuple[int, ...] = ()
    """First line of each region no parser could recover (the rest of the file was reviewed)."""
    notes: tuple[str, ...] = ()
    """What the analysis could not do in full (e.g. a function too large for data flow)."""
    facts: ModuleFacts | None = None
    """Imports and input use, for planning the cross-module pass (not rendered)."""
    hidden_cwes: tuple[int, ...] = ()
    """The CWE of each defect `--min-severity`/`--min-confidence` hid (the checked list says
    "found, hidden")."""
    local_findings: tuple[Finding, ...] | None = None
    """What the first pass's rules that read no other module (`Rule.uses_project_summaries`
    false) found, before suppressions and filters: the cross-module pass reviews the module
    again running only the other rules, and joins these (not rendered). None: not kept (the
    module reads no network input, so it is never reviewed again; or a rule crashed)."""


REVIEW_KEY = "review"
"""`ScanResult.extra` key of a review's facts (`secreview.review.model.ReviewInfo`)."""
LLM_KEY = "llm"
"""`ScanResult.extra` key of the LLM stage's summary (`secreview.llm.summary.LlmSummary`).
Both keys live here so that a reporter can see a plain scan has neither without loading the
modules that define them (start-up time)."""
PRE_EXISTING_TAG = "pre-existing"
"""Tag of a finding the change did not introduce (shown only with `review --all`)."""


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything a reporter renders; reporters take this and nothing else."""

    files: tuple[FileReport, ...]
    checked: tuple[CheckedWeakness, ...]
    rule_ids: tuple[str, ...] = ()
    """The rules that ran (SARIF lists each, with or without results)."""
    elapsed_seconds: float = 0.0
    tool_version: str = ""
    configuration: str = "none"
    """The configuration file the run used ('none'), so a reader knows what was left out."""
    extra: dict[str, object] = field(default_factory=dict)
    """What a kind of run adds: `parse_fallbacks`, `baselined`, `REVIEW_KEY`, `LLM_KEY`."""

    @property
    def findings(self) -> tuple[Finding, ...]:
        """All findings of all files, in report order."""
        return tuple(sorted((f for r in self.files for f in r.findings), key=Finding.sort_key))

    @property
    def errors(self) -> tuple[FileError, ...]:
        """All per-file errors, in path order."""
        return tuple(r.error for r in self.files if r.error is not None)

    @property
    def internal_errors(self) -> tuple[FileError, ...]:
        """Errors that are secreview's defects, not the input's (they make the run exit 2)."""
        return tuple(e for e in self.errors if e.kind is ErrorKind.INTERNAL)

    @property
    def files_scanned(self) -> int:
        """Files that were read and reviewed (possibly with a partial-parse error)."""
        return sum(1 for r in self.files if r.reviewed)
