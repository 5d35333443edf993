"""One function's interpretation: statements, expressions, guards, calls and sinks.

A `Frame` keeps the environment (name -> Value) at the current program point and walks the
function's statements in order; see `interpreter.py` for how frames are driven.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from secreview.analysis.models import ALL_KINDS, SinkModel, SourceModel
from secreview.analysis.taint.results import (
    MAX_CALL_DEPTH,
    FunctionNode,
    FunctionResult,
    SinkEvent,
)
from secreview.analysis.taint.semantics import (
    ARITHMETIC,
    BUILTINS,
    CLEAN_METHODS,
    COMPARE,
    HOST_SENSITIVE,
    KEYED_READS,
    MUTATORS,
    NORMALISED_PATH,
    STRING_TESTS,
    TERMINATORS,
    UNARY,
    deletes_outside_alphabet,
    env_signature,
    fixes_host,
    fold,
    is_module_type,
    join_envs,
    program_of,
    safe_regex,
    source_flow,
    splice,
    substitute,
    truthy,
    without_line_breaks,
)
from secreview.analysis.taint.summaries import ExternalSummary
from secreview.analysis.taint.values import (
    CLEAN,
    PARAMETER_ORIGIN,
    Flow,
    FunctionRef,
    Value,
    constant,
    join,
    merge_flows,
    tainted,
)
from secreview.index.context import UNKNOWN
from secreview.text import first_line

if TYPE_CHECKING:
    from secreview.analysis.taint.interpreter import ModuleAnalysis

LOOP_ROUNDS = 3


@dataclass
class _Loop:
    """Paths that leave a loop early: states at `break` and at `continue`."""

    breaks: list[dict[str, Value]] = field(default_factory=list)
    continues: list[dict[str, Value]] = field(default_factory=list)


class Frame:
    """The interpreter state for one function (or the module body)."""

    def __init__(
        self,
        analysis: ModuleAnalysis,
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
        self.events: list[SinkEvent] = []
        self.sinks_seen: dict[int, set[str]] = {}
        """Sink call (by node id) -> origins of the flows that reached it (empty: none did)."""
        self.loops: list[_Loop] = []
        self.raises: list[list[tuple[dict[str, Value], Value]]] = []
        """Per enclosing `try`: the state and exception at each `raise` in its body."""
        self.ticks = 0
        self.is_module = isinstance(node, ast.Module)
        owner = analysis.method_class.get(id(node))
        self.class_name = owner.name if owner is not None else None
        self.is_view = False
        self.global_names: set[str] = set()

    # ----- parameters -----------------------------------------------------------------------------
    def bind_parameters(self) -> tuple[tuple[str, ...], bool]:
        """Give each parameter its symbolic flow (plus source flows for view arguments)."""
        assert isinstance(self.node, ast.FunctionDef | ast.AsyncFunctionDef)
        arguments = self.node.args
        ordered = [*arguments.posonlyargs, *arguments.args]
        if arguments.vararg:
            ordered.append(arguments.vararg)
        ordered.extend(arguments.kwonlyargs)
        if arguments.kwarg:
            ordered.append(arguments.kwarg)
        decorators = {self._decorator_name(d) for d in self.node.decorator_list}
        is_method = self.class_name is not None and "staticmethod" not in decorators
        view_kind = self._view_kind(ordered, is_method)
        self.is_view = view_kind == "route"
        defaults = self._defaults()
        route_converters = self._route_converters()
        assert self.env is not None
        for index, parameter in enumerate(ordered):
            name = parameter.arg
            flows: set[Flow] = {
                Flow(f"{PARAMETER_ORIGIN}{index}", ((parameter, f"parameter `{name}`"),))
            }
            value_type: str | None = None
            annotation = ast.unparse(parameter.annotation) if parameter.annotation else ""
            by_name = None if annotation else self._parameter_type_by_name(name, decorators)
            if is_method and index == 0:
                value_type = f"class:{self.class_name}"
            elif self.analysis.is_web and (self.models.parameter_types.get(annotation) or by_name):
                value_type = self.models.parameter_types.get(annotation) or by_name
            elif view_kind and self._is_view_argument(
                name, annotation, defaults.get(name), route_converters, view_kind, index, is_method
            ):
                flows.add(
                    Flow(
                        "remote",
                        ((parameter, f"view argument `{name}` comes from the request (remote)"),),
                    )
                )
            value = Value(flows=merge_flows(flows), type=value_type)
            self.env[name] = self.labelled(value, name, parameter)
        return tuple(p.arg for p in ordered), is_method

    def _parameter_type_by_name(self, name: str, decorators: set[str]) -> str | None:
        """The type a parameter's name gives it, where the models let the name decide."""
        scope = self.models.parameter_scopes.get(name)
        assert isinstance(self.node, ast.FunctionDef | ast.AsyncFunctionDef)
        if scope is not None and not (scope & decorators or self.node.name in scope):
            return None
        return self.models.parameter_types.get(name)

    @staticmethod
    def _decorator_name(node: ast.expr) -> str:
        target = node.func if isinstance(node, ast.Call) else node
        if isinstance(target, ast.Attribute):
            return target.attr
        return target.id if isinstance(target, ast.Name) else ""

    def _view_kind(self, ordered: list[ast.arg], is_method: bool) -> str | None:
        """'route' for a decorated view, 'request-first' for a Django-style view, else None."""
        assert isinstance(self.node, ast.FunctionDef | ast.AsyncFunctionDef)
        for decorator in self.node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr in self.models.route_decorators
            ):
                return "route"
        first = ordered[1] if is_method and len(ordered) > 1 else (ordered[0] if ordered else None)
        if first is None or first.arg not in ("request", "req") or not self.analysis.is_django:
            return None  # URL keyword arguments are a Django (and DRF) convention
        if is_method:
            handlers = self.models.view_methods
            return "request-first" if self.node.name in handlers else None
        if self.analysis.is_called(self.node.name):
            return None  # called in the module: a helper that happens to take the request
        return "request-first"

    def _defaults(self) -> dict[str, ast.expr]:
        assert isinstance(self.node, ast.FunctionDef | ast.AsyncFunctionDef)
        arguments = self.node.args
        positional = [*arguments.posonlyargs, *arguments.args]
        found = {
            p.arg: d
            for p, d in zip(
                positional[len(positional) - len(arguments.defaults) :],
                arguments.defaults,
                strict=False,
            )
        }
        for parameter, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=False):
            if default is not None:
                found[parameter.arg] = default
        return found

    def _route_converters(self) -> dict[str, str]:
        """Flask `<int:id>` converters of the route path: parameter -> converter."""
        assert isinstance(self.node, ast.FunctionDef | ast.AsyncFunctionDef)
        found: dict[str, str] = {}
        for decorator in self.node.decorator_list:
            if isinstance(decorator, ast.Call) and decorator.args:
                path = self.context.constant_value(decorator.args[0])
                if isinstance(path, str):
                    for converter, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", path):
                        found[name] = converter or "string"
        return found

    def _is_choice(self, annotation: str) -> bool:
        """Whether a view parameter's annotation admits only fixed values (an Enum, a Literal),
        which the framework validates before the view runs."""
        if annotation.startswith(("Literal[", "typing.Literal[")):
            return True
        cls = self.analysis.classes.get(annotation)
        return cls is not None and any(
            name.rsplit(".", 1)[-1] in ("Enum", "IntEnum", "StrEnum", "IntFlag", "Flag")
            for name in self.analysis.base_names(cls)
        )

    def _is_view_argument(
        self,
        name: str,
        annotation: str,
        default: ast.expr | None,
        converters: dict[str, str],
        view_kind: str,
        index: int,
        is_method: bool,
    ) -> bool:
        """Whether a view parameter carries request data the framework did not validate."""
        if view_kind == "request-first":
            return index > (1 if is_method else 0)
        if is_method and index == 0:
            return False
        if converters.get(name) in ("int", "float", "uuid"):
            return False
        if annotation in self.models.clean_annotations or self._is_choice(annotation):
            return False
        if annotation in self.models.framework_annotations:
            return False
        if isinstance(default, ast.Call):
            called = self._decorator_name(default)
            if called in ("Depends", "Security") and (default.args or default.keywords):
                return False  # a dependency function gives the value, not the request
        return True

    # ----- statements -----------------------------------------------------------------------------
    def block(self, statements: list[ast.stmt]) -> None:
        """Run statements in order until the path ends."""
        for statement in statements:
            if self.env is None:
                return
            self.statement(statement)

    def statement(self, node: ast.stmt) -> None:
        """Run one statement."""
        self.analysis.tick(self)
        match node:
            case ast.Assign(targets=targets, value=value):
                result = self.expr(value)
                for target in targets:
                    self.assign(target, result, value)
            case ast.AnnAssign(target=target, value=value) if value is not None:
                self.assign(target, self.expr(value), value)
            case ast.AugAssign(target=target, op=op, value=value):
                current = self.expr(target)
                combined = self.binary(op, current, self.expr(value))
                self.assign(target, combined, node)
            case ast.Expr(value=value):
                self.expr(value)
                if isinstance(value, ast.Call) and self._terminates(value):
                    self.env = None
            case ast.Return(value=value):
                result = self.expr(value) if value is not None else CLEAN
                if isinstance(self.node, ast.FunctionDef | ast.AsyncFunctionDef):
                    result = self.labelled(result, self.node.name, node)
                self._check_view_return(node, result)
                self.returned = join(self.returned, result)
                self.exits.append(self.env)
                self.env = None
            case ast.If(test=test, body=body, orelse=orelse):
                self.branch(test, body, orelse)
            case ast.While(test=test, body=body, orelse=orelse):
                self.loop(node, lambda: self._while_entry(test), body, orelse)
            case (
                ast.For(target=target, iter=iterable, body=body, orelse=orelse)
                | ast.AsyncFor(target=target, iter=iterable, body=body, orelse=orelse)
            ):
                element = self.element_of(self.expr(iterable))
                self.loop(node, lambda: self.assign(target, element, iterable), body, orelse)
            case ast.With(items=items, body=body) | ast.AsyncWith(items=items, body=body):
                for item in items:
                    value = self.expr(item.context_expr)
                    if item.optional_vars is not None:
                        entered = self._entered(value)
                        self.assign(item.optional_vars, entered, item.context_expr)
                self.block(body)
            case (
                ast.Try(body=body, handlers=handlers, orelse=orelse, finalbody=final)
                | ast.TryStar(body=body, handlers=handlers, orelse=orelse, finalbody=final)
            ):
                self.try_statement(body, handlers, orelse, final)
            case ast.FunctionDef() | ast.AsyncFunctionDef():
                for decorator in node.decorator_list:
                    self.expr(decorator)
                snapshot = {} if self.is_module else dict(self.env or {})
                self.analysis.closures.setdefault(id(node), snapshot)
                ref = FunctionRef(node=node, closure=snapshot)
                self.bind(node.name, Value(function=ref))
            case ast.ClassDef(name=name, body=body):
                self.bind(name, Value(type=f"class:{name}"))
                self._class_body(body)
            case ast.Raise(exc=exc):
                value = self.expr(exc) if exc is not None else CLEAN
                if self.raises and self.env is not None:
                    self.raises[-1].append((dict(self.env), value))  # a handler may catch it
                self.env = None
            case ast.Assert(test=test):
                self.expr(test)
                self.apply_guard(test, True)
            case ast.Break():
                if self.loops and self.env is not None:
                    self.loops[-1].breaks.append(self.env)
                self.env = None
            case ast.Continue():
                if self.loops and self.env is not None:
                    self.loops[-1].continues.append(self.env)
                self.env = None
            case ast.Global(names=names):
                self.global_names.update(names)
            case ast.Delete(targets=targets):
                for target in targets:
                    self._delete(target)
            case ast.Match(subject=subject, cases=cases):
                self.match_statement(subject, cases)
            case _:
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.expr):
                        self.expr(child)

    def _delete(self, target: ast.expr) -> None:
        """`del x` forgets a name; `del d["k"]` removes a constant key from a local container."""
        if self.env is None:
            return
        if isinstance(target, ast.Name):
            self.env.pop(target.id, None)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            key = self.expr(target.slice)
            container = self.lookup(target.value)
            if key.is_constant and key.const in container.parts:
                self._pop(target.value, container, key.const)

    def _class_body(self, body: list[ast.stmt]) -> None:
        """Record the closures of methods; other class-body statements run in a scratch scope."""
        saved = self.env
        self.env = dict(saved or {})
        for statement in body:
            if self.env is None:
                break
            self.statement(statement)
        self.env = saved

    def _terminates(self, call: ast.Call) -> bool:
        name = self.qualified(call.func) or (
            call.func.id if isinstance(call.func, ast.Name) else ""
        )
        return name in TERMINATORS

    def _entered(self, value: Value) -> Value:
        """What `with value as x` binds: the value itself for files, cursors and connections."""
        if value.type:
            for model in self.models.returns.get(f"{value.type}.__enter__", ()):
                return replace(value, type=model.type)
        return value

    def _while_entry(self, test: ast.expr) -> None:
        self.expr(test)
        self.apply_guard(test, True)

    def branch(self, test: ast.expr, body: list[ast.stmt], orelse: list[ast.stmt]) -> None:
        """Run an `if`: only the live branch when the test is constant, else both, then join."""
        condition = self.expr(test)
        if condition.is_constant:
            self.block(body if truthy(condition.const) else orelse)
            return
        before = self.env
        self.analysis.tick(self, 1 + len(before or ()) // 32)
        self.env = dict(before or {})
        self.apply_guard(test, True)
        self.block(body)
        after_body = self.env
        self.env = dict(before or {})
        self.apply_guard(test, False)
        self.block(orelse)
        self.env = join_envs(after_body, self.env)

    def loop(
        self, node: ast.stmt, enter: object, body: list[ast.stmt], orelse: list[ast.stmt]
    ) -> None:
        """Run a loop body until the environment stops changing (at most LOOP_ROUNDS times)."""
        if isinstance(node, ast.While):
            condition = self.expr(node.test)
            if condition.is_constant and not truthy(condition.const):
                self.block(orelse)
                return
        state = self.env
        exits: list[dict[str, Value] | None] = [state]
        record = _Loop()
        self.loops.append(record)
        try:
            for _ in range(LOOP_ROUNDS):
                self.env = dict(state or {})
                enter()  # type: ignore[operator]
                self.block(body)
                after = join_envs(self.env, *record.continues)
                record.continues.clear()
                merged = join_envs(state, after)
                if merged is None or env_signature(merged) == env_signature(state):
                    break
                state = merged
                exits.append(state)
        finally:
            self.loops.pop()
        self.env = join_envs(*exits, state)
        self.block(orelse)
        self.env = join_envs(self.env, *record.breaks)

    def try_statement(
        self,
        body: list[ast.stmt],
        handlers: list[ast.ExceptHandler],
        orelse: list[ast.stmt],
        final: list[ast.stmt],
    ) -> None:
        """Run try/except/else/finally; a handler may start anywhere in the body."""
        before = dict(self.env or {})
        raised: list[tuple[dict[str, Value], Value]] = []
        self.raises.append(raised)
        try:
            self.block(body)
        finally:
            self.raises.pop()
        self.block(orelse)
        normal = self.env
        outcomes = [normal]
        for handler in handlers:
            self.env = join_envs(before, normal, *(env for env, _ in raised)) or dict(before)
            if handler.name:
                exception: Value | None = None
                for _, value in raised:
                    exception = join(exception, value)
                self.bind(handler.name, Value(flows=exception.all_flows()) if exception else CLEAN)
            self.block(handler.body)
            outcomes.append(self.env)
        self.env = join_envs(*outcomes)
        if final:
            if self.env is None:
                self.env = dict(before)
                self.block(final)
                self.env = None
            else:
                self.block(final)

    def match_statement(self, subject: ast.expr, cases: list[ast.match_case]) -> None:
        """Run a `match`: the first matching case for a constant subject, else every case."""
        value = self.expr(subject)
        before = self.env
        outcomes: list[dict[str, Value] | None] = []
        for case in cases:
            pattern = case.pattern
            if (
                value.is_constant
                and isinstance(pattern, ast.MatchValue)
                and self.context.constant_value(pattern.value) != value.const
            ):
                continue
            self.env = dict(before or {})
            if isinstance(pattern, ast.MatchValue) and isinstance(subject, ast.Name):
                matched = self.context.constant_value(pattern.value)
                if matched is not UNKNOWN:
                    self.bind(subject.id, constant(matched))  # in this case it is that constant
            for bound in ast.walk(pattern):
                name = getattr(bound, "name", None)
                if isinstance(bound, ast.MatchAs | ast.MatchStar) and name:
                    self.bind(name, value)
            if case.guard is not None:
                self.expr(case.guard)
                self.apply_guard(case.guard, True)
            self.block(case.body)
            outcomes.append(self.env)
            if value.is_constant and isinstance(pattern, ast.MatchValue | ast.MatchAs):
                break
        else:
            outcomes.append(before)
        self.env = join_envs(*outcomes)

    # ----- assignment -----------------------------------------------------------------------------
    def bind(self, name: str, value: Value) -> None:
        """Set a local name."""
        if self.env is not None:
            self.env[name] = value

    def assign(self, target: ast.expr, value: Value, origin: ast.AST) -> None:
        """Store `value` into an assignment target (names, unpacking, attributes, subscripts)."""
        match target:
            case ast.Name(id=name):
                noted = value.mapped(lambda f: f.then(target, f"assigned to `{name}`"))
                noted = self.labelled(noted, name, target)
                self.bind(name, noted)
                if name in self.global_names:
                    self.analysis.write_global(name, noted)
            case ast.Tuple(elts=elements) | ast.List(elts=elements):
                starred = next(
                    (i for i, e in enumerate(elements) if isinstance(e, ast.Starred)), None
                )
                for index, element in enumerate(elements):
                    if isinstance(element, ast.Starred):
                        self.assign(element.value, value.any_part(), origin)
                    elif starred is not None and index > starred:
                        self.assign(element, value.part(index - len(elements)), origin)
                    else:
                        self.assign(element, value.part(index), origin)
            case ast.Starred(value=inner):
                self.assign(inner, value, origin)
            case ast.Attribute(value=base, attr=attr):
                self._store_into(base, f".{attr}", self.labelled(value, attr, target), target)
            case ast.Subscript(value=base, slice=index):
                key = self.expr(index)
                container = self.expr(base)
                if isinstance(key.const, str):
                    value = self.labelled(value, key.const, target)
                if container.type:
                    self.sink_call(f"{container.type}.__setitem__", target, None, [key, value], {})
                if key.is_constant and not isinstance(index, ast.Slice):
                    self._store_into(base, key.const, value, target)
                else:
                    self._store_into(base, None, value, target)

    def _store_into(self, base: ast.expr, key: object, value: Value, target: ast.AST) -> None:
        """Update the container or object named by `base` (a name or attribute chain)."""
        if isinstance(base, ast.Name):
            current = self.lookup(base)
            updated = (
                current.with_part(key, value)
                if key is not None
                else current.with_flows(value.all_flows())
            )
            self.bind(base.id, updated)
        elif isinstance(base, ast.Attribute):
            owner = self.expr(base)
            updated = (
                owner.with_part(key, value)
                if key is not None
                else owner.with_flows(value.all_flows())
            )
            self._store_into(base.value, f".{base.attr}", updated, target)
        elif isinstance(base, ast.Subscript):
            owner = self.expr(base)
            index = self.expr(base.slice)
            updated = (
                owner.with_part(key, value)
                if key is not None
                else owner.with_flows(value.all_flows())
            )
            self._store_into(
                base.value, index.const if index.is_constant else None, updated, target
            )

    # ----- guards ---------------------------------------------------------------------------------
    def apply_guard(self, test: ast.expr, outcome: bool) -> None:
        """Clean the variables a condition proves safe on the branch where it has `outcome`."""
        for name, kinds, value in self._guards(test, outcome):
            if self.env is None:
                return
            if value is not None:
                self.env[name] = value
                continue
            current = self.lookup(ast.Name(id=name, ctx=ast.Load()))
            self.env[name] = current.mapped(
                lambda f, k=kinds: f.then(test, "checked by this condition").sanitised(k)
            )

    def _guards(
        self, test: ast.expr, outcome: bool
    ) -> Iterator[tuple[str, tuple[str, ...], Value | None]]:
        """(name, sink kinds it is now safe for, exact value if known) implied by `test`."""
        match test:
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                yield from self._guards(operand, not outcome)
            case ast.BoolOp(op=ast.And(), values=values) if outcome:
                for value in values:
                    yield from self._guards(value, True)
            case ast.BoolOp(op=ast.Or(), values=values) if not outcome:
                for value in values:
                    yield from self._guards(value, False)
            case ast.Compare(left=ast.Name(id=name), ops=[op], comparators=[right]):
                other = self.expr(right)
                membership = isinstance(op, ast.In | ast.NotIn)
                equality = isinstance(op, ast.Eq | ast.NotEq | ast.Is | ast.IsNot)
                if membership and not other.all_flows() and outcome == isinstance(op, ast.In):
                    yield name, (ALL_KINDS,), None
                elif equality and other.is_constant and outcome == isinstance(op, ast.Eq | ast.Is):
                    yield name, (ALL_KINDS,), constant(other.const)
            case ast.Compare(left=left, ops=[ast.Eq() | ast.Is()], comparators=[ast.Name(id=name)]):
                other = self.expr(left)
                if outcome and other.is_constant:
                    yield name, (ALL_KINDS,), constant(other.const)
            case ast.Call(func=ast.Attribute(value=ast.Name(id=name), attr=method), args=args):
                if outcome and method in STRING_TESTS:
                    yield name, (ALL_KINDS,), None
                elif outcome and method in ("startswith", "is_relative_to") and args:
                    checked = self.lookup(ast.Name(id=name, ctx=ast.Load()))
                    flows = checked.all_flows()
                    if (
                        flows
                        and all(NORMALISED_PATH in f.safe_for for f in flows)
                        and not self.expr(args[0]).all_flows()
                    ):
                        yield name, ("path",), None
                elif outcome and method in ("fullmatch", "match"):
                    yield from self._regex_guard(test, args, method)
            case ast.Call(
                func=ast.Attribute(
                    value=ast.Call(func=ast.Attribute(value=ast.Name(id=name), attr=normaliser)),
                    attr="startswith" | "is_relative_to",
                ),
                args=[base],
            ) if (
                outcome
                and normaliser in ("resolve", "absolute")
                and not self.expr(base).all_flows()
            ):
                yield name, ("path",), None  # `path.resolve().is_relative_to(BASE)`
            case ast.Compare(
                left=ast.Call(func=func, args=[ast.List(elts=paths) | ast.Tuple(elts=paths)]),
                ops=[ast.Eq() | ast.NotEq() as op],
                comparators=[base],
            ) if outcome == isinstance(op, ast.Eq) and (self.qualified(func) or "").endswith(
                ".commonpath"
            ):
                yield from self._commonpath_guard(paths, base)
            case ast.Call(func=func, args=args):
                yield from self._call_guard(test, func, args, outcome)

    def _commonpath_guard(
        self, paths: list[ast.expr], base: ast.expr
    ) -> Iterator[tuple[str, tuple[str, ...], Value | None]]:
        """`os.path.commonpath([BASE, os.path.realpath(p)]) == BASE` keeps `p` under BASE."""
        if self.expr(base).all_flows():
            return
        for path in paths:
            inner = path.args[0] if isinstance(path, ast.Call) and path.args else path
            normalised = isinstance(path, ast.Call) and (self.qualified(path.func) or "").endswith(
                ("realpath", "abspath", "normpath")
            )
            if isinstance(inner, ast.Name):
                flows = self.lookup(inner).all_flows()
                if normalised or all(NORMALISED_PATH in f.safe_for for f in flows):
                    yield inner.id, ("path",), None

    def _regex_guard(
        self, test: ast.Call, args: list[ast.expr], method: str
    ) -> Iterator[tuple[str, tuple[str, ...], Value | None]]:
        """`PATTERN.fullmatch(x)` with a module-level `re.compile` of a narrow constant pattern."""
        receiver = test.func.value if isinstance(test.func, ast.Attribute) else None
        if not (isinstance(receiver, ast.Name) and args and isinstance(args[0], ast.Name)):
            return
        compiled = self.context.module_constants.get(receiver.id)
        if (
            isinstance(compiled, ast.Call)
            and self.analysis.qualified(compiled.func) == "re.compile"
        ):
            pattern = self.context.constant_value(compiled.args[0]) if compiled.args else UNKNOWN
            if safe_regex(pattern, method == "fullmatch"):
                yield args[0].id, (ALL_KINDS,), None

    def _call_guard(
        self, test: ast.Call, func: ast.expr, args: list[ast.expr], outcome: bool
    ) -> Iterator[tuple[str, tuple[str, ...], Value | None]]:
        name = self.qualified(func) or ""
        if not outcome or not args:
            return
        first = args[0] if isinstance(args[0], ast.Name) else None
        if name in ("re.fullmatch", "re.match") and len(args) > 1 and isinstance(args[1], ast.Name):
            pattern = self.expr(args[0]).const
            if safe_regex(pattern, name == "re.fullmatch"):
                yield args[1].id, (ALL_KINDS,), None
        elif first is None:
            return
        elif name == "isinstance" and len(args) > 1:
            kinds = self.analysis.shown(args[1])
            if all(
                t in ("int", "float", "bool", "uuid.UUID", "UUID")
                for t in re.findall(r"[\w.]+", kinds)
            ):
                yield first.id, (ALL_KINDS,), None
        elif name.endswith(("url_has_allowed_host_and_scheme", "is_safe_url")):
            yield first.id, ("redirect", "ssrf"), None

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
        ):
            return None
        return self.analysis.qualified(node)

    # ----- expressions ----------------------------------------------------------------------------
    def expr(self, node: ast.expr | None) -> Value:
        """The abstract value of an expression (evaluating calls checks their sinks)."""
        if node is None:
            return CLEAN
        self.analysis.tick(self)
        match node:
            case ast.Constant(value=value):
                return constant(value)
            case ast.Name():
                return self.lookup(node)
            case ast.Attribute():
                return self.attribute(node)
            case ast.Subscript(value=base, slice=index):
                container = self.expr(base)
                if isinstance(index, ast.Slice):
                    for bound in (index.lower, index.upper, index.step):
                        self.expr(bound)
                    lower = self.expr(index.lower).const if index.lower else 0
                    kept_prefix = container.prefix if lower == 0 else ""
                    return Value(flows=container.all_flows(), prefix=kept_prefix)
                key = self.expr(index)
                if container.is_constant and key.is_constant:
                    return constant(fold(lambda: container.const[key.const]))  # type: ignore[index]
                element = container.part(key.const) if key.is_constant else container.any_part()
                if isinstance(key.const, str):
                    element = self.labelled(element, key.const, node)
                if container.type:
                    return self._typed(element, f"{container.type}.__item__", {})
                return element
            case ast.BinOp(left=left, op=op, right=right):
                return self.binary(op, self.expr(left), self.expr(right))
            case ast.UnaryOp(op=op, operand=operand):
                value = self.expr(operand)
                if value.is_constant:
                    folded = fold(lambda: UNARY[type(op)](value.const))
                    return constant(folded) if folded is not UNKNOWN else CLEAN
                return CLEAN if isinstance(op, ast.Not) else Value(flows=value.flows)
            case ast.BoolOp(op=op, values=values):
                return self.boolean(op, values)
            case ast.Compare(left=left, ops=ops, comparators=comparators):
                return self.compare(left, ops, comparators)
            case ast.IfExp(test=test, body=body, orelse=orelse):
                condition = self.expr(test)
                if condition.is_constant:
                    return self.expr(body if truthy(condition.const) else orelse)
                saved = self.env
                self.env = dict(saved or {})
                self.apply_guard(test, True)
                positive = self.expr(body)
                self.env = dict(saved or {})
                self.apply_guard(test, False)
                negative = self.expr(orelse)
                self.env = saved
                return join(positive, negative)
            case ast.JoinedStr(values=values):
                return self.fstring(values)
            case ast.FormattedValue(value=value, format_spec=spec):
                inner = self.expr(value)
                self.expr(spec)
                return Value(
                    flows=inner.all_flows(), const=inner.const if spec is None else UNKNOWN
                )
            case ast.List(elts=elements) | ast.Tuple(elts=elements) | ast.Set(elts=elements):
                return self.sequence(node, elements)
            case ast.Dict(keys=keys, values=values):
                return self.dictionary(keys, values)
            case ast.Call():
                return self.call(node)
            case (
                ast.ListComp(elt=element, generators=generators)
                | ast.SetComp(elt=element, generators=generators)
                | ast.GeneratorExp(elt=element, generators=generators)
            ):
                return self.comprehension(generators, [element])
            case ast.DictComp(key=key, value=value, generators=generators):
                return self.comprehension(generators, [key, value])
            case ast.Lambda():
                ref = FunctionRef(node=node, closure=dict(self.env or {}))
                return Value(function=ref)
            case ast.NamedExpr(target=target, value=value):
                result = self.expr(value)
                self.assign(target, result, value)
                return result
            case ast.Await(value=value) | ast.Starred(value=value):
                return self.expr(value)
            case ast.Yield(value=value) | ast.YieldFrom(value=value):
                result = self.expr(value)
                self.returned = join(self.returned, result)
                return CLEAN
        flows = [
            self.expr(c).all_flows() for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)
        ]
        return Value(flows=merge_flows(*flows))

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
            return Value(type=f"class:{name}")
        qualified = self.qualified(node)
        if qualified is not None:
            return self._qualified_value(qualified, node)
        value = self.context.constant_value(node)
        return constant(value) if value is not UNKNOWN else CLEAN

    def _qualified_value(self, qualified: str, node: ast.AST) -> Value:
        """The value of an imported name: a source, a typed object, or a plain module name."""
        model = self.models.source_names.get(qualified)
        if model is not None:
            return tainted([source_flow(node, model, self.analysis.shown(node) or qualified)])
        return Value(type=self.models.object_types.get(qualified, qualified))

    def attribute(self, node: ast.Attribute) -> Value:
        """`base.attr`: an imported name, a stored attribute, a typed source or the base's taint;
        data read under a name a label knows (`body.password`) carries the label too."""
        value = self._attribute(node)
        return self.labelled(value, node.attr, node) if value.flows else value

    def _attribute(self, node: ast.Attribute) -> Value:
        qualified = self.qualified(node)
        if qualified in self.models.source_names or qualified in self.models.object_types:
            return self._qualified_value(qualified, node)  # type: ignore[arg-type]
        base = self.expr(node.value)
        key = f".{node.attr}"
        if key in base.parts:
            return base.parts[key]
        if base.type:
            source = self._typed_source(base.type, node.attr, node)
            if source is not None:
                return source
            for model in self.models.returns.get(f"{base.type}.{node.attr}", ()):
                if not model.when:
                    return Value(flows=base.flows, type=model.type)
            sanitizer = self.models.sanitizers.get(f"{base.type}.{node.attr}")
            if sanitizer is not None:
                return Value(flows=merge_flows(f.sanitised(sanitizer.protects) for f in base.flows))
            if base.type.startswith("class:") or base.type in self.models.typed_sources:
                return Value(flows=base.flows)
            return Value(flows=base.flows, type=f"{base.type}.{node.attr}")
        return Value(flows=base.flows)

    def _typed_source(self, type_name: str, attribute: str, node: ast.AST) -> Value | None:
        """Untrusted data read from a typed object (`request.args`, a handler's `self.path`)."""
        if type_name.startswith("class:"):
            class_name = type_name.removeprefix("class:")
            if attribute in self.models.handler_attributes and self.analysis.is_handler_class(
                class_name
            ):
                model = self.models.handler_attributes[attribute]
                return tainted([source_flow(node, model, self.analysis.shown(node))])
            if attribute == "request" and self.analysis.is_view_class(class_name):
                return Value(type="web.Request")
            view_source = self.models.view_attributes.get(attribute)
            if view_source is not None and self.analysis.is_view_class(class_name):
                return tainted([source_flow(node, view_source, self.analysis.shown(node))])
            return None
        model = self.models.typed_sources.get(type_name, {}).get(attribute)
        if model is None:
            return None
        source = tainted([source_flow(node, model, self.analysis.shown(node))])
        return replace(source, type=f"{type_name}.{attribute}")  # `request.files` has elements

    def binary(self, op: ast.operator, left: Value, right: Value) -> Value:
        """String building and arithmetic: constants fold, taint joins, prefixes are kept."""
        if left.is_constant and right.is_constant and type(op) in ARITHMETIC:
            folded = fold(lambda: ARITHMETIC[type(op)](left.const, right.const))
            if folded is not UNKNOWN:
                return constant(folded)
        flows = merge_flows(left.all_flows(), right.all_flows())
        if isinstance(op, ast.Div) and left.type == "pathlib.Path":
            return Value(flows=flows, type=left.type)  # `Path(base) / name` is still a path
        prefix = ""
        if isinstance(op, ast.Add):
            prefix = left.const + right.prefix if isinstance(left.const, str) else left.prefix
            if left.shape in ("list", "tuple") and left.exact:
                # `["ls"] + more`: the known elements stay apart, the rest is unknown elements.
                parts = dict(left.parts)
                if right.exact:
                    parts.update(
                        {len(parts) + k: v for k, v in right.parts.items() if isinstance(k, int)}
                    )
                    return Value(flows=left.flows, parts=parts, exact=True, shape=left.shape)
                unknown = merge_flows(left.flows, right.all_flows())
                return Value(flows=unknown, parts=parts, shape=left.shape)
        elif isinstance(op, ast.Mod) and isinstance(left.const, str):
            prefix = left.const.split("%", 1)[0]
        return Value(flows=flows, prefix=prefix)

    def boolean(self, op: ast.boolop, values: list[ast.expr]) -> Value:
        """`a or b` / `a and b`: short-circuit on constants, else any operand."""
        result: Value | None = None
        for expression in values:
            value = self.expr(expression)
            if value.is_constant:
                truth = truthy(value.const)
                if (isinstance(op, ast.Or) and truth) or (isinstance(op, ast.And) and not truth):
                    return (
                        join(result, value)
                        if result is not None and not result.is_constant
                        else value
                    )
                continue
            result = join(result, value)
        return result if result is not None else self.expr(values[-1])

    def compare(self, left: ast.expr, ops: list[ast.cmpop], comparators: list[ast.expr]) -> Value:
        """A comparison is a boolean: constant when both sides are, never tainted."""
        values = [self.expr(left), *(self.expr(c) for c in comparators)]
        if all(v.is_constant for v in values):
            outcome: object = True
            for op, a, b in zip(ops, values, values[1:], strict=False):
                step = fold(lambda o=op, x=a, y=b: COMPARE[type(o)](x.const, y.const))
                if step is UNKNOWN:
                    return CLEAN
                outcome = outcome and step
            return constant(bool(outcome))
        return CLEAN

    def fstring(self, values: list[ast.expr]) -> Value:
        """An f-string: constant when every piece is, else the pieces' taint and fixed prefix."""
        pieces = [self.expr(v) for v in values]
        if all(p.is_constant for p in pieces):
            return constant("".join(str(p.const) for p in pieces))
        prefix = ""
        for piece in pieces:
            if not piece.is_constant:
                prefix += piece.prefix
                break
            prefix += str(piece.const)
        return Value(flows=merge_flows(*(p.all_flows() for p in pieces)), prefix=prefix)

    def sequence(self, node: ast.expr, elements: list[ast.expr]) -> Value:
        """A list, tuple or set literal: elements kept apart by index (sets lose their order)."""
        values = [self.expr(e) for e in elements]
        shape = {ast.List: "list", ast.Tuple: "tuple", ast.Set: "set"}[type(node)]
        if isinstance(node, ast.Set) or any(isinstance(e, ast.Starred) for e in elements):
            flows = merge_flows(*(v.all_flows() for v in values))
            return Value(flows=flows, shape=shape)
        if all(v.is_constant for v in values) and isinstance(node, ast.Tuple):
            return Value(
                const=tuple(v.const for v in values),
                parts=dict(enumerate(values)),
                exact=True,
                shape=shape,
            )
        return Value(parts=dict(enumerate(values)), exact=True, shape=shape)

    def dictionary(self, keys: list[ast.expr | None], values: list[ast.expr]) -> Value:
        """A dict literal: constant keys kept apart; other keys and `**` spill into the whole."""
        result = Value(exact=True, shape="dict")
        for key_node, value_node in zip(keys, values, strict=False):
            value = self.expr(value_node)
            if key_node is None:
                for key, part in value.parts.items():
                    result = result.with_part(key, part)
                if value.flows:
                    result = result.with_flows(value.flows)
                continue
            key = self.expr(key_node)
            if key.is_constant:
                if isinstance(key.const, str):
                    value = self.labelled(value, key.const, key_node)
                result = result.with_part(key.const, value)
            else:
                result = result.with_flows(merge_flows(key.all_flows(), value.all_flows()))
        return replace(result, const=UNKNOWN)

    def comprehension(self, generators: list[ast.comprehension], results: list[ast.expr]) -> Value:
        """A comprehension: each target gets the elements of its iterable, guards apply."""
        saved = self.env
        self.env = dict(saved or {})
        for generator in generators:
            element = self.element_of(self.expr(generator.iter))
            self.assign(generator.target, element, generator.iter)
            for condition in generator.ifs:
                self.expr(condition)
                self.apply_guard(condition, True)
        produced = [self.expr(r).all_flows() for r in results]
        self.env = saved
        return Value(flows=merge_flows(*produced))

    def element_of(self, iterable: Value) -> Value:
        """What iterating over a value yields (a dict's constant keys are not its values)."""
        if iterable.shape == "dict":
            return Value(flows=iterable.flows)
        if iterable.is_constant and isinstance(iterable.const, str | tuple | list):
            return CLEAN
        return iterable.any_part()

    # ----- calls ----------------------------------------------------------------------------------
    def call(self, node: ast.Call) -> Value:
        """A call: sinks are checked, then the result comes from a model, a summary or the args."""
        func = node.func
        receiver: Value | None = None
        method: str | None = None
        qualified: str | None = None
        callee = CLEAN
        if isinstance(func, ast.Attribute):
            qualified = self.qualified(func)
            if qualified is not None and not self._modelled(qualified):
                qualified = None
            if qualified is None:
                if (
                    isinstance(func.value, ast.Call)
                    and isinstance(func.value.func, ast.Name)
                    and (func.value.func.id == "super")
                ):
                    receiver = self.lookup(ast.Name(id="self", ctx=ast.Load()))
                    receiver = replace(receiver, type=f"super:{self.class_name}")
                else:
                    receiver = self.expr(func.value)
                method = func.attr
                if f".{method}" in receiver.parts:
                    callee = receiver.parts[f".{method}"]
        elif isinstance(func, ast.Name):
            callee = self.lookup(func)
            if callee.function is None and not (callee.type or "").startswith("class:"):
                # An alias (`run = os.system`) carries the aliased name as its type.
                qualified = self.qualified(func) or callee.type
        else:
            callee = self.expr(func)
        args = [self.expr(a) for a in node.args]
        kwargs: dict[str, Value] = {}
        for keyword in node.keywords:
            value = self.expr(keyword.value)
            if keyword.arg is None:
                kwargs["**"] = join(kwargs.get("**"), value)
            else:
                kwargs[keyword.arg] = self.labelled(value, keyword.arg, keyword.value)
        names = self._model_names(qualified, receiver, method)
        for name in names:
            self.sink_call(name, node, receiver, args, kwargs)
        if callee.function is not None:
            return self.apply_function(callee.function, node, None, args, kwargs)
        if receiver is not None and method is not None and receiver.type:
            local = self._local_method(receiver.type, method)
            if local is not None:
                function, bound = local
                return self.apply_function(
                    FunctionRef(function), node, receiver if bound else None, args, kwargs
                )
            external = self.analysis.project_summary(f"{receiver.type}.{method}")
            if external is not None:
                bound_args = [receiver, *args] if external.is_method else args
                return self.apply_external(external, node, bound_args, kwargs)
        if (callee.type or "").startswith("class:"):
            return self.construct(callee.type.removeprefix("class:"), node, args, kwargs)  # type: ignore[union-attr]
        external = self.analysis.project_summary(qualified)
        if external is not None:
            return self.apply_external(external, node, args, kwargs)
        if qualified is not None and qualified in self.analysis.project.classes:
            return replace(self.default_result(args, kwargs, node), type=qualified)
        result = self.modelled_result(node, names, receiver, method, args, kwargs)
        if method in KEYED_READS and args and isinstance(args[0].const, str):
            result = self.labelled(result, args[0].const, node)  # `form.get("password")`
        return result

    def _modelled(self, name: str) -> bool:
        """Whether models or the project index say anything about the call `name`."""
        models = self.models
        return (
            name in models.sinks
            or name in models.sanitizers
            or name in models.source_calls
            or name in models.returns
            or self.analysis.project_summary(name) is not None
        )

    def _model_names(
        self, qualified: str | None, receiver: Value | None, method: str | None
    ) -> list[str]:
        """Names under which the models may describe this call, most specific first."""
        if qualified is not None:
            return [qualified]
        if receiver is None or method is None:
            return []
        names = []
        if receiver.type and not receiver.type.startswith(("class:", "super:")):
            names.append(f"{receiver.type}.{method}")
        names.append(f"*.{method}")
        return names

    def _local_method(self, type_name: str, method: str) -> tuple[FunctionNode, bool] | None:
        """A method of a class of this module: (function, whether the receiver binds to self)."""
        if type_name.startswith("super:"):
            found = self.analysis.find_method(
                type_name.removeprefix("super:"), method, skip_self=True
            )
            return (found, True) if found is not None else None
        if not type_name.startswith("class:"):
            return None
        found = self.analysis.find_method(type_name.removeprefix("class:"), method)
        if found is None:
            return None
        decorators = {self._decorator_name(d) for d in found.decorator_list}
        return found, "staticmethod" not in decorators

    def construct(
        self, class_name: str, node: ast.Call, args: list[Value], kwargs: dict[str, Value]
    ) -> Value:
        """`Cls(...)`: an object of the class holding what `__init__` stored on `self`."""
        init = self.analysis.find_method(class_name, "__init__")
        instance = Value(type=f"class:{class_name}")
        if init is None:
            flows = merge_flows(
                *(a.all_flows() for a in args), *(v.all_flows() for v in kwargs.values())
            )
            return replace(instance, flows=flows)
        result = self.analysis.result_of(init)
        if result is None or result.gave_up:
            flows = merge_flows(
                *(a.all_flows() for a in args), *(v.all_flows() for v in kwargs.values())
            )
            return replace(instance, flows=flows)
        self.apply_function(FunctionRef(init), node, instance, args, kwargs)
        mapping = self._parameter_values(result.parameters, [instance, *args], kwargs)
        built = substitute(result.receiver_after, mapping, node, class_name)
        return replace(instance, parts=built.parts)

    def _parameter_values(
        self, parameters: tuple[str, ...], args: list[Value], kwargs: dict[str, Value]
    ) -> dict[int, Value]:
        """Parameter index -> the argument the call passes for it."""
        mapping: dict[int, Value] = {}
        for index, value in enumerate(args):
            if index < len(parameters):
                mapping[index] = value
            elif parameters:
                last = len(parameters) - 1
                mapping[last] = join(mapping.get(last), value)
        for name, value in kwargs.items():
            if name in parameters:
                mapping[parameters.index(name)] = value
            elif parameters:
                last = len(parameters) - 1
                mapping[last] = join(mapping.get(last), value)
        return mapping

    def apply_function(
        self,
        ref: FunctionRef,
        node: ast.Call,
        receiver: Value | None,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> Value:
        """Apply what a function of this module does: its summary, or its lambda body."""
        bound_args = [receiver, *args] if receiver is not None else list(args)
        if isinstance(ref.node, ast.Lambda):
            return self._apply_lambda(ref, bound_args, kwargs)
        result = self.analysis.result_of(ref.node)
        if result is None or result.gave_up:
            return self.default_result(bound_args, kwargs, node)
        mapping = self._parameter_values(result.parameters, bound_args, kwargs)
        name = ref.node.name
        for event in result.events:
            parameter = event.flow.parameter
            if parameter is None or parameter not in mapping:
                continue
            argument = mapping[parameter]
            if event.kind in HOST_SENSITIVE and not event.prefix and fixes_host(argument.prefix):
                continue
            for flow in argument.all_flows():
                combined = splice(flow, event.flow, node, name)
                if combined.reaches(event.kind) and self.accepts(event.origins, combined):
                    self.events.append(replace(event, flow=combined))
        if receiver is not None and result.is_method and isinstance(node.func, ast.Attribute):
            self._update_receiver(node.func.value, receiver, result, mapping, node, name)
        return substitute(result.returns, mapping, node, name)

    def _update_receiver(
        self,
        owner: ast.expr,
        receiver: Value,
        result: FunctionResult,
        mapping: dict[int, Value],
        node: ast.Call,
        name: str,
    ) -> None:
        """What a method stored on `self` (`self.parts.append(x)`) is now on the caller's object."""
        after = substitute(result.receiver_after, mapping, node, name)
        if not after.parts:
            return
        updated = receiver
        for key, value in after.parts.items():
            updated = updated.with_part(key, join(receiver.part(key), value))
        if isinstance(owner, ast.Call):  # `super().method(...)` changed `self`
            owner = ast.Name(id="self", ctx=ast.Load())
        self._store_back(owner, updated)

    def _apply_lambda(self, ref: FunctionRef, args: list[Value], kwargs: dict[str, Value]) -> Value:
        """Evaluate a lambda's body with its parameters bound (inline; lambdas are small)."""
        assert isinstance(ref.node, ast.Lambda)
        if len(self.analysis.in_progress) >= MAX_CALL_DEPTH:
            return self.default_result(args, kwargs, ref.node)
        frame = Frame(self.analysis, ref.node, ref.closure)
        frame.ticks = self.ticks
        names = [a.arg for a in (*ref.node.args.posonlyargs, *ref.node.args.args)]
        assert frame.env is not None
        for index, name in enumerate(names):
            frame.env[name] = args[index] if index < len(args) else kwargs.get(name, CLEAN)
        self.analysis.in_progress.append(id(ref.node))
        try:
            value = frame.expr(ref.node.body)
        finally:
            self.analysis.in_progress.pop()
        self.ticks = frame.ticks
        self.events.extend(frame.events)
        for key, origins in frame.sinks_seen.items():
            self.sinks_seen.setdefault(key, set()).update(origins)
        return value

    def apply_external(
        self, summary: ExternalSummary, node: ast.Call, args: list[Value], kwargs: dict[str, Value]
    ) -> Value:
        """Apply the summary of a function of another module of the project."""
        mapping = self._parameter_values(summary.parameters, args, kwargs)
        short = summary.qualified_name
        for effect in summary.sinks:
            argument = mapping.get(effect.parameter)
            if argument is None:
                continue
            if effect.kind in HOST_SENSITIVE and not effect.prefix and fixes_host(argument.prefix):
                continue
            for flow in argument.all_flows():
                combined = flow.then(
                    node,
                    f"passed to `{short}`, which uses it as `{effect.sink}` at {effect.location}",
                ).sanitised(effect.safe_for)
                if combined.reaches(effect.kind) and self.accepts(effect.origins, combined):
                    self.events.append(
                        SinkEvent(
                            effect.kind,
                            node,
                            effect.sink,
                            f"{effect.note} inside `{short}`",
                            combined,
                            origins=effect.origins,
                        )
                    )
        flows: list[Flow] = []
        for effect in summary.returns:
            if effect.parameter is None:
                model = SourceModel(origin=effect.origin, note=effect.note or "untrusted input")
                flows.append(source_flow(node, model, f"{short}()").sanitised(effect.safe_for))
                continue
            argument = mapping.get(effect.parameter)
            if argument is not None:
                flows.extend(
                    f.then(node, f"returned by `{short}`").sanitised(effect.safe_for)
                    for f in argument.all_flows()
                )
        return tainted(flows)

    def default_result(
        self, args: list[Value | None], kwargs: dict[str, Value], node: ast.AST
    ) -> Value:
        """An unknown function's result: it may carry any argument's data."""
        flows = merge_flows(
            *(a.all_flows() for a in args if a is not None),
            *(v.all_flows() for v in kwargs.values()),
        )
        return Value(flows=flows)

    def modelled_result(
        self,
        node: ast.Call,
        names: list[str],
        receiver: Value | None,
        method: str | None,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> Value:
        """The result of a library call, from sources, sanitisers, types and string semantics."""
        inputs: list[Value | None] = [receiver, *args, *kwargs.values()]
        consumed = [sink.kind for name in names for sink in self.models.sinks.get(name, ())]
        if consumed and all(kind in self.models.consuming_sinks for kind in consumed):
            # A query's rows, an opened file, a compiled pattern: not the text passed in.
            return self._typed(CLEAN, names[0], kwargs)
        if receiver is not None and method is not None and receiver.type:
            source = self._typed_source(receiver.type, method, node)
            if source is not None:
                return source  # `request.get_json()`, `await request.body()`
            converter = kwargs.get("type")
            if (
                method == "get"
                and converter is not None
                and (converter.type in self.models.clean_annotations)
            ):
                return CLEAN  # `request.args.get("page", type=int)` converts (or drops) the value
        for name in names:
            source = self.models.source_calls.get(name)
            if source is not None:
                flow = source_flow(node, source, self.analysis.shown(node) or name)
                if source.returns_arguments:  # `random.choice(options)` is one of the options
                    return self.default_result(inputs, kwargs, node).with_flows([flow])
                return tainted([flow])
            sanitizer = self.models.sanitizers.get(name)
            if sanitizer is not None:
                if ALL_KINDS in sanitizer.protects:
                    # A cast or a digest leaves no attacker-chosen text, but a password stays a
                    # secret and a predictable number stays predictable: dedicated origins go on.
                    kept = self._dedicated_flows(inputs, kwargs, node, name)
                    return self._typed(tainted(kept) if kept else CLEAN, name, kwargs)
                protected = self.default_result(inputs, kwargs, node).mapped(
                    lambda f, s=sanitizer, n=name: f.then(node, f"`{n}`: {s.note}").sanitised(
                        s.protects
                    )
                )
                return self._typed(protected, name, kwargs)
        if receiver is not None and method is not None and not is_module_type(receiver):
            handled = self.method_result(node, receiver, method, args, kwargs)
            if handled is not None:
                return self._typed(handled, names[0] if names else "", kwargs)
        if names and names[0] in ("re.sub", "regex.sub") and deletes_outside_alphabet(args):
            return CLEAN
        result = self.default_result(inputs, kwargs, node)
        if names and names[0] in ("str", "repr", "format", "bytes", "bytearray") and args:
            result = replace(
                result, prefix=args[0].prefix, const=args[0].const if names[0] == "str" else UNKNOWN
            )
        return self._typed(result, names[0] if names else "", kwargs)

    def _typed(self, value: Value, name: str, kwargs: dict[str, Value]) -> Value:
        """`value` with the type the models give the result of `name`."""
        for model in self.models.returns.get(name, ()):
            if all(kwargs.get(k, CLEAN).const == v for k, v in model.when):
                return replace(value, type=model.type)
        return value

    def method_result(
        self,
        node: ast.Call,
        receiver: Value,
        method: str,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> Value | None:
        """Results and side effects of common str/list/dict methods; None to use the default."""
        base = node.func.value if isinstance(node.func, ast.Attribute) else None
        if method in CLEAN_METHODS:
            return CLEAN
        if method in MUTATORS and base is not None and isinstance(base, ast.Name | ast.Attribute):
            updated = receiver
            if method == "append" and args and receiver.exact and receiver.shape == "list":
                updated = receiver.with_part(len(receiver.parts), args[0])
            elif method == "update" and args and args[0].parts:
                for key, part in args[0].parts.items():
                    updated = updated.with_part(key, part)
                updated = updated.with_flows(args[0].flows) if args[0].flows else updated
            else:
                flows = merge_flows(
                    *(a.all_flows() for a in args), *(v.all_flows() for v in kwargs.values())
                )
                if flows:
                    updated = receiver.with_flows(flows)
            self._store_back(base, updated)
            return CLEAN
        if method in ("get", "pop", "setdefault") and args:
            key = args[0]
            default = args[1] if len(args) > 1 else CLEAN
            if receiver.type in self.models.typed_sources or (
                receiver.all_flows() and not receiver.parts
            ):
                return Value(flows=receiver.all_flows())
            if key.is_constant:
                found = receiver.part(key.const)
                if method == "pop" and base is not None and isinstance(base, ast.Name):
                    self._pop(base, receiver, key.const)
                return join(found, default) if key.const not in receiver.parts else found
            return join(receiver.any_part(), default)
        if method == "pop" and not args and receiver.exact and receiver.parts:
            last = max((k for k in receiver.parts if isinstance(k, int)), default=None)
            if last is not None:
                if isinstance(base, ast.Name):
                    self._pop(base, receiver, last)
                return receiver.parts[last]
        if method == "clear" and isinstance(base, ast.Name):
            self.bind(base.id, replace(receiver, flows=frozenset(), parts={}, exact=True))
            return CLEAN
        if method == "keys":
            return Value(flows=receiver.flows)  # keys of request data are chosen by the sender
        if method in ("values", "items", "copy"):
            return Value(flows=receiver.all_flows()) if method != "copy" else receiver
        if method == "join" and args:
            return Value(
                flows=merge_flows(receiver.all_flows(), args[0].all_flows()),
                prefix=receiver.prefix if not args[0].is_constant else "",
            )
        if method == "format":
            flows = merge_flows(
                receiver.all_flows(),
                *(a.all_flows() for a in args),
                *(v.all_flows() for v in kwargs.values()),
            )
            prefix = (
                receiver.const.split("{", 1)[0]
                if isinstance(receiver.const, str)
                else receiver.prefix
            )
            return Value(flows=flows, prefix=prefix)
        if method == "replace" and len(args) > 1:
            flows = merge_flows(receiver.all_flows(), args[1].all_flows())
            removed = args[0].const
            if (
                isinstance(removed, str)
                and ("\n" in removed or "\r" in removed)
                and not args[1].all_flows()
            ):
                flows = merge_flows(without_line_breaks(f, removed, node) for f in flows)
            return Value(
                flows=flows,
                prefix=receiver.prefix if receiver.prefix.find(str(removed)) < 0 else "",
            )
        if method in ("split", "rsplit", "splitlines", "partition", "rpartition"):
            return Value(flows=receiver.all_flows(), shape="list")
        if method in (
            "strip",
            "lstrip",
            "rstrip",
            "lower",
            "upper",
            "title",
            "capitalize",
            "casefold",
            "encode",
            "decode",
            "zfill",
            "center",
            "ljust",
            "rjust",
            "expandtabs",
            "swapcase",
            "removeprefix",
            "removesuffix",
        ):
            keeps_prefix = method in ("rstrip", "encode", "decode", "ljust", "removesuffix")
            return Value(flows=receiver.all_flows(), prefix=receiver.prefix if keeps_prefix else "")
        return None

    def _store_back(self, base: ast.expr, value: Value) -> None:
        if isinstance(base, ast.Name):
            self.bind(base.id, value)
        elif isinstance(base, ast.Attribute):
            self._store_into(base.value, f".{base.attr}", value, base)

    def _pop(self, base: ast.Name, receiver: Value, key: object) -> None:
        """Remove `key` from a container; a list's later elements move down by one."""
        parts = dict(receiver.parts)
        parts.pop(key, None)
        if receiver.shape == "list" and isinstance(key, int):
            parts = {(k - 1 if isinstance(k, int) and k > key else k): v for k, v in parts.items()}
        self.bind(base.id, replace(receiver, parts=parts))

    # ----- sinks ----------------------------------------------------------------------------------
    def sink_call(
        self,
        name: str,
        node: ast.AST,
        receiver: Value | None,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> None:
        """Record every sink model of `name` that this call's tainted arguments reach."""
        for sink in self.models.sinks.get(name, ()):
            if not self._sink_applies(sink, node, args, kwargs):
                continue
            # What reaches *any* argument, not only the modelled one: pattern rules ask whether
            # a call is harmless as a whole (`["sh", "-c", cmd]` is more than its argv[0]).
            reaching = self.sinks_seen.setdefault(id(node), set())
            for value in (*args, *kwargs.values()):
                reaching.update(f.origin for f in value.all_flows() if f.reaches(sink.kind))
            named = self._naming_argument(sink, args, kwargs)
            for value in self._sink_inputs(sink, receiver, args, kwargs):
                if sink.kind in HOST_SENSITIVE and fixes_host(value.prefix):
                    continue
                if named:
                    value = self.labelled(value, named, node)
                shown = self._sink_display(name, node)
                for flow in value.all_flows():
                    if flow.reaches(sink.kind) and self.accepts(sink.origins, flow):
                        reaching.add(flow.origin)
                        self.events.append(
                            SinkEvent(
                                sink.kind,
                                node,
                                shown,
                                sink.note,
                                flow,
                                value.prefix,
                                sink.origins,
                            )
                        )

    def accepts(self, origins: frozenset[str], flow: Flow) -> bool:
        """Whether a sink limited to `origins` (empty: every origin but the dedicated ones)
        reports `flow`; parameter flows are kept until a call site gives them a real origin."""
        if flow.parameter is not None:
            return True
        if origins:
            return flow.origin in origins
        return flow.origin not in self.models.dedicated_origins

    @staticmethod
    def _given(key: str, args: list[Value], kwargs: dict[str, Value]) -> Value | None:
        """The argument a model names by keyword or by position (a digit), if the call passes it."""
        if key.isdigit():
            return args[int(key)] if int(key) < len(args) else None
        return kwargs.get(key)

    def _naming_argument(self, sink: SinkModel, args: list[Value], kwargs: dict[str, Value]) -> str:
        """The constant name a sink gives its value (a cookie's or a header's name), or ''."""
        for key in sink.named_by:
            given = self._given(key, args, kwargs)
            if given is not None and isinstance(given.const, str):
                return given.const
        return ""

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

    def _dedicated_flows(
        self, inputs: list[Value | None], kwargs: dict[str, Value], node: ast.AST, name: str
    ) -> list[Flow]:
        """Flows of dedicated origins in a call's inputs, continued through the call `name`."""
        dedicated = self.models.dedicated_origins
        if not dedicated:
            return []
        return [
            flow.then(node, f"still {flow.origin} after `{name}`")
            for flow in self.default_result(inputs, kwargs, node).flows
            if flow.origin in dedicated
        ]

    def _sink_display(self, name: str, node: ast.AST) -> str:
        """How the evidence names a sink: the code for methods and stores, else the API name."""
        if isinstance(node, ast.Return):
            return "view return value"
        typed_method = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and self.qualified(node.func) is None
        )  # `resp.set_cookie`, not the model's `web.Response.set_cookie`
        if name.endswith(".__setitem__") or name.startswith("*.") or typed_method:
            code = self.analysis.shown(node.func if isinstance(node, ast.Call) else node)
            return first_line(code) if code else name.removeprefix("*.")
        return name

    def _sink_applies(
        self, sink: SinkModel, node: ast.AST, args: list[Value], kwargs: dict[str, Value]
    ) -> bool:
        """Whether the call meets the model's conditions (keyword values, receiver, arguments)."""
        if sink.receivers:
            func = node.func if isinstance(node, ast.Call) else None
            owner = func.value if isinstance(func, ast.Attribute) else None
            text = self.analysis.shown(owner).rsplit(".", 1)[-1] if owner is not None else ""
            if not any(re.fullmatch(pattern, text) for pattern in sink.receivers):
                return False
        for index, pattern in sink.arg_patterns:
            given = args[index] if index < len(args) else CLEAN
            shown = given.const if isinstance(given.const, str) else given.prefix
            if not re.search(pattern, shown):
                return False
        for key, expected in sink.when:
            if kwargs.get(key, CLEAN).const != expected:
                return False
        for key, safe in sink.unless:
            given = args[int(key)] if key.isdigit() and int(key) < len(args) else kwargs.get(key)
            if given is not None and (given.type in safe or given.const in safe):
                return False
        if sink.unset and "**" in kwargs:
            return False  # `**options` may turn the flag on
        for key in sink.unset:
            given = self._given(key, args, kwargs)
            if given is not None and (not given.is_constant or truthy(given.const)):
                return False  # turned on, or decided elsewhere (`secure=request.is_secure`)
        return True

    @staticmethod
    def _sink_inputs(
        sink: SinkModel, receiver: Value | None, args: list[Value], kwargs: dict[str, Value]
    ) -> list[Value]:
        values: list[Value] = []
        if sink.receiver and receiver is not None:
            values.append(receiver)
        if sink.all_args:
            values.extend(args)
            values.extend(kwargs.values())
        else:
            values.extend(args[i] for i in sink.args if i < len(args))
            values.extend(kwargs[k] for k in sink.keywords if k in kwargs)
            if "**" in kwargs and sink.keywords:
                values.append(kwargs["**"])
        if sink.argv0:
            values = [program_of(v) for v in values]
        return values

    def _check_view_return(self, node: ast.Return, value: Value) -> None:
        """A view's return value is the response body: the pseudo-call `web.View.return` for the
        models, and for Flask a returned string is also an HTML page."""
        if not self.is_view or node.value is None:
            return
        body = value.part(0) if value.shape == "tuple" else value
        if (body.type or "").startswith("web.Response"):
            return  # a response object: its constructor was the sink
        self.sink_call("web.View.return", node, None, [body], {})
        if not self.analysis.is_flask or body.shape in ("dict", "list"):
            return
        for flow in body.all_flows():
            if flow.reaches("html") and self.accepts(frozenset(), flow):
                self.events.append(
                    SinkEvent("html", node, "view return value", "HTML response body", flow)
                )
