"""Types that admit only fixed values, across a project: enums and `Literal` aliases.

A framework that validates a view's parameters by their annotations (FastAPI, Starlette's
path converters through pydantic) refuses any value that is not one of an `Enum`'s members or
one of a `Literal`'s values before the view runs, so such a parameter carries no free text: no
line break to forge a log entry with, no quote to break a query. Within one module the analysis
sees the class (`ModuleAnalysis.is_enum_class`). A type defined in another module of the
project (`from ..schemas import StorageType`), or derived there from a project enum, needs the
project's view: each module records the spelled bases of its classes and its `Literal` aliases
(`choice_bases`, kept in `ModuleFacts`), and the scanner resolves the spellings once through the
project's bindings (`project_choices`) into `ProjectIndex.choices`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping

ENUM_BASES = frozenset(
    {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "TextChoices", "IntegerChoices"}
)
"""Short names of the standard (and Django's) enumeration bases: a subclass's calls give a
member or raise."""

_FIXED = "="
"""The spelled base `choice_bases` records for a `Literal` alias: a choice by itself."""

_MAX_DEPTH = 8
"""How many levels of project classes deriving from project enums are followed."""


def choice_bases(tree: ast.Module) -> tuple[str, ...]:
    """`Name:Base other.Base` for each module-level class with named bases, as spelled, and
    `Name:=` for each module-level alias of a `Literal[...]` (`Mode = Literal["r", "w"]`)."""
    found: list[str] = []
    for statement in tree.body:
        if isinstance(statement, ast.ClassDef):
            bases = [spelled for base in statement.bases if (spelled := _dotted(base))]
            if bases:
                found.append(f"{statement.name}:{' '.join(bases)}")
        elif (alias := _literal_alias(statement)) is not None:
            found.append(f"{alias}:{_FIXED}")
    return tuple(found)


def project_choices(
    bases_by_module: Mapping[str, tuple[str, ...]], defining_name: Callable[[str], str]
) -> frozenset[str]:
    """Qualified names of the project's enums (classes deriving, through project classes, from
    an enumeration base) and `Literal` aliases. `defining_name` follows a module's imports and
    re-exports (`ReExports.defining_name`): `pkg.views.StorageType` -> `pkg.schemas.StorageType`,
    `pkg.schemas.Enum` -> `enum.Enum`."""
    classes: dict[str, tuple[str, ...]] = {}
    for module in sorted(bases_by_module):
        for entry in bases_by_module[module]:
            name, _, spelled = entry.partition(":")
            bases = spelled.split()
            if bases != [_FIXED]:
                bases = [defining_name(f"{module}.{base}") for base in bases]
            classes[f"{module}.{name}"] = tuple(bases)
    choices: set[str] = set()
    for _ in range(_MAX_DEPTH):
        found = {
            name
            for name, bases in classes.items()
            if name not in choices
            and any(_is_choice_base(base, classes, choices) for base in bases)
        }
        if not found:
            break
        choices |= found
    return frozenset(choices)


def _is_choice_base(base: str, classes: Mapping[str, object], choices: set[str]) -> bool:
    """Whether a resolved base makes its subclass a choice: a project enum, or (not being a
    project class itself) an enumeration base by its short name."""
    if base == _FIXED or base in choices:
        return True
    return base not in classes and base.rpartition(".")[2] in ENUM_BASES


def _dotted(node: ast.expr) -> str:
    """`a.b.C` of a Name/Attribute chain, empty for anything else (a call, a subscript)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    return ".".join([node.id, *reversed(parts)])


def _literal_alias(statement: ast.stmt) -> str | None:
    """The name a module-level `X = Literal[...]` (or `X: TypeAlias = Literal[...]`) binds."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target, value = statement.targets[0], statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target, value = statement.target, statement.value
    else:
        return None
    if not isinstance(target, ast.Name) or not isinstance(value, ast.Subscript):
        return None
    if _dotted(value.value).rpartition(".")[2] != "Literal":
        return None
    return target.id
