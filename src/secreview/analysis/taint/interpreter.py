"""The taint interpreter: runs each function of a module over abstract `Value`s.

It works directly on `ast`, statement by statement, keeping an environment (name -> Value) per
program point. Branches are folded when their condition is a constant and joined otherwise;
loops run to a fixpoint with a bound; guards (`if x in ALLOWED:`) clean a variable in the branch
they protect; a branch that returns or raises does not flow on. Calls are resolved through the
module's imports and the models (sources, sinks, sanitisers, types), through summaries of the
module's own functions (computed once, on first call, with parameters as symbolic sources) and
through a `ProjectIndex` for functions of other modules.

Every function has a budget of evaluation steps; when it runs out (or the code is nested deeper
than Python can recurse) the function is given up with a note and no findings.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from secreview.analysis.models import Models
from secreview.analysis.taint.frame import Frame
from secreview.analysis.taint.results import (
    FUNCTION_BUDGET,
    MAX_CALL_DEPTH,
    MODULE_BUDGET,
    FunctionNode,
    FunctionResult,
    OutOfBudget,
)
from secreview.analysis.taint.semantics import join_envs
from secreview.analysis.taint.summaries import ExternalSummary, ProjectIndex
from secreview.analysis.taint.values import (
    CLEAN,
    Value,
    join,
)
from secreview.index.context import ModuleContext

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DECORATOR = re.compile(r"@[\w.]+\.(\w+)\s*\(")
_CLASS_BASES = re.compile(r"class\s+\w+\s*\(([^)]*)\)")


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


class ModuleAnalysis:
    """The taint analysis of one module: every function once, on demand, then all the rest."""

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
        self.results: dict[int, FunctionResult] = {}
        self.in_progress: list[int] = []
        self.closures: dict[int, Mapping[str, Value]] = {}
        self.globals: dict[str, Value] = {}
        self.module_ticks = 0
        self.global_writes: dict[str, Value] = {}
        self.module_frame: Frame | None = None
        self.globals_changed = False
        self.notes: list[str] = []
        self.method_class: dict[int, ast.ClassDef] = {}
        self.classes: dict[str, ast.ClassDef] = {}
        self.functions: dict[str, FunctionNode] = {}
        self.all_functions: list[FunctionNode] = []
        self._called_names: set[str] | None = None
        self.relative_aliases: dict[str, str] = {}
        self.is_flask = context.imports_module("flask") or context.imports_module("quart")
        self.is_web = any(context.imports_module(m) for m in models.frameworks)
        self.is_django = context.imports_module("django") or context.imports_module(
            "rest_framework"
        )

    def _index_module(self) -> None:
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

    def is_called(self, name: str) -> bool:
        """Whether the module calls something named `name` (a function or a method)."""
        if self._called_names is None:
            self._called_names = {
                n.func.id if isinstance(n.func, ast.Name) else n.func.attr
                for n in ast.walk(self.context.tree)
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Name | ast.Attribute)
            }
        return name in self._called_names

    # ----- driving --------------------------------------------------------------------------------
    def run(self) -> list[FunctionResult]:
        """Analyse the module body, then every function not yet analysed; all results."""
        self._index_module()
        self.globals = self._analyse(self.context.tree, {})
        for node in self.all_functions:
            self.result_of(node)
        if self.globals_changed:
            # A function stored untrusted data in a global: analyse once more so that functions
            # analysed before the write see it (one more round is enough for a single write).
            self.globals_changed = False
            self.results.clear()
            self.globals = self._analyse(self.context.tree, {})
            for node in self.all_functions:
                self.result_of(node)
        return list(self.results.values())

    def write_global(self, name: str, value: Value) -> None:
        """Record untrusted data a function stores in a module global (`global x; x = ...`)."""
        real = value.mapped(lambda f: f if f.parameter is None else None)
        if not real.all_flows():
            return
        before = self.global_writes.get(name)
        merged = join(before, Value(flows=real.all_flows()))
        if before is None or merged.flows != before.flows:
            self.global_writes[name] = merged
            self.globals_changed = True

    def may_read_untrusted_input(self, origins: frozenset[str]) -> bool:
        """Whether the module can read input of `origins` at all (a cheap test before the work).

        Without a source API that is imported and used, a `request`-like parameter, a view
        decorator or a handler base class, no source can appear, so per-file scans skip the
        module. The test reads the words of the source text: far cheaper than a walk of the tree.
        """
        models = self.models
        text = self.context.text
        words = set(_WORD.findall(text))
        imported = {q.split(".")[0] for q in self.context.import_aliases.values()}
        for table in (models.source_names, models.source_calls):
            for name, source in table.items():
                root, _, rest = name.partition(".")
                if (
                    source.origin in origins
                    and (root in imported or not rest)
                    and (name.rsplit(".", 1)[-1] in words)
                ):
                    return True
        for name in models.object_types:
            if name.split(".")[0] in imported and name.rsplit(".", 1)[-1] in words:
                return True
        request_parameters = {
            name.rsplit(".", 1)[-1]
            for name, kind in models.parameter_types.items()
            if kind in models.typed_sources  # a request, not a response
        }
        if words & request_parameters:
            return True
        for decorator in _DECORATOR.findall(text):
            if decorator in models.route_decorators:
                return True
        handler_bases = {b.rsplit(".", 1)[-1] for b in models.request_handler_bases}
        for bases in _CLASS_BASES.findall(text):
            for name in _WORD.findall(bases):
                if name in handler_bases or name.endswith(models.view_base_suffixes):
                    return True
        return False

    def result_of(self, node: FunctionNode) -> FunctionResult | None:
        """The (memoised) analysis of `node`; None while it is being analysed (recursion)."""
        key = id(node)
        if key in self.results:
            return self.results[key]
        if key in self.in_progress or len(self.in_progress) >= MAX_CALL_DEPTH:
            return None
        self.in_progress.append(key)
        try:
            self._analyse(node, self.closures.get(key, {}))
        finally:
            self.in_progress.pop()
        return self.results.get(key)

    def _analyse(
        self, node: FunctionNode | ast.Module, closure: Mapping[str, Value]
    ) -> dict[str, Value]:
        """Run one function (or the module body); store its result; its final environment."""
        frame = Frame(self, node, closure)
        if isinstance(node, ast.Module):
            self.module_frame = frame
        result = FunctionResult(node=node)
        try:
            if isinstance(node, ast.Module):
                frame.block(node.body)
            else:
                result.parameters, result.is_method = frame.bind_parameters()
                frame.block(node.body)
        except OutOfBudget:
            result.gave_up = "its analysis exceeded the step budget"
        except RecursionError:
            result.gave_up = "it is nested too deeply to analyse"
        if result.gave_up:
            name = getattr(node, "name", "<module>")
            self.notes.append(
                f"{self.context.path}:{getattr(node, 'lineno', 1)}: taint analysis of `{name}` "
                f"was given up because {result.gave_up}; it has no taint findings"
            )
        else:
            result.returns = frame.returned if frame.returned is not None else CLEAN
            result.events = frame.events
            result.sinks_seen = frame.sinks_seen
            if result.is_method and result.parameters:
                exits = [*frame.exits, frame.env]
                after = join_envs(*exits) or {}
                result.receiver_after = after.get(result.parameters[0], CLEAN)
        self.results[id(node)] = result
        return frame.env or {}

    def module_scope(self) -> Mapping[str, Value]:
        """Module globals: final once the body has run, else as far as the body has got (a
        function called from the module body sees the globals defined before the call)."""
        if self.globals or self.module_frame is None:
            return self.globals
        return self.module_frame.env or {}

    def tick(self, frame: Frame, cost: int = 1) -> None:
        """Count evaluation steps against the function's and the module's budget."""
        frame.ticks += cost
        self.module_ticks += cost
        if frame.ticks > FUNCTION_BUDGET or self.module_ticks > MODULE_BUDGET:
            raise OutOfBudget

    # ----- names ----------------------------------------------------------------------------------
    def _relative_aliases(self, imports: list[ast.ImportFrom]) -> dict[str, str]:
        """Local name -> qualified name for `from .x import y` (needs the module's own name)."""
        aliases: dict[str, str] = {}
        if not self.module_name:
            return aliases
        package = self.module_name.split(".")
        for node in imports:
            base = package[: max(len(package) - node.level, 0)]
            if node.module:
                base = [*base, *node.module.split(".")]
            for alias in node.names:
                aliases[alias.asname or alias.name] = ".".join([*base, alias.name])
        return aliases

    def qualified(self, node: ast.AST) -> str | None:
        """Qualified name of an import-rooted Name/Attribute chain (also relative imports)."""
        name = self.context.resolve(node)
        if name is not None or not self.relative_aliases:
            return name
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.relative_aliases:
            return ".".join([self.relative_aliases[node.id], *reversed(parts)])
        return None

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
        """The method `method` of module class `class_name` or of its module-local bases."""
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

    def is_handler_class(self, class_name: str, depth: int = 0) -> bool:
        """Whether a class's instances hold request data (an `http.server` handler subclass)."""
        cls = self.classes.get(class_name)
        if cls is None or depth > 8:
            return False
        return any(
            name in self.models.request_handler_bases or self.is_handler_class(name, depth + 1)
            for name in self.base_names(cls)
            if name != class_name
        )

    def is_view_class(self, class_name: str, depth: int = 0) -> bool:
        """Whether a class is a class-based view (so `self.request` is the request)."""
        cls = self.classes.get(class_name)
        if cls is None or depth > 8:
            return False
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
