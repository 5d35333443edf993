"""The type a parameter's annotation declares, as a framework validating by annotations reads it.

FastAPI, Litestar and pydantic convert a view parameter to the type its annotation names before
the view runs. `Annotated[T, Query(...)]` declares `T` with metadata for the framework (where it
is read from, a title, a pattern), and `T | None` or `Optional[T]` is a `T` whenever the client
gives one: `limit: Annotated[int | None, Query()]` holds an integer, and `kind: Annotated[Kind,
Path()]` a member of the `Kind` enum, exactly as `limit: int` and `kind: Kind` do.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection

from secreview.index.choices import without_none


def declared(annotation: ast.expr) -> ast.expr:
    """The type `annotation` declares: the first argument of `Annotated[...]` (its metadata is
    the framework's), without the `None` of an optional, at any nesting of the two."""
    for _ in range(4):  # `Optional[Annotated[int | None, Query()]]`: a few levels at most
        annotation = without_none(annotation)
        if not (
            isinstance(annotation, ast.Subscript)
            and _last_name(annotation.value) == "Annotated"
            and isinstance(annotation.slice, ast.Tuple)
            and annotation.slice.elts
        ):
            break
        annotation = annotation.slice.elts[0]
    return annotation


def view_annotation(annotation: ast.expr | None) -> str:
    """The annotation's text as a view's parameter type is judged by: the declared type's
    (`int` for `Annotated[int | None, Query()]`), or the whole text where its metadata names a
    dependency (`Annotated[Session, Depends(get_db)]`: the dependency gives the value)."""
    if annotation is None:
        return ""
    text = ast.unparse(annotation)
    if "Depends(" in text or "Security(" in text:
        return text
    return ast.unparse(declared(annotation))


def _last_name(node: ast.expr) -> str:
    """`Annotated` for `typing.Annotated`, `t.Annotated` or `Annotated`."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def annotated_class(
    annotation: ast.expr | None,
    local_classes: Collection[str],
    qualified: Callable[[ast.AST], str | None],
    project_classes: Collection[str],
) -> str | None:
    """The project class `annotation` names, as a value's type: `class:Name` for a class of
    this module, the qualified name for one another module of the project defines (imported,
    or spelled as a string for a `TYPE_CHECKING` import). A variable or parameter declared as
    a project class holds one of its instances (or a subclass's), so its method calls read the
    project's code rather than being taken as unknown calls returning their arguments' data.
    A library type, a container or a union names no single project class: None."""
    if annotation is None:
        return None
    named = declared(annotation)
    if isinstance(named, ast.Constant) and isinstance(named.value, str):
        try:
            named = declared(ast.parse(named.value.strip(), mode="eval").body)
        except SyntaxError:
            return None
    if isinstance(named, ast.Name) and named.id in local_classes:
        return f"class:{named.id}"
    if not isinstance(named, ast.Name | ast.Attribute):
        return None
    name = qualified(named)
    return name if name is not None and name in project_classes else None


def declared_field(
    cls: ast.ClassDef | None,
    attribute: str,
    local_classes: Collection[str],
    qualified: Callable[[ast.AST], str | None],
    project_classes: Collection[str],
) -> str | None:
    """The project class a class body declares its `attribute` holds (`service: Service`, a
    dataclass's or a dependency-injected handler's field), as `annotated_class` names it: the
    instance's methods read `self.service.run(...)` as that class's code."""
    for item in cls.body if cls is not None else ():
        if (
            isinstance(item, ast.AnnAssign)
            and isinstance(item.target, ast.Name)
            and item.target.id == attribute
        ):
            return annotated_class(item.annotation, local_classes, qualified, project_classes)
    return None
