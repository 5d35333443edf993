"""Tell new findings from pre-existing and resolved ones.

With the file's version before the change, a finding is new when its fingerprint occurs more
often after the change than before: fingerprints hold no line number, so code that only moved
keeps its fingerprint. Without that version, a finding is new when it touches an added line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from secreview.findings import Finding


@dataclass(frozen=True, slots=True)
class Classified:
    """Findings after the change split into new and pre-existing, and findings it removed."""

    new: tuple[Finding, ...]
    pre_existing: tuple[Finding, ...]
    resolved: tuple[Finding, ...] = ()


def touches(finding: Finding, lines: Collection[int]) -> bool:
    """Whether the finding's span or one of its evidence steps (in its file) is on `lines`."""
    location = finding.location
    end = location.end_line or location.line
    if any(line in lines for line in range(location.line, end + 1)):
        return True
    return any(
        step.location.path == location.path and step.location.line in lines
        for step in finding.evidence
    )


def _by_fingerprint(findings: Sequence[Finding]) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in sorted(findings, key=Finding.sort_key):
        groups[finding.fingerprint].append(finding)
    return groups


def by_fingerprint(
    before: Sequence[Finding], after: Sequence[Finding], added_lines: Collection[int]
) -> Classified:
    """Compare fingerprint counts; when a fingerprint gained k occurrences, the k new ones are
    those touching added lines first (the copy the change wrote), then the last in the file."""
    old, current = _by_fingerprint(before), _by_fingerprint(after)
    new: list[Finding] = []
    pre_existing: list[Finding] = []
    for fingerprint, group in current.items():
        gained = len(group) - len(old.get(fingerprint, ()))
        if gained <= 0:
            pre_existing.extend(group)
            continue
        ranked = sorted(
            group,
            key=lambda f: (not touches(f, added_lines), -f.location.line, -f.location.column),
        )
        new.extend(ranked[:gained])
        pre_existing.extend(ranked[gained:])
    resolved = [
        finding
        for fingerprint, group in old.items()
        for finding in group[len(current.get(fingerprint, ())) :]
    ]
    return Classified(
        new=tuple(sorted(new, key=Finding.sort_key)),
        pre_existing=tuple(sorted(pre_existing, key=Finding.sort_key)),
        resolved=tuple(sorted(resolved, key=Finding.sort_key)),
    )


def by_added_lines(after: Sequence[Finding], added_lines: Collection[int]) -> Classified:
    """Without a base version: new when the finding touches an added line."""
    ordered = sorted(after, key=Finding.sort_key)
    return Classified(
        new=tuple(f for f in ordered if touches(f, added_lines)),
        pre_existing=tuple(f for f in ordered if not touches(f, added_lines)),
    )
