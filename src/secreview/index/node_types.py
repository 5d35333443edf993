"""A module's nodes grouped by exact type, grouped once per module.

Many whole-module questions want one kind of node (every call, every class, every stored
name). Each used to walk the module's million-node list (on a large tree) testing every node
with `isinstance`; one grouping pass answers them all with a list look-up.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeVar, cast

if TYPE_CHECKING:
    from secreview.index.context import ModuleContext

_Node = TypeVar("_Node", bound=ast.AST)


def nodes_of(context: ModuleContext, node_type: type[_Node]) -> list[_Node]:
    """The nodes of exactly `node_type` (no subclass; `ast` node types have none), in the
    order of `context.nodes`. The list is shared: read it, never change it."""
    return cast("list[_Node]", context.derived(_grouped).get(node_type, []))


def grouped_nodes(context: ModuleContext) -> Mapping[type[ast.AST], list[ast.AST]]:
    """Every node of the module by its exact type (what `nodes_of` reads). Shared: read it,
    never change it."""
    return context.derived(_grouped)


def _grouped(context: ModuleContext) -> dict[type[ast.AST], list[ast.AST]]:
    grouped: defaultdict[type[ast.AST], list[ast.AST]] = defaultdict(list)
    for node in context.nodes:
        grouped[node.__class__].append(node)
    return grouped
