"""A flow through a call the scan does not follow says so and is not rated as proven
(`analysis/taint/unread_calls.py`)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from secreview.analysis.taint.unread_calls import HIDDEN_NOTE
from secreview.config import ScanConfig
from secreview.findings import Confidence, Finding
from secreview.pipeline import review_source
from secreview.scanner import scan

_UNREAD = "which the scan does not follow"


def _finding(body: str, rule_id: str = "path-traversal") -> Finding:
    source = textwrap.dedent(
        """
        import textwrap
        from flask import Flask, request, send_file
        from ledger import g
        import markdown_helpers

        app = Flask(__name__)

        @app.route("/f")
        def f():
        """
    ) + textwrap.indent(textwrap.dedent(body), "    ")
    report = review_source(source, "app.py")
    assert report.error is None, report.error
    (finding,) = [f for f in report.findings if f.rule_id == rule_id]
    return finding


def _notes(finding: Finding) -> list[str]:
    return [step.note for step in finding.evidence]


def test_a_method_of_an_object_nothing_describes_is_named_and_caps_confidence() -> None:
    finding = _finding(
        """
        path = g.ledger.statement_path(request.args["entry"])
        return send_file(path)
        """
    )
    assert finding.confidence == Confidence.MEDIUM
    assert any(
        note.startswith("through `g.ledger.statement_path()`") and _UNREAD in note
        for note in _notes(finding)
    )


def test_a_function_of_an_imported_module_the_scan_was_not_given_is_unread() -> None:
    finding = _finding(
        """
        return send_file(markdown_helpers.page_path(request.args["page"]))
        """
    )
    assert finding.confidence == Confidence.MEDIUM
    assert any("`markdown_helpers.page_path()`" in note for note in _notes(finding))


def test_builtins_and_the_standard_library_keep_the_proven_flow() -> None:
    finding = _finding(
        """
        name = textwrap.dedent(request.args["name"])
        return send_file(str(reversed(name)))
        """
    )
    assert finding.confidence == Confidence.HIGH
    assert not any(_UNREAD in note for note in _notes(finding))


def test_a_direct_flow_stays_high() -> None:
    finding = _finding('return send_file(request.args["name"])\n')
    assert finding.confidence == Confidence.HIGH
    assert not any(_UNREAD in note for note in _notes(finding))


def test_a_proven_path_to_the_same_sink_is_the_one_shown() -> None:
    """Even when the path through the unread call is the shorter one."""
    finding = _finding(
        """
        raw = request.args["name"]
        first = raw
        second = first
        third = second
        name = g.ledger.resolve(raw) if raw.endswith(".txt") else third
        return send_file(name)
        """
    )
    assert finding.confidence == Confidence.HIGH
    assert not any(_UNREAD in note for note in _notes(finding))


def test_a_call_hidden_inside_another_modules_summary_is_said_in_the_evidence(
    tmp_path: Path,
) -> None:
    """The summary of `helpers.resolve` shows only "returned by"; the rating still says why."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text(
        "from ledger import g\n\n\ndef resolve(name):\n    return g.ledger.lookup(name)\n"
    )
    (package / "app.py").write_text(
        "from flask import Flask, request, send_file\n\nfrom pkg import helpers\n\n"
        'app = Flask(__name__)\n\n\n@app.route("/f")\ndef f():\n'
        '    return send_file(helpers.resolve(request.args["n"]))\n'
    )
    result = scan([str(tmp_path)], ScanConfig(), jobs=1)
    (finding,) = [f for r in result.files for f in r.findings if f.rule_id == "path-traversal"]
    assert finding.confidence == Confidence.MEDIUM
    assert finding.evidence[-1].note == HIDDEN_NOTE
