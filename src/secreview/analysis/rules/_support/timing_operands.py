"""Operands of an equality that no remote attacker can time, for `timing-unsafe-comparison`.

A timing attack needs someone far away who sends guesses and measures how long the comparison
takes, and a value compared character by character. Two kinds of operand rule that out whatever
the other side is named: text typed at this process's own terminal (`getpass.getpass()`,
`input()`: a password and its confirmation at a setup prompt), and a number (a parameter
annotated `int`: `token: int` is a search token's id, and integers are not compared a
character at a time). And two entries of one form field compared with each other
(`password != password2`, `pwd1 == pwd2`): the user typed both, no secret of the server is on
either side.
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


def typed_twice(left: ast.expr, right: ast.expr) -> bool:
    """`password != password2`, `pwd1 == pwd2`: two names that differ only in a trailing digit.

    A sign-up or password-change form asks for the same text twice under numbered names; the
    test compares the two entries the user sent (a digit-less `_2` or `_confirm` suffix is the
    rule's own pair words). Both names must be plain local names, so `self.key == key2`
    (a stored value against a submitted one) still counts.
    """
    if not (isinstance(left, ast.Name) and isinstance(right, ast.Name)):
        return False
    stems = {name.rstrip("0123456789") for name in (left.id, right.id)}
    return len(stems) == 1 and left.id != right.id and stems.pop()[-1:].isalpha()


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
