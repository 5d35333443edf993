"""A call of the module's element-wise path validator, read as the path check it makes.

`if not validate_path(entry.path, validate_element): raise ...` proves of `entry.path` what the
element check refuses (`element_checks.py`): no element `..` (`NO_PARENT`) and no empty element,
so no leading `/` (`RELATIVE`); together, a path that stays in the folder it is joined to. The
element check is the validator's own test, or a callback it calls: the argument the call hands
it, when that is one of the module's functions named at the call, a lambda, or the caller's own
parameter left at its default function (a parameter its caller may set proves what the default
proves: the library's documented behaviour); else the callback parameter's default. A callback
the scan cannot see (a local a factory returned, a parameter with no default function) proves
nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from secreview.analysis.taint.element_checks import Probe, split_loop
from secreview.analysis.taint.guard_helpers import bound_arguments
from secreview.analysis.taint.guard_shapes import (
    NO_PARENT,
    RELATIVE,
    SEPARATOR_NAMES,
    path_operands,
)
from secreview.analysis.taint.host_guards import Guard
from secreview.index.context import UNKNOWN

if TYPE_CHECKING:
    from secreview.analysis.taint.path_guards import PathGuards


def split_path_guards(frame: PathGuards, test: ast.expr) -> Iterator[Guard]:
    """What `test`, a call of the module's element-wise path validator that answered True,
    proves of the path it was given (nothing for any other test)."""
    if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Name)):
        return
    if frame.env is not None and test.func.id in frame.env:
        return
    helper = frame.analysis.functions.get(test.func.id)
    loop = split_loop(helper) if helper is not None else None
    if loop is None or helper is None:
        return
    bound = bound_arguments(test, helper)
    separator = _separator(frame, loop.separator)
    if bound is None or loop.path not in bound or separator not in ("/", b"/"):
        return
    assert isinstance(separator, str | bytes)
    defaults = {id(d) for d in (*helper.args.defaults, *helper.args.kw_defaults) if d is not None}
    names = {
        name: _callee(frame, argument, id(argument) in defaults)
        for name, argument in bound.items()
        if name != loop.path
    }
    context = frame.context
    probe = Probe(frame.analysis.functions, context.module_constants, context.constant_value)
    parent = ".." if isinstance(separator, str) else b".."
    marks = [
        mark
        for element, mark in ((parent, NO_PARENT), (separator[:0], RELATIVE))
        if probe.value(loop.refused, {**names, loop.element: element}) is True
    ]
    if not marks:
        return
    kinds = (*sorted(marks), "path") if len(marks) == 2 else tuple(marks)
    for target, _ in path_operands(bound[loop.path], frame.qualified):
        yield target, kinds, None


def _separator(frame: PathGuards, node: ast.expr) -> object:
    """The text a path is split on: a constant, or `os.sep` read as `/` (see `PathGuards`)."""
    if isinstance(node, ast.Constant):
        return node.value
    if frame.qualified(node) in SEPARATOR_NAMES:
        return "/"
    value = frame.context.constant_value(node)
    return None if value is UNKNOWN else value


def _callee(frame: PathGuards, argument: ast.expr, default: bool) -> object:
    """What the validator's other parameter holds: a lambda written at the call, one of the
    module's functions (named at the call or as the parameter's default), the default function
    of the caller's own parameter handed on, else UNKNOWN (a constant argument is left to the
    probe, which folds it)."""
    if isinstance(argument, ast.Lambda):
        return argument
    if isinstance(argument, ast.Constant):
        return argument.value
    if not isinstance(argument, ast.Name):
        return UNKNOWN
    name = argument.id
    local = not default and frame.env is not None and name in frame.env
    if not local:
        return frame.analysis.functions.get(name, UNKNOWN)
    return _default_function(frame, name)


def _default_function(frame: PathGuards, name: str) -> object:
    """The module function the caller's parameter `name` defaults to, when the caller never
    assigns that name itself; else UNKNOWN."""
    node = frame.node
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return UNKNOWN
    arguments = node.args
    positional = [*arguments.posonlyargs, *arguments.args]
    pairs = list(zip(positional[::-1], arguments.defaults[::-1], strict=False))
    pairs += [(a, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True) if d]
    default = next((d for a, d in pairs if a.arg == name), None)
    if not isinstance(default, ast.Name) or _assigned(node, name):
        return UNKNOWN
    return frame.analysis.functions.get(default.id, UNKNOWN)


def _assigned(node: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    """Whether the function body binds `name` anywhere (then its default may not be its value)."""
    return any(
        isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)
        for n in ast.walk(node)
    )
