"""A dangerous load the caller has to opt into, as `numpy.load(allow_pickle=True)` is.

Libraries that can read pickles beside a safe format (a model card loading a model file, an RPC
proxy handing an array across) increasingly refuse the pickle unless the caller passes a flag
named for it: `allow_pickle`, `allow_dangerous_deserialization`, `trust_remote_code`. The load then
runs only where that flag holds, so the decision to unpickle untrusted data is the caller's, made
explicitly, as it is for `numpy.load`, which `unsafe-deserialization` reports only when
`allow_pickle=True` is passed. This finds such a gate around a load in one function: the load in
the body of an `if` (or `elif`) whose test is the flag (alone or in an `and`), or after an
`if not flag: raise` (or `return`) in a block that holds it. The flag is a run-time value (a
parameter, an attribute, a configuration entry), never a constant or a local of the function,
which would be the decision made here for every caller.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.call_names import read_name
from secreview.index.context import ModuleContext

_OPT_IN_WORDS = frozenset(
    {"allow_dangerous_deserialization", "trust_remote_code", "allow_unsafe", "allow_unsafe_load"}
)
"""Flag names that opt into unsafe loading without naming pickle."""


def _is_opt_in(context: ModuleContext, expr: ast.expr) -> bool:
    """Whether `expr` reads a run-time flag named for allowing pickles or unsafe loading."""
    name = read_name(expr)
    if name is None or context.is_constant(expr):
        return False
    if isinstance(expr, ast.Name) and not _is_parameter(context, expr):
        return False  # a local or global set here is this code's own decision
    word = name.lower().lstrip("_")
    if word in _OPT_IN_WORDS:
        return True
    return "pickl" in word and ("allow" in word or "enable" in word)


def _is_parameter(context: ModuleContext, name: ast.Name) -> bool:
    """Whether `name` is a parameter of the function it is read in."""
    function = context.enclosing_function(name)
    if function is None:
        return False
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    return any(argument.arg == name.id for argument in every)


def _holds(context: ModuleContext, test: ast.expr) -> bool:
    """Whether `test` being true means an opt-in flag holds."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_holds(context, value) for value in test.values)
    return _is_opt_in(context, test)


def _refuses(context: ModuleContext, statement: ast.stmt) -> bool:
    """Whether `statement` is `if not flag: ... raise/return` (leaving when the flag fails)."""
    if not isinstance(statement, ast.If) or statement.orelse:
        return False
    test = statement.test
    if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)):
        return False
    return _is_opt_in(context, test.operand) and isinstance(
        statement.body[-1], ast.Raise | ast.Return
    )


def runs_only_when_opted_in(context: ModuleContext, node: ast.AST) -> bool:
    """Whether `node` runs only where a caller's opt-in flag holds, within its function."""
    child = node
    for ancestor in context.ancestors(node):
        if (
            isinstance(ancestor, ast.If)
            and child in ancestor.body
            and _holds(context, ancestor.test)
        ):
            return True
        for field in ("body", "orelse", "finalbody"):
            block = getattr(ancestor, field, None)
            if not isinstance(block, list) or child not in block:
                continue
            if any(_refuses(context, s) for s in block[: block.index(child)]):
                return True
        if isinstance(ancestor, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return False
        child = ancestor
    return False
