"""CWE-710: a suppression comment that gives no reason, or (on request) that suppresses nothing.

Comments are not in the syntax tree, so the findings of this rule are made by the pipeline from
the suppressions it reads with `tokenize` (secreview.context.suppressions); the rule is here so
that it is documented, listed, explainable and can be disabled like any other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

RULE_ID = "bad-suppression"


@rule(
    id=RULE_ID,
    name="Suppression without a reason, or that suppresses nothing",
    cwe=710,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    summary="`# secreview: ignore[...]` with no reason (or, with --report-unused-suppressions, "
    "one that matches no finding).",
    fix="Say after the bracket why the finding is safe to ignore here, e.g. "
    "`# secreview: ignore[eval-injection] input is a constant from settings.py`; "
    "delete suppressions that match nothing.",
    what_it_does="Reports suppression comments that do not say why the finding they hide is "
    "acceptable, and, when asked, suppressions that no longer hide any finding.",
    why_bad="A suppression is a security decision. Without a reason the next reviewer cannot "
    "tell a considered exception from a silenced alarm; a stale suppression silently hides the "
    "next real defect written on that line.",
    example="result = eval(expression)  # secreview: ignore[eval-injection]",
    use_instead="result = eval(expression)  # secreview: ignore[eval-injection] "
    "expression is a constant built two lines above",
    references=(
        "https://cwe.mitre.org/data/definitions/710.html",
        "https://bandit.readthedocs.io/en/latest/config.html#exclusions",
    ),
    visits=(),
    applies_in_tests=True,
)
def bad_suppression(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Never called (no node types visited): the pipeline reports this rule from comments."""
    yield from ()
