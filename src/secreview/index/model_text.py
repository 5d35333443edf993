"""Classes whose text is the `repr` of each field: pydantic's models, across a project.

`str(model)` (and so `f"{model}"`, `"%s" % model`, a logging call's `%s`) of a pydantic model
is `name='a\\nb' size=3`: pydantic writes each field's `repr`, in version 1 and 2 alike, so a
line break in a field comes out as the two characters `\\n` and can forge no log entry. That
holds only while no class of the model's own line (nor a mixin beside it) writes its own text:
a `__str__`, a `__repr__`, a `__format__` or one of pydantic's hooks for the fields' listing.

A class of the project whose own `__repr__` writes only reprs, numbers and names of code
(`repr_text`: `f"<Link {self.href!r}>"`) is such a class too; so is a plain class, which writes
no text and derives from nothing (`<app.Job object at 0x...>`, or a dataclass's field reprs);
and so is a subclass of one that writes no text of its own. A class some project subclass of
which writes other text is not: a value declared as the base may be that subclass.

Each module records its module-level classes' text (`own_text_classes`, kept in
`ModuleFacts`: `Name` when the class writes its own, `Name:repr` when only reprs, `Name:plain`);
with the classes' bases (`choices.choice_bases`) the scanner resolves the project's field-repr
classes once (`repr_models`, in `ProjectIndex.repr_models`). A single file's own are found the
same way from its own tree.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Mapping

from secreview.index.choices import class_bases
from secreview.index.keyword_fields import short_name
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
        "typing.NamedTuple",
    }
)
"""Qualified names of the library classes whose text lists each field's `repr` (SQLModel and
Django Ninja's schemas are pydantic models; a named tuple writes `P(x='a')`)."""

NEUTRAL_BASES = frozenset({"typing.Generic", "abc.ABC"})
"""Library bases beside a model that write no text of their own."""

TEXT_METHODS = frozenset(
    {
        "__str__",
        "__repr__",
        "__format__",
        "__unicode__",
        "__repr_args__",
        "__repr_str__",
        "__repr_name__",
    }
)
"""Methods that decide a class's text: Python's (and Python 2's `__unicode__`, which
`python_2_unicode_compatible` makes `__str__`), and pydantic's hooks for its field listing."""

_RECORD_DECORATORS = frozenset(
    {"dataclass", "s", "attrs", "define", "frozen", "mutable", "total_ordering", "final"}
)
"""Last names of class decorators that add no text of the class's own: a dataclass's or an
attrs class's generated `__repr__` writes each field's `repr`. Any other decorator may."""

_REPRS, _PLAIN = ":repr", ":plain"
"""The marks `own_text_classes` gives a class whose own text is only reprs, or a plain class."""

_MAX_DEPTH = 8
"""How many levels of project classes deriving from project models are followed."""


def own_text_classes(tree: ast.Module) -> tuple[str, ...]:
    """Each module-level class whose text is not simply its bases': `Name` when it writes its
    own (a text method, an unknown decorator), `Name:repr` when its own is only reprs
    (`repr_text.writes_only_reprs`), `Name:plain` when it writes none and derives from nothing
    but `object`."""
    found: list[str] = []
    for cls in tree.body:
        if not isinstance(cls, ast.ClassDef):
            continue
        if not all(_decorator_name(d) in _RECORD_DECORATORS for d in cls.decorator_list):
            found.append(cls.name)
        elif _writes_own_text(cls):
            reprs = writes_only_reprs(cls) and not _assigns_other_text(cls)
            found.append(f"{cls.name}{_REPRS if reprs else ''}")
        elif all(isinstance(b, ast.Name) and b.id == "object" for b in cls.bases):
            found.append(f"{cls.name}{_PLAIN}")
    return tuple(found)


def _decorator_name(decorator: ast.expr) -> str:
    """The last name of a decorator (`dataclass` of `@dataclasses.dataclass(frozen=True)`)."""
    return short_name(decorator.func if isinstance(decorator, ast.Call) else decorator)


def _writes_own_text(cls: ast.ClassDef) -> bool:
    """Whether the class body defines or assigns one of `TEXT_METHODS`."""
    return bool(_text_assignments(cls)) or any(
        isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name in TEXT_METHODS
        for item in cls.body
    )


def _assigns_other_text(cls: ast.ClassDef) -> bool:
    """Whether the class body assigns a text method other than `__str__ = __repr__`."""
    return any(
        not (isinstance(item.value, ast.Name) and item.value.id == "__repr__")
        for item in _text_assignments(cls)
    )


def _text_assignments(cls: ast.ClassDef) -> list[ast.Assign]:
    """The assignments of the class body that bind one of `TEXT_METHODS` (`__str__ = ...`)."""
    return [
        item
        for item in cls.body
        if isinstance(item, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id in TEXT_METHODS for t in item.targets)
    ]


def repr_models(
    bases_by_module: Mapping[str, tuple[str, ...]],
    own_text_by_module: Mapping[str, Collection[str]],
    defining_name: Callable[[str], str],
    known: Collection[str] = (),
) -> frozenset[str]:
    """Qualified names of the project's classes whose text is their fields' `repr`s (or no
    data at all): a plain class; or every base is a model of `PYDANTIC_MODELS`, such a class
    of the project or of `known`, or a neutral base (`typing.Generic`), and either the class's
    own text is only reprs or it writes none and one base is such a class or model. A class a
    project subclass of which is none of these is left out. `bases_by_module` is each module's
    `choice_bases`, `own_text_by_module` its `own_text_classes`, `defining_name` resolves a
    base as its module spells it."""
    classes = class_bases(bases_by_module, defining_name)
    marked = {
        f"{module}.{entry}" for module, entries in own_text_by_module.items() for entry in entries
    }
    reprs = {name.removesuffix(_REPRS) for name in marked if name.endswith(_REPRS)}
    plain = {name.removesuffix(_PLAIN) for name in marked if name.endswith(_PLAIN)}
    writing = {name for name in marked if not name.endswith((_REPRS, _PLAIN))}
    allowed = PYDANTIC_MODELS | NEUTRAL_BASES
    found: set[str] = set(known) | plain
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
    return frozenset(found - set(known) - _bases_of(set(classes) - found, classes))


def _bases_of(subclasses: set[str], classes: Mapping[str, tuple[str, ...]]) -> set[str]:
    """Every project class some class of `subclasses` derives from, at any depth."""
    found: set[str] = set()
    pending = [base for name in subclasses for base in classes.get(name, ())]
    while pending:
        base = pending.pop()
        if base not in found:
            found.add(base)
            pending.extend(classes.get(base, ()))
    return found
