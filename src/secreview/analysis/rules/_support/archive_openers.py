"""Where an archive being extracted was opened, and which format a branch is for.

The extraction rules (`archive_extraction.py`, `zip_extraction.py`) judge an `extract` or
`extractall` call by the call that opened its archive: which library (tar, zip, RAR, 7z), from
where (a path fixed in the source, or anything else), and whether the extraction sits in a
branch that only runs for another format (`if zipfile.is_zipfile(path): ... else: tar...`).
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.built_strings import is_fixed
from secreview.analysis.rules._support.local_bindings import (
    assigned_values,
    made_by,
    origin_calls,
)
from secreview.index.context import ModuleContext

EXTRACT_METHODS = frozenset({"extractall", "extract"})

_FORMAT_TESTS = {
    "tar": "tarfile.is_tarfile",
    "zip": "zipfile.is_zipfile",
    "rar": "rarfile.is_rarfile",
    "7z": "py7zr.is_7zfile",
}
"""Each format's own test of a file: a branch under one of them only sees that format."""


def opened_by(
    context: ModuleContext, receiver: ast.expr, openers: frozenset[str]
) -> ast.Call | None:
    """The call that opened the archive `receiver` refers to: one of `openers` itself, or a
    local name bound to one of them (`open_fn = tarfile.open` ... `with open_fn(path) as a:`,
    the usual shape of a helper that picks the opener by the archive's format)."""
    direct = made_by(context, receiver, openers)
    if direct is not None:
        return direct
    for call in origin_calls(context, receiver):
        if isinstance(call.func, ast.Name) and any(
            context.resolve(value) in openers for value, _ in assigned_values(context, call.func)
        ):
            return call
    return None


def other_format_branch(context: ModuleContext, node: ast.AST, kind: str) -> bool:
    """Whether `node` only runs for another format: in the body of another format's test
    (`if zipfile.is_zipfile(..)` when `kind` is "tar"), or in the `else` of the test for
    `kind` itself."""
    others = {test for format_, test in _FORMAT_TESTS.items() if format_ != kind}
    child = node
    parent = context.parent(node)
    while parent is not None and not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if isinstance(parent, ast.If) and isinstance(parent.test, ast.Call):
            test = context.call_name(parent.test)
            if (test in others and child in parent.body) or (
                test == _FORMAT_TESTS[kind] and child in parent.orelse
            ):
                return True
        child, parent = parent, context.parent(parent)
    return False


def archive_is_fixed(context: ModuleContext, opener: ast.Call) -> bool:
    """Whether the archive is a path written in the source (and no file object is passed)."""
    if ModuleContext.keyword(opener, "fileobj") is not None:
        return False
    # tarfile calls the path `name`, zipfile and rarfile `file`, py7zr `file` too
    path = ModuleContext.argument(opener, 0, "name") or ModuleContext.keyword(opener, "file")
    return path is not None and is_fixed(context, path)
