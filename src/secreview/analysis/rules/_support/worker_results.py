"""Results a program's own worker hands back to it: the parameter of a result callback.

Task runners run one function of the program and give what it returns to another:
`pool.apply_async(work, args, callback=done)`, a parallel builder's `add_task(work, chunk,
merge)`. The callback's parameter then holds the worker's result, and when every value the worker
returns is program-made (the pickle of an object the process holds, `pickle.dumps(self.env)`),
so is what the callback receives, although it crossed a process boundary on the way.

The pairing is seen in one module: the callback is a function defined there that is only ever
passed to calls, never called, and each of those calls is also handed a worker defined beside
it whose every return is program-made. What cannot be matched counts as not program-made.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from secreview.analysis.rules._support.function_flow import Function, own_nodes
from secreview.index.children import walk
from secreview.index.context import ModuleContext


def receives_program_made_result(
    context: ModuleContext, parameter: ast.Name, is_made: Callable[[ast.expr], bool]
) -> bool:
    """Whether `parameter`, a parameter of its function, is filled only by task runners with
    what a worker returns, and `is_made` says every such value is program-made."""
    callback = context.enclosing_function(parameter)
    if callback is None:
        return False
    scope = context.parent(callback) or context.tree
    uses = [node for node in _names_in(context, scope, callback.name) if node is not parameter]
    return bool(uses) and all(
        _handed_with_made_worker(context, scope, use, callback, is_made) for use in uses
    )


def _names_in(context: ModuleContext, scope: ast.AST, name: str) -> list[ast.Name]:
    """The `ast.Name` nodes spelling `name` in `scope`, in walk order: indexed once per scope
    (asked for each parameter of each method, it walked a whole class each time)."""
    known = context.derived(_names_by_scope)
    names = known.get(id(scope))
    if names is None:
        # A module-level function's scope is the whole tree, whose nodes the index lists already.
        nodes = context.nodes if scope is context.tree else walk(scope)
        names = known[id(scope)] = {}
        for node in nodes:
            if isinstance(node, ast.Name):
                names.setdefault(node.id, []).append(node)
    return names.get(name, [])


def _names_by_scope(context: ModuleContext) -> dict[int, dict[str, list[ast.Name]]]:
    """A module's memo for `_names_in`: by scope, its names' nodes by spelling."""
    return {}


def _handed_with_made_worker(
    context: ModuleContext,
    scope: ast.AST,
    use: ast.Name,
    callback: Function,
    is_made: Callable[[ast.expr], bool],
) -> bool:
    """Whether `use` of the callback is an argument of a call that also hands over a worker
    (a function defined in `scope`) whose every return `is_made`."""
    holder = context.parent(use)
    call = context.parent(holder) if isinstance(holder, ast.keyword) else holder
    if not isinstance(call, ast.Call) or call.func is use:
        return False
    handed = [*call.args, *(k.value for k in call.keywords)]
    workers = {
        node.name: node
        for node in walk(scope)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node is not callback
    }
    return any(
        isinstance(argument, ast.Name)
        and argument.id in workers
        and _returns_only(workers[argument.id], is_made)
        for argument in handed
    )


def _returns_only(worker: Function, is_made: Callable[[ast.expr], bool]) -> bool:
    returns = [node for node in own_nodes(worker) if isinstance(node, ast.Return)]
    return bool(returns) and all(r.value is not None and is_made(r.value) for r in returns)
