"""Parameters whose annotation says their value cannot be a mapping (`slug: str`, `data: Model`).

A web framework that validates annotated parameters (FastAPI, Litestar, Django Ninja) hands a
view a `str`, a number, a UUID or an instance of the annotated model, never a JSON object: a
value that some sinks only misread when it is a document (a MongoDB filter is one only as a
dict) is then plain data. Only the annotation as written is read, and only of a parameter the
function never rebinds; a class of the module that derives from a mapping (`TypedDict`, `dict`)
is a mapping.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.call_names import last_name
from secreview.index.context import ModuleContext

_MAPPING_NAMES = frozenset(
    {"dict", "Dict", "Mapping", "MutableMapping", "Any", "object", "Json", "JsonValue", "JSON"}
    | {"TypedDict", "OrderedDict", "defaultdict", "Counter", "ChainMap", "SON", "Document"}
)
"""Annotations whose value is (or may be) a mapping: the typing spellings, pydantic's `Json`
and `JsonValue`, and BSON's `SON`."""
_CONTAINERS = frozenset({"list", "List", "Sequence", "tuple", "Tuple", "set", "Set", "frozenset"})
_OPTIONAL = frozenset({"Optional", "Union", "Annotated"})


def _mapping_classes(context: ModuleContext) -> frozenset[str]:
    """Classes of the module deriving from a mapping by a base named like one."""
    found = set()
    for node in context.tree.body:
        if isinstance(node, ast.ClassDef) and any(
            last_name(base) in _MAPPING_NAMES
            or (isinstance(base, ast.Subscript) and last_name(base.value) in _MAPPING_NAMES)
            for base in node.bases
        ):
            found.add(node.name)
    return frozenset(found)


def _never_mapping(annotation: ast.expr, mappings: frozenset[str]) -> bool:
    """Whether every type the annotation allows is something other than a mapping."""
    if isinstance(annotation, ast.Constant):
        return annotation.value is None  # `X | None`; a string annotation is not read
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _never_mapping(annotation.left, mappings) and _never_mapping(
            annotation.right, mappings
        )
    if isinstance(annotation, ast.Subscript):
        outer = last_name(annotation.value)
        inner = annotation.slice
        items = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if outer == "Annotated":
            items = items[:1]  # `Annotated[str, Field(...)]`: the type is the first
        elif outer not in _OPTIONAL and outer not in _CONTAINERS:
            return False
        return all(
            _never_mapping(item, mappings)
            for item in items
            if not (isinstance(item, ast.Constant) and item.value is Ellipsis)
        )
    name = last_name(annotation)
    return name is not None and name not in _MAPPING_NAMES and name not in mappings


def _rebinds(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    """Whether the function's body binds `name` again (assignment, loop, `with`, walrus)."""
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)
        for statement in function.body
        for node in ast.walk(statement)
    )


def annotated_never_mapping(value: ast.expr | None, context: ModuleContext) -> bool:
    """Whether `value` is a parameter of its function, never rebound, whose annotation
    allows no mapping (`item_id: str`, `data: RecipeUpdate`, `ids: list[UUID] | None`)."""
    if not isinstance(value, ast.Name):
        return False
    function = context.enclosing_function(value)
    if function is None:
        return False
    arguments = function.args
    for parameter in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
        if parameter.arg == value.id:
            return (
                parameter.annotation is not None
                and _never_mapping(parameter.annotation, context.derived(_mapping_classes))
                and not _rebinds(function, value.id)
            )
    return False
