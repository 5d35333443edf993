"""The calls a module makes of its own functions, and what each passes for a parameter.

Kept apart from `caller_arguments` (which judges those values) so that `data_origin` can ask
`command_line` whether every call fills a parameter from the command line: judging values needs
`data_origin`, finding the calls does not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.index.context import ModuleContext


def parameter_position(function: ast.FunctionDef, name: str) -> int | None:
    """Where `name` stands among the function's positional parameters, if it is one."""
    positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    return positional.index(name) if name in positional else None


def calls_of(context: ModuleContext, function_name: str) -> Iterator[ast.Call]:
    """The calls of the module function `function_name` by its plain name."""
    for node in ast.walk(context.tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == function_name
        ):
            yield node


def arguments_at_every_call(
    context: ModuleContext, function: ast.FunctionDef, parameter: str
) -> list[ast.expr] | None:
    """What each call of the module-level `function` in this module (outside the function
    itself) passes for `parameter`; None when there is no such call, a call spreads `*args` or
    `**kwargs`, or a call leaves the parameter to its default (not judged here)."""
    position = parameter_position(function, parameter)
    calls = [c for c in calls_of(context, function.name) if c not in ast.walk(function)]
    if not calls:
        return None
    arguments: list[ast.expr] = []
    for call in calls:
        if ModuleContext.has_star_arguments(call):
            return None
        argument = (
            ModuleContext.argument(call, position, parameter)
            if position is not None
            else ModuleContext.keyword(call, parameter)
        )
        if argument is None:
            return None
        arguments.append(argument)
    return arguments
