"""Markdown reports parsed as CommonMark (markdown-it-py): the tree holds what was meant.

Quoted code is a code span whose content is exactly the code, every detail of a finding stays
inside its list item (from item 10 on too), and text from the reviewed repository never turns
into headings, links, HTML or emphasis.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from secreview.findings import (
    CheckedWeakness,
    Confidence,
    EvidenceStep,
    FileReport,
    Finding,
    Location,
    ScanResult,
    Severity,
)
from secreview.report.comments import comment_text
from secreview.report.markdown import render_markdown
from secreview.report.text import excerpt_rows
from secreview.review.model import REVIEW_KEY, ChangeExcerpt, ExcerptLine, ReviewInfo, finding_key

PARSER = MarkdownIt("commonmark")
TICKED = "run(`ls ``-la``` + cmd)"
HOSTILE_MESSAGE = (
    "# Not a heading <script>alert(1)</script> [click](https://evil.example) *x* @admin"
)


def _finding(line: int, **changes: object) -> Finding:
    base = Finding(
        rule_id="command-injection",
        cwe=78,
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        location=Location("app.py", line, 4, line, 30),
        message="`cmd` reaches `os.system` as a shell command.",
        fix="Pass a list to `subprocess.run`.",
        evidence=(EvidenceStep(Location("app.py", line, 4), "`cmd` is a parameter"),),
        fingerprint=f"fp{line}",
        snippet=TICKED,
    )
    return base._replace(**changes)


def _result(*findings: Finding, **extra: object) -> ScanResult:
    return ScanResult(
        files=(FileReport("app.py", findings=findings),),
        checked=(CheckedWeakness(78, len(findings)), CheckedWeakness(89, 0)),
        extra=dict(extra),
    )


def _tokens(markdown: str) -> list[Token]:
    return PARSER.parse(markdown)


def _inline_children(tokens: list[Token]) -> list[Token]:
    return [child for token in tokens if token.type == "inline" for child in token.children or ()]


def _list_items(tokens: list[Token], list_type: str) -> list[list[Token]]:
    """The tokens inside each item of the top-level lists of `list_type`."""
    items: list[list[Token]] = []
    depth = 0
    current: list[Token] | None = None
    for token in tokens:
        if token.type == f"{list_type}_open" and depth == 0:
            depth = token.level + 1
            continue
        if token.type == f"{list_type}_close" and token.level == depth - 1:
            depth = 0
            continue
        if depth and token.type == "list_item_open" and token.level == depth:
            current = []
            items.append(current)
        elif current is not None and depth:
            current.append(token)
    return items


def test_code_with_backticks_is_one_code_span_holding_exactly_the_code() -> None:
    tokens = _tokens(render_markdown(_result(_finding(3))))
    spans = [t.content for t in _inline_children(tokens) if t.type == "code_inline"]
    assert TICKED in spans
    assert "cmd" in spans and "os.system" in spans and "subprocess.run" in spans


def test_details_of_items_ten_and_beyond_stay_inside_their_item() -> None:
    findings = [_finding(line) for line in range(1, 13)]
    tokens = _tokens(render_markdown(_result(*findings)))
    items = _list_items(tokens, "ordered_list")
    assert len(items) == 12
    for item in items:
        nested = [t for t in item if t.type == "bullet_list_open"]
        assert nested, "each finding holds its details as a nested list"
        texts = " ".join(t.content for t in item if t.type == "inline")
        assert "Category:" in texts and "Solution:" in texts and "Evidence:" in texts
    assert not any(t.type == "code_block" for t in tokens)


def test_repository_text_never_becomes_markdown_structure() -> None:
    finding = _finding(3, message=HOSTILE_MESSAGE, fix="1. no list\n## no heading")
    tokens = _tokens(render_markdown(_result(finding)))
    kinds = {t.type for t in tokens} | {t.type for t in _inline_children(tokens)}
    assert not kinds & {"html_block", "html_inline", "link_open", "em_open", "code_block"}
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == ["Security review", "`app.py`"]
    text = "".join(t.content for t in _inline_children(tokens) if t.type == "text")
    assert HOSTILE_MESSAGE in text


def test_a_change_block_is_a_fence_inside_its_item_and_shown_once_per_location() -> None:
    first, second = _finding(3), _finding(3, rule_id="eval-injection", cwe=95, fingerprint="e")
    excerpt = ChangeExcerpt(
        (
            ExcerptLine("-", "    os.system(```x```)", None),
            ExcerptLine("+", "    os.system(cmd)", 3),
        )
    )
    info = ReviewInfo(
        base="main",
        head="HEAD",
        excerpts={finding_key(first): excerpt, finding_key(second): excerpt},
    )
    markdown = render_markdown(_result(first, second, **{REVIEW_KEY: info}))
    items = _list_items(_tokens(markdown), "ordered_list")
    fences = [[t for t in item if t.type == "fence"] for item in items]
    assert [len(f) for f in fences] == [1, 0]
    assert fences[0][0].info == "diff"
    rows = [row for _, row in excerpt_rows(excerpt)]
    assert fences[0][0].content == "\n".join(rows) + "\n"
    assert "Change: as for finding 1 above" in " ".join(
        t.content for t in items[1] if t.type == "inline"
    )


def test_checked_list_is_one_line_by_default() -> None:
    markdown = render_markdown(_result(_finding(3)))
    assert "2 weakness classes checked, 1 found" in markdown
    assert "CWE-89" not in markdown


def test_no_checked_list_on_an_empty_review() -> None:
    empty = ScanResult(files=(), checked=(CheckedWeakness(78, 0),))
    assert "checked" not in render_markdown(empty).lower()


def test_review_comments_use_the_same_builder() -> None:
    finding = _finding(3, evidence=(EvidenceStep(Location("a`b.py", 2), "`x` from input"),))
    tokens = _tokens(comment_text(finding, markdown=True))
    children = _inline_children(tokens)
    spans = [t.content for t in children if t.type == "code_inline"]
    assert "a`b.py:2" in spans and "command-injection" in spans
    (link,) = [t for t in children if t.type == "link_open"]
    assert link.attrs["href"] == "https://cwe.mitre.org/data/definitions/78.html"
    assert any(t.type == "ordered_list_open" for t in tokens)
