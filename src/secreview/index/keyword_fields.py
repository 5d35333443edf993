"""Classes built field by field from keywords, across a project: models and records.

A class that declares its fields in its body and has no constructor of its own is built by its
library base or decorator, which sets each keyword argument on the attribute of the same name:
a SQLAlchemy or Django model (`Timeline(name=name, sketch=sketch)`), a pydantic model, a
dataclass or an attrs class (`DataObj(url=url, tags=tags)`). Such an object holds each keyword's
data at that attribute only; its other attributes (`timeline.id`, `timeline.status`) hold none
of it. Without this, every attribute of the object carried every argument's data, so a log line
of `timeline.id` read as injectable.

A record class (a model or a dataclass, known by its decorator, its library base or a
declarative base the project makes: `Base = declarative_base()`) takes every keyword as a field,
declared in its body or not (a SQLAlchemy relationship's backref, a Django model's inherited
field): its constructor refuses any other. Another class with no constructor takes only the
keywords its body declares; the rest may be anywhere in it.

Each module records its module-level classes (`keyword_classes`, kept in `ModuleFacts`): the
names their bodies declare, whether they are records, or that they define `__init__` or `__new__`
themselves; and its declarative bases. The scanner joins them through the project's class
hierarchy (`project_keyword_fields`): a class none of whose project ancestors defines a
constructor takes its own and its ancestors' fields.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

_CONSTRUCTORS = frozenset({"__init__", "__new__"})

EVERY_KEYWORD = "*"
"""In a class's fields (`ProjectIndex.keyword_fields`): a record, every keyword is a field."""

_RECORD_DECORATORS = frozenset(
    {"dataclass", "s", "attrs", "define", "frozen", "mutable", "as_declarative"}
)
"""Short names of decorators that make a class a record built from keywords (dataclasses',
attrs', SQLAlchemy's `as_declarative`)."""

_RECORD_BASES = frozenset(
    {"BaseModel", "SQLModel", "Model", "DeclarativeBase", "DeclarativeBaseNoMeta", "Struct"}
)
"""Short names of library bases whose constructor sets keywords as fields: pydantic's,
SQLModel's, Django's and Flask-SQLAlchemy's `Model`, SQLAlchemy 2's, msgspec's."""

_BASE_FACTORIES = frozenset({"declarative_base", "generate_base"})
"""Calls returning a declarative base (`Base = declarative_base()`), whose classes are records."""

_OWN_CONSTRUCTOR = "!"
"""What `keyword_classes` records for a class defining a constructor: its keywords go wherever
that constructor puts them (its summary says where)."""


def keyword_classes(tree: ast.Module) -> tuple[str, ...]:
    """`Name:field field` for each module-level class with no constructor of its own (the names
    its body binds or annotates, dunders left out; `Name*:` for a record), `Name:!` for each one
    with a constructor, and `Name*:` for each module-level declarative base the module makes."""
    found: list[str] = []
    for statement in tree.body:
        if isinstance(statement, ast.ClassDef):
            fields = _declared(statement)
            shown = _OWN_CONSTRUCTOR if fields is None else " ".join(fields)
            marker = EVERY_KEYWORD if fields is not None and _is_record(statement) else ""
            found.append(f"{statement.name}{marker}:{shown}")
        elif (
            isinstance(statement, ast.Assign)
            and isinstance(statement.value, ast.Call)
            and short_name(statement.value.func) in _BASE_FACTORIES
        ):
            names = [t.id for t in statement.targets if isinstance(t, ast.Name)]
            found.extend(f"{name}{EVERY_KEYWORD}:" for name in names)
    return tuple(found)


def _is_record(cls: ast.ClassDef) -> bool:
    """Whether a decorator or a library base of `cls` makes it a record built from keywords."""
    decorators = (d.func if isinstance(d, ast.Call) else d for d in cls.decorator_list)
    return any(short_name(d) in _RECORD_DECORATORS for d in decorators) or any(
        short_name(base) in _RECORD_BASES for base in cls.bases
    )


def short_name(node: ast.expr) -> str:
    """The last name of a dotted name (`attr.s` -> `s`), else empty."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


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
    defines a constructor. A library ancestor's constructor is the one that sets the fields;
    one of `_RECORD_BASES` sets every keyword (`EVERY_KEYWORD`)."""
    own: dict[str, frozenset[str] | None] = {}
    for module in sorted(classes_by_module):
        for entry in classes_by_module[module]:
            name, _, shown = entry.partition(":")
            declared = None if shown == _OWN_CONSTRUCTOR else frozenset(shown.split())
            if name.endswith(EVERY_KEYWORD) and declared is not None:
                name, declared = name.removesuffix(EVERY_KEYWORD), declared | {EVERY_KEYWORD}
            own[f"{module}.{name}"] = declared
    found: dict[str, frozenset[str]] = {}
    for name, declared in own.items():
        lineage = ancestors.get(name, ())
        chain = [declared, *(own[a] for a in lineage if a in own)]
        if any(fields is None for fields in chain):
            continue
        fields = frozenset().union(*(f for f in chain if f is not None))
        if any(a not in own and a.rpartition(".")[2] in _RECORD_BASES for a in lineage):
            fields |= {EVERY_KEYWORD}
        if fields:
            found[name] = fields
    return found
