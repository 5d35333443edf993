"""The tree-sitter converter against the host parser, file by file, on the standard library.

For a fixed sample of the running Python's standard library, the fallback path (forced: the host
parser is never consulted) must build exactly the tree the host builds, every position included.
`benchmarks/parse.py` runs the same comparison on the whole library and site-packages.
"""

from __future__ import annotations

import ast
import sys
import sysconfig
import warnings
from pathlib import Path

import pytest

from secreview.parse.treesitter import convert_with_tree_sitter

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SAMPLE_SIZE = 250
# Files tree-sitter-python 0.25 cannot parse at all: gaps of its grammar, not of the converter.
GRAMMAR_GAPS = {
    "test/test_compile.py": "a dedent inside parentheses after a line ending in '.'",
    "test/test_future_stmt/badsyntax_future8.py": "`from __future__ import *`",
}

pytestmark = pytest.mark.skipif(
    sys.version_info[:2] != (3, 11),
    reason="the converter reproduces Python 3.11's ast; newer hosts place f-string parts and "
    "type parameters differently",
)


def stdlib_sample() -> list[str]:
    """Every n-th standard library file in path order: the same sample on every run."""
    files = sorted(
        path.relative_to(STDLIB).as_posix()
        for path in STDLIB.rglob("*.py")
        if "site-packages" not in path.relative_to(STDLIB).parts
    )
    step = max(1, len(files) // SAMPLE_SIZE)
    return [name for name in files[::step] if name not in GRAMMAR_GAPS]


@pytest.mark.parametrize("name", stdlib_sample())
def test_converted_tree_equals_host_tree(name: str) -> None:
    """Same nodes, fields and positions as `ast.parse`, for a file the host parser accepts."""
    try:
        text = (STDLIB / name).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8 (a codec test file)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            host = ast.parse(text)
    except SyntaxError:
        pytest.skip("the host parser rejects it (a bad-syntax test file)")
    conversion = convert_with_tree_sitter(text)
    assert conversion.failures == ()
    assert ast.dump(conversion.tree, include_attributes=True) == ast.dump(
        host, include_attributes=True
    )


# Where tree-sitter-python's grammar disagrees with Python's, and the converter corrects it.
GRAMMAR_QUIRKS = {
    "xor-and": "x = ~a ^ b & c | d & e ^ -f\n",
    "await-power": "async def f():\n    return await x ** 2 ** y\n",
    "walrus-conditional": "x = (y := a if b else c)\n",
    "starred-chain": "f(*a.b(c)[0], *d + e)\nx = [*args.values()]\n",
    "star-index": "x[*a]\ny: tuple[*Ts]\n",
    "union-annotation": "def f(a: list[str] | dict[str, int] | None) -> A[B] | C: pass\n",
    "with-conditional": "with a if b else c as d, lambda: e as f: pass\n",
    "with-parenthesised-alias": "with (\n    open(p) as f\n):\n    pass\n",
    "type-call": "type(mock).attribute = value\n",
    "format-walrus": "x = f'{value:=^10}'\n",
    "keyword-pattern-alias": "match x:\n    case A(v=B() as b):\n        pass\n",
    "raw-trailing-backslashes": "x = r'\\\\' + rb'\\\\'\n",
    "semicolon-ending": "def f():\n    x = 1; pass;\n",
    "fstring-tuple": "x = f'{a, b = }' f'{c, d!r}'\n",
    "slice-annotation": "def f(a: A[b:c, d]) -> dict[str:Item]: pass\nx: B[1:n:2] = 1\n",
}


@pytest.mark.parametrize("text", GRAMMAR_QUIRKS.values(), ids=GRAMMAR_QUIRKS.keys())
def test_grammar_quirks_are_corrected(text: str) -> None:
    host = ast.parse(text)
    conversion = convert_with_tree_sitter(text)
    assert conversion.failures == ()
    assert ast.dump(conversion.tree, include_attributes=True) == ast.dump(
        host, include_attributes=True
    )


def test_the_sample_is_large_and_spread_over_the_library() -> None:
    sample = stdlib_sample()
    assert len(sample) >= 200
    assert len({name.split("/")[0] for name in sample}) >= 40
