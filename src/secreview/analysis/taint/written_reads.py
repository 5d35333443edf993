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


def written_read(
    function: FunctionNode, parameter: str, within: tuple[str, ...]
) -> ast.expr | None:
    """The first expression of `function` (by position) reading exactly `parameter` + `within`.

    None when no expression spells that path (it was read through an alias, `r = self.request`):
    the caller then keeps the call as the source, which is still where the data entered its code.
    """
    if not within:
        return None
    found = [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.Attribute | ast.Subscript)
        and isinstance(getattr(node, "ctx", None), ast.Load)
        and _chain(node) == (parameter, within)
    ]
    return min(found, key=lambda n: (n.lineno, n.col_offset), default=None)
