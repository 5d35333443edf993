"""The worst backtracking problem of one pattern text (the ReDoS rule's verdict on a text).

Kept apart from the rule so that the parser and the shape analysis (`regex_tree`,
`regex_shapes`) load only with the first constant pattern: most files compile none, and a
one-file scan should not pay for them at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from secreview.analysis.rules._support.regex_shapes import Problem

MAX_PATTERN_LENGTH = 10_000
"""Longer constants are data, not hand-written patterns."""


class Found(NamedTuple):
    """A pattern's worst problem, and whether every match must start where the text begins."""

    problem: Problem
    anchored: bool


def exponential_alone(flags: int, function: str, pattern: str | bytes) -> bool:
    """Whether `pattern` alone has an exponential shape (a piece of an assembled pattern)."""
    found = pattern_problem(pattern, flags, function, wide=False)
    return found is not None and found.problem.exponential


def pattern_problem(pattern: str | bytes, flags: int, function: str, wide: bool) -> Found | None:
    """The worst backtracking problem of a constant pattern, None for a safe or broken one;
    with `wide`, only a problem the wider reading finds and the default one does not."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return None
    # Imported here, with the first constant pattern (see the module's docstring).
    from secreview.analysis.rules._support.regex_shapes import find_problem
    from secreview.analysis.rules._support.regex_tree import parse_pattern, starts_at_beginning

    tree = parse_pattern(pattern, flags)
    if tree is None:
        return None
    whole_match = function == "fullmatch"
    problem = find_problem(tree, whole_match)
    if wide:
        problem = None if problem is not None else find_problem(tree, whole_match, wide=True)
    return None if problem is None else Found(problem, starts_at_beginning(tree))
