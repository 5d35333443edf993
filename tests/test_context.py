"""ModuleContext: the name resolution and constant folding every pattern rule relies on."""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

from secreview.index.context import UNKNOWN, ModuleContext

SOURCE = """\
import hashlib as h
import os.path
from subprocess import run as execute
from builtins import eval as evaluate

PREFIX = "ls "
COMMAND = PREFIX + "-l"
SIZE = 2 ** 10
NAME = "né"

def outer(value):
    h.md5(value)
    execute(COMMAND)
    os.path.join(PREFIX, value)
    evaluate(value)
    PREFIX = value
    return PREFIX, f"{NAME}-{SIZE}", f"{value}", "a" * 10 ** 9

class Box:
    def eval(self, text):
        return eval(text)
"""


def context_for(text: str = SOURCE) -> ModuleContext:
    return ModuleContext(path="m.py", text=text, tree=ast.parse(text))


def calls(context: ModuleContext) -> list[ast.Call]:
    return [n for n in ast.walk(context.tree) if isinstance(n, ast.Call)]


def test_names_resolve_through_imports_and_builtins() -> None:
    context = context_for()
    names = {context.call_name(call) for call in calls(context)}
    assert {"hashlib.md5", "subprocess.run", "os.path.join", "eval"} <= names


def test_a_method_named_like_a_builtin_does_not_shadow_it() -> None:
    context = context_for()
    inner_eval = [c for c in calls(context) if context.segment(c) == "eval(text)"]
    assert context.call_name(inner_eval[0]) == "eval"


def test_local_binding_shadows_an_import() -> None:
    text = "import os\n\ndef f(os):\n    os.system('x')\n"
    context = context_for(text)
    assert [context.call_name(c) for c in calls(context)] == [None]


def test_constants_fold_through_module_names_and_operators() -> None:
    context = context_for()
    execute_call = next(c for c in calls(context) if context.segment(c) == "execute(COMMAND)")
    assert context.constant_value(execute_call.args[0]) == "ls -l"
    returned = next(n for n in ast.walk(context.tree) if isinstance(n, ast.Return))
    assert isinstance(returned.value, ast.Tuple)
    prefix, fstring, dynamic, huge = returned.value.elts
    assert context.constant_value(prefix) is UNKNOWN  # rebound locally to a parameter
    assert context.constant_value(fstring) == "né-1024"
    assert context.constant_value(dynamic) is UNKNOWN
    assert context.constant_value(huge) is UNKNOWN  # never builds a gigabyte string


def test_segment_matches_ast_and_columns_count_characters() -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for name in ("argparse.py", "tokenize.py"):
        text = (stdlib / name).read_text(encoding="utf-8")
        context = context_for(text)
        nodes = [n for n in ast.walk(context.tree) if hasattr(n, "end_lineno")][::53]
        for node in nodes:
            assert context.segment(node) == (ast.get_source_segment(text, node) or "")
    context = context_for('x = "é" + eval(y)\n')
    call = calls(context)[0]
    assert context.segment(call) == "eval(y)"
    assert call.col_offset == 11 and context.character_column(1, call.col_offset) == 10
