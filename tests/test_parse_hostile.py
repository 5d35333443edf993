"""Hostile input: the parser ends quickly, never crashes, and refuses what nests too deeply.

Work is counted (handler calls), not timed: a recovery that re-converts nested blocks shows up as
thousands of calls on a few kilobytes, long before it would show up as a slow test.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import sysconfig
import tokenize
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import TypeVar

import pytest

from secreview.parse import ParseOutcome, parse_module
from secreview.parse.nesting import MAX_NESTING, measure_nesting
from secreview.parse.statements import ModuleConverter
from secreview.parse.treesitter import Conversion, convert_with_tree_sitter

_Result = TypeVar("_Result")


def _nested(depth: int, opener: str, innermost: str) -> str:
    lines = [" " * level + opener for level in range(depth)]
    return "\n".join([*lines, " " * depth + innermost]) + "\n"


def _elif_chain(depth: int) -> str:
    """`if` / `elif 0999:` / `else:` nested `depth` deep: the `elif` fails after `else` converts."""
    lines: list[str] = []
    for level in range(depth):
        pad = "    " * level
        lines += [f"{pad}if a:", f"{pad}    eval(a)", f"{pad}elif 0999:", f"{pad}    pass"]
        lines.append(f"{pad}else:")
    lines.append("    " * depth + "eval(b)")
    return "\n".join(lines) + "\n"


class _TooMuchWork(BaseException):
    """Raised past a call budget; a BaseException, so the converter's recovery cannot catch it."""


def _limit_calls(monkeypatch: pytest.MonkeyPatch, name: str, budget: int) -> None:
    """Make converter method `name` stop the conversion once it is called more than `budget` times.

    A super-linear recovery then fails the test at once instead of running for hours.
    """
    calls = 0
    original: Callable[..., ast.stmt] = getattr(ModuleConverter, name)

    def counting(self: ModuleConverter, *args: object) -> ast.stmt:
        nonlocal calls
        calls += 1
        if calls > budget:
            raise _TooMuchWork(f"{name} called more than {budget} times")
        return original(self, *args)

    monkeypatch.setattr(ModuleConverter, name, counting)


def _within_budget(work: Callable[[], _Result]) -> _Result:
    """Run `work`; a blown call budget fails the test with a short message, not a deep trace."""
    try:
        return work()
    except _TooMuchWork as error:
        message = str(error)
    pytest.fail(message, pytrace=False)


def _calls(tree: ast.Module | None) -> list[tuple[str, int]]:
    assert tree is not None
    return sorted(
        (node.func.id, node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    )


def test_a_statement_failing_after_its_else_branch_converts_each_block_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Re-converting each `else:` on recovery took 2**14 conversions.
    _limit_calls(monkeypatch, "_if_statement", budget=2 * 14)
    conversion: Conversion = _within_budget(lambda: convert_with_tree_sitter(_elif_chain(14)))
    assert len(conversion.failures) == len(set(conversion.failures)) == 14
    found = _calls(conversion.tree)
    assert found[-1] == ("eval", 14 * 5 + 1)  # the innermost call survives every level
    assert len(found) == 15


@pytest.mark.parametrize(
    ("opener", "innermost"),
    [
        ("if x:", "x = = 1"),
        ("if x:", "eval(x"),
        ("def f():", "x = = 1"),
        ("with a as b:", "x = = 1"),
        ("for a in b:", "return )"),
        ("if (x:", "eval(x)"),
    ],
)
def test_blocks_nested_past_the_converters_stack_end_in_linear_work(
    monkeypatch: pytest.MonkeyPatch, opener: str, innermost: str
) -> None:
    depth = 450  # past Python's recursion limit in the converter, below MAX_NESTING
    # Every RecursionError used to retry each enclosing level: exponential past ~190 levels.
    _limit_calls(monkeypatch, "_statement", budget=3 * depth)
    text = "eval(first)\n" + _nested(depth, opener, innermost) + "eval(last)\n"
    outcome: ParseOutcome = _within_budget(lambda: parse_module(text))
    assert outcome.tree is not None
    assert outcome.error is not None and outcome.error.startswith("syntax error at line ")
    assert ("eval", 1) in _calls(outcome.tree)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("x = " + "[" * 100_000 + "]" * 100_000 + "\ny = = 1\n", 1),
        ("x = " + "f(" * 100_000 + "\n", 1),
        ("x = " + 'f"{' * 100_000 + "x" + '}"' * 100_000 + "\n", 1),
        ("eval(a)\n" + _nested(800, "if x:", "x = = 1"), MAX_NESTING + 3),
        ("eval(a)\n" + _nested(300, "if x:", "x = " + "(" * 250), 302),
    ],
    ids=["brackets", "open-calls", "f-strings", "blocks", "blocks-and-brackets"],
)
def test_text_nested_past_the_limit_is_refused_before_tree_sitter(text: str, line: int) -> None:
    outcome = parse_module(text, "deep.py")
    assert outcome.tree is None
    assert outcome.error == (
        f"syntax error at line {line}: nested more than {MAX_NESTING} levels deep "
        "(brackets and indented blocks), deeper than secreview analyses"
    )
    assert outcome.unrecoverable_lines == (line,)


def test_nesting_just_below_the_limit_is_parsed() -> None:
    text = "eval(a)\nx = " + "[" * MAX_NESTING + "]" * MAX_NESTING + "\ny = = 1\neval(b)\n"
    outcome = parse_module(text)
    assert outcome.tree is not None
    assert _calls(outcome.tree) == [("eval", 1), ("eval", 4)]


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("x = 1\n", 0),
        ("if a:\n    if b:\n        c\nd = (1,\n     2)\n", 2),
        ("if a:\n\n        # a comment deeper than the block\n    b\n", 1),
        ("x = '((('  # [[[\ny = '''\n{{{\n'''\nz = bar'((('\n", 0),
        ("x = f'{a[f\"{b}\"]}' + f'{{((('\n", 3),
        ('x = f"{f"{f"{x}"}"}"\n', 3),  # PEP 701 reuses the quote inside a field
        ("x = rb'\\'(' + '''(\\''''\n", 0),
        ("x = '(((\ny = [1]\n", 1),  # an unterminated string ends with its line
        ("if a:\n\tif b:\n\t\tc\n", 2),
        ("x = [1,\n  \\\n  2]\nif a:\n  b\n", 1),
    ],
)
def test_nesting_counts_brackets_fields_and_blocks_not_strings_or_comments(
    text: str, depth: int
) -> None:
    assert measure_nesting(text).depth == depth


def _tokenized_depth(text: str) -> int:
    """Indentation plus bracket depth, as Python's own tokenizer sees them."""
    indent = brackets = deepest = 0
    for token in tokenize.generate_tokens(StringIO(text).readline):
        if token.type == tokenize.INDENT:
            indent += 1
        elif token.type == tokenize.DEDENT:
            indent -= 1
        elif token.type == tokenize.OP and token.string in "([{":
            brackets += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            brackets -= 1
        deepest = max(deepest, indent + brackets)
    return deepest


def test_nesting_agrees_with_the_tokenizer_on_the_standard_library() -> None:
    """Never less than Python's tokenizer counts; more only by f-string fields it skips."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for path in sorted(stdlib.glob("[a-h]*.py"))[:30]:
        text = path.read_text("utf-8")
        expected = _tokenized_depth(text)
        measured = measure_nesting(text).depth
        assert expected <= measured <= expected + 2, path.name


_CRASH_PROBE = """
import sys
from secreview.parse import ParseOutcome, parse_module
depth = 20_000
shapes = [
    "x = " + "[" * depth + "]" * depth + "\\ny = = 1\\n",
    "x = " + "-" * depth + "a\\n",
    "x = " + "not " * depth + "a\\n",
    "x = " + "lambda: " * depth + "1\\n",
    "x = " + "a if b else " * depth + "c\\n",
    "x = " + "a ** " * depth + "a\\n",
    "x = " + "a + " * depth + "a\\n",
    "x = a" + ".b" * depth + "\\ny = = 1\\n",
    "x = " + "'a' " * depth + "\\ny = = 1\\n",
    "".join(" " * level + "if x:\\n" for level in range(1_400)) + "x = = 1\\n",
    "".join(" " * level + "try:\\n" for level in range(450)) + "x = (\\n",
]
for text in shapes:
    outcome = parse_module(text)
    assert outcome.tree is not None or outcome.error is not None
print("survived", len(shapes))
"""


def test_deeply_nested_shapes_never_crash_the_interpreter() -> None:
    """A segmentation fault would kill the worker: run the shapes in a process of their own."""
    probe = subprocess.run(
        [sys.executable, "-c", _CRASH_PROBE], capture_output=True, text=True, timeout=120
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    assert probe.stdout.strip() == "survived 11"
