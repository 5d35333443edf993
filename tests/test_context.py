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


def test_percent_format_from_the_module_namespace_folds_at_module_level_only() -> None:
    text = (
        'DIGIT = "[0-9]"\n'
        'PAIR = "%(DIGIT)s%(DIGIT)s" % locals()\n'
        'ANY = "%(PAIR)s|%(DIGIT)s" % globals()\n'
        'BROKEN = "%(MISSING)s" % locals()\n'
        "def f(DIGIT):\n"
        '    return "%(DIGIT)s" % locals(), "%(PAIR)s" % globals()\n'
    )
    context = context_for(text)
    constants = context.module_constants
    assert context.constant_value(constants["PAIR"]) == "[0-9][0-9]"
    assert context.constant_value(constants["ANY"]) == "[0-9][0-9]|[0-9]"
    assert context.constant_value(constants["BROKEN"]) is UNKNOWN
    returned = next(n for n in ast.walk(context.tree) if isinstance(n, ast.Return))
    assert isinstance(returned.value, ast.Tuple)
    function_locals, module_globals = returned.value.elts
    assert context.constant_value(function_locals) is UNKNOWN  # the function's own names
    assert context.constant_value(module_globals) == "[0-9][0-9]"


def test_calls_of_pure_text_methods_and_conversion_helpers_fold() -> None:
    text = (
        "import re\n"
        "import six\n"
        "from .compat import tobytes\n"
        "WS = '[ \\t]'\n"
        "values = (\n"
        "    WS.encode(), WS.encode('latin-1'), b'ab'.decode(encoding='ascii'),\n"
        "    '|'.join((WS, 'x')), '{0}-{0}'.format('a'), '{1}{0}'.format('b', 2),\n"
        "    tobytes('^' + WS + '*$'), six.b('k'), to_str(b'v'),\n"
        "    re.escape('a.b'), re.escape(b'[;]'),\n"
        "    'é'.encode(), WS.encode('utf-16'), tobytes('é'), '{:>999999999}'.format('x'),\n"
        "    '{0.real}'.format(1), '-'.join(('x',) * 60000), '|'.join((WS, name)),\n"
        "    WS.title(), tobytes(WS, 'x'), re.escape(name),\n"
        ")\n"
    )
    context = context_for(text)
    assigned = next(
        n
        for n in ast.walk(context.tree)
        if isinstance(n, ast.Assign) and n.targets[0].id == "values"
    )
    folded = [context.constant_value(e) for e in assigned.value.elts]
    assert folded[:11] == [
        b"[ \t]",
        b"[ \t]",
        "ab",
        "[ \t]|x",
        "a-a",
        "2b",
        b"^[ \t]*$",
        b"k",
        "v",
        "a\\.b",
        b"\\[;\\]",
    ]
    # non-ASCII text whose encoding would be a guess, a width that asks for a gigabyte, an
    # attribute field, a result over the size bound, a run-time part, methods not folded here
    assert all(value is UNKNOWN for value in folded[11:])


def test_splits_strips_and_replacements_of_constant_text_fold() -> None:
    text = (
        "values = (\n"
        "    ' a  b '.split(), 'a,b,c'.split(',', 1), 'a b c'.rsplit(maxsplit=1),\n"
        "    ' x '.strip(), 'xyx'.strip('x'), 'Ab'.lower(), 'Ab'.upper(),\n"
        "    'aXa'.replace('X', '-'),\n"
        "    ' '.join('w  {}  w'.split()), b' k '.strip(),\n"
        "    'a,b'.split(''), 'a'.split(b','), 'a'.strip(name), 'a'.lower(1),\n"
        "    ('a' * 50).replace('a', 'b' * 4000), name.split(), 'a'.split(',', 'x'),\n"
        "    'x'.strip(1), ' x '.strip(chars='x'),\n"
        ")\n"
    )
    context = context_for(text)
    assigned = next(n for n in ast.walk(context.tree) if isinstance(n, ast.Assign))
    folded = [context.constant_value(e) for e in assigned.value.elts]
    assert folded[:10] == [
        ("a", "b"),
        ("a", "b,c"),
        ("a b", "c"),
        "x",
        "y",
        "ab",
        "AB",
        "a-a",
        "w {} w",
        b"k",
    ]
    # an empty separator, a separator of the other type, a run-time argument, an argument the
    # method does not take, a result over the size bound, run-time text, a text count
    assert all(value is UNKNOWN for value in folded[10:])


def test_constant_indexes_and_slices_of_constants_fold() -> None:
    text = (
        "T = 'abcdef'\nK = ('x', 'y')\n"
        "values = (T[1:-1], T[::2], K[-1], T[9], T[::0], T[i], T[True])\n"
    )
    context = context_for(text)
    assigned = next(
        n
        for n in ast.walk(context.tree)
        if isinstance(n, ast.Assign) and n.targets[0].id == "values"
    )
    folded = [context.constant_value(e) for e in assigned.value.elts]
    assert folded[:3] == ["bcde", "ace", "y"]
    assert all(value is UNKNOWN for value in folded[3:])  # out of range, zero step, run time, bool


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


def test_a_module_imports_each_dotted_prefix_of_what_it_imports_and_nothing_else() -> None:
    text = "import os.path\nfrom urllib import parse as p\nimport xml.etree.ElementTree as ET\n"
    context = ModuleContext(path="m.py", text=text, tree=ast.parse(text))
    for prefix in ("os", "urllib", "urllib.parse", "xml", "xml.etree", "xml.etree.ElementTree"):
        assert context.imports_module(prefix), prefix
    for prefix in ("os.path", "url", "urllib.request", "xml.etree.Element", "etree", ""):
        assert not context.imports_module(prefix), prefix


def test_a_standard_module_imported_from_a_compatibility_module_is_that_module() -> None:
    text = (
        "from rpyc.lib.compat import pickle\nfrom pkg._compat import json as j\n"
        "from pkg.compat import loads\nfrom pkg.tools import marshal\n"
        "pickle.loads(b)\nj.loads(b)\nloads(b)\nmarshal.loads(b)\n"
    )
    context = context_for(text)
    assert [context.call_name(c) for c in calls(context)] == [
        "pickle.loads",
        "json.loads",
        "pkg.compat.loads",
        "pkg.tools.marshal.loads",
    ]


def test_standard_modules_later_pythons_removed_still_count_whatever_python_runs() -> None:
    """The list is shipped, not read from `sys.stdlib_module_names`: 3.13 has no `imp`."""
    text = "from pkg.compat import imp, asyncore, telnetlib, requests\n"
    text += "imp.load_source(n, p)\nasyncore.loop()\ntelnetlib.Telnet(h)\nrequests.get(u)\n"
    context = context_for(text)
    assert [context.call_name(c) for c in calls(context)] == [
        "imp.load_source",
        "asyncore.loop",
        "telnetlib.Telnet",
        "pkg.compat.requests.get",
    ]


def test_a_relative_import_from_a_compatibility_module_resolves_without_the_package() -> None:
    text = "from .compat import pickle\nfrom ..util import subprocess\npickle.loads(b)\n"
    context = context_for(text)
    assert [context.call_name(c) for c in calls(context)] == ["pickle.loads"]


def test_a_node_built_for_a_question_is_never_answered_for_another() -> None:
    """Rules build throw-away nodes (`ast.Attribute(value=..., attr=...)`) and ask what they
    name; once one is freed, CPython gives its address to the next. An answer remembered by
    address would then be the old node's (`os.a3` named `os.a2`)."""
    context = context_for("import os\n")
    for number in range(200):
        node = ast.Attribute(value=ast.Name(id="os", ctx=ast.Load()), attr=f"a{number}")
        assert context.resolve(node) == f"os.a{number}"
        del node
