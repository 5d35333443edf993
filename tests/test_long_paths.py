"""A long taint path says where it leaves steps out.

A path keeps its first two steps and its last ones (`flows.MAX_STEPS`) so that evidence stays
readable and memory bounded. Before, nothing marked the gap: the evidence went from `v0` straight
to `v7` as if the data had been assigned there directly. Now a step at the first step left out says
so, and a path cut again (extended past the limit twice) keeps one mark, not one per cut.
"""

from __future__ import annotations

from secreview.analysis.taint.flows import LEFT_OUT, MAX_STEPS
from secreview.pipeline import review_source


def _chain(length: int) -> str:
    """A Flask view passing the request's text through `length` assignments to a shell."""
    lines = [
        "import os",
        "from flask import request",
        "",
        "def view():",
        "    v0 = request.args['q']",
        *(f"    v{i} = v{i - 1}.strip()" for i in range(1, length)),
        f"    os.system(v{length - 1})",
    ]
    return "\n".join(lines) + "\n"


def _evidence(length: int) -> list[tuple[int, str]]:
    report = review_source(_chain(length), "view.py")
    assert report.error is None, report.error
    [finding] = [f for f in report.findings if f.rule_id == "tainted-command"]
    return [(step.location.line, step.note) for step in finding.evidence]


def test_a_short_path_is_shown_whole_with_no_mark() -> None:
    evidence = _evidence(4)
    assert [note for _, note in evidence].count(LEFT_OUT) == 0
    assert [line for line, _ in evidence] == [5, 5, 6, 7, 8, 9]


def test_a_long_path_marks_where_it_leaves_steps_out() -> None:
    evidence = _evidence(30)
    notes = [note for _, note in evidence]
    assert notes.count(LEFT_OUT) == 1
    assert notes.index(LEFT_OUT) == 2  # after the source and its first assignment
    assert evidence[2][0] == 6  # the line of the first assignment left out (`v1`)
    assert evidence[-1][0] == 35  # the sink
    assert evidence[-2] == (34, "assigned to `v29`")  # the path's end is kept whole
    assert len(evidence) == MAX_STEPS + 1  # the flow's steps, then the sink
