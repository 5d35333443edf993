"""Functions handed to code that calls them: library APIs, and the project's own functions.

`threading.Thread(target=convert, args=(name,))`, `executor.submit(convert, name)`,
`loop.run_in_executor(None, convert, name)`, `map(convert, names)`, a thread or greenlet runner's
`deferToThread(convert, name)` or `gevent.spawn(convert, name)` and a task queue's
`convert.delay(name)` all end in `convert(name)`, in another thread, process or worker: a web
view that hands request data to a background job this way reaches whatever sink the job has.
The library's code is not read, so these APIs are described here, as `functools.partial` is in
`objects.py`: where the callable is, and how the arguments reach it. A function of the project is
applied (of this module, or another module's summary), so the evidence runs through the
hand-over; a library function handed over is checked as the sink it may be
(`Thread(target=os.system, args=(cmd,))`).

A function of the project that calls one of its parameters (`def apply(fn, value): return
fn(value)`) is summarised with that call (`ParameterCall`), and a caller that passes a function
(`apply(convert, name)`) applies it there, with the arguments the callee gave it.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from secreview.analysis.taint.event_log import restated
from secreview.analysis.taint.frame_state import FrameState
from secreview.analysis.taint.parameters import is_static_method
from secreview.analysis.taint.results import FunctionResult, ParameterCall
from secreview.analysis.taint.substitution import substitute
from secreview.analysis.taint.summaries import ExternalSummary
from secreview.analysis.taint.values import CLEAN, FunctionRef, Value


class Callback(NamedTuple):
    """Where an API takes the callable and its arguments.

    `callable_at`/`callable_keyword`: the callable's position and keyword. `passes` says how
    its arguments come: "rest" (the positional and keyword arguments after the callable, as
    `submit(fn, *args, **kwargs)`), "tuple" (an `args=` tuple and a `kwargs=` dict, at
    `args_at`/`args_at + 1` or by keyword, as `Thread`) or "elements" (one element of each
    iterable after the callable, as `map`)."""

    callable_at: int
    callable_keyword: str | None
    passes: str
    args_at: int = 0


_THREAD = Callback(1, "target", "tuple", 3)  # Thread(group, target, name, args, kwargs)

CALLBACK_APIS: dict[str, Callback] = {
    "threading.Thread": _THREAD,
    "multiprocessing.Process": _THREAD,
    "multiprocessing.context.Process": _THREAD,
    "threading.Timer": Callback(1, "function", "tuple", 2),  # Timer(interval, function, args)
    "asyncio.to_thread": Callback(0, "func", "rest"),
    "map": Callback(0, None, "elements"),
    "*.submit": Callback(0, "fn", "rest"),  # concurrent.futures executors and look-alikes
    "*.run_in_executor": Callback(1, "func", "rest"),  # loop.run_in_executor(executor, func)
    "*.call_soon": Callback(0, "callback", "rest"),
    "*.call_soon_threadsafe": Callback(0, "callback", "rest"),
    "*.apply_async": Callback(0, "func", "tuple", 1),  # Pool.apply_async(func, args, kwds)
    "*.enqueue": Callback(0, "f", "rest"),  # rq: queue.enqueue(func, *args, **kwargs)
    # Thread and greenlet runners: `f(*args, **kwargs)` on another thread or greenlet.
    "twisted.internet.threads.deferToThread": Callback(0, "f", "rest"),
    "gevent.spawn": Callback(0, None, "rest"),
    "gevent.spawn_later": Callback(1, None, "rest"),  # spawn_later(seconds, f, *args)
    "eventlet.spawn": Callback(0, "func", "rest"),
    "eventlet.spawn_n": Callback(0, "func", "rest"),
    "anyio.to_thread.run_sync": Callback(0, "func", "rest"),
    "starlette.concurrency.run_in_threadpool": Callback(0, "func", "rest"),
    "fastapi.concurrency.run_in_threadpool": Callback(0, "func", "rest"),
    "*.run_in_thread": Callback(0, "func", "rest"),  # an event loop's blocking-work runner
    "*.async_add_executor_job": Callback(0, "target", "rest"),  # Home Assistant
}
"""Qualified names (or `*.method` for a method of any object) of APIs that call a callable."""

TASK_METHODS: dict[str, Callback] = {
    "delay": Callback(-1, None, "rest"),  # Celery: task.delay(*args, **kwargs)
    "apply_async": Callback(-1, None, "tuple", 0),  # Celery: task.apply_async(args, kwargs)
    "send": Callback(-1, None, "rest"),  # Dramatiq: actor.send(*args, **kwargs)
}
"""Methods of a function object (a task-queue task) that run it later with these arguments."""


class CallbackRules(FrameState):
    """Functions handed to a library API that calls them: applied here with the arguments the
    API passes on."""

    def run_callbacks(
        self,
        names: list[str],
        node: ast.Call,
        receiver: Value | None,
        method: str | None,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> None:
        """Apply the function a callback API (`names`) or a task method is handed."""
        if receiver is not None and method in TASK_METHODS:
            target = self._function_in(receiver)
            if target is not None:
                self._hand_to(target, TASK_METHODS[method], node, args, kwargs)
            return
        for name in names:
            spec = CALLBACK_APIS.get(name)
            if spec is None:
                continue
            if spec.callable_at < len(args):
                handed = args[spec.callable_at]
            else:
                handed = kwargs.get(spec.callable_keyword or "", CLEAN)
            target = self._function_in(handed) or self._bound_method(node, spec)
            if target is not None:
                self._hand_to(target, spec, node, args, kwargs)
            elif handed.type in self.models.sinks:  # `Thread(target=os.system, args=(cmd,))`
                passed, passed_keywords = self._passed(spec, args, kwargs)
                self.sink_call(str(handed.type), node, None, passed, passed_keywords)
            return

    def note_parameter_call(
        self, callee: Value, node: ast.Call, args: list[Value], kwargs: dict[str, Value]
    ) -> None:
        """Remember a call of a parameter's own value (`fn(value)` in `def apply(fn, value)`):
        what it does is known only where a caller passes a function."""
        for index, initial in enumerate(self.passed):
            if callee is initial:
                call = ParameterCall(index, node, tuple(args), tuple(sorted(kwargs.items())))
                self.parameter_calls.append(call)
                return

    def apply_parameter_calls(
        self, result: FunctionResult, mapping: dict[int, Value], node: ast.Call, name: str
    ) -> None:
        """At a call of a function that calls its parameters: apply the functions this call
        passes for them, with the arguments the callee gives them (in the caller's terms)."""
        reader = self.reader(node)

        def here(value: Value) -> Value:
            return substitute(value, mapping, node, name, reader, result.passed, result.reads)

        for call in result.parameter_calls:
            handed = mapping.get(call.parameter, CLEAN)
            target = self._function_in(handed)
            if target is None and handed.type not in self.models.sinks:
                continue
            args = [here(value) for value in call.args]
            kwargs = {key: here(value) for key, value in call.kwargs}
            if target is None:  # a library function: `apply(os.system, cmd)`
                self.sink_call(str(handed.type), node, None, args, kwargs)
            elif isinstance(target, FunctionRef):
                self.apply_function(target, node, None, args, kwargs)
            else:
                self.apply_external(target, node, args, kwargs)

    def _function_in(self, value: Value) -> FunctionRef | ExternalSummary | None:
        """The project function `value` is: one of this module, or one imported from another
        module of the project (its summary)."""
        if value.function is not None:
            return value.function
        return self.analysis.project_summary(value.type) if value.type else None

    def _bound_method(self, node: ast.Call, spec: Callback) -> FunctionRef | None:
        """A method of this module's class handed over as `self._read_file` (or `obj.work` of
        an object of such a class): the method with its receiver bound first, as calling the
        bound method would pass it (`run_in_executor(None, self._read_file, name)`)."""
        at = spec.callable_at
        keyword = [k.value for k in node.keywords if k.arg and k.arg == spec.callable_keyword]
        handed = node.args[at] if 0 <= at < len(node.args) else next(iter(keyword), None)
        if not isinstance(handed, ast.Attribute) or not isinstance(handed.value, ast.Name):
            return None
        receiver = self.expr(handed.value)
        typed = receiver.type or ""
        owner = typed.removeprefix("class:") if typed.startswith("class:") else None
        if owner is None and handed.value.id == "self":
            owner = self.class_name
        method = self.analysis.find_method(owner, handed.attr) if owner else None
        if method is None or is_static_method(method, self.analysis.context):
            return None
        return FunctionRef(node=method, bound=(receiver,))

    def _hand_to(
        self,
        target: FunctionRef | ExternalSummary,
        spec: Callback,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> None:
        """Apply `target` to the arguments `spec` says the API passes it; the evidence names
        the API as the one that calls it."""
        passed, passed_keywords = self._passed(spec, args, kwargs)
        handed = f"handed to `{self.analysis.shown(node.func)}`, which calls it"
        with self.events.rewriting(restated(node, lambda text: f"{handed}: {text}")):
            if isinstance(target, FunctionRef):
                self.apply_function(target, node, None, passed, passed_keywords)
            else:
                self.apply_external(target, node, passed, passed_keywords)

    def _passed(
        self, spec: Callback, args: list[Value], kwargs: dict[str, Value]
    ) -> tuple[list[Value], dict[str, Value]]:
        """The positional and keyword arguments the callable is called with."""
        after = args[spec.callable_at + 1 :]
        if spec.passes == "rest":
            keywords = {k: v for k, v in kwargs.items() if k != spec.callable_keyword}
            return after, keywords
        if spec.passes == "elements":
            return [self.element_of(iterable) for iterable in after], {}
        first = spec.args_at - spec.callable_at - 1  # the tuple's place among `after`
        packed = after[first] if 0 <= first < len(after) else kwargs.get("args", CLEAN)
        named = after[first + 1] if 0 <= first + 1 < len(after) else kwargs.get("kwargs", CLEAN)
        return _elements(packed), {str(k): v for k, v in named.parts.items()}


def _elements(packed: Value) -> list[Value]:
    """The arguments an `args=` value passes: a literal tuple's elements in order; any element
    of a tuple built elsewhere, as the first argument."""
    if packed.exact and packed.parts and all(isinstance(k, int) for k in packed.parts):
        return [packed.parts[index] for index in sorted(packed.parts)]  # type: ignore[index]
    return [packed.any_part()] if packed.flows else []
