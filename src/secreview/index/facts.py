"""Project-wide facts: which module imports which, which modules read untrusted input, and which
names each module spells and defines.

The per-file pass records these facts for every module; the scanner uses them to decide where a
cross-module taint analysis can find anything, and which functions it must summarise there
(`demanded_functions`), so its cost is paid only where it can pay off.
"""

from __future__ import annotations

import ast
import struct
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import PurePath
from typing import NamedTuple, TypeVar, cast

_Node = TypeVar("_Node", bound=ast.AST)


class ModuleFacts(NamedTuple):
    """What the scanner needs to plan cross-module analysis for one module."""

    module: str
    reads_remote_input: bool
    imports: frozenset[str]
    spelled: str = ""
    """Every name the module spells in its code (names read, attribute names, imported names),
    as the sorted CRC-32 keys of the names (`name_key`) in hex, eight digits each. A function of
    another module can only be called from here if its name is among them. Keys, not the names:
    the scanner keeps every module's facts, and sets of names cost it tens of MB on a large
    tree; a key two names share only makes a function look called, never the reverse."""
    defines: frozenset[str] = frozenset()
    """The names of the functions and methods the module defines, at any depth."""
    bindings: tuple[str, ...] = ()
    """What binds each module-level name, in statement order (`reexports.module_bindings`):
    where the names other modules import from this one are defined."""
    choice_bases: tuple[str, ...] = ()
    """The spelled bases of the module's classes and its `Literal` aliases
    (`choices.choice_bases`): which of its types admit only fixed values, across modules."""
    decorator_fills: tuple[str, ...] = ()
    """The keywords its decorators fill for the views they wrap (`decorator_fills`)."""
    keyword_classes: tuple[str, ...] = ()
    """Its module-level classes' declared fields, or that they define a constructor
    (`keyword_fields.keyword_classes`): which classes are built field by field from keywords."""
    url_routes: tuple[str, ...] = ()
    """The Django routes it declares, each view with its pattern (`urlconf.url_routes`)."""
    pyramid_routes: tuple[str, ...] = ()
    """The Pyramid routes and routed views it declares (`pyramid_routes.pyramid_routes`)."""
    request_handoffs: tuple[str, ...] = ()
    """The functions it calls with the request as the first argument, as dotted names
    (`request_handoffs`): helpers, not views, unless a route names them."""
    safe_xml_default: bool = False
    """Whether it installs an entity-refusing parser as lxml's default (`xml_defaults`)."""
    safe_parsers: tuple[str, ...] = ()
    """Its module-level names bound to an entity-refusing lxml parser (`xml_defaults`)."""
    parser_fields: tuple[tuple[str, str], ...] = ()
    """Each store into an attribute named like a parser, with what it stores (`xml_defaults`)."""
    stub_classes: tuple[str, ...] = ()
    """Its module-level classes declaring a stub method (`stubs.classes_with_stubs`): a call
    through one runs a subclass's implementation, which may live in a module nobody imports."""
    own_text_classes: tuple[str, ...] = ()
    """Its module-level classes' own text (`model_text.own_text_classes`): which write their
    own, which only reprs, which none (plain classes)."""


def name_key(name: str) -> int:
    """The key `ModuleFacts.spelled` records for `name` (the same in every process)."""
    return zlib.crc32(name.encode("utf-8", "surrogatepass"))


def spelled_and_defined(
    nodes_by_type: Mapping[type[ast.AST], Sequence[ast.AST]],
) -> tuple[str, frozenset[str]]:
    """The names a module spells, as `ModuleFacts.spelled` records them, and the functions it
    defines, from its nodes grouped by exact type (`index.node_types.grouped_nodes`): the
    four kinds read here are found without a test of every node."""

    def of(kind: type[_Node]) -> Sequence[_Node]:
        return cast("Sequence[_Node]", nodes_by_type.get(kind, ()))

    spelled = {node.id for node in of(ast.Name)}
    spelled.update(node.attr for node in of(ast.Attribute))
    for alias in of(ast.alias):
        spelled.add(alias.name.rpartition(".")[2])
        if alias.asname:
            spelled.add(alias.asname)
    defined = {node.name for node in of(ast.FunctionDef)}
    defined.update(node.name for node in of(ast.AsyncFunctionDef))
    keys = sorted({name_key(name) for name in spelled})
    return struct.pack(f">{len(keys)}I", *keys).hex(), frozenset(defined)


def spelled_keys(facts: ModuleFacts) -> set[int]:
    """The keys of the names `facts` says its module spells."""
    packed = bytes.fromhex(facts.spelled)
    return set(struct.unpack(f">{len(packed) // 4}I", packed))


IMPLICITLY_APPLIED = frozenset({"__init__", "__call__"})
"""The special methods whose summaries the taint engine looks up without their name being
spelled: a class called builds an object (`__init__`), an object called runs `__call__`. It
applies no other (`__repr__`, `__getitem__`...) implicitly, so their summaries were never read
unless another module spells their name, which `demanded_functions` counts anyway."""


def demanded_functions(
    facts: Iterable[ModuleFacts], plan: frozenset[str]
) -> dict[str, frozenset[str]]:
    """For each module of `plan`, the functions of it that the cross-module pass must summarise.

    A summary is only ever looked up by a module that calls the function, and a call from
    another module spells the function's name there (`helpers.run(...)`, `from helpers import
    run`, `obj.run()`, a callback `submit(run)`). So a function whose name no other module of the
    plan spells can only be called from its own module, where the analysis reaches it from the
    functions that call it; summarising it on its own was most of the pass's work. The special
    methods the engine applies where their name is not spelled (`IMPLICITLY_APPLIED`) always
    count.
    """
    chosen = [f for f in facts if f.module in plan]
    defined_keys = {name_key(name) for each in chosen for name in each.defines}
    spellers: dict[int, int] = {}
    own: dict[str, set[int]] = {}
    for each in chosen:
        keys = own[each.module] = spelled_keys(each) & defined_keys
        for key in keys:
            spellers[key] = spellers.get(key, 0) + 1
    wanted: dict[str, frozenset[str]] = {}
    for each in chosen:
        mine = own[each.module]
        wanted[each.module] = frozenset(
            name
            for name in each.defines
            if name in IMPLICITLY_APPLIED
            or spellers.get(key := name_key(name), 0) > (key in mine)  # others spell it
        )
    return wanted


def module_name_for(relative_path: PurePath, package: str = "") -> str:
    """The dotted module name of a file, given its path relative to the project root.

    `src/pkg/helpers.py` -> `pkg.helpers` (src layout), `pkg/__init__.py` -> `pkg`. `package`
    names the package the root itself is (`secreview.sources.packages`): scanning `sphinx/`,
    `util/osutil.py` is `sphinx.util.osutil`, as the project's own imports spell it.
    """
    parts = list(relative_path.with_suffix("").parts)
    if package:
        parts = [*package.split("."), *parts]
    elif parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    if parts and parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def is_package_file(path: str) -> bool:
    """Whether the file is a package's `__init__`: its relative imports start at itself."""
    return PurePath(path).stem == "__init__"


def relative_import_base(module: str, is_package: bool) -> str:
    """The package a module's relative imports are resolved in (Python's `__package__`):
    the module itself for a package's `__init__`, else the package holding it."""
    if is_package:
        return module
    return module.rsplit(".", 1)[0] if "." in module else ""


def absolute_module(node: ast.ImportFrom, package: str) -> str | None:
    """The module `from ... import` reads, its dots resolved in `package` (the importing module's
    `relative_import_base`); None when they climb out of it."""
    if not node.level:
        return node.module
    parts = package.split(".") if package else []
    keep = len(parts) - (node.level - 1)
    if keep < 0:
        return None
    return ".".join([*parts[:keep], *([node.module] if node.module else [])])


def imported_modules(
    statements: Iterable[ast.Import | ast.ImportFrom], module: str, is_package: bool = False
) -> frozenset[str]:
    """Dotted names this module imports, relative imports resolved against `module`.

    `from .helpers import build` in `app.views` yields `app.helpers` and `app.helpers.build`
    (the imported name may be a submodule or an attribute: the caller intersects with the
    modules that exist); in `app/__init__.py` (`is_package`) it yields the same.
    """
    package = relative_import_base(module, is_package)
    found: set[str] = set()
    for node in statements:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        else:
            base = absolute_module(node, package)
            if base is None:
                continue
            if base:
                found.add(base)
            found.update(f"{base}.{a.name}" if base else a.name for a in node.names)
    return frozenset(found)


def cross_module_plan(
    facts: Iterable[ModuleFacts], depth: int = 2
) -> tuple[frozenset[str], frozenset[str]]:
    """(modules to summarise, modules to review again with the summaries).

    Only modules that read remote input start a flow worth following across modules; a flow can
    only leave them through project modules they import (directly or not). When none of them
    imports a project module, both sets are empty and the per-file results stand. Modules more
    than `depth` imports away are left out: the summaries are iterated only a few rounds, so a
    flow through a longer chain of modules would not be followed anyway.
    """
    by_module: Mapping[str, ModuleFacts] = {f.module: f for f in facts}
    readers = sorted(m for m, f in by_module.items() if f.reads_remote_input)
    to_review: set[str] = set()
    closure: set[str] = set()
    for reader in readers:
        reached = _imports_closure(reader, by_module, depth)
        if reached - {reader}:
            to_review.add(reader)
            closure |= reached
    return frozenset(closure), frozenset(to_review)


def implementing_modules(
    facts: Iterable[ModuleFacts],
    planned: frozenset[str],
    defining_name: Callable[[str], str],
    depth: int = 2,
) -> frozenset[str]:
    """The modules outside `planned` defining a subclass of a class with stub methods that a
    `planned` module defines (or of such a subclass, up to `depth` levels).

    A call through a base's stub does what the project's implementations do
    (`taint.overrides`), but an implementation is only read when its module is summarised, and a
    plugin module is often imported by nobody: it registers itself, or a loader finds it by
    name. `defining_name` resolves a base as its module spells it (`ReExports.defining_name`).
    """
    by_module = {f.module: f for f in facts}
    bases = {  # `Name:Base other.Base` entries; `Name.field:Type` ones are fields
        module: [
            (name, spelled.split())
            for name, _, spelled in (entry.partition(":") for entry in f.choice_bases)
            if spelled and "." not in name
        ]
        for module, f in by_module.items()
    }
    with_stubs = {
        f"{module}.{name}"
        for module in planned
        if module in by_module
        for name in by_module[module].stub_classes
    }
    added: set[str] = set()
    for _ in range(depth):
        found = {
            (module, f"{module}.{name}")
            for module in sorted(bases)
            if module not in planned and module not in added
            for name, spelled in bases[module]
            if any(defining_name(f"{module}.{base}") in with_stubs for base in spelled)
        }
        if not found:
            break
        added.update(module for module, _ in found)
        with_stubs.update(name for _, name in found)
    return frozenset(added)


def _imports_closure(start: str, by_module: Mapping[str, ModuleFacts], depth: int) -> set[str]:
    """`start` and the project modules it imports, up to `depth` imports away."""
    seen = {start}
    frontier = [start]
    for _ in range(depth):
        frontier = [
            name
            for current in frontier
            for name in sorted(by_module[current].imports)
            if name in by_module and name not in seen
        ]
        seen.update(frontier)
    return seen


def parameter_defaults(arguments: ast.arguments) -> list[tuple[ast.arg, ast.expr]]:
    """Each parameter that has a default, with that default: the last positional ones (the
    defaults line up with the end of `posonlyargs + args`) and the keyword-only ones given one."""
    positional = [*arguments.posonlyargs, *arguments.args]
    with_default = positional[len(positional) - len(arguments.defaults) :]
    pairs = list(zip(with_default, arguments.defaults, strict=True))
    pairs += [
        (parameter, default)
        for parameter, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
        if default is not None
    ]
    return pairs


def rebinds(function: ast.AST, name: str) -> bool:
    """Whether `function` assigns (or deletes) `name` anywhere in its body: then a parameter of
    that name may no longer hold what the caller passed, or its default."""
    return any(
        isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load)
        for node in ast.walk(function)
    )


def is_main_guard(test: ast.expr) -> bool:
    """`__name__ == "__main__"` (either way round): the test of a module's script block."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    if not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    mains = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return bool(names and mains)
