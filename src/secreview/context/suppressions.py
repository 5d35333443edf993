"""Inline suppressions: `# secreview: ignore[RULE-ID, ...] reason`, and Bandit's `# nosec`.

Comments are found with `tokenize`, so text that only looks like a suppression inside a string
is never one. A suppression covers its own line when it trails code, and the next code line when
it stands alone on its line; it suppresses a finding reported on a covered line, or one whose
data flow ends at a call on a covered line (its sink). A reason is required: a suppression is a
security decision and the next reviewer must be able to judge it, so one without a reason still
works but is reported.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Sequence
from typing import NamedTuple

from secreview.context.bandit import rules_for_bandit
from secreview.findings import Finding
from secreview.patterns import lazy_pattern
from secreview.text import source_lines

_SUPPRESSION = lazy_pattern(
    r"#\s*secreview:\s*ignore\[(?P<rules>[^\]]*)\](?P<reason>.*)$", re.IGNORECASE
)
_NOSEC = lazy_pattern(r"#\s*nosec\b:?(?P<ids>(?:[\s,]*B\d{3}\b)*)", re.IGNORECASE)
_BANDIT_ID = lazy_pattern(r"B\d{3}", re.IGNORECASE)
_MENTION = lazy_pattern(r"#\s*secreview\b\s*(?::|ignore\b|disable\b|noqa\b)", re.IGNORECASE)
"""A comment that means to talk to secreview; one `_SUPPRESSION` does not match is malformed."""
NOSEC = "nosec"
MALFORMED = "malformed"


class Suppression(NamedTuple):
    """One suppression comment: where it is, the lines it covers, what it ignores and why."""

    line: int
    column: int
    end_column: int
    covers: frozenset[int]
    rule_ids: tuple[str, ...]
    """Rule ids it ignores; for `# nosec`, empty (it ignores every rule)."""
    reason: str
    text: str
    kind: str = "secreview"
    """"secreview", NOSEC, or MALFORMED (mentions secreview, suppresses nothing)."""
    bandit_ids: tuple[str, ...] = ()
    """For `# nosec B602, B607`: the Bandit ids named (upper case); empty: every rule."""

    def matches(self, finding: Finding) -> bool:
        """Whether this comment suppresses `finding` (on a covered line, for a named rule).

        The lines are the finding's own and its sink's: a data-flow finding may be reported
        where the fix goes (path-traversal at the join) while the comment sits on the dangerous
        call it vouches for, as it did before findings moved to the join."""
        location = finding.location
        lines = [*range(location.line, (location.end_line or location.line) + 1)]
        if finding.evidence:
            lines.append(finding.evidence[-1].location.line)
        if not any(line in self.covers for line in lines):
            return False
        if self.kind == NOSEC:
            return not self.bandit_ids or finding.rule_id in rules_for_bandit(self.bandit_ids)
        return finding.rule_id in self.rule_ids


def _comments(text: str) -> list[tuple[tokenize.TokenInfo, bool]]:
    """Every comment token, and whether it stands alone on its line."""
    found: list[tuple[tokenize.TokenInfo, bool]] = []
    code_lines: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                found.append((token, token.start[0] not in code_lines))
            elif token.type not in (
                tokenize.NL,
                tokenize.NEWLINE,
                tokenize.INDENT,
                tokenize.DEDENT,
                tokenize.ENDMARKER,
            ):
                code_lines.update(range(token.start[0], token.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        pass  # keep the comments seen before the point the file stops tokenizing
    return found


def _next_code_line(text_lines: Sequence[str], after: int) -> int:
    """The first line after `after` that is neither blank nor a comment (1-based)."""
    for number in range(after + 1, len(text_lines) + 1):
        stripped = text_lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return number
    return after


def find_suppressions(text: str, *, honour_nosec: bool = False) -> tuple[Suppression, ...]:
    """All suppression comments of a module, in line order."""
    if "secreview" not in text and not (honour_nosec and "nosec" in text):
        return ()  # tokenizing costs as much as parsing; most files have no comment to find
    text_lines = source_lines(text)
    found: list[Suppression] = []
    for token, alone in _comments(text):
        line, column = token.start
        covers = frozenset({line, _next_code_line(text_lines, line)} if alone else {line})
        match = _SUPPRESSION.search(token.string)
        if match:
            rule_ids = tuple(r.strip() for r in match["rules"].split(",") if r.strip())
            reason = match["reason"].strip().lstrip(":-—").strip()
            found.append(
                Suppression(line, column, token.end[1], covers, rule_ids, reason, token.string)
            )
        elif _MENTION.search(token.string):
            found.append(
                Suppression(line, column, token.end[1], covers, (), "", token.string, MALFORMED)
            )
        elif honour_nosec and (nosec := _NOSEC.search(token.string)):
            ids = tuple(sorted({i.upper() for i in _BANDIT_ID.findall(nosec["ids"])}))
            found.append(
                Suppression(line, column, token.end[1], covers, (), NOSEC, token.string, NOSEC, ids)
            )
    return tuple(found)


def apply_suppressions(
    findings: Sequence[Finding], suppressions: Sequence[Suppression]
) -> tuple[list[Finding], set[tuple[int, str]]]:
    """The findings no comment suppresses, and the (comment line, rule id) pairs that were used
    (rule id '*' for a `# nosec`)."""
    kept: list[Finding] = []
    used: set[tuple[int, str]] = set()
    for finding in findings:
        matching = [s for s in suppressions if s.matches(finding)]
        if not matching:
            kept.append(finding)
        for suppression in matching:
            used.add((suppression.line, "*" if suppression.kind == NOSEC else finding.rule_id))
    return kept, used
