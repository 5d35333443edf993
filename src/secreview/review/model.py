"""What a review adds to a scan result: what was compared, resolved and skipped, and the change
around each new finding.

It travels in `ScanResult.extra` under `REVIEW_KEY`, so every reporter keeps rendering one
`ScanResult`; `review_info` gives it back typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from secreview.findings import PRE_EXISTING_TAG, REVIEW_KEY, Finding, ScanResult, Severity

__all__ = [
    "PRE_EXISTING_TAG",
    "REVIEW_KEY",
    "ChangeExcerpt",
    "ExcerptLine",
    "FindingKey",
    "ReviewInfo",
    "SkippedFile",
    "finding_key",
    "review_info",
]


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A changed file that was not reviewed, and why (deleted, binary, not Python...)."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class ExcerptLine:
    """One line of the diff: '+' added, ' ' context, '-' removed; text without its newline."""

    kind: str
    text: str
    line: int | None
    """Its number in the file after the change; None for a removed line, which has none."""


@dataclass(frozen=True, slots=True)
class ChangeExcerpt:
    """The diff's lines around a new finding, so a reviewer sees what the change did there."""

    lines: tuple[ExcerptLine, ...]


FindingKey = tuple[str, int, int, str, str]
"""Names one finding across later stages, which may re-tag it (so not the Finding itself)."""


def finding_key(finding: Finding) -> FindingKey:
    """Path, position, rule and fingerprint: two distinct findings do not share all five."""
    location = finding.location
    return (location.path, location.line, location.column, finding.rule_id, finding.fingerprint)


@dataclass(frozen=True, slots=True)
class ReviewInfo:
    """The review's own facts, beside the findings it reports as new."""

    base: str
    head: str
    commit_message: str | None = None
    head_commit: str | None = None
    resolved: tuple[Finding, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()
    pre_existing: int = 0
    """Findings in the changed files that the change did not introduce."""
    shown_lines: Mapping[str, frozenset[int]] = field(default_factory=dict)
    """Per path, the lines of the new version the diff shows (review systems comment there)."""
    fail_on: Severity = Severity.LOW
    """The severity from which a new finding blocks the change."""
    excerpts: Mapping[FindingKey, ChangeExcerpt] = field(default_factory=dict)
    """The change around each new finding that lies in a hunk (text and Markdown show it)."""
    configuration: str = "none"
    """Where the settings came from ('pyproject.toml at main (1a2b...)', a --config path, or
    'none'): a review names it, since the change under review must not choose it."""
    project_files: int | None = None
    """With `--project`: how many Python files the project the change was reviewed in holds
    (None: each changed file was reviewed alone)."""
    project_missing: tuple[str, ...] = ()
    """Files of that project whose contents git lacks (a partial clone), read without."""
    project_unreviewed: tuple[SkippedFile, ...] = ()
    """Files of that project the change leaves alone that could not be reviewed (unreadable,
    over a budget): flows through them are not followed, so the context is smaller."""
    llm_fail_on: Severity | None = None
    """`--llm-fail-on`: an LLM's own findings block the change only from this severity."""

    @property
    def context(self) -> str:
        """What the changed files were reviewed with, for the review's header."""
        if self.project_files is None:
            return "each changed file alone"
        held = [f"the whole project ({self.project_files:,} Python files"]
        if self.project_missing:
            held.append(f"{len(self.project_missing):,} more not in the repository, left out")
        if self.project_unreviewed:
            held.append(f"{len(self.project_unreviewed):,} of them could not be reviewed")
        return "; ".join(held) + ")"

    def excerpt(self, finding: Finding) -> ChangeExcerpt | None:
        """The change around `finding`; None when it is pre-existing or outside the hunks."""
        return self.excerpts.get(finding_key(finding))

    def blocking(self, findings: Sequence[Finding]) -> list[Finding]:
        """The new defects that reach `fail_on` (not notes, not pre-existing; an LLM's own
        finding only from `llm_fail_on`)."""
        return [
            f
            for f in findings
            if f.severity >= self.fail_on
            and not f.is_note
            and PRE_EXISTING_TAG not in f.tags
            and (
                f.llm is None
                or f.llm.source != "llm"
                or (self.llm_fail_on is not None and f.severity >= self.llm_fail_on)
            )
        ]


def review_info(result: ScanResult) -> ReviewInfo | None:
    """The review facts of `result`, or None for a plain scan."""
    info = result.extra.get(REVIEW_KEY)
    return info if isinstance(info, ReviewInfo) else None
