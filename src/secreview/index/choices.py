"""Types that admit only fixed values, across a project: enums, `Literal` aliases, and the
fields of validating models declared with such types or with validated scalars.

A framework that validates a view's parameters by their annotations (FastAPI, Starlette's
path converters through pydantic) refuses any value that is not one of an `Enum`'s members or
one of a `Literal`'s values before the view runs, so such a parameter carries no free text: no
line break to forge a log entry with, no quote to break a query. Within one module the analysis
sees the class (`ModuleAnalysis.is_enum_class`). A type defined in another module of the
project (`from ..schemas import StorageType`), or derived there from a project enum, needs the
project's view: each module records the spelled bases of its classes and its `Literal` aliases
(`choice_bases`, kept in `ModuleFacts`), and the scanner resolves the spellings once through the
project's bindings (`project_choices`) into `ProjectIndex.choices`.

A pydantic model validates each field into its declared type when it is built, by the framework
from a request body or by the code: a field declared `int`, `UUID`, an enum or a list of them
holds no free text either, while the model's `str` fields do. Each module also records its
model classes' annotated fields, and `validated_fields` resolves them, inherited fields too,
into `ProjectIndex.fields`. A field declared with a library type the models give a pattern
(fideslang's `FidesKey`) holds only that pattern's alphabet (`patterned_fields`,
`ProjectIndex.patterned`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import TypeGuard

from secreview.index.dependencies import (
    DEPENDENCY,
    bound_name,
    dependency_entries,
    dotted,
    project_dependencies,
)

ENUM_BASES = frozenset(
    {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "TextChoices", "IntegerChoices"}
)
"""Short names of the standard (and Django's) enumeration bases: a subclass's calls give a
member or raise."""

VALIDATING_BASES = frozenset(
    {"BaseModel", "GenericModel", "RootModel", "SQLModel", "BaseSettings", "Schema", "ModelSchema"}
)
"""Short names of the bases of models that validate their fields into the declared types
(pydantic's, SQLModel's, Django Ninja's)."""

_WRAPPERS = frozenset(
    [
        "Optional",
        "Union",
        "List",
        "list",
        "Set",
        "set",
        "FrozenSet",
        "frozenset",
        "Sequence",
        "Tuple",
        "tuple",
        "Annotated",
        "Iterable",
        "Collection",
    ]
)
"""Generic types whose values are made of their arguments' values (`Annotated`'s first; the
others are metadata), so they hold one type's values when their arguments name one type."""

_FIXED = "="
"""The spelled base `choice_bases` records for a `Literal` alias: a choice by itself."""

_MAX_DEPTH = 8
"""How many levels of project classes deriving from project enums are followed."""


def choice_bases(tree: ast.Module) -> tuple[str, ...]:
    """`Name:Base other.Base` for each module-level class with named bases, as spelled, then
    `Name.field:Type` for each of its annotated fields (`typed_fields`), `Name:=` for each
    module-level alias of a `Literal[...]` (`Mode = Literal["r", "w"]`), and the `Name:<...`
    entries of its FastAPI dependencies (`dependencies.dependency_entries`)."""
    found: list[str] = []
    for statement in tree.body:
        if isinstance(statement, ast.ClassDef):
            bases = [spelled for base in statement.bases if (spelled := dotted(base))]
            if bases:
                found.append(f"{statement.name}:{' '.join(bases)}")
                found.extend(
                    f"{statement.name}.{field}:{kind}" for field, kind in typed_fields(statement)
                )
        elif (alias := _alias(statement)) is not None:
            found.append(f"{alias}:{_FIXED}")
    found.extend(dependency_entries(tree))
    return tuple(found)


def project_choices(
    bases_by_module: Mapping[str, tuple[str, ...]], defining_name: Callable[[str], str]
) -> frozenset[str]:
    """Qualified names of the project's enums (classes deriving, through project classes, from
    an enumeration base), `Literal` aliases and aliases of a dependency-filled type (a view
    parameter of one holds no request text either). `defining_name` follows a module's imports and
    re-exports (`ReExports.defining_name`): `pkg.views.StorageType` -> `pkg.schemas.StorageType`,
    `pkg.schemas.Enum` -> `enum.Enum`."""
    classes = class_bases(bases_by_module, defining_name)
    fixed = _descendants(classes, lambda base: base == _FIXED or _short(base) in ENUM_BASES)
    return frozenset(fixed | project_dependencies(_entries(bases_by_module), defining_name))


def validated_fields(
    bases_by_module: Mapping[str, tuple[str, ...]],
    defining_name: Callable[[str], str],
    choices: frozenset[str],
    clean: frozenset[str],
) -> dict[str, frozenset[str]]:
    """Qualified name of each validating model of the project (deriving, through project
    classes, from a `VALIDATING_BASES` base) -> its fields, own or inherited, declared with a
    fixed-value type: a `Literal`, a type of `choices`, a validated scalar of `clean` (`int`,
    `uuid.UUID`), or a collection of one. A field a subclass declares again takes its type."""

    def fixed(module: str, spelled: str) -> str | None:
        if spelled == _FIXED or spelled in clean:
            return spelled
        resolved = defining_name(f"{module}.{spelled}") if spelled else ""
        return resolved if resolved in choices or resolved in clean else None

    found = _model_fields(bases_by_module, defining_name, fixed)
    return {model: frozenset(fields) for model, fields in found.items()}


def patterned_fields(
    bases_by_module: Mapping[str, tuple[str, ...]],
    defining_name: Callable[[str], str],
    pattern_types: Collection[str],
) -> dict[str, dict[str, str]]:
    """Qualified name of each validating model of the project -> its fields, own or inherited,
    declared with a library type the models give a pattern (`pattern_types`: fideslang's
    `FidesKey`) -> that type: the model refuses a value that does not match it when it is
    built, so the field holds only the pattern's alphabet."""

    def patterned(module: str, spelled: str) -> str | None:
        resolved = defining_name(f"{module}.{spelled}") if spelled else ""
        return resolved if resolved in pattern_types else None

    return _model_fields(bases_by_module, defining_name, patterned)


def _model_fields(
    bases_by_module: Mapping[str, tuple[str, ...]],
    defining_name: Callable[[str], str],
    label: Callable[[str, str], str | None],
) -> dict[str, dict[str, str]]:
    """Each validating model -> its fields, own or inherited, that `label(module, spelled
    type)` gives a label -> that label."""
    classes = class_bases(bases_by_module, defining_name)
    declared: dict[str, dict[str, str | None]] = {}
    for module, name, spelled in _entries(bases_by_module):
        owner, dot, field = name.partition(".")
        if dot:
            declared.setdefault(f"{module}.{owner}", {})[field] = label(module, spelled)
    models = _descendants(classes, lambda base: _short(base) in VALIDATING_BASES)
    return {
        model: fields
        for model in sorted(models)
        if (fields := _labelled_fields(model, classes, declared, 0))
    }


def _entries(bases_by_module: Mapping[str, tuple[str, ...]]) -> Iterator[tuple[str, str, str]]:
    """(module, name, spelled) of each `choice_bases` entry, modules in order."""
    for module in sorted(bases_by_module):
        for entry in bases_by_module[module]:
            name, _, spelled = entry.partition(":")
            yield module, name, spelled


def class_bases(
    bases_by_module: Mapping[str, tuple[str, ...]], defining_name: Callable[[str], str]
) -> dict[str, tuple[str, ...]]:
    """Each class (and `Literal` alias, whose one base is `_FIXED`) -> its resolved bases;
    dependencies are not classes (`project_dependencies` reads them)."""
    classes: dict[str, tuple[str, ...]] = {}
    for module, name, spelled in _entries(bases_by_module):
        if "." not in name and not spelled.startswith(DEPENDENCY):
            bases = spelled.split()
            if bases != [_FIXED]:
                bases = [defining_name(f"{module}.{base}") for base in bases]
            classes[f"{module}.{name}"] = tuple(bases)
    return classes


def project_ancestors(
    bases_by_module: Mapping[str, tuple[str, ...]], defining_name: Callable[[str], str]
) -> dict[str, tuple[str, ...]]:
    """Each project class with bases -> its ancestors, nearest first (breadth first, through the
    project's classes with bases, at most `_MAX_DEPTH` levels; a library base is kept, it simply
    has no summary): a method a class inherits from another module's class is that class's
    summary (`ProjectIndex.get`)."""
    classes = {
        name: bases
        for name, bases in class_bases(bases_by_module, defining_name).items()
        if bases != (_FIXED,)
    }
    found: dict[str, tuple[str, ...]] = {}
    for name in sorted(classes):
        ancestors: list[str] = []
        level = list(classes[name])
        for _ in range(_MAX_DEPTH):
            level = [b for b in level if b != name and b not in ancestors]
            ancestors.extend(dict.fromkeys(level))
            level = [b for current in level for b in classes.get(current, ())]
            if not level:
                break
        if ancestors:
            found[name] = tuple(ancestors)
    return found


def _descendants(
    classes: Mapping[str, tuple[str, ...]], is_root: Callable[[str], bool]
) -> set[str]:
    """The classes deriving, through project classes, from a base `is_root` accepts; a
    project class is judged by its own bases, whatever it is called (a compat `Enum`)."""
    found: set[str] = set()
    for _ in range(_MAX_DEPTH):
        added = {
            name
            for name, bases in classes.items()
            if name not in found
            and any(base in found or (base not in classes and is_root(base)) for base in bases)
        }
        if not added:
            break
        found |= added
    return found


def _short(name: str) -> str:
    """The last part of a dotted name."""
    return name.rpartition(".")[2]


def _labelled_fields(
    model: str,
    bases: Mapping[str, tuple[str, ...]],
    declared: Mapping[str, Mapping[str, str | None]],
    depth: int,
) -> dict[str, str]:
    """The labelled fields of `model`: its own, and its project bases' it does not declare."""
    own = declared.get(model, {})
    found = {field: label for field, label in own.items() if label is not None}
    if depth < _MAX_DEPTH:
        for base in bases.get(model, ()):
            if base in bases:
                inherited = _labelled_fields(base, bases, declared, depth + 1)
                for field, label in inherited.items():  # the first base declaring it wins
                    if field not in own and field not in found:
                        found[field] = label
    return found


def typed_fields(cls: ast.ClassDef) -> list[tuple[str, str]]:
    """(field, the type its annotation holds values of, as spelled) for each annotated field
    of the class body: `=` for a `Literal`, the element type of a collection or an optional
    value, empty when the annotation names no one type (a union, a `dict`)."""
    return [
        (statement.target.id, _element_type(statement.annotation, 0))
        for statement in cls.body
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
    ]


def _element_type(annotation: ast.expr, depth: int) -> str:
    """The one type whose values `annotation` holds (`typed_fields`): a union or a tuple of
    several types holds none (`Tuple[int, str]`), `Tuple[int, ...]` and `Union[int, None]`
    hold `int`."""
    if depth > _MAX_DEPTH:
        return ""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [annotation.left, annotation.right]
        kept = [s for s in sides if not (isinstance(s, ast.Constant) and s.value is None)]
        return _element_type(kept[0], depth + 1) if len(kept) == 1 else ""
    if is_literal(annotation):
        return _FIXED
    if isinstance(annotation, ast.Subscript):
        generic = dotted(annotation.value).rpartition(".")[2]
        if generic not in _WRAPPERS:
            return ""
        inner = annotation.slice
        elements = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if generic == "Annotated":
            elements = elements[:1]  # the rest is metadata
        kinds = {
            _element_type(element, depth + 1)
            for element in elements
            if not (isinstance(element, ast.Constant) and element.value in (None, Ellipsis))
        }
        return kinds.pop() if len(kinds) == 1 else ""
    return dotted(annotation)


def without_none(annotation: ast.expr) -> ast.expr:
    """The type an optional annotation names: `Optional[Path]` and `Path | None` say the value
    is a `Path` whenever the caller gives one, so it is typed as the plain annotation would be."""
    if (
        isinstance(annotation, ast.Subscript)
        and dotted(annotation.value).rpartition(".")[2] == "Optional"
    ):
        return annotation.slice
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        for kept, other in (
            (annotation.left, annotation.right),
            (annotation.right, annotation.left),
        ):
            if isinstance(other, ast.Constant) and other.value is None:
                return kept
    return annotation


def is_literal(annotation: ast.expr) -> TypeGuard[ast.Subscript]:
    """Whether `annotation` is spelled `Literal[...]` (`typing.Literal`, `t.Literal`)."""
    return (
        isinstance(annotation, ast.Subscript)
        and dotted(annotation.value).rpartition(".")[2] == "Literal"
    )


def _alias(statement: ast.stmt) -> str | None:
    """The name a module-level `X = Literal[...]` (or `X: TypeAlias = Literal[...]`) binds."""
    bound = bound_name(statement)
    return bound[0] if bound is not None and is_literal(bound[1]) else None
