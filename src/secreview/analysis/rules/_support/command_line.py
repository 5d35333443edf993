"""The operator's own command line, and the parameters a module only ever fills from it.

A program's command-line entry point parses its arguments (`sys.argv`, or `parse_args()` of an
`argparse`/`optparse` parser, which reads `sys.argv` itself) and hands the options to a function
that does the work: `start(options.config, options.imports)`. Inside that function the options are
plain parameters, which a pattern rule cannot trace. When every call of the function in its own
module passes the command line for a parameter, the parameter is what the operator typed, as
`sys.argv[1]` spliced in directly would be: the `web` threat model trusts it, because whoever
types the command already runs code. A call passing anything else, no call in the module, or a
method (reached through objects, not seen here) leaves the parameter unknown.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.call_sites import arguments_at_every_call
from secreview.analysis.rules._support.local_bindings import (
    MAX_DEPTH,
    bindings_before,
    made_by,
    origin_calls,
)
from secreview.index.context import ModuleContext

_ARGV = frozenset({"sys.argv", "sys.orig_argv"})
_PARSERS = frozenset(
    {"argparse.ArgumentParser", "optparse.OptionParser", "optparse.OptionParser.__init__"}
)
_PARSE_METHODS = frozenset(
    {"parse_args", "parse_known_args", "parse_intermixed_args", "parse_known_intermixed_args"}
)


def is_command_line_value(context: ModuleContext, expr: ast.expr, depth: int = 0) -> bool:
    """Whether `expr` is the command line or a part of it: `sys.argv[1]`, `args.name` of
    `args = parser.parse_args()`, `options.imports` of `options, rest = parser.parse_args()`."""
    if depth > MAX_DEPTH:
        return False
    if context.resolve(expr) in _ARGV:
        return True
    match expr:
        case ast.Subscript(value=value) | ast.Attribute(value=value) | ast.Starred(value=value):
            return is_command_line_value(context, value, depth + 1)
        case ast.Call():
            return _parses_command_line(context, expr)
        case ast.Name():
            return _bound_to_command_line(context, expr, depth)
    return False


def _parses_command_line(context: ModuleContext, call: ast.Call) -> bool:
    """`parser.parse_args()` of an argparse/optparse parser built in the same function."""
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in _PARSE_METHODS
        and made_by(context, func.value, _PARSERS) is not None
    )


def _bound_to_command_line(context: ModuleContext, name: ast.Name, depth: int) -> bool:
    """Every binding of `name` before its use holds the command line, or unpacks the result of
    `parse_args()` (`options, args = parser.parse_args()`)."""
    bindings = bindings_before(context, name)
    if not bindings:
        return False
    for binding in bindings:
        if binding.augmented_op is not None:
            return False
        if binding.value is not None:
            if not is_command_line_value(context, binding.value, depth + 1):
                return False
            continue
        statement = context.parent(context.parent(binding.node) or binding.node)
        if not (
            isinstance(binding.node, ast.Name)
            and isinstance(context.parent(binding.node), ast.Tuple)
            and isinstance(statement, ast.Assign)
            and any(
                _parses_command_line(context, c) for c in origin_calls(context, statement.value)
            )
        ):
            return False
    return True


def _unpacks_parsed_options(context: ModuleContext, value: ast.expr) -> bool:
    return any(_parses_command_line(context, call) for call in origin_calls(context, value))


def parameter_of(context: ModuleContext, name: ast.Name) -> ast.Name | None:
    """The parameter `name` stands for: itself, or the parameter a loop takes it from (`for i in
    imports` or `for i in imports or []`); None for anything else."""
    bindings = bindings_before(context, name)
    if not bindings or len(bindings) != 1 or bindings[0].value is not None:
        return None
    node = bindings[0].node
    if isinstance(node, ast.arg):
        return name
    loop = context.parent(node)
    if not (isinstance(loop, ast.For) and loop.target is node):
        return None
    iterated = loop.iter
    if isinstance(iterated, ast.BoolOp) and isinstance(iterated.op, ast.Or):
        rest = iterated.values[1:]
        if not all(isinstance(r, ast.List | ast.Tuple) and not r.elts for r in rest):
            return None
        iterated = iterated.values[0]
    if not isinstance(iterated, ast.Name):
        return None
    behind = bindings_before(context, iterated)
    if behind and len(behind) == 1 and isinstance(behind[0].node, ast.arg):
        return iterated
    return None


def filled_from_command_line(context: ModuleContext, parameter: ast.Name) -> bool:
    """Whether `parameter`, of a module-level function, is filled with the command line by every
    call of that function in this module (and there is at least one)."""
    function = context.enclosing_function(parameter)
    if not isinstance(function, ast.FunctionDef) or any(
        isinstance(a, ast.ClassDef) for a in context.ancestors(function)
    ):
        return False
    arguments = arguments_at_every_call(context, function, parameter.id)
    return arguments is not None and all(
        is_command_line_value(context, argument) for argument in arguments
    )
