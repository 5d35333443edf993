"""Suppression comments that cannot do what their author meant, said as findings.

A comment that silently suppresses nothing is worse than none: its author believes a finding is
handled. So `# secreview: ignore` without brackets, `ignore[*]`, a rule id that does not exist,
a CWE id where a rule id belongs, and `# nosec B999` for a Bandit id no rule maps from are each
reported (by the `bad-suppression` rule, at the comment).
"""

from __future__ import annotations

from secreview.analysis.rules import ALL_RULES
from secreview.context.bandit import bandit_tests
from secreview.context.suppressions import MALFORMED, NOSEC, Suppression
from secreview.patterns import lazy_pattern

_CWE = lazy_pattern(r"(?i)cwe-?(\d+)")
_BARE_IGNORE = lazy_pattern(r"(?i)#\s*secreview\s*:\s*ignore\b(?!\s*\[)")
FORM = "`# secreview: ignore[RULE-ID] reason`"


def _unknown_rule(name: str, rule_ids: list[str]) -> str:
    if match := _CWE.fullmatch(name):
        cwe = int(match[1])
        reporting = [r.id for r in ALL_RULES if r.cwe == cwe]
        which = f" (reported by {', '.join(reporting)})" if reporting else ""
        return f"{name} is a weakness, not a rule id{which}"
    if name == "*":
        return "`*` is not a rule id: secreview has no blanket suppression"
    import difflib  # on this error path only: difflib is not worth loading at start-up

    close = difflib.get_close_matches(name, rule_ids, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"{name!r} is not a secreview rule id{hint}"


def suppression_problem(suppression: Suppression) -> str | None:
    """Why `suppression` does not suppress what it names (one sentence), or None."""
    if suppression.kind == MALFORMED:
        if _BARE_IGNORE.search(suppression.text):
            return f"`# secreview: ignore` without [RULE-ID] suppresses nothing; write {FORM}."
        return (
            f"This comment is not a suppression secreview reads (write {FORM}); "
            "it suppresses nothing."
        )
    if suppression.kind == NOSEC:
        unknown = [i for i in suppression.bandit_ids if i not in bandit_tests()]
        if not unknown:
            return None
        return (
            f"`# nosec {' '.join(unknown)}`: no secreview rule is mapped from "
            f"{', '.join(unknown)} (`secreview explain B602` shows a mapping), so it "
            "suppresses nothing here."
        )
    if not suppression.rule_ids:
        return f"`ignore[]` names no rule, so it suppresses nothing; write {FORM}."
    rule_ids = [r.id for r in ALL_RULES]
    problems = [
        _unknown_rule(name, rule_ids) for name in suppression.rule_ids if name not in rule_ids
    ]
    if not problems:
        return None
    return f"{'; '.join(problems)}, so it suppresses nothing; write {FORM}."
