"""Classes whose text is the `repr` of each field: pydantic's models, across a project.

`str(model)` (and so `f"{model}"`, `"%s" % model`, a logging call's `%s`) of a pydantic model
is `name='a\\nb' size=3`: pydantic writes each field's `repr`, in version 1 and 2 alike, so a
line break in a field comes out as the two characters `\\n` and can forge no log entry. That
holds only while no class of the model's own line (nor a mixin beside it) writes its own text:
a `__str__`, a `__repr__`, a `__format__` or one of pydantic's hooks for the fields' listing.

A class of the project whose own `__repr__` writes only reprs, numbers and names of code
(`repr_text`: `f"<Link {self.href!r}>"`) is such a class too, and so is a subclass that writes
no text of its own.

Each module records the module-level classes that write their own text (`own_text_classes`,
kept in `ModuleFacts`: `Name`, or `Name:repr` when only reprs); with the classes' bases
(`choices.choice_bases`) the scanner resolves the project's field-repr classes once
(`repr_models`, in `ProjectIndex.repr_models`). A single file's own are found the same way
from its own tree.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Mapping

from secreview.index.choices import class_bases
from secreview.index.repr_text import writes_only_reprs

PYDANTIC_MODELS = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "pydantic.v1.BaseModel",
        "pydantic.v1.main.BaseModel",
        "pydantic.generics.GenericModel",
        "pydantic.RootModel",
        "pydantic.root_model.RootModel",
        "pydantic.BaseSettings",
        "pydantic_settings.BaseSettings",
        "sqlmodel.SQLModel",
        "sqlmodel.main.SQLModel",
        "ninja.Schema",
        "ninja.ModelSchema",
    }
)
"""Qualified names of the library models whose `__str__` lists each field's `repr` (SQLModel
and Django Ninja's schemas are pydantic models)."""

NEUTRAL_BASES = frozenset({"typing.Generic", "abc.ABC", "object"})
"""Library bases beside a model that write no text of their own."""

TEXT_METHODS = frozenset(
    {"__str__", "__repr__", "__format__", "__repr_args__", "__repr_str__", "__repr_name__"}
)
"""Methods that decide a class's text: Python's, and pydantic's hooks for its field listing."""

_MAX_DEPTH = 8
"""How many levels of project classes deriving from project models are followed."""


def own_text_classes(tree: ast.Module) -> tuple[str, ...]:
    """The module-level classes that define (or assign) one of `TEXT_METHODS`: `Name:repr`
    when they write only reprs (`repr_text.writes_only_reprs`), else `Name`."""
    found: list[str] = []
    for statement in tree.body:
        if isinstance(statement, ast.ClassDef) and _writes_own_text(statement):
            reprs = writes_only_reprs(statement) and not _assigns_other_text(statement)
            found.append(f"{statement.name}{_REPRS if reprs else ''}")
    return tuple(found)


_REPRS = ":repr"
"""The mark `own_text_classes` gives a class whose own text is only reprs."""


def _writes_own_text(cls: ast.ClassDef) -> bool:
    """Whether the class body defines or assigns one of `TEXT_METHODS`."""
    for item in cls.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name in TEXT_METHODS:
            return True
        targets = item.targets if isinstance(item, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id in TEXT_METHODS for t in targets):
            return True
    return False


def _assigns_other_text(cls: ast.ClassDef) -> bool:
    """Whether the class body assigns a text method other than `__str__ = __repr__`."""
    for item in cls.body:
        if not isinstance(item, ast.Assign):
            continue
        aliased = isinstance(item.value, ast.Name) and item.value.id == "__repr__"
        if not aliased and any(
            isinstance(t, ast.Name) and t.id in TEXT_METHODS for t in item.targets
        ):
            return True
    return False


def repr_models(
    bases_by_module: Mapping[str, tuple[str, ...]],
    own_text_by_module: Mapping[str, Collection[str]],
    defining_name: Callable[[str], str],
    known: Collection[str] = (),
) -> frozenset[str]:
    """Qualified names of the project's classes whose text is their fields' `repr`s: every
    base is a pydantic model (`PYDANTIC_MODELS`), such a class of the project or of `known`,
    or a neutral base (`typing.Generic`); and either the class's own text is only reprs
    (`Name:repr`, with bases or none) or it writes none and one base is such a class or model.
    `bases_by_module` is each module's `choice_bases`, `own_text_by_module` its
    `own_text_classes`, `defining_name` resolves a base as its module spells it."""
    classes = class_bases(bases_by_module, defining_name)
    marked = {
        f"{module}.{entry}" for module, entries in own_text_by_module.items() for entry in entries
    }
    reprs = {name.removesuffix(_REPRS) for name in marked if name.endswith(_REPRS)}
    writing = {name for name in marked if not name.endswith(_REPRS)}
    allowed = PYDANTIC_MODELS | NEUTRAL_BASES
    found: set[str] = set(known)
    for _ in range(_MAX_DEPTH):
        added = {
            name
            for name in set(classes) | reprs
            if name not in found
            and name not in writing
            and (name in reprs or any(b in found or b in PYDANTIC_MODELS for b in classes[name]))
            and all(base in found or base in allowed for base in classes.get(name, ()))
        }
        if not added:
            break
        found |= added
    return frozenset(found - set(known))
