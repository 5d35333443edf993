"""Tests of a debug flag: the branches production configurations switch off.

`if settings.DEBUG:`, `if app.debug:`, `if DEBUG:`, `if app.config["DEBUG"]:`,
`if getattr(config, "DEBUG", False):` and `if config.get("DEBUG"):` run their body only while
developing, and `if not settings.DEBUG:` its `else:`. Both `context/devonly.py` (findings inside
such a branch) and the rules asking whether a helper shows a value only there read them here.
"""

from __future__ import annotations

import ast

_DEBUG_NAMES = frozenset({"DEBUG", "debug"})


def is_debug_flag(test: ast.expr) -> bool:
    """`DEBUG`, `settings.DEBUG`, `app.debug`, `app.config["DEBUG"]`, `x.DEBUG is True`,
    `getattr(config, "DEBUG", False)`, `config.get("DEBUG")`."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        other = test.comparators[0]
        if isinstance(other, ast.Constant) and other.value is True:
            return is_debug_flag(test.left)
        return False
    match test:
        case ast.Name(id=name) | ast.Attribute(attr=name):
            return name in _DEBUG_NAMES
        case ast.Subscript(slice=ast.Constant(value=str() as key)):
            return key in _DEBUG_NAMES
        case ast.Call(func=ast.Name(id="getattr"), args=[_, ast.Constant(value=str() as key), *_]):
            return key in _DEBUG_NAMES
        case ast.Call(func=ast.Attribute(attr="get"), args=[ast.Constant(value=str() as key), *_]):
            return key in _DEBUG_NAMES
    return False


def debug_branch(node: ast.If) -> tuple[list[ast.stmt], str] | None:
    """The statements of `node` that run only under a debug flag, and where they are as a
    phrase: the body of `if DEBUG:`, the `else:` of `if not DEBUG:`; None for any other `if`."""
    if is_debug_flag(node.test):
        return node.body, f"under `if {ast.unparse(node.test)}:`"
    test = node.test
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    if negated and is_debug_flag(test.operand):  # type: ignore[attr-defined]
        return node.orelse, f"in the `else:` of `if {ast.unparse(test)}:`"
    return None
