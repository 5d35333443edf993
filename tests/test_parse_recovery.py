"""Broken files and code fragments are still reviewed where they can be; nothing ever raises.

A file with a real syntax error keeps every statement outside the broken region, and the outcome
names the first broken line. A diff hunk (an indented method body, a lone `elif` or `except`
branch) parses as the statements it holds, at their lines in the hunk.
"""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest

import secreview.parse
import secreview.parse.treesitter
from secreview.parse import ParseOutcome, parse_module
from secreview.parse.grammar import ParseTimeoutError, parse_source

PARSE_FIXTURES = Path(__file__).parent / "fixtures" / "parse"


def _calls(outcome: ParseOutcome) -> list[tuple[str, int, int]]:
    """(called name, line, column) of every call in the tree, in source order."""
    assert outcome.tree is not None
    found = []
    for node in ast.walk(outcome.tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            found.append((name, node.lineno, node.col_offset))
    return sorted(found, key=lambda call: call[1:])


def _fixture(name: str) -> ParseOutcome:
    return parse_module((PARSE_FIXTURES / name).read_text(encoding="utf-8"), name)


def test_valid_code_takes_the_host_parser() -> None:
    outcome = parse_module("import os\nos.system(cmd)\n")
    assert outcome.parser == "ast"
    assert not outcome.used_fallback
    assert outcome.error is None
    assert outcome.unrecoverable_lines == ()


def test_a_broken_file_keeps_every_statement_around_the_broken_regions() -> None:
    outcome = _fixture("broken_unclosed_call.py")
    assert outcome.used_fallback
    assert outcome.error == "syntax error at line 8: invalid syntax"
    assert outcome.unrecoverable_lines == (8, 12)
    assert _calls(outcome) == [
        ("os.system", 5, 4),  # before the first error
        ("eval", 9, 4),  # the body of the broken `def`
        ("eval", 13, 8),  # swallowed by the unclosed parenthesis, still a call
        ("eval", 17, 11),  # after the errors
    ]


def test_an_indented_hunk_parses_as_its_statements_at_their_columns() -> None:
    outcome = _fixture("hunk_method_body.py")
    assert outcome.used_fallback
    assert outcome.error is None
    assert outcome.tree is not None
    kinds = [type(statement).__name__ for statement in outcome.tree.body]
    assert kinds == ["Assign", "Assign", "Return", "FunctionDef"]
    assert _calls(outcome) == [("eval", 2, 17)]


@pytest.mark.parametrize(
    ("name", "calls"),
    [
        ("hunk_elif_branch.py", [("exec", 2, 8), ("eval", 4, 8)]),
        ("hunk_except_branch.py", [("eval", 2, 4), ("cleanup", 4, 4)]),
    ],
)
def test_a_hunk_starting_with_a_branch_parses_as_the_branch(
    name: str, calls: list[tuple[str, int, int]]
) -> None:
    outcome = _fixture(name)
    assert outcome.error is None
    assert _calls(outcome) == calls


def test_a_lone_elif_keeps_its_condition() -> None:
    outcome = parse_module("elif mode == 'x':\n    run()\n")
    assert outcome.tree is not None and outcome.error is None
    (statement,) = outcome.tree.body
    assert isinstance(statement, ast.If)
    assert ast.unparse(statement.test) == "mode == 'x'"
    assert (statement.lineno, statement.end_lineno) == (1, 2)


def test_python2_statements_become_the_calls_they_mean() -> None:
    outcome = _fixture("python2_module.py")
    assert outcome.error is None and outcome.unrecoverable_lines == ()
    assert _calls(outcome) == [("print", 3, 0), ("os.system", 4, 0), ("exec", 5, 0)]


def test_print_chevron_in_python2_code_names_the_file() -> None:
    """Only a file the host rejects reaches tree-sitter: there `>>` is Python 2's file target."""
    outcome = parse_module("print >> sys.stderr, 'message'\nx = (\n")
    assert outcome.tree is not None
    assert ast.unparse(outcome.tree.body[0]) == "print('message', file=sys.stderr)"


def test_the_host_error_stands_where_tree_sitter_is_lenient() -> None:
    """tree-sitter accepts `f(**a, *b)`; Python does not, and no newer syntax explains it."""
    outcome = parse_module("f(**kwargs, *args)\neval(code)\n")
    assert outcome.error == (
        "syntax error at line 1: iterable argument unpacking follows keyword argument unpacking"
    )
    assert outcome.unrecoverable_lines == (1,)
    assert outcome.tree is not None and len(outcome.tree.body) == 2


def test_newer_syntax_next_to_a_real_error_reports_the_real_error() -> None:
    outcome = parse_module("def f[T](x: T):\n    return x\ny = (1,\n")
    assert outcome.error is not None and outcome.error.startswith("syntax error at line 3")
    assert outcome.tree is not None
    assert isinstance(outcome.tree.body[0], ast.FunctionDef)


def test_an_empty_body_is_reported() -> None:
    outcome = parse_module("def handler(request):\n    data = load(\n")
    assert outcome.error is not None and outcome.error.startswith("syntax error at line 2")
    assert outcome.tree is not None
    assert [type(s).__name__ for s in outcome.tree.body] == ["FunctionDef"]


def test_windows_line_endings_and_a_byte_order_mark() -> None:
    outcome = parse_module("\ufeffdef f[T](x):\r\n    return eval(x)\r\n")
    assert outcome.error is None
    assert _calls(outcome) == [("eval", 2, 11)]


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "(" * 3000 + "1" + ")" * 3000 + "\n",
        "x = " + "not " * 5000 + "a\n",
        "x = " + "-" * 5000 + "a\n",
        "x = " + "a if b else " * 2000 + "c\n",
        "x = " + " + ".join(["a"] * 20000) + "\n",
        "x = a" + ".b" * 20000 + "\n",
        "x = f" + "()" * 20000 + "\n",
        "".join("    " * depth + "if x:\n" for depth in range(150)) + "    " * 150 + "pass\n",
        "def (((( ]]] :::: \n" * 500,
        "x = 1\0\ny = eval(z)\n",
        "\ud800 = 1\n",
    ],
    ids=[
        "parentheses",
        "not",
        "negation",
        "conditional",
        "sum",
        "attributes",
        "calls",
        "indentation",
        "garbage",
        "null-byte",
        "surrogate",
    ],
)
def test_pathological_input_never_raises_and_ends_quickly(text: str) -> None:
    started = time.monotonic()
    outcome = parse_module(text, "pathological.py")
    assert time.monotonic() - started < 20
    assert outcome.tree is not None or outcome.error is not None
    if outcome.error is not None:
        assert outcome.error.startswith("syntax error at line ")


def test_a_large_file_with_newer_syntax_is_converted_whole() -> None:
    lines = [f"value_{i} = compute({i}, 'text {i}', key=[{i}])\n" for i in range(20_000)]
    text = "def f[T](x: T) -> T:\n    return eval(x)\n" + "".join(lines)
    started = time.monotonic()
    outcome = parse_module(text, "large.py")
    assert time.monotonic() - started < 30
    assert outcome.error is None
    assert outcome.tree is not None and len(outcome.tree.body) == 20_001


def test_statements_nested_too_deeply_are_reported_not_raised() -> None:
    outcome = parse_module("eval(a)\nx = " + "-" * 5000 + "a\neval(b)\n")
    assert outcome.unrecoverable_lines == (2,)
    assert _calls(outcome) == [("eval", 1, 0), ("eval", 3, 0)]


def test_a_parse_past_its_time_budget_is_abandoned() -> None:
    with pytest.raises(ParseTimeoutError):
        parse_source(b"x = 1\n" * 1000, budget_seconds=-1)


def test_a_converter_failure_becomes_an_error_not_an_exception(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(text: str) -> None:
        raise ParseTimeoutError("tree-sitter gave up")

    # Imported only when the host parser fails, so patched where it is defined.
    monkeypatch.setattr(secreview.parse.treesitter, "convert_with_tree_sitter", explode)
    outcome = parse_module("def f[T](): pass\n")
    assert outcome.tree is None
    assert outcome.error == "syntax error at line 1: expected '(' (tree-sitter gave up)"
