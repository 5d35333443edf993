"""The module index holds every node of the tree once (the shared markers aside), with its
parent, and a node's children are those `ast.iter_child_nodes` gives: whatever fields the walks
skip as never holding nodes (`index.node_fields`), nothing is lost."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from secreview.index.children import child_nodes
from secreview.index.tree_index import MARKER_TYPES, index_tree
from secreview.parse import parse_module

FIXTURES = Path(__file__).parent / "fixtures"
EVERY_SHAPE = """
import os.path as p, sys
from . import sibling as s
@decorator(arg=1)
class Name(Base, metaclass=Meta):
    field: int = 3
    async def method(self, a, /, b: "T" = 2, *args, c=None, **kw) -> None:
        global g
        x = [i async for i in a if i] or {k: v for k, v in kw.items()} or {*b}
        y = lambda q=1: q + (yield from z)
        async with open(a) as f, other() as (u, w):
            await f.read()
        try:
            del x[1:2, ::3]
        except (ValueError, KeyError) as error:
            raise RuntimeError(f"{error!r:>{width}}") from error
        else:
            pass
        finally:
            x @= y
        match command:
            case [1, *rest] | {"k": 2, **others}:
                pass
            case Point(x=0, y=_) as point if point:
                pass
            case None:
                pass
        while not x:
            x += -1 if a < b <= c else ~b
        assert x, "message"
        return (nonlocal_name := 1), b"bytes", ..., 1j
"""


SHAPES = pytest.mark.parametrize(
    "text",
    [EVERY_SHAPE, *(p.read_text() for p in sorted((FIXTURES / "parse").rglob("*.py")))],
    ids=lambda text: text.strip().split("\n", 1)[0][:40],
)
"""Every shape of syntax above, and the newer-syntax fixtures (read through the fallback)."""


def _walked(tree: ast.AST) -> list[ast.AST]:
    return [node for node in ast.walk(tree) if type(node) not in MARKER_TYPES]


@SHAPES
def test_the_index_holds_every_node_and_its_parent(text: str) -> None:
    tree = parse_module(text).tree
    assert tree is not None
    index = index_tree(tree)
    assert sorted(map(id, index.nodes)) == sorted(map(id, _walked(tree)))
    for parent in _walked(tree):
        for child in ast.iter_child_nodes(parent):
            if type(child) not in MARKER_TYPES:
                assert index.parents[id(child)] is parent


@SHAPES
def test_child_nodes_are_those_ast_gives_in_its_order(text: str) -> None:
    tree = parse_module(text).tree
    assert tree is not None
    for node in ast.walk(tree):
        expected = list(ast.iter_child_nodes(node))
        found = child_nodes(node)
        assert len(found) == len(expected)
        assert all(a is b for a, b in zip(found, expected, strict=True))
