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
from typing import NamedTuple

from secreview.analysis.models.entries import HookModel
from secreview.analysis.taint.frame_state import FrameState
from secreview.analysis.taint.values import Flow, Value


class Lifecycle(NamedTuple):
    """The hooks that apply to one class: their names in the order they run, the models that
    name them (for `runs_after`), and the names of those called as `(self, request, *url)`."""

    methods: tuple[str, ...]
    models: tuple[HookModel, ...]
    request_first: frozenset[str]

    def before(self, name: str) -> tuple[str, ...]:
        """The hooks that have run when method `name` starts (none for a method no framework
        calls: only the module's own calls run it, and they pass their own `self`)."""
        if name in self.methods:
            return self.methods[: self.methods.index(name)]
        if any(model.runs_after(name) for model in self.models):
            return self.methods
        return ()


NO_HOOKS = Lifecycle((), (), frozenset())


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
            if applying:
                found = Lifecycle(tuple(names), applying, first)
        self.analysis.lifecycles[class_name] = found
        return found

    def is_request_first_hook(self) -> bool:
        """Whether this method is a hook the framework calls as `(self, request, *url_parts)`
        (Django's `setup`/`dispatch`): its arguments are the request and the URL's parts."""
        node = self.node
        if self.class_name is None or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return False
        return node.name in self.lifecycle(self.class_name).request_first

    def after_hooks(self, receiver: Value) -> Value:
        """`receiver`, this method's `self`, holding what the hooks that ran before it stored.

        The last hook the class (or a base of the module) defines has the whole chain; one still
        being analysed (it calls this method itself, so its call passes its own `self`) or given
        up is passed over for the one before it."""
        node = self.node
        if self.class_name is None or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return receiver
        for name in reversed(self.lifecycle(self.class_name).before(node.name)):
            hook = self.analysis.find_method(self.class_name, name)
            if hook is None or hook is node:
                continue
            result = self.analysis.result_of(hook)
            if result is None or result.gave_up or not result.is_method:
                continue
            note = f"stored on `self` by `{name}()`, run before `{node.name}()`"
            parts = {
                key: value.mapped(lambda f, h=hook, n=note: _kept(f, h, n))
                for key, value in result.receiver_after.parts.items()
                if isinstance(key, str) and key.startswith(".")
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
