"""The evidence of a string built step by step names each step for what it did.

A pattern rule that reports a command or a query assembled from run-time values lists the
assignments the value went through. The assignment that spliced it in says so with the value;
each later one only passed the text on, and says which name it passed it to. Before, every step
repeated the spliced value ("`x4 + "a"` spliced into the text here" at the lines of `x6`, `x7`,
...), which sent a reader to the wrong expression.
"""

from __future__ import annotations

import textwrap

from secreview.pipeline import review_source

SOURCE = """
import os


def run(name):
    cmd = "ls "
    cmd += name
    sorted_cmd = cmd + " | sort"
    paged = sorted_cmd + " | less"
    os.system(paged)
"""


def _notes_by_line() -> dict[int, str]:
    report = review_source(textwrap.dedent(SOURCE), "run.py")
    assert report.error is None, report.error
    [finding] = [f for f in report.findings if f.rule_id == "shell-command-injection"]
    return {step.location.line: step.note for step in finding.evidence}


def test_the_assignment_that_splices_the_value_names_it() -> None:
    assert _notes_by_line()[7] == "`name` spliced into the text here"


def test_later_assignments_name_what_they_pass_the_text_to() -> None:
    notes = _notes_by_line()
    assert notes[8] == "the text goes on as `sorted_cmd`"
    assert notes[9] == "the text goes on as `paged`"
