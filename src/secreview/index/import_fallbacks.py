"""Fallbacks for a standard-library module that is missing: code no interpreter we support runs.

Old code guards its use of a standard module with `try: import ast / except ImportError:` and a
fallback for interpreters that lacked it (`eval(text)` where `ast` was missing on IronPython 1.0).
On every CPython 3 the import succeeds, so the handler never runs, and what it does is no defect
of the program as it is used. Only a fixed list of modules every Python 3 ships counts: those a
build may lack (`ssl`, `sqlite3`, `readline`), that exist on one platform (`fcntl`, `msvcrt`),
that came later (`tomllib`) or were removed (`cgi`) are left out, since their fallback does run.
The `try` may also define functions next to the imports (`import subprocess` then `def popen(cmd)`
using it): a `def` runs none of its body, so it cannot raise `ImportError` either, and a function
the handler defines instead (`def popen(cmd): os.popen4(cmd)`) exists only where the fallback runs.
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
_ALWAYS_PRESENT = frozenset(
    {
        *("abc", "array", "ast", "base64", "binascii", "bisect", "builtins", "calendar", "codecs"),
        *("collections", "contextlib", "copy", "csv", "datetime", "difflib", "errno", "functools"),
        *("gc", "glob", "heapq", "hmac", "html", "http", "inspect", "io", "itertools", "json"),
        *("keyword", "linecache", "locale", "logging", "math", "operator", "os", "pickle"),
        *("platform", "pprint", "queue", "random", "re", "shlex", "shutil", "socket", "string"),
        *("struct", "subprocess", "sys", "tempfile", "textwrap", "threading", "time", "token"),
        *("tokenize", "traceback", "types", "unicodedata", "unittest", "urllib", "warnings"),
        *("weakref", "xml"),
    }
)
"""Standard modules every Python 3 ships, on every platform and build, from 3.0 to today."""


def in_missing_module_fallback(context: ModuleContext, node: ast.AST) -> bool:
    """Whether `node` runs only when importing a module every Python ships fails: it sits in an
    `except ImportError` handler of a `try` whose body only imports such modules."""
    for ancestor in context.ancestors(node):
        if isinstance(ancestor, ast.ExceptHandler) and _catches_import_error(ancestor):
            statement = context.parent(ancestor)
            return isinstance(statement, ast.Try) and _imports_only_standard(statement.body)
    return False


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return bool(names) and all(
        isinstance(name, ast.Name) and name.id in _IMPORT_ERRORS for name in names
    )


def _imports_only_standard(body: list[ast.stmt]) -> bool:
    """Whether `body` imports whole modules every Python ships (`from m import name` may name
    what an older version lacks, so it does not count), and does nothing else that could raise
    but define plain functions (no decorators, defaults only constants)."""
    imports = [s for s in body if isinstance(s, ast.Import)]
    return bool(imports) and all(
        _imports_standard(statement) if isinstance(statement, ast.Import) else _plain_def(statement)
        for statement in body
    )


def _imports_standard(statement: ast.Import) -> bool:
    return all(alias.name.split(".")[0] in _ALWAYS_PRESENT for alias in statement.names)


def _plain_def(statement: ast.stmt) -> bool:
    """A `def` whose execution only binds the name: no decorator, no computed default."""
    if not isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    defaults = [*statement.args.defaults, *(d for d in statement.args.kw_defaults if d)]
    return not statement.decorator_list and all(isinstance(d, ast.Constant) for d in defaults)
