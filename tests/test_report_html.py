"""The HTML report: valid HTML, everything from the reviewed code escaped and masked, only the
code around findings embedded, counts equal to the JSON report's, review facts shown."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import html5lib
import pytest
from click.testing import CliRunner
from html_report_cases import (
    EXAMPLES,
    HOSTILE_NAME,
    cross_file_result,
    scan_report,
    write_hostile_tree,
)

from secreview.analysis.rules import RULES_BY_ID
from secreview.cli import cli
from secreview.report.html import render_html, script_json
from secreview.report.html.code import MAX_LINE_CHARS, with_code

XHTML = "{http://www.w3.org/1999/xhtml}"


def parse_strict(page: str) -> ElementTree.Element:
    """The page's tree; html5lib's strict mode raises on the first parse error."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=True).parse(page)


def elements(tree: ElementTree.Element, tag: str) -> list[ElementTree.Element]:
    return list(tree.iter(XHTML + tag))


def by_id(tree: ElementTree.Element, anchor: str) -> ElementTree.Element:
    (found,) = [e for e in tree.iter() if e.get("id") == anchor]
    return found


def text_of(element: ElementTree.Element) -> str:
    return "".join(element.itertext())


def test_the_examples_report_is_valid_html(tmp_path: Path) -> None:
    page = scan_report(EXAMPLES, tmp_path / "report.html").read_text(encoding="utf-8")
    tree = parse_strict(page)
    assert len(elements(tree, "article")) == 18
    assert not re.search(r"\b(?:src|href)=\"(?:https?:)?//", page), "the page loads nothing"


def test_counts_equal_the_json_reports(tmp_path: Path) -> None:
    tree = parse_strict(scan_report(EXAMPLES, tmp_path / "r.html").read_text(encoding="utf-8"))
    payload = json.loads(scan_report(EXAMPLES, tmp_path / "r.json", "json").read_text())
    defects = [f for f in payload["findings"] if "note" not in f["tags"]]
    for level in ("critical", "high", "medium", "low"):
        shown = text_of(by_id(tree, f"count-severity-{level}"))
        assert int(shown) == sum(f["severity"] == level for f in defects)
    for finding in defects:
        shown = text_of(by_id(tree, f"count-cwe-{finding['cwe']}"))
        assert int(shown) == sum(f["cwe"] == finding["cwe"] for f in defects)
        assert by_id(tree, f"count-pillar-{finding['pillar']}") is not None


def test_hostile_strings_are_text_not_markup(tmp_path: Path) -> None:
    folder = write_hostile_tree(tmp_path / "code")
    page = scan_report(folder, tmp_path / "report.html").read_text(encoding="utf-8")
    tree = parse_strict(page)
    assert not elements(tree, "img")
    scripts = elements(tree, "script")
    assert [s.get("type") for s in scripts] == ["application/json", None]
    data = scripts[0].text or ""
    assert not set(data) & {"<", ">", "&", "\u2028", "\u2029"}
    assert "onerror=alert(4)" in json.dumps(json.loads(data))
    shown = text_of(tree)
    assert '"echo " + cmd + "</script><img src=x onerror=alert(2)>"' in shown
    assert "<!-- --> ]]> <![CDATA[ x ]]>" in shown
    assert HOSTILE_NAME in shown
    assert "\u2028" not in page and "\\u2028\\u2029 --> <!--" in shown


def test_script_json_cannot_close_its_element() -> None:
    value = {"x": "</script><!-- & \u2028\u2029 ]]> -->"}
    text = script_json(value)
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(text) == value


def test_secrets_in_shown_code_are_masked(tmp_path: Path) -> None:
    secret = "Zq8vN2xL4rT7pW1kM9sB"
    (tmp_path / "settings.py").write_text(
        f'import requests\n\nPASSWORD = "{secret}"\n\n\ndef fetch(url):\n'
        '    return requests.get(url, auth=("admin", PASSWORD))\n'
    )
    page = scan_report(tmp_path, tmp_path.parent / "report.html").read_text(encoding="utf-8")
    assert "PASSWORD = &#34;****&#34;" in page or 'PASSWORD = "****"' in page
    assert secret not in page


def test_only_the_lines_around_findings_and_steps_are_embedded(tmp_path: Path) -> None:
    lines = [f"marker_{n} = {n}" for n in range(1, 301)]
    lines[149] = "eval(load_expression(marker_1))"
    lines[20] = "x" * (MAX_LINE_CHARS * 3)
    (tmp_path / "big.py").write_text("\n".join(lines) + "\n")
    page = scan_report(tmp_path, tmp_path.parent / "report.html").read_text(encoding="utf-8")
    shown = {int(n) for n in re.findall(r'<li value="(\d+)"', page)}
    assert 150 in shown and shown <= set(range(147, 154))
    assert "marker_1 " not in page and "marker_300" not in page and "x" * MAX_LINE_CHARS not in page


def test_a_step_in_another_file_links_to_that_files_line() -> None:
    result, sources = cross_file_result()
    tree = parse_strict(render_html(with_code(result, sources.get), list(RULES_BY_ID.values())))
    card = by_id(tree, "f1")
    steps = [a for a in card.iter(XHTML + "a") if a.get("class") == "step"]
    assert len(steps) == 3
    first = by_id(tree, steps[0].get("href", "")[1:])
    assert text_of(first) == "    return run(request.args['q'])" and first.get("value") == "7"
    assert "in views.py" in text_of(card)
    sink = by_id(tree, steps[2].get("href", "")[1:])
    assert "sink" in (sink.get("class") or "") and "os.system(prepared)" in text_of(sink)
    assert by_id(tree, "rule-tainted-command").tag == XHTML + "details"


def test_the_same_result_renders_the_same_bytes() -> None:
    result, sources = cross_file_result()
    rules = list(RULES_BY_ID.values())
    assert render_html(with_code(result, sources.get), rules) == render_html(
        with_code(result, sources.get), rules
    )


BEFORE = "import os\n\n\ndef calc(expression):\n    return eval(expression)\n"
AFTER = (
    "import os\n\n\ndef run(cmd):\n    return os.system(cmd)\n\n\n"
    "def calc(expression):\n    return int(expression)\n"
)


@pytest.fixture
def reviewed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ElementTree.Element:
    """The HTML review of a change that removes an `eval` and adds an `os.system`."""
    (tmp_path / "app.py").write_text(AFTER)
    diff = "".join(
        difflib.unified_diff(
            BEFORE.splitlines(keepends=True),
            AFTER.splitlines(keepends=True),
            "a/app.py",
            "b/app.py",
        )
    )
    (tmp_path / "change.diff").write_text(diff)
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(
        cli,
        ["review", "--diff", "change.diff", "--format", "html", "-o", "review.html"],
        catch_exceptions=False,
    )
    assert run.exit_code == 1, run.output
    return parse_strict((tmp_path / "review.html").read_text(encoding="utf-8"))


def test_a_review_marks_added_lines_and_lists_resolved_findings(
    reviewed: ElementTree.Element,
) -> None:
    rows = {li.get("value"): li.get("class") or "" for li in elements(reviewed, "li")}
    assert "add" in rows["4"] and "add" in rows["5"] and "sink" in rows["5"]
    assert "add" not in rows["8"]  # `def calc`: shown, not changed
    resolved = by_id(reviewed, "resolved")
    assert "eval" in text_of(resolved) and "before the change" in text_of(resolved)
    data = json.loads(elements(reviewed, "script")[0].text or "")
    assert {f["status"] for f in data["findings"]} == {"new", "resolved"}
    assert "Security review of a change" in text_of(reviewed)
