"""Module-level regular expressions compile on first use (`secreview.patterns`), not at import.

Compiling them all at import cost about a tenth of a one-file scan's start-up; these tests check
that a stand-in behaves as the compiled pattern, and that no module compiles one at import again.
"""

from __future__ import annotations

import ast
import copy
import pickle
import re
from pathlib import Path

from secreview.patterns import lazy_pattern

SOURCE = Path(__file__).resolve().parents[1] / "src" / "secreview"


def test_a_lazy_pattern_matches_as_the_compiled_one() -> None:
    lazy = lazy_pattern(r"(?P<word>pass\w*)\s*=", re.IGNORECASE)
    compiled = re.compile(r"(?P<word>pass\w*)\s*=", re.IGNORECASE)
    text = "user=1 PASSWORD = 2 passwd= 3"
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert lazy.search(text).group("word") == "PASSWORD"  # type: ignore[union-attr]
    assert lazy.sub("<{}>".format, "") == ""
    assert lazy.sub("x", text) == compiled.sub("x", text)
    assert (lazy.pattern, lazy.flags, lazy.groups, dict(lazy.groupindex)) == (
        compiled.pattern,
        compiled.flags,
        compiled.groups,
        dict(compiled.groupindex),
    )
    assert lazy_pattern(rb"x+").findall(b"axxbx") == [b"xx", b"x"]


def test_a_lazy_pattern_compiles_once_at_first_use() -> None:
    lazy = lazy_pattern(r"a{2}")
    assert "match" not in vars(lazy)
    assert lazy.match("aa")
    assert vars(lazy)["match"].__self__ is re.compile(r"a{2}")  # the compiled one, kept


def test_a_bad_pattern_fails_at_first_use() -> None:
    lazy = lazy_pattern(r"(")
    try:
        lazy.search("(")
    except re.error:
        return
    raise AssertionError("an invalid pattern must raise re.error when used")


def test_a_lazy_pattern_copies_and_pickles_before_and_after_use() -> None:
    lazy = lazy_pattern(r"b+", re.IGNORECASE)
    for value in (copy.deepcopy(lazy), pickle.loads(pickle.dumps(lazy))):
        assert value.findall("aBbc") == ["Bb"]
    lazy.findall("")
    assert pickle.loads(pickle.dumps(lazy)).findall("aBbc") == ["Bb"]


def _compiled_at_import(path: Path) -> list[int]:
    """Lines of `re.compile(...)` calls that run when the module is imported: outside any
    function or lambda (module and class bodies, comprehensions at module level)."""
    lines: list[int] = []

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            func = child.func if isinstance(child, ast.Call) else None
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "compile"
                and isinstance(func.value, ast.Name)
                and func.value.id == "re"
            ):
                lines.append(child.lineno)
            walk(child)

    walk(ast.parse(path.read_text(encoding="utf-8")))
    return lines


def test_no_module_compiles_a_pattern_at_import() -> None:
    found = {
        str(path.relative_to(SOURCE)): lines
        for path in sorted(SOURCE.rglob("*.py"))
        if path.name != "patterns.py" and (lines := _compiled_at_import(path))
    }
    assert found == {}, f"use secreview.patterns.lazy_pattern instead of re.compile: {found}"


def test_the_import_check_sees_a_compile_in_a_class_body_but_not_in_a_function(
    tmp_path: Path,
) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "import re\n"
        "class Table:\n"
        "    WORD = re.compile('w')\n"
        "def later():\n"
        "    return re.compile('x')\n"
        "LATER = lambda: re.compile('y')\n"
        "TABLE = {k: re.compile(k) for k in 'ab'}\n"
    )
    assert _compiled_at_import(module) == [3, 7]
