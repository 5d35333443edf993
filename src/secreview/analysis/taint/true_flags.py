"""Flags of a module's private helpers that every call leaves true.

`def __validate_input(self, method, check=True)` then `if check and not valid(agent_id):
return ...` checks `agent_id` unless a caller turns the check off. When the helper is private
(`_name` or `__name`, not a dunder: by convention only its module calls it, as `caller_urls.py`
takes it), undecorated, never read but to be called (not handed around as a value, nor named
in a string for `getattr`), and no call in the module passes for the flag anything but a true
constant (most leave it out), the flag is true in every run of the body: the test `check and
not valid(agent_id)` fails only where `valid(agent_id)` holds. A public function may be called
from anywhere with False, and a call with `*args` or `**kwargs` may pass anything: then the
flag proves nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from secreview.analysis.taint.results import FunctionNode
from secreview.index.context import ModuleContext

if TYPE_CHECKING:
    from secreview.analysis.taint.frame_state import FrameState

_BINDERS = frozenset({"staticmethod", "classmethod"})

Flags = dict[str, tuple[int, int | None]]
"""A helper's flags: parameter name -> (its place among the parameters as the frame binds
them, its place among a call's positional arguments, None for a keyword-only one)."""


def left_true(frame: FrameState, test: ast.expr) -> bool:
    """Whether `test` is a flag of the private helper `frame` runs that every call leaves
    true, still holding what the call passed (`true_flags`)."""
    if not isinstance(test, ast.Name) or frame.env is None:
        return False
    place = frame.context.derived(true_flags).get(id(frame.node), {}).get(test.id)
    if place is None or place >= len(frame.passed):
        return False
    return frame.env.get(test.id) is frame.passed[place]


def true_flags(context: ModuleContext) -> dict[int, dict[str, int]]:
    """`id` of a private helper's def -> its parameters defaulting to True that no call in the
    module sets to anything else -> their place among the parameters (`Frame.passed`).
    Computed once per module (`ModuleContext.derived`); the cheap test first: no `True` or no
    `def _` in the text, no such helper."""
    text = context.text
    if "True" not in text or "def _" not in text:
        return {}
    helpers: dict[str, list[tuple[FunctionNode, int, Flags]]] = {}
    for function, bound in _private_functions(context.tree):
        flags = _flags(function, bound)
        if flags:
            helpers.setdefault(function.name, []).append((function, bound, flags))
    if not helpers:
        return {}
    called: set[int] = set()
    kept = {id(function): dict(flags) for found in helpers.values() for function, _, flags in found}
    for node in context.nodes:
        if isinstance(node, ast.Call) and (name := _name_of(node.func)) in helpers:
            called.add(id(node.func))
            for function, bound, _ in helpers[name]:
                _drop_set_flags(node, kept[id(function)], bound)
    for node in context.nodes:
        for function, _, _ in helpers.get(_read_otherwise(node, called), ()):
            kept[id(function)].clear()
    return {
        key: {name: place for name, (place, _) in flags.items()}
        for key, flags in kept.items()
        if flags
    }


def _private_functions(tree: ast.Module) -> Iterator[tuple[FunctionNode, int]]:
    """The module's private functions and its classes' private methods, undecorated (but for
    `staticmethod`/`classmethod`), each with how many parameters a call through a receiver
    binds before its arguments (1 for a method's `self` or `cls`)."""
    for statement in tree.body:
        if _private(statement) and not statement.decorator_list:
            yield statement, 0
        elif isinstance(statement, ast.ClassDef):
            for item in statement.body:
                if _private(item):
                    decorators = {ast.unparse(d) for d in item.decorator_list}
                    if decorators <= _BINDERS:
                        yield item, 0 if "staticmethod" in decorators else 1


def _private(node: ast.stmt) -> bool:
    """A private function (`_send`, `__validate`, not a dunder)."""
    return (
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("_")
        and not node.name.endswith("__")
    )


def _flags(function: FunctionNode, bound: int) -> Flags:
    """`function`'s parameters whose default is the constant True, with their places."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    flags: Flags = {}
    for index, (parameter, default) in enumerate(zip(positional, defaults, strict=True)):
        if _true(default):
            flags[parameter.arg] = (index, index - bound)
    first_keyword = len(positional) + (1 if arguments.vararg else 0)
    for index, (parameter, default) in enumerate(
        zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
    ):
        if _true(default):
            flags[parameter.arg] = (first_keyword + index, None)
    return flags


def _true(node: ast.expr | None) -> bool:
    """Whether `node` is a constant that is true (`True`, `1`, a non-empty text)."""
    return isinstance(node, ast.Constant) and bool(node.value)


def _name_of(node: ast.AST) -> str:
    """The name `node` reads a function by: `name`, or `receiver.name` (any receiver)."""
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def _drop_set_flags(call: ast.Call, flags: Flags, bound: int) -> None:
    """Remove from `flags` those `call` may set to something not true: passed anything but
    a true constant by keyword or position, or anything at all through `*args`/`**kwargs`.
    A call by the class (`Handler._check(obj, ...)`) passes the receiver first: it is read at
    both places, `bound` and none."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        flags.clear()
        return
    keywords = {k.arg: k.value for k in call.keywords}
    for name, (_, place) in list(flags.items()):
        if name in keywords:
            passed = [keywords[name]]
        elif place is None:
            passed = []
        else:
            passed = [call.args[p] for p in {place, place + bound} if p < len(call.args)]
        if not all(map(_true, passed)):
            del flags[name]


def _read_otherwise(node: ast.AST, called: set[int]) -> str:
    """The name `node` reads or binds other than to call it (empty for none): as a value
    (handed on, wrapped in `partial`), assigned anew, or as a string (`getattr(self, "_check")`)."""
    if isinstance(node, ast.Name | ast.Attribute) and id(node) not in called:
        return _name_of(node)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ""
