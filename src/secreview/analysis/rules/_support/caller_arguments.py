"""What a helper's parameter holds, judged by the calls its own module makes of it.

A pattern rule that sees `subprocess.Popen(cmd, shell=True)` inside `def popen(cmd)` sees only a
parameter: the command is chosen by the callers. When the module calls the helper itself, those
calls show what it is for. If every one of them passes the program's own values (constants,
fields of `self`, settings, paths next to the module's own file), possibly through further helpers
of the module, the value looks internal, as `self.x` spliced in directly would. No call in the
module, a `*args` call, or any other value leaves the parameter unknown.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from secreview.analysis.rules._support.built_strings import looks_internal
from secreview.analysis.rules._support.call_sites import arguments_at_every_call
from secreview.analysis.rules._support.data_origin import is_program_made
from secreview.analysis.rules._support.local_bindings import bindings_before
from secreview.index.context import UNKNOWN, ModuleContext
from secreview.index.facts import parameter_defaults, rebinds

MAX_CALLERS_DEPTH = 3
"""How many helpers deep the calls are followed (`start` -> `read_process` -> `popen`)."""

# Path operations that only combine or trim the paths they are given.
_PATH_OPERATIONS = frozenset(
    {
        "os.path.join",
        "os.path.dirname",
        "os.path.abspath",
        "os.path.realpath",
        "os.path.normpath",
        "os.path.basename",
        "posixpath.join",
        "posixpath.dirname",
    }
)
_OWN_FILE = "__file__"

Pieces = Callable[[ModuleContext, ast.expr], list[ast.expr]]
"""The run-time values a rule counts in an expression (for the shell rule: the unquoted ones)."""


def _module_function(context: ModuleContext, name: ast.Name) -> ast.FunctionDef | None:
    """The module-level function (not a method) whose parameter `name` is, if never rebound."""
    function = context.enclosing_function(name)
    bindings = bindings_before(context, name) or []
    if not isinstance(function, ast.FunctionDef) or not (
        len(bindings) == 1 and isinstance(bindings[0].node, ast.arg)
    ):
        return None  # not a parameter, or rebound in the function
    if any(isinstance(a, ast.ClassDef) for a in context.ancestors(function)):
        return None  # a method: its callers are reached through objects, not seen here
    return function


def arguments_of_private_helper(
    context: ModuleContext,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    parameter: str,
) -> list[ast.expr] | None:
    """What each call of the private `function` (a module function or a method whose name starts
    with one underscore: only its own module calls it) passes for `parameter`, for
    `_load(self, filename)` called as `self._load(...)` too. None when the parameter is rebound
    or not positional, the function is referred to otherwise than called on its own object
    (handed on, called on another object), a call spreads arguments or leaves the parameter to
    its default; an empty list when nothing calls it."""
    if not _private(function.name):
        return None
    names = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    if parameter not in names or rebinds(function, parameter):
        return None
    owner = context.parent(function)
    position = names.index(parameter)
    if isinstance(owner, ast.ClassDef) and not _is_static(function):
        position -= 1  # `self._helper(x)`: the receiver fills the first parameter
    if position < 0:
        return None
    arguments: list[ast.expr] = []
    for node in context.nodes:
        if not _refers_to(node, function.name):
            continue
        call = context.parent(node)
        if not (
            isinstance(call, ast.Call)
            and call.func is node
            and _through_own_object(node, owner)
            and not context.has_star_arguments(call)
        ):
            return None
        argument = ModuleContext.argument(call, position, parameter)
        if argument is None:
            return None
        arguments.append(argument)
    return arguments


def _private(name: str) -> bool:
    """A leading underscore, and not a special method (`__init__` runs implicitly)."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_static(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list)


def _refers_to(node: ast.AST, name: str) -> bool:
    """Whether `node` reads the name `name` (`name` or `anything.name`)."""
    if isinstance(node, ast.Name):
        return node.id == name and isinstance(node.ctx, ast.Load)
    return isinstance(node, ast.Attribute) and node.attr == name and isinstance(node.ctx, ast.Load)


def _through_own_object(func: ast.AST, owner: ast.AST | None) -> bool:
    """A method called on `self`/`cls`, a module function called by its bare name."""
    if isinstance(owner, ast.ClassDef):
        return (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in {"self", "cls"}
        )
    return isinstance(func, ast.Name)


def is_made_by_program(context: ModuleContext, expr: ast.expr) -> bool:
    """A constant, a field or setting of the program (`looks_internal`), a program-made value, the
    module's own `__file__`, or a path operation on such values."""
    if looks_internal(expr) or is_program_made(context, expr):
        return True
    if isinstance(expr, ast.Name) and expr.id == _OWN_FILE:
        return True
    return (
        isinstance(expr, ast.Call)
        and context.call_name(expr) in _PATH_OPERATIONS
        and not ModuleContext.has_star_arguments(expr)
        and not expr.keywords
        and all(is_made_by_program(context, a) for a in expr.args)
    )


def filled_by_program(
    context: ModuleContext, value: ast.expr, pieces: Pieces, depth: int = 0
) -> bool:
    """Whether `value` is made by the program, or is a parameter of a module-level helper that
    every call of it in this module fills with values (as `pieces` splits them) made by the
    program, following such parameters up to `MAX_CALLERS_DEPTH` helpers."""
    if is_made_by_program(context, value):
        return True
    if depth >= MAX_CALLERS_DEPTH or not isinstance(value, ast.Name):
        return False
    function = _module_function(context, value)
    if function is None:
        return False
    arguments = arguments_at_every_call(context, function, value.id)
    if arguments is None:
        return False
    for argument in arguments:
        if not all(
            filled_by_program(context, p, pieces, depth + 1) for p in pieces(context, argument)
        ):
            return False
    return True


def unchanged_parameter_default(context: ModuleContext, value: ast.expr, at: ast.AST) -> object:
    """The constant default of the enclosing function's parameter that `value` names, when the
    function never rebinds it; else `UNKNOWN`.

    A setting passed on from a parameter (`XMLParser(resolve_entities=resolve_entities)`,
    `Environment(autoescape=autoescape)`) is, for every caller that does not pass it, that
    default: a rule judges the default here, and a caller that passes another value is judged at
    its own call.
    """
    function = context.enclosing_function(at)
    if not isinstance(value, ast.Name) or not isinstance(
        function, ast.FunctionDef | ast.AsyncFunctionDef
    ):
        return UNKNOWN
    default = next((d for a, d in parameter_defaults(function.args) if a.arg == value.id), None)
    if default is None or rebinds(function, value.id):
        return UNKNOWN
    return context.constant_value(default)
