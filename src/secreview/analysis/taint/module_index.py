"""What the taint interpreter needs to know about a module before it runs a line of it.

Its functions and classes (with the class each method belongs to), its relative imports, the
qualified names its expressions resolve to, class hierarchies (request handlers, class-based views),
the frameworks it imports, and a cheap test of whether it can read untrusted input at all
(`input_clues.py`).
These are facts of the module's text, fixed before the analysis starts, so they are kept apart from
the state that changes while it runs (`module_state.py`) and from the driving (`interpreter.py`).
"""

from __future__ import annotations

import ast

from secreview.analysis.models import Models
from secreview.analysis.taint.choice_types import ChoiceTypes
from secreview.analysis.taint.input_clues import input_clues
from secreview.analysis.taint.results import FunctionNode
from secreview.analysis.taint.summaries import ExternalSummary, ProjectIndex
from secreview.index.context import ModuleContext
from secreview.index.facts import is_package_file, relative_import_base
from secreview.index.node_types import nodes_of

_TORNADO_HANDLER = "tornado.web.RequestHandler"
"""The base presumed for a Tornado module's handler whose base class is the project's own."""


def _child_statements(node: ast.stmt) -> list[ast.stmt]:
    """The statements nested directly in `node` (bodies, branches, handlers, match cases)."""
    children: list[ast.stmt] = []
    for field_name in ("body", "orelse", "finalbody"):
        value = getattr(node, field_name, None)
        if isinstance(value, list):
            children.extend(value)
    for handler in getattr(node, "handlers", ()):
        children.extend(handler.body)
    for case in getattr(node, "cases", ()):
        children.extend(case.body)
    return children


class ModuleIndex(ChoiceTypes):
    """The module's own definitions and names, as the interpreter looks them up."""

    def __init__(
        self,
        context: ModuleContext,
        models: Models,
        project: ProjectIndex | None = None,
        module_name: str | None = None,
    ) -> None:
        self.context = context
        self.models = models
        self.project = project or ProjectIndex()
        self.module_name = module_name
        self.method_class: dict[int, ast.ClassDef] = {}
        self.classes: dict[str, ast.ClassDef] = {}
        self.functions: dict[str, FunctionNode] = {}
        self.all_functions: list[FunctionNode] = []
        self._called_names: set[str] | None = None
        self._registered: dict[tuple[str, ...], frozenset[str]] = {}
        self._external_bases: dict[str, tuple[str, ...]] = {}
        self._methods: dict[tuple[str, str, bool], FunctionNode | None] = {}
        self.relative_aliases: dict[str, str] = {}
        self.inlined_checks: dict[int, ast.expr | None] = {}
        """Call of a check helper (by id) -> the condition it returns (`guard_helpers.py`), made
        once and kept: the module's name lookups are memoised by node id, which a copy made
        again and freed would hand to another node."""
        self.address_screens: dict[int, tuple[bool, bool] | None] = {}
        """Helper (by id) -> what `address_screens._screen` makes of it, read once."""
        self.raising_screens: dict[int, bool] = {}
        """Helper (by id) -> whether `address_screens._raises_for_internal` holds of it."""
        self.kept_checks: list[ast.expr] = []
        """Validators' inlined answers read for their summaries (`check_summaries.py`), kept
        for the same reason."""
        self.base_checks: dict[int, ast.expr | None] = {}
        """`any(...)` over several bases (by id) -> the check it makes (`check_over_bases`),
        kept for the same reason."""
        self.is_web = any(context.imports_module(m) for m in models.frameworks)
        self.is_django = context.imports_module("django") or context.imports_module(
            "rest_framework"
        )

    def index_module(self) -> None:
        """Gather the module's functions, classes and relative imports, visiting statements only
        (expressions are most of a tree and hold none of them)."""
        relative_imports: list[ast.ImportFrom] = []
        for node in self.context.tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions[node.name] = node
        pending: list[ast.stmt] = list(reversed(self.context.tree.body))
        while pending:
            node = pending.pop()
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.all_functions.append(node)
            elif isinstance(node, ast.ClassDef):
                self.classes.setdefault(node.name, node)
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        self.method_class[id(item)] = node
            elif isinstance(node, ast.ImportFrom) and node.level > 0:
                relative_imports.append(node)
            pending.extend(reversed(_child_statements(node)))
        self.relative_aliases = self._relative_aliases(relative_imports)
        self._methods = {}  # classes and names may have changed: search again

    def is_called(self, name: str) -> bool:
        """Whether the module calls something named `name` (a function or a method)."""
        if self._called_names is None:
            self._called_names = {
                n.func.id if isinstance(n.func, ast.Name) else n.func.attr
                for n in nodes_of(self.context, ast.Call)
                if isinstance(n.func, ast.Name | ast.Attribute)
            }
        return name in self._called_names

    def may_read_untrusted_input(self, origins: frozenset[str]) -> bool:
        """Whether the module can read input of `origins` at all (a cheap test before the work).

        The clues are gathered once per module and models (`input_clues`): the taint pass asks
        with every reported origin and the scanner again with "remote" only, and the text is
        read for both at once.
        """
        return input_clues(self.context, self.models).may_read(origins)

    def _relative_aliases(self, imports: list[ast.ImportFrom]) -> dict[str, str]:
        """Local name -> qualified name for `from .x import y` (needs the module's own name)."""
        aliases: dict[str, str] = {}
        if not self.module_name:
            return aliases
        base_name = relative_import_base(self.module_name, is_package_file(self.context.path))
        package = base_name.split(".") if base_name else []
        for node in imports:
            base = package[: max(len(package) - (node.level - 1), 0)]
            if node.module:
                base = [*base, *node.module.split(".")]
            for alias in node.names:
                if alias.name != "*":
                    aliases[alias.asname or alias.name] = ".".join([*base, alias.name])
        return aliases

    def qualified(self, node: ast.AST) -> str | None:
        """Qualified name of an import-rooted Name/Attribute chain (also relative imports),
        where the project defines it when a module hands it on (`ProjectIndex.aliases`)."""
        name = self.context.resolve(node)
        if name is None:
            name = self._relative_name(node)
        if self.project.aliases:
            if name is None:
                return self._star_name(node)
            return self.project.defining_name(name)
        return name

    def _relative_name(self, node: ast.AST) -> str | None:
        """The qualified name of a chain rooted in a relative import."""
        if not self.relative_aliases:
            return None
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.relative_aliases:
            return ".".join([self.relative_aliases[node.id], *reversed(parts)])
        return None

    def _star_name(self, node: ast.AST) -> str | None:
        """A bare name the module's several star imports bind, where the project defines it:
        the module's own name for it (`pkg.views.run`) leads there when the last star import
        that exports it is of a project module (`alias_table` holds the module's names)."""
        context = self.context
        if len(context.star_modules) < 2 or not self.module_name:
            return None
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id in context.module_bindings:
            return None
        if context.is_local_name(node):
            return None
        own = ".".join([self.module_name, node.id, *reversed(parts)])
        defined = self.project.defining_name(own)
        return defined if defined != own else None

    def base_names(self, cls: ast.ClassDef) -> list[str]:
        """Qualified (or local) names of a class's bases."""
        names = []
        for base in cls.bases:
            name = self.qualified(base)
            if name is None and isinstance(base, ast.Name | ast.Attribute):
                name = base.id if isinstance(base, ast.Name) else base.attr
            if name:
                names.append(name)
        return names

    def find_method(
        self, class_name: str, method: str, skip_self: bool = False
    ) -> FunctionNode | None:
        """The method `method` of module class `class_name` or of its module-local bases.

        Memoised until the module is indexed again: the interpreter asks for `__init__` and
        `__call__` at every construction and call of a class, and the search reads class
        bodies and resolves base names each time."""
        key = (class_name, method, skip_self)
        if key not in self._methods:
            self._methods[key] = self._find_method(class_name, method, skip_self)
        return self._methods[key]

    def _find_method(self, class_name: str, method: str, skip_self: bool) -> FunctionNode | None:
        """`find_method`, searched: the class, then its module-local bases breadth first."""
        seen: set[str] = set()
        pending = [class_name]
        while pending:
            current = pending.pop(0)
            if current in seen or current not in self.classes:
                continue
            seen.add(current)
            cls = self.classes[current]
            if not (skip_self and current == class_name):
                for item in cls.body:
                    if (
                        isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                        and item.name == method
                    ):
                        return item
            pending.extend(n.rsplit(".", 1)[-1] for n in self.base_names(cls))
        return None

    def external_bases(self, class_name: str) -> tuple[str, ...]:
        """Qualified names of the classes outside this module that `class_name` derives from,
        nearest first: `self.redirect(...)` in a Tornado handler is `RequestHandler.redirect`.
        Asked at every method call on `self`, so kept per class."""
        if class_name in self._external_bases:
            return self._external_bases[class_name]
        found: list[str] = []
        seen: set[str] = set()
        project_handler = False
        pending = [class_name]
        while pending:
            current = pending.pop(0)
            if current in seen:
                continue
            seen.add(current)
            cls = self.classes.get(current)
            if cls is None:
                if "." in current:
                    found.append(current)
                project_handler = project_handler or self._project_handler(current)
                continue
            pending.extend(name for name in self.base_names(cls) if name != current)
        if project_handler and self.models.request_handler_bases.isdisjoint(found):
            found.append(_TORNADO_HANDLER)
        self._external_bases[class_name] = tuple(found)
        return self._external_bases[class_name]

    def _project_handler(self, name: str) -> bool:
        """Whether base `name` is the project's own handler class of a Tornado module
        (`from .base import BaseHandler`): read alone, a module cannot see that class derive from
        `RequestHandler`, but in a module importing Tornado a `*Handler` the project defines is
        one (as `view_attributes` reads its argument getters), so what it inherits, such as
        `self.redirect(url)`, is Tornado's. A project scan asks the class's real ancestors."""
        if not name.endswith("Handler") or not self.context.imports_module("tornado"):
            return False
        if self.project.ancestors:
            return self._ancestor_in(name, self.models.request_handler_bases)
        return "." not in name or name in self.relative_aliases.values()

    def derives_from(self, class_name: str, bases: frozenset[str], depth: int = 0) -> bool:
        """Whether a class of the module derives from one of `bases` (qualified names), also
        through the project's classes of other modules (`ProjectIndex.ancestors`: a Tornado
        handler whose base class another module derives from `RequestHandler`)."""
        cls = self.classes.get(class_name)
        if cls is None or depth > 8:
            return False
        return any(
            name in bases
            or self.derives_from(name, bases, depth + 1)
            or self._ancestor_in(name, bases)
            for name in self.base_names(cls)
            if name != class_name
        )

    def _ancestor_in(self, name: str, bases: frozenset[str]) -> bool:
        """Whether another module's project class `name` derives from one of `bases`."""
        ancestors = self.project.ancestors
        if not ancestors:
            return False
        return not bases.isdisjoint(ancestors.get(self.project.defining_name(name), ()))

    def registered_remotely(self, registering: frozenset[str]) -> frozenset[str]:
        """Names of the functions and classes handed to a server's `registering` methods
        (`server.register_function(ping)`, `server.register_instance(Service())`): clients call
        them (and a class's public methods) with arguments of their choosing."""
        key = tuple(sorted(registering))
        if key not in self._registered:
            # Most modules register nothing: find the registering calls in the module's node
            # list first, and walk the tree for the instances they name only when there are.
            calls = [
                node.args[0]
                for node in nodes_of(self.context, ast.Call)
                if isinstance(node.func, ast.Attribute)
                and node.func.attr in registering
                and node.args
            ]
            instances = self._instances_of_classes() if calls else {}
            found: set[str] = set()
            for argument in calls:
                if isinstance(argument, ast.Call) and isinstance(argument.func, ast.Name):
                    found.add(argument.func.id)
                elif isinstance(argument, ast.Name):
                    found.add(instances.get(argument.id, argument.id))
            self._registered[key] = frozenset(found)
        return self._registered[key]

    def marked_true(self, attributes: frozenset[str]) -> frozenset[str]:
        """Names of the functions the module sets one of `attributes` to True on
        (`index.exposed = True` in a class body or after a module-level `def`): frameworks read
        such a flag as they read a decorator, so the function is exposed all the same."""
        key = ("marked", *sorted(attributes))
        if key not in self._registered:
            self._registered[key] = frozenset(
                target.value.id
                for node in nodes_of(self.context, ast.Assign)
                if isinstance(node.value, ast.Constant) and node.value.value is True
                for target in node.targets
                if isinstance(target, ast.Attribute)
                and target.attr in attributes
                and isinstance(target.value, ast.Name)
            )
        return self._registered[key]

    def _instances_of_classes(self) -> dict[str, str]:
        """Variable -> the class of the module it was assigned an instance of (`x = Cls()`),
        the last assignment in breadth-first order winning."""
        instances: dict[str, str] = {}
        for node in ast.walk(self.context.tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                created = node.value.func
                if isinstance(created, ast.Name) and created.id in self.classes:
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            instances[target.id] = created.id
        return instances

    def takes_request_in_init(self, cls: ast.ClassDef) -> bool:
        """Whether a class's `__init__` is handed the request (`Pyramid view classes`), so its
        methods' `self.request` is the request."""
        for item in cls.body:
            if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                names = [a.arg for a in item.args.args[1:2]]
                return self.is_web and bool(names) and names[0] in ("request", "req")
        return False

    def is_view_class(self, class_name: str, depth: int = 0) -> bool:
        """Whether a class is a class-based view (so `self.request` is the request)."""
        cls = self.classes.get(class_name)
        if cls is None or depth > 8:
            return False
        if self.takes_request_in_init(cls):
            return True
        for name in self.base_names(cls):
            short = name.rsplit(".", 1)[-1]
            if short.endswith(self.models.view_base_suffixes) or (
                short != class_name and self.is_view_class(short, depth + 1)
            ):
                return True
        return False

    def shown(self, node: ast.AST) -> str:
        """The source text of `node` (regenerated when the module's text is not at hand)."""
        if self.context.text:
            return self.context.segment(node)
        return ast.unparse(node) if isinstance(node, ast.expr) else ""

    def project_summary(self, name: str | None) -> ExternalSummary | None:
        """Summary of a function in another module of the project."""
        return self.project.get(name) if name else None

    def method_summary(self, type_name: str, method: str) -> ExternalSummary | None:
        """The summary of `method` of a value of `type_name`: a class of another module's, or
        one a class of this module inherits from another module (`class Limit(Base)`, with
        `Base.get_header` defined where `Base` is), nearest base first."""
        found = self.project.get(f"{type_name}.{method}")
        if found is None and type_name.startswith("class:"):
            for base in self.external_bases(type_name.removeprefix("class:")):
                found = self.project.get(f"{base}.{method}")
                if found is not None:
                    break
        return found
