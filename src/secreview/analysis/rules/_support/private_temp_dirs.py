"""Files created inside a folder only their owner can enter.

`tempfile.mkdtemp()` creates its directory "readable, writable, and searchable only by the
creating user ID" (mode 0o700), and `tempfile.TemporaryDirectory()` is built on it. A file made
inside such a folder with the default mode 0o644 is still out of other accounts' reach: they
cannot traverse the folder to open it. So `with TemporaryDirectory() as d: open(join(d,
"key.pem"), "w")`, the usual way to hand a key to a library that only takes a path, exposes
nothing to other local users.

Only a path visibly built on such a folder in the same function counts: `os.path.join(d, ...)`,
`pathlib.Path(d) / ...` or `d / ...`, or a local name assigned one of these. A folder the
program later loosens (`os.chmod(d, 0o755)`) is rare enough to be left to the reader.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.local_bindings import assigned_values, made_by
from secreview.index.context import ModuleContext

_PRIVATE_DIR_FACTORIES = frozenset({"tempfile.mkdtemp", "tempfile.TemporaryDirectory"})
"""Calls that create a directory with mode 0o700 (`TemporaryDirectory` calls `mkdtemp`)."""
_JOINERS = frozenset({"os.path.join", "posixpath.join", "pathlib.Path", "pathlib.PurePath"})
"""Calls whose first argument is the folder the resulting path lies in."""
_MAX_DEPTH = 4


def in_private_temp_dir(path: ast.expr, context: ModuleContext, depth: int = 0) -> bool:
    """Whether every value `path` may hold lies inside a folder made by `tempfile.mkdtemp` or
    `tempfile.TemporaryDirectory` in the same function."""
    if depth > _MAX_DEPTH:
        return False
    if made_by(context, path, _PRIVATE_DIR_FACTORIES) is not None:
        return depth > 0  # the folder itself is not a file created in it
    values = assigned_values(context, path)
    if not values:
        return False
    return all(_inside(value, context, depth) for value, _ in values)


def _inside(value: ast.expr, context: ModuleContext, depth: int) -> bool:
    """Whether `value` is a path built on a private temporary folder."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div):
        return in_private_temp_dir(value.left, context, depth + 1)
    if isinstance(value, ast.Call) and value.args and context.call_name(value) in _JOINERS:
        return in_private_temp_dir(value.args[0], context, depth + 1)
    return False
