"""The order in which flows are preferred as evidence: shortest path first, then where its steps
are in the source, so the path a finding shows is the same whatever order sets, branches and
workers produced the candidate flows in (a node hashes by identity, so never by hash).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from secreview.analysis.taint.values import Flow

Step = tuple[ast.AST, str]
"""One evidence step: the node where something happened to the data, and what happened."""


def step_position(step: Step) -> tuple[int, int, int, int, str, str]:
    """Where an evidence step is in the source and what it says: a key independent of memory
    addresses and hash seeds (an AST node hashes by identity)."""
    node, note = step
    return (
        getattr(node, "lineno", None) or 0,
        getattr(node, "col_offset", None) or 0,
        getattr(node, "end_lineno", None) or 0,
        getattr(node, "end_col_offset", None) or 0,
        type(node).__name__,
        note,
    )


def evidence_rank(
    flow: Flow,
) -> tuple[int, tuple[tuple[int, int, int, int, str, str], ...], str, str]:
    """The order in which flows are preferred as evidence: the shortest path first, ties broken
    by where its steps are. Choosing by this, never by which flow was met first, keeps the path
    shown the same whatever order sets and workers produced the candidates in."""
    steps = tuple(map(step_position, flow.steps))
    return (len(flow.steps), steps, ",".join(sorted(flow.safe_for)), repr(flow.within))


def preferred(flow: Flow, current: Flow) -> bool:
    """Whether `flow` is better evidence than `current`: `evidence_rank(flow) <
    evidence_rank(current)`, decided as early as it can be.

    The lengths are compared first; then the steps pairwise, where two paths that share their
    start (the same step objects, the usual case) are told apart at their first differing step
    instead of by ranking every step of both. Equal steps have equal positions, so this is the
    same order as the whole ranks; when all positions are equal the rest of the ranks decide.
    """
    steps, others = flow.steps, current.steps
    if len(steps) != len(others):
        return len(steps) < len(others)
    if flow is current:
        return False
    for mine, theirs in zip(steps, others, strict=True):
        if mine is theirs or mine == theirs:  # the same node and note: the same position
            continue
        position, other = step_position(mine), step_position(theirs)
        if position != other:
            return position < other
    if flow.safe_for != current.safe_for:
        return evidence_rank(flow) < evidence_rank(current)
    # The ranks differ at most in their last part (equal sanitisations join to equal text).
    return flow.within is not current.within and repr(flow.within) < repr(current.within)
