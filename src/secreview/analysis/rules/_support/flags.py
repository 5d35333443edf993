"""Fold integer flag expressions such as `stat.S_IRWXU | stat.S_IRGRP` or `os.O_CREAT | os.O_EXCL`.

`ModuleContext.constant_value` folds literals and module constants, but permission bits and open
flags are usually spelled with the standard library's names. Their values come from this
interpreter's own `os` and `stat` modules (the same numbers on every POSIX system); the code under
review is never imported.
"""

from __future__ import annotations

import ast
import os
import stat
from types import ModuleType

from secreview.index.context import ModuleContext

_FLAG_MODULES: dict[str, ModuleType] = {"os": os, "stat": stat}
_MAX_DEPTH = 20


def fold_flags(node: ast.AST | None, context: ModuleContext, _depth: int = 0) -> int | None:
    """The integer value of a flag or mode expression, or None when it is not known statically."""
    if node is None or _depth > _MAX_DEPTH:
        return None
    value = context.constant_value(node)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match node:
        case ast.Name() | ast.Attribute():
            return _named_flag(node, context, _depth)
        case ast.BinOp(left=left, op=ast.BitOr() | ast.BitAnd() | ast.BitXor() | ast.Add() as op):
            left_value = fold_flags(left, context, _depth + 1)
            right_value = fold_flags(node.right, context, _depth + 1)
            if left_value is None or right_value is None:
                return None
            match op:
                case ast.BitOr():
                    return left_value | right_value
                case ast.BitAnd():
                    return left_value & right_value
                case ast.BitXor():
                    return left_value ^ right_value
            return left_value + right_value
        case ast.UnaryOp(op=ast.Invert(), operand=operand):
            inner = fold_flags(operand, context, _depth + 1)
            return None if inner is None else ~inner
    return None


def _named_flag(node: ast.Name | ast.Attribute, context: ModuleContext, depth: int) -> int | None:
    """`stat.S_IWOTH`, `from os import O_CREAT`, or a module constant built from them."""
    qualified = context.resolve(node)
    if qualified is not None:
        module_name, _, attribute = qualified.rpartition(".")
        module = _FLAG_MODULES.get(module_name)
        if module is not None and attribute.isupper():
            value = getattr(module, attribute, None)
            return value if isinstance(value, int) else None
    if isinstance(node, ast.Name) and node.id in context.module_constants:
        return fold_flags(context.module_constants[node.id], context, depth + 1)
    return None
