"""Names the program declares to hold numbers: `port: int`, `for pid in pids` of `pids: list[int]`.

A parameter annotated `int` is held to numbers by the type checker, and a framework validating
by annotations (FastAPI, pydantic, Typer) converts or refuses anything else before the function
runs, as it does for `Literal["a", "b"]` (`written_strings`). Formatted into a command or a
query, a number carries no quote, space or metacharacter, so `built_strings` marks such a
piece `numeric`, as it does `%d`. So it does a value converted to one (`is_number_conversion`:
`int(...)`, `len(...)`), and a `self` attribute every store of which is a number
(`holds_number_attribute`: `self.rate = int(config.get("rate"))`).
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.local_bindings import (
    bindings_before,
    self_attribute_values,
)
from secreview.index.context import ModuleContext

_NUMBER_TYPES = frozenset({"int", "float", "bool"})
_NUMBER_CONVERSIONS = frozenset({"int", "float", "len", "bool", "round", "abs"})
_COLLECTION_TYPES = frozenset(
    {"list", "set", "frozenset", "tuple", "List", "Set", "FrozenSet", "Tuple"}
    | {"Sequence", "Iterable", "Collection", "Iterator", "MutableSequence", "AbstractSet"}
)
"""Collections whose single type argument (or `tuple[int, ...]`) says what each element is."""


def _type_name(annotation: ast.expr) -> str:
    """The last word of a written type (`typing.List` -> `List`, `"int"` -> `int`)."""
    match annotation:
        case ast.Name(id=name) | ast.Attribute(attr=name):
            return name
        case ast.Constant(value=str() as written):
            return written.rsplit(".", 1)[-1]
    return ""


def is_number_type(annotation: ast.expr | None) -> bool:
    """`int`, `float`, `bool`, or one of them or None (`int | None`, `Optional[int]`)."""
    match annotation:
        case None:
            return False
        case ast.BinOp(op=ast.BitOr(), left=left, right=right):
            return all(is_number_type(side) or _is_none(side) for side in (left, right)) and not (
                _is_none(left) and _is_none(right)
            )
        case ast.Subscript(value=outer, slice=inner) if _type_name(outer) == "Optional":
            return is_number_type(inner)
    return _type_name(annotation) in _NUMBER_TYPES


def _is_none(annotation: ast.expr) -> bool:
    return isinstance(annotation, ast.Constant) and annotation.value is None


def _is_numbers_type(annotation: ast.expr | None) -> bool:
    """`list[int]`, `Sequence[int]`, `tuple[int, ...]`, `set[float]`: a collection of numbers."""
    if not isinstance(annotation, ast.Subscript):
        return False
    if _type_name(annotation.value) not in _COLLECTION_TYPES:
        return False
    inner = annotation.slice
    if isinstance(inner, ast.Tuple):
        elements = [e for e in inner.elts if not isinstance(e, ast.Constant) or e.value != ...]
        return bool(elements) and all(is_number_type(e) for e in elements)
    return is_number_type(inner)


def number_parameter(target: ast.AST) -> bool:
    """Whether `target` is a parameter annotated with a number type."""
    return isinstance(target, ast.arg) and is_number_type(target.annotation)


def loops_over_numbers(context: ModuleContext, target: ast.AST) -> bool:
    """Whether `target` is the name a `for` loop binds to each element of a collection declared
    to hold numbers (`for pid in pids:` with `pids: list[int]`)."""
    loop = context.parent(target)
    return isinstance(loop, ast.For) and loop.target is target and holds_numbers(context, loop.iter)


def holds_numbers(context: ModuleContext, collection: ast.expr) -> bool:
    """Whether `collection` is a name every binding of which declares a collection of numbers:
    a parameter or an annotated assignment (`ids: list[int] = ...`)."""
    if not isinstance(collection, ast.Name):
        return False
    bindings = bindings_before(context, collection)
    if not bindings:
        return False
    return all(
        isinstance(b.node, ast.arg | ast.AnnAssign) and _is_numbers_type(b.node.annotation)
        for b in bindings
    )


def is_number_conversion(context: ModuleContext, expr: ast.expr) -> bool:
    """Whether `expr` is `int(...)`, `len(...)` and the like: a number, whatever went in."""
    return isinstance(expr, ast.Call) and context.call_name(expr) in _NUMBER_CONVERSIONS


def holds_number_attribute(context: ModuleContext, attribute: ast.Attribute) -> bool:
    """Whether `self.<attr>` holds a number wherever its class stores it: every store is a
    number conversion (`self.synrate = int(config.get(...))`), a number written in the source,
    or declares a number type (`self.port: int = ...`)."""
    if not (isinstance(attribute.value, ast.Name) and attribute.value.id in ("self", "cls")):
        return False
    owner = next((a for a in context.ancestors(attribute) if isinstance(a, ast.ClassDef)), None)
    if owner is None:
        return False
    known = context.derived(_number_attributes)
    key = (id(owner), attribute.attr)
    if key not in known:
        known[key] = _stores_numbers(context, attribute)
    return known[key]


def _number_attributes(context: ModuleContext) -> dict[tuple[int, str], bool]:
    """The per-module memo of `holds_number_attribute`, by class and attribute: reading a
    class's stores walks the whole class, and a rule asks for every `self.x` it splices."""
    return {}


def _stores_numbers(context: ModuleContext, attribute: ast.Attribute) -> bool:
    """`holds_number_attribute`, computed."""
    values = self_attribute_values(attribute, context)
    if not values:
        return False
    return all(
        is_number_conversion(context, value)
        or (isinstance(value, ast.Constant) and type(value.value) in (int, float))
        or _annotated_number(context, value)
        for value in values
    )


def _annotated_number(context: ModuleContext, value: ast.expr) -> bool:
    """Whether `value` is stored by an assignment that declares a number type."""
    statement = context.parent(value)
    return isinstance(statement, ast.AnnAssign) and is_number_type(statement.annotation)
