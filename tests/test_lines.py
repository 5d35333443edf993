"""Lines are Python's lines, and a whitespace-only change never makes a finding new or resolved.

`str.splitlines()` also breaks at form feeds, `\\v`, `\\x1c`-`\\x1e`, `\\x85`, `\\u2028` and
`\\u2029`; Python's tokenizer does not, so line numbers, snippets and suppressions must not either.
"""

from __future__ import annotations

import ast
import difflib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.analysis.engine import fingerprint
from secreview.cli import cli
from secreview.pipeline import review_source
from secreview.text import first_line, source_lines, source_lines_with_ends

ODD_BREAKS = "\x0c\x0b\x1c\x1d\x1e\x85\u2028\u2029"
HEAD = (
    "import os\n"
    "\x0c\n"
    f"# a comment holding {ODD_BREAKS} and more\n"
    f'NOTE = "a string holding {ODD_BREAKS} too"\n'
    "x = 1  \x0c  # a form feed inside a line\n"
    '"""A docstring\u2028with a line separator."""\n'
    "\n\n"
)
VULNERABLE_LINE = "    return eval(user_input)"


def eval_line(source: str) -> int:
    """The line `ast` gives the call to `eval`."""
    return next(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "eval"
    )


def test_python_lines_split_only_at_newlines() -> None:
    text = f"a{ODD_BREAKS}b\n\nc\n"
    assert source_lines(text) == [f"a{ODD_BREAKS}b", "", "c"]
    assert source_lines_with_ends(text) == [f"a{ODD_BREAKS}b\n", "\n", "c\n"]
    assert "".join(source_lines_with_ends("x\ny")) == "x\ny"
    assert first_line(f"a{ODD_BREAKS}b\nc") == f"a{ODD_BREAKS}b"
    assert len(text.splitlines()) > len(source_lines(text))  # what the helper is for


def test_line_numbers_and_snippets_follow_python() -> None:
    source = HEAD + f"def run(user_input):\n{VULNERABLE_LINE}\n"
    report = review_source(source, "app.py")
    [finding] = [f for f in report.findings if f.rule_id == "eval-injection"]
    assert finding.location.line == eval_line(source) == 10
    assert finding.snippet == "eval(user_input)"


@pytest.mark.parametrize(
    "vulnerable",
    [
        f"{VULNERABLE_LINE}  # secreview: ignore[eval-injection] reviewed: input is a constant",
        f"    # secreview: ignore[eval-injection] reviewed: input is a constant\n{VULNERABLE_LINE}",
    ],
)
def test_suppressions_cover_python_lines(vulnerable: str) -> None:
    source = HEAD + f"def run(user_input):\n{vulnerable}\n"
    report = review_source(source, "app.py")
    assert not [f for f in report.findings if f.rule_id == "eval-injection"]


def test_a_standalone_suppression_skips_odd_breaks_to_the_right_line() -> None:
    """The comment covers the next code line; a line holding only a form feed is blank."""
    source = (
        HEAD
        + "def run(user_input):\n"
        + "    # secreview: ignore[eval-injection] reviewed: input is a constant\n"
        + "    \x0c\n"
        + f"    y = '{ODD_BREAKS}'\n"
        + f"{VULNERABLE_LINE}\n"
    )
    report = review_source(source, "app.py")
    [finding] = [f for f in report.findings if f.rule_id == "eval-injection"]
    assert finding.location.line == eval_line(source)


def review_diff(folder: Path, before: str, after: str) -> dict[str, list[dict[str, object]]]:
    (folder / "app.py").write_text(after, newline="")
    diff = "".join(
        difflib.unified_diff(
            source_lines_with_ends(before), source_lines_with_ends(after), "a/app.py", "b/app.py"
        )
    )
    result = CliRunner().invoke(
        cli, ["review", "-C", str(folder), "--diff", "-", "--format", "json"], input=diff
    )
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_a_review_numbers_lines_as_python_does(tmp_path: Path) -> None:
    before = HEAD + "def helper():\n    return 1\n"
    after = HEAD + f"def run(user_input):\n{VULNERABLE_LINE}\n"
    payload = review_diff(tmp_path, before, after)
    assert [(f["rule_id"], f["line"]) for f in payload["findings"]] == [
        ("eval-injection", eval_line(after))
    ]


VULNERABLE = """\
import subprocess

import requests


class Client:
    def fetch(self, url, user_input):
        response = requests.get(url, params={"q": user_input}, verify=False)
        subprocess.call("grep " + user_input, shell=True)
        return eval(user_input), response
"""
REFORMATTED = (
    "import subprocess\n"
    "\x0c\n"
    "import requests\n"
    "\n\n"
    "class Client:  \n"
    "  def fetch(self, url, user_input):\t\n"
    "    response = requests.get(\n"
    "        url,\n"
    '        params={"q": user_input},  # the query\n'
    "        verify=False\n"
    "    )\n"
    '    subprocess.call("grep "  +  user_input,\x0cshell=True)\n'
    "    return (eval(user_input),\n"
    "            response)\n"
)


def test_a_whitespace_only_change_is_neither_new_nor_resolved(tmp_path: Path) -> None:
    payload = review_diff(tmp_path, VULNERABLE, REFORMATTED)
    assert payload["findings"] == []
    assert payload["resolved"] == []
    # The change did touch every finding, which are still there.
    everything = review_diff(tmp_path, "", REFORMATTED)
    assert len(everything["findings"]) >= 4


def test_fingerprints_ignore_layout_but_not_code() -> None:
    def of(code: str) -> str:
        return fingerprint("rule", "app.py", "f", code)

    same = of("call(a, b=1)")
    assert of("call(a,\n     b=1)") == same
    assert of("call( a ,\x0cb = 1 )  ") == same
    assert of("call(a,  # why\n     b=1)") == same
    assert of("call(a, b=2)") != same
    assert of("call(a, b='x y')") != of("call(a, b='xy')")
