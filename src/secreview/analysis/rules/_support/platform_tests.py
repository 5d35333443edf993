"""Tests of the platform a program runs on that hold on POSIX hosts (`os.name != "nt"`).

A call told `shell=os.name != "nt"` hands its command line to `/bin/sh` on every Linux and
macOS host, which is where servers and CI run: for what the call does there it says
`shell=True`. Windows names are refused (`!=`, or a negated `==`/`startswith("win")`) and POSIX
names accepted (`os.name == "posix"`, `sys.platform == "linux"`); any other test (a flag, a
setting) decides nothing this module can read.
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

_PLATFORM_VALUES = frozenset({"os.name", "sys.platform"})
"""Attributes naming the platform (`nt`/`posix`; `win32`/`linux`/`darwin`)."""
_PLATFORM_CALLS = frozenset({"platform.system"})
"""Calls naming the platform (`Windows`, `Linux`, `Darwin`)."""
_WINDOWS = frozenset({"nt", "win32", "windows", "cygwin"})
_LINUX = frozenset({"posix", "linux"})
"""What the platform values say on a Linux host; `darwin` and the rest are other POSIX hosts."""


def true_on_posix(context: ModuleContext, expr: ast.expr | None) -> bool:
    """Whether `expr` is a platform test that holds on Linux hosts and not on Windows ones."""
    return _truth(context, expr, windows=False) is True and _truth(context, expr, True) is False


def _truth(context: ModuleContext, expr: ast.expr | None, windows: bool) -> bool | None:
    """What the platform test `expr` gives on a Windows host or a Linux one; None when it is no
    platform test or names another platform."""
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        inner = _truth(context, expr.operand, windows)
        return None if inner is None else not inner
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        if expr.func.attr != "startswith" or len(expr.args) != 1 or expr.keywords:
            return None
        prefix = context.constant_value(expr.args[0])
        if not (_names_platform(context, expr.func.value) and isinstance(prefix, str)):
            return None
        return windows if prefix.lower() in ("win", "nt") else None
    if not (isinstance(expr, ast.Compare) and len(expr.ops) == 1):
        return None
    left, right = expr.left, expr.comparators[0]
    if not _names_platform(context, left):
        left, right = right, left
    value = context.constant_value(right)
    if not (_names_platform(context, left) and isinstance(value, str)):
        return None
    value = value.lower()
    if value not in _WINDOWS | _LINUX:
        return None
    equal = value in (_WINDOWS if windows else _LINUX)
    if isinstance(expr.ops[0], ast.Eq):
        return equal
    if isinstance(expr.ops[0], ast.NotEq):
        return not equal
    return None


def _names_platform(context: ModuleContext, node: ast.expr) -> bool:
    """`os.name`, `sys.platform` (or `from sys import platform`), `platform.system()`."""
    if isinstance(node, ast.Call):
        return not node.args and context.call_name(node) in _PLATFORM_CALLS
    return context.resolve(node) in _PLATFORM_VALUES
