"""What a name bound by a comprehension runs over: numbers, or the elements of a collection.

Statements are often assembled by joining a generated fragment per item, `", ".join(f"c{i}"
for i in range(n))` or `", ".join(f'"{col}" = v.c{i}' for i, col in enumerate(columns))`. The
names such a comprehension binds belong to its own scope, not the function's: `local_bindings`
gives them an opaque binding (a local of the same name is another variable), and this module
says what they run over. A name counting through `range(...)`, `itertools.count(...)` or the
index of `enumerate(...)` is a number; any other is an element of the collection iterated,
which a rule may know more about (a list of column names built from a model's metadata).
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_COUNTERS = frozenset({"range", "itertools.count"})
_ENUMERATE = "enumerate"
_WHOLE_TARGET = -1
"""The position reported for a name that is the generator's whole target (`for x in xs`)."""


def _generator_binding(
    context: ModuleContext, name: ast.Name
) -> tuple[ast.comprehension, int] | None:
    """The generator of the innermost comprehension around `name` whose target binds it, and
    the position of the name in a tuple target (`_WHOLE_TARGET` for a plain name target)."""
    path: list[ast.AST] = [name]
    node: ast.AST | None = context.parent(name)
    while node is not None and not isinstance(node, ast.stmt):
        if isinstance(node, _COMPREHENSIONS) and not _in_outer_iterable(node, path):
            for generator in reversed(node.generators):
                position = _target_position(generator.target, name.id)
                if position is not None:
                    return generator, position
        path.append(node)
        node = context.parent(node)
    return None


def _in_outer_iterable(
    comprehension: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp,
    path: list[ast.AST],
) -> bool:
    """Whether the walk up from a name (`path`) came through the first generator's iterable,
    which Python evaluates in the enclosing scope (`[x for x in x]` reads the outer `x`)."""
    first_iterable = comprehension.generators[0].iter
    return any(node is first_iterable for node in path)


def _target_position(target: ast.expr, identifier: str) -> int | None:
    """`_WHOLE_TARGET` when `target` is the name itself, its index in a flat tuple target, else
    None."""
    if isinstance(target, ast.Name):
        return _WHOLE_TARGET if target.id == identifier else None
    if isinstance(target, ast.Tuple):
        for index, element in enumerate(target.elts):
            if isinstance(element, ast.Name) and element.id == identifier:
                return index
    return None


def counts_numbers(context: ModuleContext, name: ast.Name) -> bool:
    """Whether the comprehension binding `name` counts: `i` of `for i in range(n)`, of
    `itertools.count()`, or the index of `for i, x in enumerate(xs)`."""
    bound = _generator_binding(context, name)
    if bound is None:
        return False
    generator, position = bound
    if not isinstance(generator.iter, ast.Call):
        return False
    called = context.call_name(generator.iter)
    if position == _WHOLE_TARGET:
        return called in _COUNTERS
    return called == _ENUMERATE and position == 0


def iterated_collection(context: ModuleContext, name: ast.Name) -> ast.expr | None:
    """The collection whose elements the comprehension binding `name` runs over (`columns` of
    `for col in columns` or of `for i, col in enumerate(columns)`), else None."""
    bound = _generator_binding(context, name)
    if bound is None:
        return None
    generator, position = bound
    iterated = generator.iter
    if position == _WHOLE_TARGET:
        return iterated
    if (
        position == 1
        and isinstance(iterated, ast.Call)
        and context.call_name(iterated) == _ENUMERATE
        and iterated.args
    ):
        return iterated.args[0]
    return None


def generator_binds(context: ModuleContext, name: ast.Name) -> bool:
    """Whether a comprehension around `name` binds it (its own scope, not the function's)."""
    return _generator_binding(context, name) is not None
