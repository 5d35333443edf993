"""The state of one frame (one function being interpreted), and the primitives every concern uses.

A frame is the environment (name -> `Value`) at the current program point, or None once the path
has ended (`return`, `raise`, `break`), plus what the function has produced so far: its return
value, the environments at its exits and its sink events. Reading a name (`lookup`, `qualified`),
binding one, labelling a value by the name it is kept under and counting steps against the budget
are needed by statements, expressions, calls and guards alike, so they live here.

`Frame` (in `frame.py`) is this state with one mixin per concern; the concerns call each other
through `self`, and the operations they offer each other are declared at the end of `FrameState`
for readers and type checkers (the mixins define them).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from secreview.analysis.taint.definitions import Definitions
from secreview.analysis.taint.environments import forget_reads
from secreview.analysis.taint.event_log import EventLog
from secreview.analysis.taint.matchdict_reads import MATCHDICT_TYPE, matchdict_key_kinds
from secreview.analysis.taint.module_state import ModuleState
from secreview.analysis.taint.results import (
    FUNCTION_BUDGET,
    MODULE_BUDGET,
    FunctionNode,
    OutOfBudget,
    ParameterCall,
)
from secreview.analysis.taint.semantics import BUILTINS, source_flow
from secreview.analysis.taint.values import (
    CLEAN,
    Flow,
    FunctionRef,
    Value,
    constant,
    join,
    merge_flows,
    tainted,
)
from secreview.index.context import UNKNOWN

if TYPE_CHECKING:
    from secreview.analysis.taint.semantics import PartReader
    from secreview.analysis.taint.summaries import ExternalSummary


@dataclass
class LoopExits:
    """Paths that leave a loop early: states at `break` and at `continue`."""

    breaks: list[dict[str, Value]] = field(default_factory=list)
    continues: list[dict[str, Value]] = field(default_factory=list)


class FrameState:
    """The interpreter state for one function (or the module body or a lambda)."""

    def __init__(
        self,
        analysis: ModuleState,
        node: FunctionNode | ast.Module | ast.Lambda,
        closure: Mapping[str, Value],
    ) -> None:
        self.analysis = analysis
        self.context = analysis.context
        self.models = analysis.models
        self.node = node
        self.closure = closure
        self.env: dict[str, Value] | None = {}
        self.returned: Value | None = None
        self.exits: list[dict[str, Value] | None] = []
        self.events = EventLog()
        self.sinks_seen: dict[int, set[str]] = {}
        """Sink call (by node id) -> origins of the flows that reached it (empty: none did)."""
        self.loops: list[LoopExits] = []
        self.raises: list[list[tuple[dict[str, Value], Value, str]]] = []
        """Per enclosing `try`: the state, exception and its class's name (`""` unknown) at each
        `raise` in its body."""
        self.ticks = 0
        self.passed: tuple[Value, ...] = ()
        """The values the parameters started with (see `FunctionResult.passed`)."""
        self.reads: list[tuple[Value, int, object]] = []
        self.parameter_calls: list[ParameterCall] = []
        """Calls of a parameter's value (see `FunctionResult.parameter_calls`)."""
        self.is_module = isinstance(node, ast.Module)
        owner = analysis.method_class.get(id(node))
        self.class_name = owner.name if owner is not None else None
        self.is_view = False
        self.global_names: set[str] = set()
        self.definitions: Definitions = {}
        """Variables holding a check or a parsed URL: name -> (expression, the value the name
        was given, the values of the names the expression read); see `remember_definition`."""
        self.read_nodes: dict[str, ast.expr] = {}
        """Reads a guard checked (`request.args.get("next")`), by key: see `environments.py`."""

    def tick(self, cost: int = 1) -> None:
        """Count evaluation steps against the function's and the module's budget."""
        self.ticks += cost
        analysis = self.analysis
        analysis.module_ticks += cost
        if self.ticks > FUNCTION_BUDGET or analysis.module_ticks > MODULE_BUDGET:
            raise OutOfBudget

    def bind(self, name: str, value: Value) -> None:
        """Set a local name (forgetting the checked reads of what it held before)."""
        if self.env is not None:
            self.env[name] = value
            if self.read_nodes:
                forget_reads(self.env, name)

    def lookup(self, node: ast.Name) -> Value:
        """A name's value: local, closure, module global, imported name or module constant."""
        name = node.id
        if self.env is not None and name in self.env:
            return self.env[name]
        if name in self.closure:
            return self.closure[name]
        module_scope = self.analysis.module_scope()
        if not self.is_module and name in module_scope:
            written = self.analysis.global_writes.get(name)
            return join(module_scope[name], written)
        if name in self.analysis.global_writes:
            return self.analysis.global_writes[name]
        if name in self.analysis.functions:
            return Value(function=FunctionRef(node=self.analysis.functions[name]))
        if name in self.analysis.classes:
            return Value(type=f"class:{name}", classes=frozenset({name}))
        qualified = self.qualified(node)
        if qualified is not None:
            return self.qualified_value(qualified, node)
        value = self.context.constant_value(node)
        return constant(value) if value is not UNKNOWN else CLEAN

    def names_an_object(self, qualified: str | None) -> bool:
        """Whether an imported name is a source, or an object the models or the project type."""
        if qualified in self.models.source_names or qualified in self.models.object_types:
            return True
        parsers = self.analysis.project.safe_parsers
        return qualified is not None and self._defined_in(qualified, parsers)

    def _defined_in(self, qualified: str, names: frozenset[str]) -> bool:
        """Whether an imported name is defined as one of `names` (after the project's aliases)."""
        return bool(names) and self.analysis.project.defining_name(qualified) in names

    def qualified_value(self, qualified: str, node: ast.AST) -> Value:
        """The value of an imported name: a source, a project constant, a typed object, or a
        plain module name."""
        known = self.context.project_constants.get(qualified, UNKNOWN)
        if known is not UNKNOWN:
            return constant(known)
        model = self.models.source_names.get(qualified)
        if model is not None:
            self.analysis.met_input(model.origin)
            return tainted([source_flow(node, model, self.analysis.shown(node) or qualified)])
        if qualified in self.analysis.project.classes:  # a class of another module itself
            return Value(type=qualified, classes=frozenset({qualified}))
        if self._defined_in(qualified, self.analysis.project.safe_parsers):
            return Value(type="lxml.SafeParser")  # `from pkg.etree import PARSER` (`xml_defaults`)
        kind = self.models.object_types.get(qualified, qualified)
        self.analysis.met_object(kind)  # `flask.request`
        return Value(type=kind)

    def handler_attribute(self, class_name: str, attribute: str, node: ast.AST) -> Value | None:
        """`self.<attribute>` of a request handler class: request data as the handler family
        the class derives from says, typed when the models give the attribute a type (Tornado's
        `self.request`, whose raw `path` and `uri` hold no line break while its `body` and
        arguments may; a `socketserver` handler's `self.request` is the client's socket)."""
        for held in self.models.handler_attributes.get(attribute, ()):
            if self.analysis.derives_from(class_name, held.bases):
                self.analysis.met_input(held.source.origin)
                flow = source_flow(node, held.source, self.analysis.shown(node))
                return Value(flows=merge_flows([flow]), type=held.type)
        return None

    def qualified(self, node: ast.AST) -> str | None:
        """Qualified name of an import-rooted chain; local variables answer None at once."""
        root = node
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name):
            return None
        name = root.id
        if (self.env is not None and name in self.env) or name in self.closure:
            return None
        if (
            name not in self.context.import_aliases
            and name not in self.analysis.relative_aliases
            and name not in BUILTINS
            and not self.context.star_modules
        ):
            return None
        return self.analysis.qualified(node)

    def labelled(self, value: Value, name: str, node: ast.AST) -> Value:
        """`value` read, stored, passed or returned under `name`: flows of the origins a label
        model names get a twin flow of the label's origin (a request field called `password`
        is also a password; a random string called `token` is also a token)."""
        labels = self.models.labels_for(name) if self.models.labels else ()
        if not labels:
            return value
        flows = value.all_flows()
        present = {flow.origin for flow in flows}
        added: list[Flow] = []
        for label in labels:
            if label.origin in present:
                continue
            for flow in flows:
                if flow.origin in label.origins:
                    note = f"`{name}` names {label.note} ({label.origin})"
                    added.append(Flow(label.origin, flow.steps, flow.safe_for).then(node, note))
        if not added:
            return value
        return replace(value, flows=merge_flows(value.flows, added))

    def read_part(self, container: Value, key: object) -> Value:
        """The part `key` of `container` as a read of it gives it: the part, made safe for what
        the models say reading that key of a value of the container's type is safe for (a WSGI
        environ's `HTTP_*` entries are header values, which hold no line break)."""
        return self.as_read_from(container, key, container.part(key))

    def as_read_from(self, container: Value, key: object, value: Value) -> Value:
        """`value`, read as the key `key` of `container` (by subscript or `get`), made safe for
        what the models of that key of the container's type say."""
        if not container.type or (not value.flows and not value.parts):
            return value
        if container.type == MATCHDICT_TYPE:  # a Pyramid route's capture
            routes, module = self.analysis.project.matchdict_routes, self.analysis.module_name
            kinds = matchdict_key_kinds(routes, module, self.class_name, self.node, key)
            value = value.mapped(lambda f: f.sanitised(kinds)) if kinds else value
        for model in self.models.key_sanitizers.get(f"{container.type}.__item__", ()):
            if model.covers(key):
                return value.mapped(lambda f, m=model: f.sanitised(m.protects))
        return value

    def is_request(self, value: Value) -> bool:
        """Whether `value` is a web framework's request object: a type whose attributes the
        models name as remote data (an HTTP client's response is typed too, but it is not the
        request this code is serving)."""
        sources = self.models.typed_sources.get(value.type or "", {})
        return any(source.origin == "remote" for source in sources.values())

    if TYPE_CHECKING:
        # What the concerns ask of each other, defined by the mixins `Frame` is made of.
        # checked_reads.py
        def read_memo(self, node: ast.expr) -> Value | None: ...

        def read_value(self, key: str) -> Value: ...

        def checked_read(self, node: ast.expr) -> str | None: ...

        # expressions.py
        def expr(self, node: ast.expr | None) -> Value: ...

        def binary(
            self, op: ast.operator, left: Value, right: Value, node: ast.AST | None = None
        ) -> Value: ...

        def typed_source(self, type_name: str, attribute: str, node: ast.AST) -> Value | None: ...

        def read_member(self, container: Value, key: object, node: ast.AST) -> Value: ...

        # calls.py
        def call(self, node: ast.Call) -> Value: ...

        def default_result(
            self, args: list[Value | None], kwargs: dict[str, Value], node: ast.AST
        ) -> Value: ...

        def apply_function(
            self,
            ref: FunctionRef,
            node: ast.Call,
            receiver: Value | None,
            args: list[Value],
            kwargs: dict[str, Value],
            owner: ast.expr | None = None,
        ) -> Value: ...

        def apply_external(
            self,
            summary: ExternalSummary,
            node: ast.Call,
            args: list[Value],
            kwargs: dict[str, Value],
        ) -> Value: ...

        def reader(self, node: ast.Call) -> PartReader: ...

        # objects.py
        def held_by(self, receiver: Value, attribute: str) -> Value | None: ...

        # escapers.py
        def escaped(
            self,
            node: ast.expr,
            value: Value,
            kinds: frozenset[str] | bool | None,
            note: str = ...,
        ) -> Value: ...

        def translation_table(self, node: ast.expr) -> object: ...

        # library.py
        def modelled_result(
            self,
            node: ast.Call,
            names: list[str],
            receiver: Value | None,
            method: str | None,
            args: list[Value],
            kwargs: dict[str, Value],
        ) -> Value: ...

        def typed_result(
            self,
            value: Value,
            name: str,
            kwargs: Mapping[str, Value],
            args: list[Value] | None = None,
        ) -> Value: ...

        def encodes_one_name(self, node: ast.Call) -> bool: ...

        # containers.py
        def assign(self, target: ast.expr, value: Value, origin: ast.AST) -> None: ...

        def store_back(self, base: ast.expr, value: Value) -> None: ...

        def stored_by(
            self,
            node: ast.Call,
            receiver: Value,
            method: str,
            args: list[Value],
            kwargs: dict[str, Value],
        ) -> Value: ...

        def remove_key(self, base: ast.Name, receiver: Value, key: object) -> None: ...

        def sequence(self, node: ast.expr, elements: list[ast.expr]) -> Value: ...

        def dictionary(self, keys: list[ast.expr | None], values: list[ast.expr]) -> Value: ...

        def element_of(self, iterable: Value) -> Value: ...

        # guards.py
        def apply_guard(self, test: ast.expr, outcome: bool) -> None: ...

        # host_guards.py
        def remember_definition(self, name: str, node: ast.expr) -> None: ...

        def defined_as(self, name: str) -> ast.expr | None: ...

        # address_screens.py
        def remember_answer(self, name: str, call: ast.Call) -> None: ...

        def apply_completed_check(self, node: ast.expr) -> None: ...

        # guessed_sinks.py
        def guess_sink(
            self,
            node: ast.Call,
            receiver: Value | None,
            method: str | None,
            args: list[Value],
            kwargs: dict[str, Value],
        ) -> None: ...

        def unread_function(self, func: ast.expr) -> str | None: ...

        # guessed_sanitizers.py
        def guessed_sanitiser(self, node: ast.Call, result: Value, args: list[Value]) -> Value: ...

        # guessed_sources.py
        def guessed_request_read(
            self, node: ast.Call, args: list[Value], kwargs: dict[str, Value]
        ) -> Flow | None: ...

        def guessed_download(
            self, node: ast.Call, receiver: Value | None, method: str | None
        ) -> Flow | None: ...

        # sinks.py
        def sink_call(
            self,
            name: str,
            node: ast.AST,
            receiver: Value | None,
            args: list[Value],
            kwargs: dict[str, Value],
        ) -> None: ...

        def accepts(self, origins: frozenset[str], flow: Flow) -> bool: ...

        def check_view_return(self, node: ast.Return, value: Value) -> None: ...
