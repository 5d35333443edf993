"""Operands of an equality that no remote attacker can time, for `timing-unsafe-comparison`.

A timing attack needs someone far away who sends guesses and measures how long the comparison
takes, and a value compared character by character. Two kinds of operand rule that out whatever
the other side is named: text typed at this process's own terminal (`getpass.getpass()`,
`input()`: a password and its confirmation at a setup prompt), and a number (a parameter
annotated `int`: `token: int` is a search token's id, and integers are not compared a
character at a time).
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.local_bindings import every_binding_assigns
from secreview.index.context import ModuleContext

_TERMINAL_READS = frozenset({"getpass.getpass", "input", "builtins.input"})
"""Calls that read a line typed at the process's own terminal."""
_NUMBER_ANNOTATIONS = frozenset({"int", "float", "bool"})
"""Annotations of a parameter that holds a number, not text."""


def untimeable(side: ast.expr, context: ModuleContext) -> bool:
    """Whether `side` is typed at the local terminal or is a number by its annotation."""
    if not isinstance(side, ast.Name):
        return False
    if _annotated_number(side, context):
        return True
    return every_binding_assigns(context, side, lambda value: _terminal_read(value, context))


def _terminal_read(value: ast.expr, context: ModuleContext) -> bool:
    """`getpass.getpass("Password: ")` or `input("login: ")`, perhaps `.strip()`-ed."""
    while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        if context.call_name(value) in _TERMINAL_READS:
            return True
        value = value.func.value  # `input().strip()`: the text read, tidied
    return isinstance(value, ast.Call) and context.call_name(value) in _TERMINAL_READS


def _annotated_number(name: ast.Name, context: ModuleContext) -> bool:
    """A parameter of the enclosing function annotated `int` (or `float`, `bool`), never
    rebound there."""
    function = context.enclosing_function(name)
    if function is None:
        return False
    arguments = function.args
    for parameter in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
        if parameter.arg != name.id:
            continue
        annotation = parameter.annotation
        return (
            isinstance(annotation, ast.Name)
            and annotation.id in _NUMBER_ANNOTATIONS
            and not any(
                isinstance(node, ast.Name)
                and node.id == name.id
                and isinstance(node.ctx, ast.Store)
                for node in ast.walk(function)
            )
        )
    return False
