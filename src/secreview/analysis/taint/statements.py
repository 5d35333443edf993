"""Statements: how each kind moves the environment from one program point to the next.

Branches run both ways and join (or only the live way when the test is constant), loops run to a
fixpoint of at most `LOOP_ROUNDS` rounds, `break`/`continue`/`raise`/`return` end a path and hand
its state to the loop, handler or caller that receives it. Separate from the expressions because
statements change *where* the interpreter is (the environment and which paths are alive), while
expressions only compute values.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace

from secreview.analysis.taint.declared_types import annotated_class
from secreview.analysis.taint.definitions import joined_definitions
from secreview.analysis.taint.environments import join_envs, settled
from secreview.analysis.taint.frame_state import FrameState, LoopExits
from secreview.analysis.taint.semantics import TERMINATORS, fixes_host, truthy
from secreview.analysis.taint.values import CLEAN, FunctionRef, Value, constant, join
from secreview.index.context import UNKNOWN

LOOP_ROUNDS = 3
"""Rounds a loop body is run for before its state is taken as the fixpoint."""

_REBINDS = (
    ast.Assign,
    ast.AugAssign,
    ast.AnnAssign,
    ast.For,
    ast.AsyncFor,
    ast.With,
    ast.AsyncWith,
)
"""Statements that change the state: the states a handler may start from are the ones before them
(and the one the body ends in)."""


class StatementRules(FrameState):
    """Statements and control flow: the path the environment takes through a function."""

    def block(self, statements: list[ast.stmt]) -> None:
        """Run statements in order until the path ends.

        Inside a `try`, the state before each statement that rebinds names is one a handler
        may start from: in `x = request.args["x"]; x = int(x)`, a handler sees the raw `x`
        when `int` raises."""
        for statement in statements:
            if self.env is None:
                return
            if self.raises and isinstance(statement, _REBINDS):
                self.tick(1 + len(self.env) // 32)  # the copy is work: a huge try body gives up
                self.raises[-1].append((dict(self.env), CLEAN, ""))
            self.statement(statement)

    def statement(self, node: ast.stmt) -> None:
        """Run one statement."""
        self.tick()
        match node:
            case ast.Assign(targets=targets, value=value):
                result = self.expr(value)
                self.apply_completed_check(value)
                for target in targets:
                    self.assign(target, result, value)
                    if isinstance(target, ast.Name):
                        self.remember_definition(target.id, value)
                    elif isinstance(target, ast.Tuple) and isinstance(value, ast.Call):
                        first = target.elts[0] if target.elts else None  # `ok, why = check(u)`
                        if isinstance(first, ast.Name):
                            self.remember_answer(first.id, value)
            case ast.AnnAssign(target=target, value=value, annotation=annotation) if (
                value is not None
            ):
                result = self.expr(value)
                if result.type is None:  # `participant: Participant = kwargs["who"]`
                    analysis = self.analysis
                    kind = annotated_class(
                        annotation, analysis.classes, self.qualified, analysis.project.classes
                    )
                    result = replace(result, type=kind) if kind else result
                self.assign(target, result, value)
            case ast.AugAssign(target=target, op=op, value=value):
                current = self.expr(target)
                combined = self.binary(op, current, self.expr(value))
                self.assign(target, combined, node)
            case ast.Expr(value=value):
                self.expr(value)
                self.apply_completed_check(value)
                if isinstance(value, ast.Call) and self._terminates(value):
                    self.env = None
            case ast.Return(value=value):
                result = self.expr(value) if value is not None else CLEAN
                if isinstance(self.node, ast.FunctionDef | ast.AsyncFunctionDef):
                    result = self.labelled(result, self.node.name, node)
                self.check_view_return(node, result)
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
                self.bind(name, Value(type=f"class:{name}", classes=frozenset({name})))
                self._class_body(name, body)
            case ast.Raise(exc=exc):
                value = self.expr(exc) if exc is not None else CLEAN
                if self.raises and self.env is not None:
                    raised = (dict(self.env), value, exception_class(exc))
                    self.raises[-1].append(raised)  # a handler may catch it
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
                self.remove_key(target.value, container, key.const)

    def _class_body(self, name: str, body: list[ast.stmt]) -> None:
        """Record the closures of methods; other class-body statements run in a scratch scope,
        whose classes, instances (`session_class = FileSession`) and library objects (`RE =
        re.compile(...)`: `self.RE.search(text)` matches `text` with a compiled pattern) the
        class's methods see as what `self.session_class` holds
        (`ModuleState.class_attributes`), and so are its URLs
        whose host is fixed (`notify_url = "https://api.example.com/send"`): a request to
        `self.notify_url` asks that server."""
        saved = self.env
        self.env = dict(saved or {})
        for statement in body:
            if self.env is None:
                break
            self.statement(statement)
        if self.env is not None:
            held = {
                key: value
                for key, value in self.env.items()
                if (
                    value.classes
                    or value.type
                    or (isinstance(value.const, str) and fixes_host(value.const))
                )
                and (saved is None or saved.get(key) is not value)
            }
            if held:
                self.analysis.class_attributes.setdefault(name, held)
        self.env = saved

    def _terminates(self, call: ast.Call) -> bool:
        """Whether the call never returns (`sys.exit`, `abort`), so the path ends with it."""
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
        """Enter a `while` body: its test is evaluated and holds inside."""
        self.expr(test)
        self.apply_guard(test, True)

    def branch(self, test: ast.expr, body: list[ast.stmt], orelse: list[ast.stmt]) -> None:
        """Run an `if`: only the live branch when the test is constant, else both, then join."""
        condition = self.expr(test)
        if condition.is_constant:
            self.block(body if truthy(condition.const) else orelse)
            return
        before, defined = self.env, self.definitions
        self.tick(1 + len(before or ()) // 32)
        self.env, self.definitions = dict(before or {}), dict(defined)
        self.apply_guard(test, True)
        self.block(body)
        after_body = (self.env, self.definitions)
        self.env, self.definitions = dict(before or {}), dict(defined)
        self.apply_guard(test, False)
        self.block(orelse)
        after_else = (self.env, self.definitions)
        self.env = join_envs(after_body[0], self.env)
        self.definitions = joined_definitions(test, after_body, after_else, self.env)

    def loop(
        self,
        node: ast.stmt,
        enter: Callable[[], None],
        body: list[ast.stmt],
        orelse: list[ast.stmt],
    ) -> None:
        """Run a loop body until the environment stops changing (at most LOOP_ROUNDS times)."""
        if isinstance(node, ast.While):
            condition = self.expr(node.test)
            if condition.is_constant and not truthy(condition.const):
                self.block(orelse)
                return
        state = self.env
        exits: list[dict[str, Value] | None] = [state]
        record = LoopExits()
        self.loops.append(record)
        try:
            for _ in range(LOOP_ROUNDS):
                self.env = dict(state or {})
                enter()
                self.block(body)
                after = join_envs(self.env, *record.continues)
                record.continues.clear()
                merged = join_envs(state, after)
                if merged is None or settled(merged, state):
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
        raised: list[tuple[dict[str, Value], Value, str]] = []
        self.raises.append(raised)
        try:
            self.block(body)
        finally:
            self.raises.pop()
        self.block(orelse)
        normal = self.env
        outcomes = [normal]
        # Every handler starts from the same states: joined once, not once per handler.
        entry = join_envs(before, normal, *(env for env, _, _ in raised)) if handlers else None
        handled: set[str] = set()
        for handler in handlers:
            self.env = dict(entry) if entry is not None else dict(before)
            if handler.name:
                self.bind(handler.name, caught_exception(raised, handled))
            self.block(handler.body)
            outcomes.append(self.env)
            handled |= handled_classes(handler.type)
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


def exception_class(exc: ast.expr | None) -> str:
    """The class name a `raise` names (`raise HTTPException(...)`, `raise errors.NotFound`), or
    "" when the statement does not spell it (`raise error`, a bare `raise`)."""
    if isinstance(exc, ast.Call):
        exc = exc.func
    name = (
        exc.attr if isinstance(exc, ast.Attribute) else exc.id if isinstance(exc, ast.Name) else ""
    )
    return name if name[:1].isupper() else ""


def handled_classes(kind: ast.expr | None) -> set[str]:
    """The class names an `except` clause spells (`except (KeyError, errors.NotFound)`)."""
    kinds = kind.elts if isinstance(kind, ast.Tuple) else [kind] if kind is not None else []
    return {exception_class(k) for k in kinds} - {""}


def caught_exception(raised: list[tuple[dict[str, Value], Value, str]], handled: set[str]) -> Value:
    """What an `except ... as e` clause binds: the exceptions the `try` body raised, less those
    of a class an earlier clause of the same `try` names. In `except HTTPException: raise` then
    `except Exception as e: log(str(e))`, the HTTPException built from the request never reaches
    the second clause: Python runs the first clause that matches. Only a raise whose class is
    spelled exactly as the earlier clause spells it is left out (a subclass is not known here)."""
    exception: Value | None = None
    for _, value, name in raised:
        if name not in handled or not name:
            exception = join(exception, value)
    return Value(flows=exception.all_flows()) if exception else CLEAN
