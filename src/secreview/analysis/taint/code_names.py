"""Names of the program's own code: what a function, class, module or code object is called.

Reading them (`fun.__name__`, `cls.__doc__`, `frame.f_globals["__file__"]`) gives text the code
that defined the thing wrote, never a caller's data, whatever else the object carries.
"""

from __future__ import annotations

import ast

CODE_NAMES = frozenset(
    {"__name__", "__qualname__", "__module__", "__doc__", "__file__", "co_filename", "co_name",
     "co_qualname"}
)  # fmt: skip
"""Attributes naming or describing the program's own code (a function's or class's name and
docstring, its module, the module's or a code object's file): written by the code that defined
it, never by a caller's data (celery's `head_from_fun(fun)` formatting `fun.__name__` into the
stub it `exec`s, DRF rendering a view's `__doc__`). Module globals (`frame.f_globals["__file__"]`,
`fun.__globals__["__name__"]`) hold the same names at those keys."""
_GLOBALS = frozenset({"f_globals", "__globals__"})
"""Attributes that are a module's global namespace (a frame's, a function's)."""


def own_code_name(key: object, node: ast.expr) -> bool:
    """Whether `node[key]` reads a code name from a module's global namespace
    (`frame.f_globals["__file__"]`, `fun.__globals__["__name__"]`, `globals()["__name__"]`)."""
    if not (isinstance(key, str) and key in CODE_NAMES):
        return False
    if isinstance(node, ast.Attribute):
        return node.attr in _GLOBALS
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "globals"
        and not node.args
    )
