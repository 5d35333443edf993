"""A path-traversal finding at the join stands for every file operation the join reaches."""

from __future__ import annotations

import textwrap

from secreview.findings import Confidence, Finding
from secreview.pipeline import review_source

VIEW = textwrap.dedent(
    """
    import os
    from flask import Flask, request
    from . import fsutil

    app = Flask(__name__)

    @app.route("/move")
    def move():
        target = os.path.join("/srv/files", request.args["name"])
        fsutil.rename(target, "/srv/trash")
        return open(target).read()
    """
)


def _path_findings(text: str) -> list[Finding]:
    """The path-traversal findings of `text` reviewed as a module of package `pkg`."""
    report = review_source(text, "pkg/views.py", module="pkg.views")
    assert report.error is None, report.error
    return [f for f in report.findings if f.rule_id == "path-traversal"]


def test_one_finding_at_the_join_with_the_surest_sink() -> None:
    """The guessed helper (low) and `open` (high) share one join: one finding, high, there."""
    findings = _path_findings(VIEW)
    assert [(f.location.line, f.confidence) for f in findings] == [(10, Confidence.HIGH)]
    assert "os.path.join(" in findings[0].message
    assert findings[0].evidence[-1].location.line == 12


def test_guessed_sink_alone_stays_low() -> None:
    """Without `open`, the join is reported for the guess, at low confidence."""
    text = VIEW.replace("return open(target).read()", "return 'moved'")
    findings = _path_findings(text)
    assert [(f.location.line, f.confidence) for f in findings] == [(10, Confidence.LOW)]
