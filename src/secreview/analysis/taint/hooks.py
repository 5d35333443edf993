"""Request state a framework's lifecycle hooks leave on `self` before a handler method runs.

Nobody in the module calls a Tornado handler's `get` or a Django view's `post`: the framework
does, after running the class's hooks (`initialize`/`prepare`, `setup`/`dispatch`, DRF's
`initial`, Flask's `dispatch_request`, the constructor of an aiohttp or Pyramid view). What a hook
stores on `self` (`self.name = self.get_argument("n")`) is therefore what the handler reads at
`self.name`, and without this the handler would see only its own `self`, a parameter.

So a handler method's `self` starts with the attributes the last hook the class defines leaves
(that hook's own `self` started with those of the hooks before it, so the chain is complete), as
`ObjectRules.construct` gives an object what its `__init__` stored. The hooks' analysis is the
usual one: a field a hook sanitises stays sanitised, and a field the handler assigns is the
handler's. Which classes, hooks and handlers are modelled is data (`[[hook]]`, see `entries.py`).
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import NamedTuple

from secreview.analysis.models.entries import HookModel
from secreview.analysis.taint.frame_state import FrameState
from secreview.analysis.taint.results import FunctionNode
from secreview.analysis.taint.values import Flow, Value


class Lifecycle(NamedTuple):
    """The hooks that apply to one class: their names in the order they run, the models that
    name them (for `runs_after`), and the names of those called as `(self, request, *url)`."""

    methods: tuple[str, ...]
    models: tuple[HookModel, ...]
    request_first: frozenset[str]
    wrappers: frozenset[str]

    def before(self, name: str) -> tuple[str, ...]:
        """The hooks that have run when method `name` starts (none for a method no framework
        calls: only the module's own calls run it, and they pass their own `self`)."""
        if name in self.methods:
            return self.methods[: self.methods.index(name)]
        if any(model.runs_after(name) for model in self.models):
            return self.methods
        return ()


NO_HOOKS = Lifecycle((), (), frozenset(), frozenset())


class HookRules(FrameState):
    """A handler method's `self`, started with what the framework's hooks stored on it."""

    def lifecycle(self, class_name: str) -> Lifecycle:
        """The hooks of the models that apply to `class_name`, a view class of a module that
        imports their framework; `NO_HOOKS` for any other class. Kept per class."""
        known = self.analysis.lifecycles.get(class_name)
        if known is not None:
            return known
        found: Lifecycle = NO_HOOKS
        models = self.models.hooks
        if models and self.analysis.is_view_class(class_name):
            imports = self.context.imports_module
            applying = tuple(m for m in models if any(map(imports, m.imports)))
            names = dict.fromkeys(name for model in applying for name in model.methods)
            first = frozenset(n for m in applying if m.request_first for n in m.methods)
            wrapping = frozenset(n for m in applying for n in m.wrappers)
            if applying:
                found = Lifecycle(tuple(names), applying, first, wrapping)
        self.analysis.lifecycles[class_name] = found
        return found

    def is_request_first_hook(self, first: ast.arg | None) -> bool:
        """Whether this method is a hook the framework calls as `(self, request, *url_parts)`
        (Django's `setup`/`dispatch`), taking the request as `first`, its first parameter after
        `self` (not `dispatch(self, *args)`): its arguments are the request and the URL's parts."""
        node = self.node
        if self.class_name is None or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return False
        positional = [*node.args.posonlyargs, *node.args.args]
        return (
            first in positional[1:2] and node.name in self.lifecycle(self.class_name).request_first
        )

    def bind_hook_state(
        self, ordered: list[ast.arg], view_kind: str | None, is_method: bool
    ) -> None:
        """Once a method's parameters are bound: its `self` holds what the hooks run before it
        stored (`after_hooks`), and a method called as `(self, request, *url_parts)` has the
        request first whatever its name (`setup(self, http_request)`), by Django's convention."""
        if not is_method or self.env is None or not ordered:
            return
        own = ordered[0].arg
        self.env[own] = self.after_hooks(self.env[own])
        if view_kind == "request-first" and len(ordered) > 1:
            first = ordered[1]
            value = self.env[first.arg]
            if first.annotation is None and value.type is None:
                kind = self.models.parameter_types.get("request")
                self.env[first.arg] = replace(value, type=kind)

    def after_hooks(self, receiver: Value) -> Value:
        """`receiver`, this method's `self`, holding what the hooks that ran before it stored.

        The last hook the class (or a base of the module) defines has the whole chain; one still
        being analysed (it calls this method itself, so its call passes its own `self`) or given
        up is passed over for the one before it."""
        node = self.node
        if self.class_name is None or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return receiver
        lifecycle = self.lifecycle(self.class_name)
        for name in reversed(lifecycle.before(node.name)):
            hook = self.analysis.find_method(self.class_name, name)
            if hook is None or hook is node:
                continue
            result = self.analysis.result_of(hook)
            if result is None or result.gave_up or not result.is_method:
                continue
            note = f"stored on `self` by `{name}()`, run before `{node.name}()`"
            later = _stored_after_handler(hook) if name in lifecycle.wrappers else frozenset()
            parts = {
                key: value.mapped(lambda f, h=hook, n=note: _kept(f, h, n))
                for key, value in result.receiver_after.parts.items()
                if isinstance(key, str) and key.startswith(".") and key not in later
            }
            if not parts:
                return receiver
            return Value(flows=receiver.flows, type=receiver.type, parts=parts)
        return receiver


def _kept(flow: Flow, hook: ast.AST, note: str) -> Flow | None:
    """A flow of a hook's `self` as the handler has it: input the hook read is the handler's
    too, with a step naming the hook; a part of `self` is a part of the same object; whatever
    the hook's other arguments were is the framework's to give, not a caller's, so it goes."""
    if flow.parameter is None:
        return flow.then(hook, note)
    return flow if flow.parameter == 0 else None


def _stored_after_handler(hook: FunctionNode) -> frozenset[str]:
    """The attributes (`.name`) a wrapping hook stores on `self` only after it hands over to the
    framework (`super().dispatch(...)`, which runs the handler): the handler cannot see them.

    Read from positions in the source: a store before the hand-over (in any branch) counts as
    before it, so only what every path writes after the handler returns is left out."""
    handing = [
        (node.lineno, node.col_offset)
        for node in ast.walk(hook)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == hook.name
        and isinstance(node.func.value, ast.Call)
        and isinstance(node.func.value.func, ast.Name)
        and node.func.value.func.id == "super"
    ]
    if not handing:
        return frozenset()
    first = min(handing)
    before: set[str] = set()
    after: set[str] = set()
    for node in ast.walk(hook):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
        ):
            (after if (node.lineno, node.col_offset) > first else before).add(f".{node.attr}")
    return frozenset(after - before)
