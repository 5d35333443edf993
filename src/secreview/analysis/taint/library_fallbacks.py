"""Sinks in a fallback for a Python that lacks a module every Python 3 has.

Old libraries guard a standard-library import and fall back to something cruder when it fails
(`try: import ast` / `except ImportError: return eval(s)`, "for IronPython 1.0"). Where the
module is one every CPython 3 ships in every build, the handler never runs on any Python the
library can be installed on, so a public parameter reaching a sink there is no defect of the
library as its users run it. A module a build may leave out (`ssl`, `sqlite3`, `lzma`), one of
one platform (`fcntl`, `msvcrt`), one later versions added (`tomllib`) or removed (`imp`), and
a third-party one all keep their handler live: those are not in the list below.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.module_index import ModuleIndex
from secreview.analysis.taint.results import SinkEvent

_ALWAYS_PRESENT = frozenset(
    {"ast", "base64", "binascii", "codecs", "collections", "copy", "errno", "fnmatch",
     "functools", "glob", "inspect", "io", "itertools", "json", "keyword", "math", "operator",
     "os", "pickle", "re", "shlex", "shutil", "stat", "string", "struct", "subprocess", "sys",
     "tempfile", "textwrap", "time", "tokenize", "traceback", "types", "warnings", "weakref"}
)  # fmt: skip
"""Standard-library modules present in every CPython 3 since 3.0, on every platform and in
every build (no C library they depend on may be missing)."""
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def in_missing_module_fallback(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the sink of `event` sits in an `except ImportError` handler whose `try` imports
    only modules every Python 3 has (`_ALWAYS_PRESENT`): code that runs on no Python the library
    is installed on (CherryPy's `unrepr` falling back to `eval` without `ast`)."""
    for parent in index.context.ancestors(event.node):
        if isinstance(parent, ast.ExceptHandler) and _catches_import_error(parent):
            statement = index.context.parent(parent)
            return isinstance(statement, ast.Try) and _imports_only_core(statement.body)
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return False
    return False


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    """Whether the handler catches `ImportError` (or `ModuleNotFoundError`), alone or in a
    tuple; a bare `except:` or `except Exception:` catches failures of any kind."""
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return bool(names) and all(
        isinstance(name, ast.Name) and name.id in _IMPORT_ERRORS for name in names
    )


def _imports_only_core(body: list[ast.stmt]) -> bool:
    """Whether the `try` body is nothing but `import` statements of modules every Python 3
    has. A `from module import name` is left out: the name may be one later versions added
    (`from os import getrandom`), so its handler runs on older ones."""
    if not body or not all(isinstance(statement, ast.Import) for statement in body):
        return False
    modules = [alias.name for statement in body for alias in getattr(statement, "names", ())]
    return all(module.split(".", 1)[0] in _ALWAYS_PRESENT for module in modules)
