"""Where a function reads, as written, the part of a parameter that its return value carries.

A summary says a method returns part of `self` (`(".request", ".args", "q")`); a caller whose
object stores a request turns that part into request data at its call site. The evidence should
then name the read itself (`self.request.args["q"]` in `Form.value`, with its file and line), not
the call that returned it: this module finds that expression in the function's body.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.results import FunctionNode


def _chain(node: ast.expr) -> tuple[str, tuple[str, ...]] | None:
    """`self.request.args["q"]` as `("self", (".request", ".args", "q"))`: a name followed by
    attributes and constant string keys (the `Flow.within` spelling), or None for anything else."""
    keys: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            keys.append(f".{node.attr}")
            node = node.value
        elif isinstance(node, ast.Subscript):
            if not (isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
                return None
            keys.append(node.slice.value)
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id, tuple(reversed(keys))
        else:
            return None


_Path = tuple[str, tuple[str, ...]]
ReadTables = dict[int, tuple[FunctionNode, dict[_Path, ast.expr]]]
"""Indexed functions by `id`, each with its first read of every path (`new_read_tables`)."""


def written_read(
    function: FunctionNode,
    parameter: str,
    within: tuple[str, ...],
    known: ReadTables | None = None,
) -> ast.expr | None:
    """The first expression of `function` (by position) reading exactly `parameter` + `within`.

    None when no expression spells that path (it was read through an alias, `r = self.request`):
    the caller then keeps the call as the source, which is still where the data entered its code.
    A summary asks this for each part of a parameter its function returns; with `known` (one
    dictionary per module, see `new_read_tables`) each function's reads are indexed on the first
    question and looked up after, instead of walking the function once per question.
    """
    if not within:
        return None
    entry = known.get(id(function)) if known is not None else None
    if entry is None or entry[0] is not function:
        entry = function, _first_reads(function)
        if known is not None:
            known[id(function)] = entry
    return entry[1].get((parameter, within))


def new_read_tables(context: object) -> ReadTables:
    """An empty table of indexed functions (`written_read`'s `known`), one per module."""
    return {}


def _first_reads(function: FunctionNode) -> dict[_Path, ast.expr]:
    """Each path the function reads as written -> its first read by (line, column); of reads
    at one position, the first met walking the function (as `min` would choose)."""
    first: dict[_Path, ast.expr] = {}
    for node in ast.walk(function):
        if not (
            isinstance(node, ast.Attribute | ast.Subscript)
            and isinstance(getattr(node, "ctx", None), ast.Load)
        ):
            continue
        path = _chain(node)
        if path is None:
            continue
        current = first.get(path)
        if current is None or (node.lineno, node.col_offset) < (
            current.lineno,
            current.col_offset,
        ):
            first[path] = node
    return first
