"""Constrained string types: a view parameter the framework checks against a pattern.

FastAPI validates a view's parameters by their annotations before the view runs, and pydantic
checks a string against the pattern its type or its field carries: `Annotated[str,
StringConstraints(pattern=r"^[a-z0-9_]+$")]`, `constr(pattern=...)`, `Annotated[str,
Field(pattern=...)]`, a `Path(..., pattern=...)` / `Query(...)` default, a module alias of one
(`Key = Annotated[...]`), or a library type the models name (`[[pattern_type]]`: fideslang's
`FidesKey`). A request that does not match is refused with a 422, so the value the view gets
holds only the pattern's alphabet, and it is safe for the sink kinds none of whose dangerous
characters that alphabet lets through (`matched_alphabets.py`: a key pattern without a line break
leaves nothing to forge a log entry with; one that allows `.` still reaches path sinks).

How the pattern is read depends on the keyword. pydantic 2's `pattern=` is searched with Rust's
`regex`, whose `$` is the end of the text: it proves something only when anchored at the start,
and then no trailing line break gets through. `regex=` is pydantic 1's (and FastAPI's older
spelling), matched with Python's `re.match`, whose `$` lets one trailing line break through.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping

from secreview.analysis.models import ALL_KINDS
from secreview.analysis.taint.matched_alphabets import checked_kinds, searched_kinds
from secreview.index.choices import without_none
from secreview.index.context import ModuleContext

_CONSTRAINTS = frozenset(
    {"StringConstraints", "constr", "Field", "Path", "Query", "Body", "Form", "Header", "Cookie"}
)
"""Calls that carry a string constraint: pydantic's and FastAPI's parameter declarations."""


def declared_kinds(
    annotation: ast.expr | None,
    default: ast.expr | None,
    qualified: str | None,
    context: ModuleContext,
    library: Mapping[str, str],
) -> tuple[str, ...]:
    """The sink kinds a view parameter is safe for because its annotation (or its default, a
    FastAPI declaration) constrains it to a pattern; `qualified` is its annotation's qualified
    name, looked up among the `library` types the models give a pattern. None proven: ()."""
    found = set(library_kinds(qualified, library))
    for call in _constraints(annotation, default, context):
        for keyword in call.keywords:
            pattern = context.constant_value(keyword.value)
            if keyword.arg == "pattern":
                found |= _kinds(searched_kinds(pattern, end_of_text=True))
            elif keyword.arg == "regex":
                found |= _kinds(checked_kinds(pattern, False))
    return tuple(sorted(found))


def library_kinds(qualified: str | None, library: Mapping[str, str]) -> frozenset[str]:
    """The sink kinds a value of the library type `qualified` is safe for, when the models give
    that type a pattern (`library`, searched as pydantic 2 does); else none."""
    if qualified not in library:
        return frozenset()
    return _kinds(searched_kinds(library[qualified], end_of_text=True))


def _constraints(
    annotation: ast.expr | None, default: ast.expr | None, context: ModuleContext
) -> Iterator[ast.Call]:
    """The constraint calls a parameter is declared with: its default (`Query(pattern=...)`),
    its annotation (an `Annotated` type's metadata, a `constr(...)`), or the module alias of
    one that its annotation names (an annotation is read where the module's names are)."""
    candidates: list[ast.expr] = [default] if default is not None else []
    if annotation is not None:
        annotation = without_none(annotation)
        if isinstance(annotation, ast.Name):
            aliased = context.module_constants.get(annotation.id)
            annotation = aliased if isinstance(aliased, ast.Subscript | ast.Call) else annotation
        if isinstance(annotation, ast.Subscript) and _last_name(annotation.value) == "Annotated":
            if isinstance(annotation.slice, ast.Tuple):
                candidates.extend(annotation.slice.elts[1:])
        else:
            candidates.append(annotation)
    for node in candidates:
        if isinstance(node, ast.Call) and _last_name(node.func) in _CONSTRAINTS:
            yield node


def _last_name(node: ast.expr) -> str:
    """`Annotated` for `typing.Annotated` or `Annotated`; "" for anything else."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _kinds(checked: frozenset[str] | bool | None) -> frozenset[str]:
    """What `checked_kinds` proved, as kinds to clear (`ALL_KINDS` for every kind)."""
    if checked is None:
        return frozenset({ALL_KINDS})
    return checked if isinstance(checked, frozenset) else frozenset()
