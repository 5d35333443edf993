"""The shortcuts that spare whole-module walks give the answers the walks gave.

`child_nodes` must list exactly `ast.iter_child_nodes` (the module index and rule walks depend
on its order), and the module-level gates must leave a module that cannot report untouched
while a module that can still reports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import secreview
from secreview.analysis.engine import run_rules
from secreview.analysis.rule import Rule
from secreview.analysis.rules import ALL_RULES
from secreview.analysis.rules._support.file_creation import creates_files
from secreview.analysis.rules._support.function_flow import _sorted_own_nodes
from secreview.analysis.taint import AnalysisContext
from secreview.index.children import child_nodes, walk


def _context(text: str) -> AnalysisContext:
    return AnalysisContext(path="m.py", text=text, tree=ast.parse(text))


def test_child_nodes_are_iter_child_nodes_in_order() -> None:
    for path in sorted(Path(secreview.__file__).parent.rglob("*.py"))[:40]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            assert child_nodes(node) == list(ast.iter_child_nodes(node))


def test_walk_is_ast_walk_in_order() -> None:
    for path in sorted(Path(secreview.__file__).parent.rglob("*.py"))[:40]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert [id(n) for n in walk(tree)] == [id(n) for n in ast.walk(tree)]
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            assert [id(n) for n in walk(function)] == [id(n) for n in ast.walk(function)]


def _secret_file_rules() -> list[Rule]:
    wanted = {"secret-file-default-permissions", "secret-file-permission-race"}
    return [r for r in ALL_RULES if r.id in wanted]


def test_a_module_that_creates_no_file_lists_no_function_nodes() -> None:
    context = _context("def f(p):\n    return p.read_text()\n\ndef g():\n    return 1\n")
    findings, crashes = run_rules(context, _secret_file_rules())
    assert (findings, crashes) == ([], [])
    assert not creates_files(context)
    assert context.derived(_sorted_own_nodes) == {}


def test_a_module_that_creates_a_secret_file_is_still_reported() -> None:
    text = (
        "def save(token):\n    with open('token.secret', 'w') as out:\n        out.write(token)\n"
    )
    context = _context(text)
    findings, _ = run_rules(context, _secret_file_rules())
    assert creates_files(context)
    assert [f.rule_id for f in findings] == ["secret-file-default-permissions"]
