"""Order, identity and rebinding inside one function, for rules that pair two statements.

Races are about a *pair* of operations (a check and a use, a create and a chmod) on the *same*
thing. These helpers answer the three questions such rules ask, without a data-flow analysis:
which nodes a function runs itself (not its nested functions), whether two expressions name the
same value as written, and whether that value was rebound in between. Position stands in for
order: a later line runs later, which holds for straight-line code and errs towards reporting
when a loop brings an earlier line back.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rules._support.own_scope import nodes_owned_by
from secreview.index.children import child_nodes
from secreview.index.context import ModuleContext

Function = ast.FunctionDef | ast.AsyncFunctionDef
_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_OS_ERRORS = frozenset(
    {
        "OSError",
        "IOError",
        "EnvironmentError",
        "FileNotFoundError",
        "FileExistsError",
        "IsADirectoryError",
        "NotADirectoryError",
        "PermissionError",
        "Exception",
        "BaseException",
    }
)


def position(node: ast.AST) -> tuple[int, int]:
    """(line, column) of `node`, the order used for "before" and "after"."""
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def own_nodes(function: Function) -> list[ast.AST]:
    """Every node the function itself runs, in source order; nested scopes are left out."""
    found: list[ast.AST] = []
    pending: list[ast.AST] = [*function.body]
    while pending:
        node = pending.pop()
        found.append(node)
        if not isinstance(node, _NESTED_SCOPES):
            pending.extend(child_nodes(node))
    found.sort(key=position)
    return found


def shared_own_nodes(function: Function, context: ModuleContext) -> list[ast.AST]:
    """`own_nodes(function)` in source order, from the module's one pass (`own_scope`) and
    sorted once per function for every rule that asks (races, locks). The list is shared: read
    it, never change it."""
    by_function = context.derived(_sorted_own_nodes)
    found = by_function.get(id(function))
    if found is None:
        found = by_function[id(function)] = sorted(nodes_owned_by(context, function), key=position)
    return found


def _sorted_own_nodes(context: ModuleContext) -> dict[int, list[ast.AST]]:
    """The memo of `shared_own_nodes`: a function's id (its tree outlives the memo) -> nodes."""
    return {}


def expression_key(node: ast.AST) -> str:
    """A key equal for two expressions written alike (`self.path`, `os.path.join(d, name)`)."""
    return ast.dump(node, annotate_fields=False, include_attributes=False)


def root_name(node: ast.AST) -> str | None:
    """The variable an expression is built on: `base` for `base`, `self` for `self.path`."""
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def names_in(node: ast.AST) -> set[str]:
    """The variable names an expression reads."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def rebound_between(
    nodes: list[ast.AST], expression: ast.AST, start: ast.AST, end: ast.AST
) -> bool:
    """Whether a name or attribute `expression` is built from is stored between the two nodes."""
    names = names_in(expression)
    attributes = {expression_key(n) for n in ast.walk(expression) if isinstance(n, ast.Attribute)}
    low, high = position(start), position(end)
    for node in nodes:
        if not low < position(node) < high:
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in names:
            return True
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            loaded = ast.Attribute(value=node.value, attr=node.attr, ctx=ast.Load())
            if expression_key(loaded) in attributes:
                return True
    return False


def handled_os_error(node: ast.AST, context: ModuleContext) -> bool:
    """Whether `node` sits in a `try` body whose handlers catch the OS error it may raise."""
    child: ast.AST = node
    for ancestor in context.ancestors(node):
        if isinstance(ancestor, _NESTED_SCOPES):
            return False
        if (
            isinstance(ancestor, ast.With)
            and child in ancestor.body
            and any(_suppresses_os_error(item.context_expr, context) for item in ancestor.items)
        ):
            return True
        if isinstance(ancestor, ast.Try | ast.TryStar) and child in ancestor.body:
            for handler in ancestor.handlers:
                if handler.type is None:
                    return True
                types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
                if any((context.resolve(t) or "").rpartition(".")[2] in _OS_ERRORS for t in types):
                    return True
        child = ancestor
    return False


def _suppresses_os_error(node: ast.expr, context: ModuleContext) -> bool:
    """`contextlib.suppress(FileNotFoundError)` and the like."""
    return (
        isinstance(node, ast.Call)
        and context.call_name(node) == "contextlib.suppress"
        and any((context.resolve(a) or "").rpartition(".")[2] in _OS_ERRORS for a in node.args)
    )


def calls_in(nodes: list[ast.AST]) -> Iterator[ast.Call]:
    """The calls among `nodes`, in order."""
    return (node for node in nodes if isinstance(node, ast.Call))
