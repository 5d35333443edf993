"""Names a project's modules hand on: plain re-exports and star imports, followed to where the
name is defined.

A package's `__init__.py` that says `from .shell import run_command` lets every other module
write `from pkg import run_command`: the call reads `pkg.run_command`, but the function (and its
summary) is `pkg.shell.run_command`. A module that says `from .a import *` and `from .b import *`
binds whatever `a` and `b` define, the later import winning. The first pass records, per module,
what binds each module-level name in statement order (`module_bindings`, kept in
`ModuleFacts.bindings`); before the cross-module pass the scanner reads them for the whole
project (`ReExports`) and turns the names that lead elsewhere into a flat table
(`ProjectIndex.aliases`) every review of that pass consults. Only module-level statements count
(and those in module-level `if` and `try` blocks), as only they bind what another module imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping, Sequence

from secreview.index.facts import (
    ModuleFacts,
    absolute_module,
    name_key,
    relative_import_base,
    spelled_keys,
)

MAX_HOPS = 8
"""Re-exports followed from one name, at most (a chain of packages is two or three; import
cycles end at the first name seen again, this bounds the rest)."""

_MAX_NESTING = 64
"""Star imports followed inside one another while answering one question (Python's recursion
limit is far above; a real project nests two or three)."""

_BindingTable = tuple[dict[str, tuple[int, str]], list[tuple[int, str]]]
"""A module's last direct binding of each name (position, target) and its star imports."""

_DEFINED = ""
"""`ReExports.binding`: the module binds the name itself (a def, a class, an assignment)."""


def module_bindings(tree: ast.Module, module: str, is_package: bool) -> tuple[str, ...]:
    """What binds each module-level name of `module`, in statement order, as short strings:
    `name=target` an import (`target` absolute: `from .shell import run` in `pkg` gives
    `run=pkg.shell.run`), `*module` a star import, `name` any other binding (a def, a class, an
    assignment; so a re-export rebound later, `run = wrap(run)`, is the module's own), and
    `!` a literal `__all__` and `!name` each name it lists (it limits what a star import
    takes; a computed one is not read).

    An `except` handler's bindings count only for names its `try` body leaves unbound: the
    body's imports are what runs wherever they succeed (`except ImportError: run = None`).
    """
    package = relative_import_base(module, is_package)
    events: list[str] = []
    _statements(tree.body, package, events)
    return tuple(events)


def _statements(body: Iterable[ast.stmt], package: str, events: list[str]) -> None:
    for statement in body:
        if isinstance(statement, ast.ImportFrom):
            base = absolute_module(statement, package)
            for alias in statement.names if base else ():
                if alias.name == "*":
                    events.append(f"*{base}")
                else:
                    events.append(f"{alias.asname or alias.name}={base}.{alias.name}")
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname:
                    events.append(f"{alias.asname}={alias.name}")
                else:
                    top = alias.name.split(".")[0]
                    events.append(f"{top}={top}")
        elif isinstance(statement, ast.If):
            _statements([*statement.body, *statement.orelse], package, events)
        elif isinstance(statement, ast.Try | ast.TryStar):
            start = len(events)
            _statements(statement.body, package, events)
            bound = {_bound_name(event) for event in events[start:]}
            for handler in statement.handlers:
                fallback: list[str] = []
                _statements(handler.body, package, fallback)
                events.extend(e for e in fallback if _bound_name(e) not in bound)
            _statements([*statement.orelse, *statement.finalbody], package, events)
        elif (alias := _plain_alias(statement, events)) is not None:
            events.append(alias)
        else:
            events.extend(_other_bindings(statement))


def _plain_alias(statement: ast.stmt, events: Sequence[str]) -> str | None:
    """`name=target` for `name = other` where `other` is, at that point, a name the module
    imported (`from loguru import logger as base_logger` then `logger = base_logger`): the
    assignment binds the very object the import did, so a module importing `name` from here
    gets it too (a project's logging facade). None for any other statement, or when `other`
    is the module's own (a def, an assignment, a name bound nowhere before)."""
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(target := statement.targets[0], ast.Name)
        and isinstance(value := statement.value, ast.Name)
    ):
        return None
    for event in reversed(events):
        if event.startswith("*"):
            return None  # a star import after it may have rebound the name
        if _bound_name(event) == value.id:
            name, equals, imported = event.partition("=")
            return f"{target.id}={imported}" if equals and name == value.id else None
    return None


def _bound_name(event: str) -> str:
    """The name an event binds (empty for a star import, which binds names unknown here)."""
    if event.startswith(("*", "!")):
        return ""
    return event.partition("=")[0]


def _other_bindings(statement: ast.stmt) -> Iterator[str]:
    """The events of a statement that is not an import (`module_bindings`)."""
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        yield statement.name
        return
    targets: list[ast.expr] = []
    value: ast.expr | None = None
    if isinstance(statement, ast.Assign):
        targets, value = statement.targets, statement.value
    elif isinstance(statement, ast.AnnAssign | ast.AugAssign) and statement.value is not None:
        targets, value = [statement.target], statement.value
    elif isinstance(statement, ast.For | ast.AsyncFor):
        targets = [statement.target]
    elif isinstance(statement, ast.With | ast.AsyncWith):
        targets = [i.optional_vars for i in statement.items if i.optional_vars is not None]
    elif isinstance(statement, ast.Delete):
        targets = statement.targets
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                yield node.id
    names_all = any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)
    if names_all and isinstance(value, ast.List | ast.Tuple):
        yield "!"
        for item in value.elts:
            if isinstance(item, ast.Constant) and isinstance(item.value, str):
                yield f"!{item.value}"


class ReExports:
    """The project's module-level bindings, answering where a name of one module is defined.

    Built from every module's `module_bindings`; answers are memoised, so asking about every
    imported name of a project costs one pass over its bindings. Order-independent: a module's
    answer depends only on its own bindings and those of the modules it imports from.
    """

    def __init__(
        self, bindings: Mapping[str, tuple[str, ...]], described: frozenset[str] = frozenset()
    ) -> None:
        """`bindings`: each module's `module_bindings`; `described`: top-level packages whose
        public names the models spell (`models.modelled_packages`), whose names are kept as
        spelled."""
        self._bindings = bindings
        self._described = described
        self._answers: dict[tuple[str, str], str | None] = {}
        self._tables: dict[str, _BindingTable] = {}
        self._listed_names: dict[str, frozenset[str] | None] = {}
        self._exported: dict[str, frozenset[str]] = {}
        self._active = 0

    def is_module(self, name: str) -> bool:
        """Whether `name` is a module of the project."""
        return name in self._bindings

    def module_of(self, name: str) -> str | None:
        """The longest prefix of `name` (itself included) that is a module of the project."""
        while name:
            if name in self._bindings:
                return name
            name = name.rpartition(".")[0]
        return None

    def defining_name(self, name: str) -> str:
        """`name` with every re-export on its way followed: `pkg.run_command` is
        `pkg.shell.run_command` when `pkg/__init__.py` imports it from `.shell`. A name no
        project module hands on is returned as it is; so is one caught in an import cycle, and
        one of a package the models describe (scanning `cherrypy`, `cherrypy.url` stays the
        name its model knows)."""
        if name.partition(".")[0] in self._described:
            return name
        seen = {name}
        for _ in range(MAX_HOPS):
            following = self._step(name)
            if following is None or following in seen:
                break
            seen.add(following)
            name = following
        return name

    def _step(self, name: str) -> str | None:
        """The name one re-export on from `name`, or None when it is where it is defined."""
        if name in self._bindings:
            return None  # a module: `from pkg import util` reads the submodule
        module = self.module_of(name.rpartition(".")[0])
        if module is None:
            return None
        rest = name[len(module) + 1 :].split(".")
        target = self.binding(module, rest[0])
        if target is None:
            target = self._from_library_star(module, rest[0])
        if not target:
            return None
        return ".".join([target, *rest[1:]])

    def binding(self, module: str, name: str) -> str | None:
        """What `name` of `module` is bound to at the end of the module: the imported name
        (`pkg.shell.run`), `_DEFINED` (empty) when the module binds it itself, None when
        nothing binds it. Of several star imports the last that exports it wins, unless the
        module binds the name after it."""
        key = (module, name)
        if key in self._answers:
            return self._answers[key]
        if self._active >= _MAX_NESTING:
            return None  # a pathological chain of star imports: not followed further
        self._answers[key] = None  # an import cycle asks again: nothing found that way
        self._active += 1
        direct, stars = self._table(module)
        position, found = direct.get(name, (-1, None))
        for star_position, star in reversed(stars):
            if star_position < position:
                break
            if self._exports(star, name):
                found = f"{star}.{name}"
                break
        self._active -= 1
        self._answers[key] = found
        return found

    def _table(self, module: str) -> _BindingTable:
        """The module's last direct binding of each name, with its position among the
        bindings, and its star imports with theirs (built once per module)."""
        table = self._tables.get(module)
        if table is None:
            direct: dict[str, tuple[int, str]] = {}
            stars: list[tuple[int, str]] = []
            for position, event in enumerate(self._bindings.get(module, ())):
                if event[0] == "*":
                    stars.append((position, event[1:]))
                elif event[0] != "!":
                    bound, _, target = event.partition("=")
                    direct[bound] = (position, target)
            table = self._tables[module] = (direct, stars)
        return table

    def _from_library_star(self, module: str, name: str) -> str | None:
        """`library.name` when the one star import of `module` is of a module outside the
        project and nothing else binds `name` there: as `ModuleContext.resolve` reads a bare
        name under one star import (`from os import *` in `pkg` makes `pkg.system` `os.system`).
        Not a reason for a star import of `module` to take the name: what the library defines
        is not known, and it would hide the other star imports' names."""
        stars = self._table(module)[1]
        if len(stars) == 1 and stars[0][1] not in self._bindings:
            return f"{stars[0][1]}.{name}"
        return None

    def _exports(self, module: str, name: str) -> bool:
        """Whether `from module import *` binds `name`: the module binds it and its `__all__`
        lists it (without one, a name not starting with `_`). A module outside the project
        exports nothing known here."""
        if module not in self._bindings:
            return False
        listed = self._listed(module)
        allowed = name in listed if listed is not None else not name.startswith("_")
        return allowed and self.binding(module, name) is not None

    def _listed(self, module: str) -> frozenset[str] | None:
        """The names of the module's literal `__all__`, None when it has none."""
        if module not in self._listed_names:
            events = self._bindings.get(module, ())
            literal = "!" in events
            names = frozenset(e[1:] for e in events if e.startswith("!") and e != "!")
            self._listed_names[module] = names if literal else None
        return self._listed_names[module]

    def exported_names(self, module: str) -> frozenset[str]:
        """Every name `from module import *` can bind (for the tables built from the
        bindings): its `__all__`, or its module-level names not starting with `_`."""
        if module in self._exported:
            return self._exported[module]
        listed = self._listed(module)
        self._exported[module] = frozenset()  # an import cycle: the names found so far
        names: set[str] = set()
        for event in self._bindings.get(module, ()) if listed is None else ():
            if event.startswith("*"):
                if self._active < _MAX_NESTING:
                    self._active += 1
                    names |= self.exported_names(event[1:])
                    self._active -= 1
            elif not event.startswith("!"):
                names.add(event.partition("=")[0])
        found = listed if listed is not None else frozenset(n for n in names if n[:1] != "_")
        self._exported[module] = found
        return found

    def handed_names(self, module: str) -> Iterator[str]:
        """The names `module` takes from elsewhere: those it imports (`run=...`) and those its
        star imports of project modules can bind, each once, sorted."""
        names: set[str] = set()
        for event in self._bindings.get(module, ()):
            if event.startswith("*"):
                names |= self.exported_names(event[1:])
            elif "=" in event:
                names.add(event.partition("=")[0])
        return iter(sorted(names))


def followed_imports(facts: Sequence[ModuleFacts], names: ReExports) -> list[ModuleFacts]:
    """`facts` with each module's imports extended by the modules that define what it imports
    through re-exports and star imports: the cross-module plan then reaches `pkg.shell` from
    `from pkg import run_command` in one step, and the cache keys a module's second review by
    the summaries it reads there."""
    through_star: dict[str, set[str]] = {}
    followed: list[ModuleFacts] = []
    for each in facts:
        reached = set(each.imports)
        for name in each.imports:
            if not names.is_module(name):
                reached.add(names.module_of(names.defining_name(name)) or name)
        for event in each.bindings:
            if event[0] == "*":
                star = event[1:]
                if star not in through_star:  # the same for every module importing it
                    through_star[star] = {
                        names.module_of(names.defining_name(f"{star}.{name}")) or star
                        for name in names.exported_names(star)
                    }
                reached |= through_star[star]
        if reached != each.imports:
            each = each._replace(imports=frozenset(reached))
        followed.append(each)
    return followed


def alias_table(
    facts: Sequence[ModuleFacts], names: ReExports, plan: frozenset[str]
) -> dict[str, str]:
    """Each name a module of the project hands on -> where it is defined, for the names the
    cross-module pass can meet: one a module of `plan` imports by name (`from pkg import
    run_command`), or one it spells (`pkg.run_command(...)`, a bare name under a star import)
    that leads to a project module (every module's `os` leads to `os`: that one is spelled
    `os` wherever it is used). Names defined where they are spelled are left out; the table is
    small and travels to every worker of the pass (`ProjectIndex.aliases`)."""
    spelled: set[int] = set()
    asked: set[str] = set()
    for each in facts:
        if each.module in plan:
            asked |= each.imports
            spelled |= spelled_keys(each)
    table: dict[str, str] = {}
    for name in sorted(name for name in asked if not names.is_module(name)):
        defined = names.defining_name(name)
        if defined != name:
            table[name] = defined
    for each in facts:
        for name in names.handed_names(each.module):
            qualified = f"{each.module}.{name}"
            if qualified in table or name_key(name) not in spelled:
                continue
            defined = names.defining_name(qualified)
            if defined != qualified and names.module_of(defined) is not None:
                table[qualified] = defined
    return table
