"""One walk of a module's tree that indexes what every rule asks about its nodes.

`ModuleContext` answers parents, enclosing functions and local names by dictionary look-ups
built here. The walk visits every node of every module (and again for the cross-module pass),
so it is written as a tight loop: children read inline in `child_nodes` order, state in locals,
and the common node types that record nothing tested first.
"""

from __future__ import annotations

import ast
from ast import AST
from typing import NamedTuple

from secreview.index.node_fields import CHILD_FIELDS

Function = ast.FunctionDef | ast.AsyncFunctionDef

_SCOPE_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
MARKER_TYPES = frozenset(
    marker
    for family in (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
    for marker in family.__subclasses__()
)
"""`Load`, `Add`, `Eq`...: one shared object for every place it appears (the parser reuses a
single instance), with no position and no single parent. A third of a tree's nodes are these;
the index leaves them out (no rule visits them; their parent would be whichever node came last)."""
_PLAIN_NODE_TYPES = frozenset(
    {
        ast.Attribute,
        ast.Call,
        ast.Constant,
        ast.Expr,
        ast.keyword,
        ast.Subscript,
        ast.BinOp,
        ast.Compare,
        ast.Assign,
        ast.Return,
        ast.If,
        ast.JoinedStr,
        ast.FormattedValue,
        ast.Tuple,
        ast.List,
        ast.Dict,
    }
)
"""Node types the index records nothing about (exact types: a subclass still goes through the
checks), tested first so the common nodes skip the chain of `isinstance` tests."""


class TreeIndex(NamedTuple):
    """What one walk of a module's tree records (see `ModuleContext`)."""

    nodes: list[AST]
    """Every node but the shared markers (`MARKER_TYPES`), each once, in the walk's order
    (pre-order, last child first)."""
    parents: dict[int, AST]
    """id(node) -> its syntactic parent."""
    function_of: dict[int, Function]
    """id(node) -> the nearest function containing it."""
    function_locals: dict[int, set[str]]
    """id(function) -> names it binds (assignments and parameters)."""
    imports: list[ast.Import | ast.ImportFrom]
    """Every import statement, in the walk's order."""
    rebound_globals: set[str]
    """Names some function declares `global` or `nonlocal`."""
    module_bindings: frozenset[str]
    """Names bound at module level (defs, classes, assignments)."""


def index_tree(tree: ast.Module) -> TreeIndex:
    """Index `tree` in one traversal (the hottest loop of building a context)."""
    module_names: set[str] = set()
    nodes: list[AST] = []
    parents: dict[int, AST] = {}
    function_of: dict[int, Function] = {}
    function_locals: dict[int, set[str]] = {}
    imports: list[ast.Import | ast.ImportFrom] = []
    rebound: set[str] = set()
    push_node = nodes.append
    stack: list[tuple[AST, Function | None, bool]] = [(tree, None, True)]
    pop, push = stack.pop, stack.append
    child_fields = CHILD_FIELDS
    while stack:
        node, function, at_module_level = pop()
        push_node(node)
        if function is not None:
            function_of[id(node)] = function
        inner_function, inner_at_module_level = function, at_module_level
        if type(node) in _PLAIN_NODE_TYPES:
            pass  # by far the most nodes: nothing to record
        elif isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Store):
                if function is not None:
                    function_locals[id(function)].add(node.id)
                elif at_module_level:
                    module_names.add(node.id)
        elif isinstance(node, ast.arg):
            if function is not None:
                function_locals[id(function)].add(node.arg)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            imports.append(node)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            rebound.update(node.names)
        elif isinstance(node, _SCOPE_TYPES):
            if at_module_level:
                module_names.add(node.name)
            inner_at_module_level = False
            if not isinstance(node, ast.ClassDef):
                inner_function = node
                function_locals[id(node)] = set()
        # `CHILD_FIELDS` leaves out `ctx`, `op` and `ops`, the only fields the grammar puts
        # markers (`MARKER_TYPES`) in: every value read here is a node to index.
        for name in child_fields[node.__class__]:
            value = getattr(node, name, None)
            if isinstance(value, AST):
                parents[id(value)] = node
                push((value, inner_function, inner_at_module_level))
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, AST):
                        parents[id(item)] = node
                        push((item, inner_function, inner_at_module_level))
    return TreeIndex(
        nodes, parents, function_of, function_locals, imports, rebound, frozenset(module_names)
    )
