"""A class of the module that derives from a class a sink model names safe is safe too.

Sink models list the classes that make a call harmless (`yaml.load(data, Loader=SafeLoader)`),
but projects often subclass one to add a representer or to mark quoted strings:
`class QuotePreservingLoader(yaml.CSafeLoader)` still constructs only what `CSafeLoader` does,
since a subclass can add constructors only by registering them, which the base's safe set
never includes. Read from the module's own class statements, as the `unsafe-yaml-load` rule
reads them, and from a class statement inside the function that uses the class.
"""

from __future__ import annotations

import ast
from collections.abc import Collection

from secreview.index.context import ModuleContext

_MAX_DEPTH = 5
"""How many class statements deep a base is followed (`A(B)`, `B(yaml.SafeLoader)`)."""


def _argument(call: ast.Call, key: str) -> ast.expr | None:
    """The expression a model's key names in the call: a keyword, or a position (a digit)."""
    if key.isdigit():
        index = int(key)
        return call.args[index] if index < len(call.args) else None
    return ModuleContext.keyword(call, key)


def derives_from_safe(
    context: ModuleContext, call: ast.AST, key: str, safe: Collection[str]
) -> bool:
    """Whether the argument `key` of `call` names a class of this module one of whose bases,
    directly or through other classes of the module, is one of the `safe` names."""
    if not isinstance(call, ast.Call):
        return False
    given = _argument(call, key)
    return given is not None and _derives(context, given, safe, 0)


def _derives(context: ModuleContext, expr: ast.expr, safe: Collection[str], depth: int) -> bool:
    if depth > _MAX_DEPTH or not isinstance(expr, ast.Name):
        return False
    statement = _class_statement(context, expr)
    return statement is not None and any(
        context.resolve(base) in safe or _derives(context, base, safe, depth + 1)
        for base in statement.bases
    )


def _class_statement(context: ModuleContext, name: ast.Name) -> ast.ClassDef | None:
    """The class statement `name` reads: the one class statement of an enclosing function that
    binds the name there when nothing else does (`class ActionInputsSafeLoader(yaml.SafeLoader)`
    written inside the function that loads with it), else one at module level. None when a
    function binds the name otherwise too (a parameter, an assignment: which class it is depends
    on the caller or the path taken)."""
    function = context.enclosing_function(name)
    while function is not None:
        classes = [
            n for n in ast.walk(function) if isinstance(n, ast.ClassDef) and n.name == name.id
        ]
        rebound = any(
            (isinstance(n, ast.Name) and n.id == name.id and not isinstance(n.ctx, ast.Load))
            or (isinstance(n, ast.arg) and n.arg == name.id)
            for n in ast.walk(function)
        )
        if classes or rebound:
            return classes[0] if len(classes) == 1 and not rebound else None
        function = context.enclosing_function(function)
    return next(
        (s for s in context.tree.body if isinstance(s, ast.ClassDef) and s.name == name.id), None
    )
