"""Syntax newer than the host (Python 3.12, 3.13, 3.14) parses, as its nearest 3.11 `ast`.

Each fixture in `tests/fixtures/parse/` has a twin, `*.as311.py`, written in Python 3.11: the
nearest 3.11 tree the converter must produce. Where the twin has the same layout (only quote
characters or a string prefix differ), every position must match too.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from secreview.parse import parse_module

PARSE_FIXTURES = Path(__file__).parent / "fixtures" / "parse"
NEWER = sorted(
    path for path in PARSE_FIXTURES.glob("pep*.py") if not path.name.endswith(".as311.py")
)
SAME_LAYOUT = {"pep701_fstrings.py", "pep750_tstrings.py"}


def _twin(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".py") + ".as311.py")


def _only(tree: ast.Module, kind: type[ast.AST]) -> list[ast.AST]:
    return [node for node in ast.walk(tree) if isinstance(node, kind)]


@pytest.mark.parametrize("fixture", NEWER, ids=lambda path: path.name)
def test_newer_syntax_becomes_its_nearest_311_tree(fixture: Path) -> None:
    outcome = parse_module(fixture.read_text(encoding="utf-8"), fixture.name)
    expected = ast.parse(_twin(fixture).read_text(encoding="utf-8"))
    assert outcome.error is None
    assert outcome.unrecoverable_lines == ()
    assert outcome.tree is not None
    assert ast.dump(outcome.tree) == ast.dump(expected)
    if fixture.name in SAME_LAYOUT:
        assert ast.dump(outcome.tree, include_attributes=True) == ast.dump(
            expected, include_attributes=True
        )


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="newer hosts parse some of these")
@pytest.mark.parametrize("fixture", NEWER, ids=lambda path: path.name)
def test_the_host_parser_needs_the_fallback_for_them(fixture: Path) -> None:
    outcome = parse_module(fixture.read_text(encoding="utf-8"), fixture.name)
    assert outcome.used_fallback
    assert outcome.parser == "tree-sitter"


def test_expressions_inside_nested_fstrings_are_real_nodes_at_their_positions() -> None:
    text = 'import os\ndef f[T](d: T):\n    os.system(f"ls {d["path"]}")\n'
    outcome = parse_module(text)
    assert outcome.tree is not None and outcome.error is None
    (call,) = [n for n in _only(outcome.tree, ast.Call)]
    (subscript,) = _only(call, ast.Subscript)
    assert isinstance(subscript, ast.Subscript)
    assert ast.unparse(subscript) == "d['path']"
    line = text.splitlines()[2]
    assert (subscript.lineno, subscript.col_offset) == (3, line.index('d["path"]'))
    assert subscript.end_col_offset == line.index('d["path"]') + len('d["path"]')


def test_fstrings_with_backslashes_comments_and_line_breaks_in_expressions() -> None:
    text = (
        'a = f"{"\\n".join(lines)}"\n'
        'b = f"{value  # a comment\n'
        '}"\n'
        'c = f"{\n'
        "    first +\n"
        "    second\n"
        '}"\n'
    )
    outcome = parse_module(text)
    assert outcome.tree is not None and outcome.error is None
    first, second, third = (statement.value for statement in outcome.tree.body)  # type: ignore[attr-defined]
    join = first.values[0].value
    assert isinstance(join, ast.Call) and isinstance(join.func, ast.Attribute)
    assert join.func.value.value == "\n"  # type: ignore[attr-defined]
    assert ast.unparse(second) == "f'{value}'"
    binary = third.values[0].value
    assert isinstance(binary, ast.BinOp)
    assert (binary.lineno, binary.col_offset, binary.end_lineno, binary.end_col_offset) == (
        5,
        4,
        6,
        10,
    )


def test_template_strings_become_joined_strings() -> None:
    outcome = parse_module('query = t"SELECT {column!r} FROM {table:>10}"\n')
    assert outcome.tree is not None and outcome.error is None
    value = outcome.tree.body[0].value  # type: ignore[attr-defined]
    assert isinstance(value, ast.JoinedStr)
    names = [n.id for n in ast.walk(value) if isinstance(n, ast.Name)]
    assert names == ["column", "table"]


def test_type_alias_becomes_an_assignment_of_its_value() -> None:
    outcome = parse_module("type Handler[T] = Callable[[T], None]\n")
    assert outcome.tree is not None and outcome.error is None
    (assignment,) = outcome.tree.body
    assert isinstance(assignment, ast.Assign)
    assert ast.unparse(assignment) == "Handler = Callable[[T], None]"
    target = assignment.targets[0]
    assert (target.lineno, target.col_offset, target.end_col_offset) == (1, 5, 12)


def test_unparenthesised_except_types_become_a_tuple() -> None:
    outcome = parse_module("try:\n    pass\nexcept A, B as error:\n    handle(error)\n")
    assert outcome.tree is not None and outcome.error is None
    (handler,) = outcome.tree.body[0].handlers  # type: ignore[attr-defined]
    assert ast.unparse(handler.type) == "(A, B)"
    assert handler.name == "error"
    assert (handler.type.col_offset, handler.type.end_col_offset) == (7, 11)


def test_soft_keyword_type_still_reads_as_a_call() -> None:
    """`type(x).y = z` is an assignment, not an alias, even though tree-sitter reads an alias."""
    outcome = parse_module("def f[T](mock):\n    type(mock).attribute = eval(code)\n")
    assert outcome.tree is not None and outcome.error is None
    assignment = outcome.tree.body[0].body[0]  # type: ignore[attr-defined]
    assert ast.unparse(assignment) == "type(mock).attribute = eval(code)"
    assert assignment.targets[0].value.func.col_offset == 4
