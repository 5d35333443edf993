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
    wildcard: bool = False
    """Found only when a single character that can be any of the loops' stands between them
    (`[\\w.]+.[\\w.]+`, `regex_shapes._takes_any_of`): the default rule reports it on text shown
    to be untrusted, the wider reading on any other."""


def exponential_alone(flags: int, function: str, pattern: str | bytes) -> bool:
    """Whether `pattern` alone has an exponential shape (a piece of an assembled pattern)."""
    found = pattern_problem(pattern, flags, function, wide=False)
    return found is not None and found.problem.exponential


def pattern_problem(pattern: str | bytes, flags: int, function: str, wide: bool) -> Found | None:
    """The worst backtracking problem of a constant pattern, None for a safe or broken one;
    with `wide`, only a problem the wider reading finds and the default one does not. A problem
    only the wildcard reading finds is marked (`Found.wildcard`) and returned by both: which
    rule reports it depends on where the text comes from."""
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
    if problem is not None:
        return None if wide else Found(problem, starts_at_beginning(tree))
    wildcard = find_problem(tree, whole_match, wildcards=True)
    if wide:
        problem = find_problem(tree, whole_match, wide=True)
    problem = problem or wildcard
    if problem is None:
        return None
    return Found(problem, starts_at_beginning(tree), wildcard=wildcard is not None)
