"""Values that are one of the strings the program itself wrote, though not one known text.

`for table in ["notices", "templates"]:` gives `table` each of two names written in the source,
a parameter annotated `Literal["a", "b"]` is held to its texts by the type checker, and a
comprehension over a module constant tuple of strings runs over those: `built_strings` marks
such a value `looped`, which no rule treats as an attacker's text. A comprehension's name is
read here too (`generated_kinds`): one of such strings, or a number it counts or runs over.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.comprehension_names import (
    counts_numbers,
    iterated_collection,
)
from secreview.analysis.rules._support.local_bindings import sequence_elements
from secreview.analysis.rules._support.number_annotations import holds_numbers
from secreview.index.choices import is_literal
from secreview.index.context import ModuleContext


def strings_only(context: ModuleContext, values: list[ast.expr] | None) -> bool:
    """Whether `values` is a non-empty list of strings written in the source."""
    return bool(values) and all(isinstance(context.constant_value(v), str) for v in values or ())


def loops_over_strings(context: ModuleContext, target: ast.AST) -> bool:
    """Whether `target` is the name a `for` loop binds to each string of a sequence written in
    the source (`for table in ["a", "b"]:`, or a module constant list of them, or a tuple of
    them another module of the project holds: `secreview.project_constants`)."""
    loop = context.parent(target)
    return (
        isinstance(loop, ast.For) and loop.target is target and strings_written(context, loop.iter)
    )


def strings_written(context: ModuleContext, iterated: ast.expr) -> bool:
    """Whether `iterated` is a non-empty sequence of strings written in the source (through
    locals, module constants and `secreview.project_constants`)."""
    folded = context.constant_value(iterated)
    if isinstance(folded, tuple) and folded and all(isinstance(v, str) for v in folded):
        return True
    return strings_only(context, sequence_elements(context, iterated))


def literal_strings_parameter(target: ast.AST) -> bool:
    """Whether `target` is a parameter annotated `Literal["a", "b"]` with strings only: its
    callers are held to those texts by the type checker (and a framework validating by
    annotations checks them), so it is one of the program's own texts, like a loop's name."""
    annotation = target.annotation if isinstance(target, ast.arg) else None
    if annotation is None or not is_literal(annotation):
        return False
    index = annotation.slice
    texts = index.elts if isinstance(index, ast.Tuple) else [index]
    return all(isinstance(t, ast.Constant) and isinstance(t.value, str) for t in texts)


def generated_kinds(context: ModuleContext, name: ast.Name) -> tuple[bool, bool]:
    """For a name a comprehension binds: whether it is a number (it counts through `range` or
    `enumerate`'s index, or runs over a collection declared to hold numbers), and whether it is
    one of the strings written in the source it runs over."""
    collection = iterated_collection(context, name)
    if counts_numbers(context, name) or (
        collection is not None and holds_numbers(context, collection)
    ):
        return True, False
    return False, collection is not None and strings_written(context, collection)
