"""Python 2 code parses as the Python 3 it means, at its own lines.

The host parser rejects Python 2; tree-sitter reads it, and each Python 2 form becomes its
Python 3 equivalent (`print x` a call to print, `0600` the int 0o600, `except E, e` a handler
binding `e`, `exec code` a call to exec), so the rules see the sinks of old code at the lines
where they are. `python2_mixed.as3.py` is the Python 3 twin of `python2_mixed.py`, line for line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from secreview.parse import parse_module
from secreview.parse.treesitter import convert_with_tree_sitter

PARSE_FIXTURES = Path(__file__).parent / "fixtures" / "parse"


def _tree(text: str) -> ast.Module:
    outcome = parse_module(text)
    assert outcome.error is None, outcome.error
    assert outcome.unrecoverable_lines == ()
    assert outcome.tree is not None
    return outcome.tree


def _lines(tree: ast.AST) -> list[tuple[str, int, int]]:
    """(node kind, first line, last line) of every located node, in walk order."""
    return [
        (type(node).__name__, node.lineno, node.end_lineno or node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, (ast.stmt, ast.expr))
    ]


def test_the_mixed_module_is_its_python3_twin_line_for_line() -> None:
    source = (PARSE_FIXTURES / "python2_mixed.py").read_text(encoding="utf-8")
    twin = ast.parse((PARSE_FIXTURES / "python2_mixed.as3.py").read_text(encoding="utf-8"))
    outcome = parse_module(source, "python2_mixed.py")
    assert outcome.parser == "tree-sitter"
    assert outcome.error is None and outcome.unrecoverable_lines == ()
    assert outcome.tree is not None
    # `ur"..."` keeps the `u` the Python 2 source wrote; the twin cannot spell it.
    assert ast.dump(outcome.tree).replace(", kind='u'", "") == ast.dump(twin)
    assert _lines(outcome.tree) == _lines(twin)


@pytest.mark.parametrize(
    ("python2", "python3"),
    [
        ('print "x", y\n', "print('x', y)"),
        ("print x,\n", "print(x, end=' ')"),
        ("print >>f, x\n", "print(x, file=f)"),
        ("print >>f\n", "print(file=f)"),
        ("os.chmod(p, 0600)\n", "os.chmod(p, 384)"),
        ("x = 0777L + 10l + 0x1FL\n", "x = 511 + 10 + 31"),
        ("exec code\n", "exec(code)"),
        ("exec code in g, l\n", "exec(code, g, l)"),
        ('exec "x = " + y in ns\n', "exec('x = ' + y, ns)"),
        ("exec open(p).read()\n", "exec(open(p).read())"),
        ('exec "x" + y in a == b, c\n', "exec('x' + y, a == b, c)"),
        ("y = `a + b`\n", "y = repr(a + b)"),
        ('raise E, "msg"\n', "raise E('msg')"),
        ("raise E, v, tb\n", "raise E(v).with_traceback(tb)"),
        ("x = a <> b\n", "x = a != b"),
        ("s = ur'\\d'\n", "s = u'\\\\d'"),
        ("try:\n    f()\nexcept E, e:\n    g(e)\n", "try:\n    f()\nexcept E as e:\n    g(e)"),
    ],
)
def test_each_python2_form_becomes_its_python3_meaning(python2: str, python3: str) -> None:
    # The converter itself: `print >>f, x` alone is valid Python 3 and never reaches it.
    conversion = convert_with_tree_sitter(python2)
    assert conversion.failures == ()
    assert ast.unparse(conversion.tree) == python3


def test_capitalised_second_names_stay_the_pep758_tuple() -> None:
    """`except A, B:` catches both in Python 3.14: a CapWords name is a class, not a variable."""
    (handler,) = _tree("try:\n    f()\nexcept KeyError, ValueError:\n    pass\n").body[0].handlers
    assert handler.name is None
    assert ast.unparse(handler.type) == "(KeyError, ValueError)"


def test_positions_point_into_the_python2_source() -> None:
    tree = _tree("x = 1\nif a:\n    exec 'y = ' + z in ns  # run\nw = `v`\n")
    calls = {
        ast.unparse(node.func): (node.lineno, node.col_offset, node.end_col_offset)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }
    assert calls == {"exec": (3, 4, 25), "repr": (4, 4, 7)}
    (name,) = [node for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == "z"]
    assert (name.lineno, name.col_offset) == (3, 18)


@pytest.mark.parametrize(
    "text",
    ["x = 0999\n", "x = 08L\n", "y = `a b`\n", "exec 'a' + in ns\n"],
    ids=["bad-octal", "bad-octal-long", "bad-backticks", "bad-exec"],
)
def test_what_is_not_python2_either_stays_an_error(text: str) -> None:
    outcome = parse_module(text)
    assert outcome.error is not None
    assert outcome.unrecoverable_lines == (1,)


def test_python3_files_never_reach_the_fallback() -> None:
    outcome = parse_module("print('x')\nexec(code)\nx = 0o600\n")
    assert outcome.parser == "ast"


def test_async_and_await_attributes_of_pre_37_code_keep_their_names_and_lines() -> None:
    """Names before Python 3.7: `self.async` is an attribute, not an ERROR region."""
    text = "if self.async:\n    run(self.parent.await, '.async')  # .await\nx = 1\n"
    tree = _tree(text)
    attributes = [
        (node.attr, node.lineno, node.col_offset, node.end_col_offset)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
    ]
    assert sorted(attributes) == [("async", 1, 3, 13), ("await", 2, 8, 25), ("parent", 2, 8, 19)]
    assert "'.async'" in ast.unparse(tree)  # strings are never renamed


def test_the_stand_in_is_never_used_when_the_text_already_holds_it() -> None:
    outcome = parse_module("x = a5ync\ny = self.async\n")
    assert outcome.unrecoverable_lines == (2,)
