"""Inline suppressions: reasons required, comments found by tokenize, nosec only on request."""

from __future__ import annotations

from secreview.config import ScanConfig
from secreview.context.suppressions import find_suppressions
from secreview.pipeline import review_source

EVAL = "def run(expression):\n    return eval(expression){comment}\n"


def rules_and_lines(text: str, config: ScanConfig | None = None) -> list[tuple[str, int]]:
    report = review_source(text, "app.py", config)
    return [(f.rule_id, f.location.line) for f in report.findings]


def test_a_suppression_with_a_reason_hides_the_finding() -> None:
    text = EVAL.format(comment="  # secreview: ignore[eval-injection] input is a constant")
    assert rules_and_lines(text) == []


def test_a_suppression_without_a_reason_is_reported() -> None:
    text = EVAL.format(comment="  # secreview: ignore[eval-injection]")
    assert rules_and_lines(text) == [("bad-suppression", 2)]


def test_a_comment_line_above_covers_the_next_code_line_only() -> None:
    text = (
        "def run(expression, other):\n"
        "    # secreview: ignore[eval-injection] the caller passes a formula from settings\n"
        "    first = eval(expression)\n"
        "    return first, eval(other)\n"
    )
    assert rules_and_lines(text) == [("eval-injection", 4)]


def test_other_rules_are_not_suppressed() -> None:
    text = EVAL.format(comment="  # secreview: ignore[weak-hash] wrong rule")
    assert rules_and_lines(text) == [("eval-injection", 2)]


def test_text_inside_strings_is_not_a_suppression() -> None:
    text = (
        "def run(expression):\n"
        '    return eval(expression), "# secreview: ignore[eval-injection] x"\n'
    )
    assert find_suppressions(text) == ()
    assert rules_and_lines(text) == [("eval-injection", 2)]


def test_nosec_only_with_honour_nosec() -> None:
    text = EVAL.format(comment="  # nosec")
    assert rules_and_lines(text) == [("eval-injection", 2)]
    assert rules_and_lines(text, ScanConfig(honour_nosec=True)) == []


def test_unused_suppressions_only_when_asked() -> None:
    text = "x = 1  # secreview: ignore[eval-injection] there used to be an eval here\n"
    assert rules_and_lines(text) == []
    found = review_source(text, "app.py", ScanConfig(report_unused_suppressions=True)).findings
    assert [(f.rule_id, f.location.line) for f in found] == [("bad-suppression", 1)]
    assert "matches no finding" in found[0].message


def test_suppressions_survive_a_file_that_stops_tokenizing() -> None:
    text = EVAL.format(comment="  # secreview: ignore[eval-injection] constant") + 'x = """\n'
    assert [s.rule_ids for s in find_suppressions(text)] == [("eval-injection",)]


def test_a_suppression_on_the_sink_covers_a_flow_reported_where_the_fix_goes() -> None:
    """path-traversal is reported at the join; a comment on the `open` it reaches still counts,
    while one on an unrelated line does not."""
    text = (
        "import os\n"
        "from flask import request\n"
        "def read():\n"
        "    path = os.path.join('/srv/files', request.args['name'])\n"
        "    return open(path).read(){comment}\n"
        "def other():\n"
        "    return 1{other}\n"
    )
    reason = "  # secreview: ignore[path-traversal] the proxy allows known names only"
    assert rules_and_lines(text.format(comment="", other="")) == [("path-traversal", 4)]
    assert rules_and_lines(text.format(comment=reason, other="")) == []
    assert rules_and_lines(text.format(comment="", other=reason)) == [("path-traversal", 4)]
