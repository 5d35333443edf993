"""Attributes of `self` that only ever hold a constant the module's classes write in the source.

A widget or filter class names its form field in a class attribute (`param = "state"`, its
subclasses `param = "series"`) and splices `self.param` into the markup it builds: the value is
the program's own text, whatever instance reads it. That holds when every class of the module
that binds the name does so with a literal constant and nothing in the module assigns the
attribute on an object (`self.param = name` would let run-time text in).
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext


def _constant_attributes(tree: ast.Module) -> frozenset[str]:
    """Names every class of the module binds only to literal constants, never assigned on an
    object anywhere in the module (walked per marked string: such calls are few)."""
    constant: set[str] = set()
    other: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.Assign):
                    targets, value = statement.targets, statement.value
                elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                    targets, value = [statement.target], statement.value
                else:
                    continue
                names = {t.id for t in targets if isinstance(t, ast.Name)}
                (constant if isinstance(value, ast.Constant) else other).update(names)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del):
            other.add(node.attr)
    return frozenset(constant - other)


def is_class_constant(context: ModuleContext, node: ast.expr) -> bool:
    """`self.param` where the module's classes bind `param` only to constants."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in ("self", "cls")
        and node.attr in _constant_attributes(context.tree)
    )
