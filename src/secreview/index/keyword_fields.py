"""Classes built field by field from keywords, across a project: models and records.

A class that declares its fields in its body and has no constructor of its own is built by its
library base or decorator, which sets each keyword argument on the attribute of the same name:
a SQLAlchemy or Django model (`Timeline(name=name, sketch=sketch)`), a pydantic model, a
dataclass or an attrs class (`DataObj(url=url, tags=tags)`). Such an object holds each keyword's
data at that attribute only; its other attributes (`timeline.id`, `timeline.status`) hold none
of it. Without this, every attribute of the object carried every argument's data, so a log line
of `timeline.id` read as injectable.

Each module records its module-level classes (`keyword_classes`, kept in `ModuleFacts`): the
names their bodies declare, or that they define `__init__` or `__new__` themselves. The scanner
joins them through the project's class hierarchy (`project_keyword_fields`): a class none of
whose project ancestors defines a constructor takes its own and its ancestors' fields.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

_CONSTRUCTORS = frozenset({"__init__", "__new__"})

_OWN_CONSTRUCTOR = "!"
"""What `keyword_classes` records for a class defining a constructor: its keywords go wherever
that constructor puts them (its summary says where)."""


def keyword_classes(tree: ast.Module) -> tuple[str, ...]:
    """`Name:field field` for each module-level class with no constructor of its own (the names
    its body binds or annotates, dunders left out), `Name:!` for each one with a constructor."""
    found: list[str] = []
    for statement in tree.body:
        if isinstance(statement, ast.ClassDef):
            fields = _declared(statement)
            shown = _OWN_CONSTRUCTOR if fields is None else " ".join(fields)
            found.append(f"{statement.name}:{shown}")
    return tuple(found)


def _declared(cls: ast.ClassDef) -> list[str] | None:
    """The fields `cls`'s body declares, in order; None when it defines a constructor."""
    fields: dict[str, None] = {}
    for statement in cls.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            if statement.name in _CONSTRUCTORS:
                return None
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            fields[statement.target.id] = None
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    fields[target.id] = None
    return [name for name in fields if not name.startswith("__")]


def project_keyword_fields(
    classes_by_module: Mapping[str, tuple[str, ...]],
    ancestors: Mapping[str, tuple[str, ...]],
) -> dict[str, frozenset[str]]:
    """Qualified name of each project class built field by field -> its fields, own and
    inherited: neither it nor a project class it derives from (`ancestors`, nearest first)
    defines a constructor. A library ancestor's constructor is the one that sets the fields."""
    own: dict[str, frozenset[str] | None] = {}
    for module in sorted(classes_by_module):
        for entry in classes_by_module[module]:
            name, _, shown = entry.partition(":")
            declared = None if shown == _OWN_CONSTRUCTOR else frozenset(shown.split())
            own[f"{module}.{name}"] = declared
    found: dict[str, frozenset[str]] = {}
    for name, declared in own.items():
        chain = [declared, *(own[a] for a in ancestors.get(name, ()) if a in own)]
        if any(fields is None for fields in chain):
            continue
        fields = frozenset().union(*(f for f in chain if f is not None))
        if fields:
            found[name] = fields
    return found
