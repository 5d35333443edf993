"""Which code of a class runs holding a lock, after Infer's RacerD ("is this access protected?").

A statement is protected when it sits in `with <lock>:` / `async with <lock>:` within its method,
when its method is decorated as synchronised (`@synchronized`, oslo's
`@lockutils.synchronized('name')`), named `*_locked` (the convention for "the caller holds the
lock"), or is a private helper that every caller in the class calls while holding a lock. A lock is
an attribute or name bound to a lock type of `threading`, `asyncio`, `multiprocessing`, `eventlet`,
`gevent`, `anyio` or `trio`, or named like one (`_lock`, `mutex`, `_cond`), or a call such as
`lockutils.lock('name')`.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.secret_text import name_words
from secreview.index.context import ModuleContext

Function = ast.FunctionDef | ast.AsyncFunctionDef
LOCK_TYPES = frozenset(
    {
        "threading.Lock", "threading.RLock", "threading.Condition", "threading.Semaphore",
        "threading.BoundedSemaphore", "asyncio.Lock", "asyncio.Condition", "asyncio.Semaphore",
        "asyncio.BoundedSemaphore", "multiprocessing.Lock", "multiprocessing.RLock",
        "eventlet.semaphore.Semaphore", "eventlet.semaphore.BoundedSemaphore",
        "gevent.lock.RLock", "gevent.lock.Semaphore", "gevent.lock.BoundedSemaphore",
        "anyio.Lock", "trio.Lock", "fasteners.ReaderWriterLock",
    }
)  # fmt: skip
CONTAINER_TYPES = frozenset(
    {"list", "dict", "set", "collections.deque", "collections.defaultdict"}
    | {"collections.OrderedDict", "collections.Counter", "weakref.WeakValueDictionary"}
)
_LOCK_WORDS = frozenset(
    {"lock", "locks", "rlock", "mutex", "semaphore", "sem", "cond", "condition", "lockutils"}
    | {"locked"}
)
_SYNCHRONISED_WORDS = frozenset({"synchronized", "synchronised", "locked", "serialized"})
_LOCK_HELD_SUFFIX = "_locked"


def methods(cls: ast.ClassDef) -> list[Function]:
    """The functions defined directly in the class body."""
    return [s for s in cls.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]


def lock_attributes(cls: ast.ClassDef, context: ModuleContext) -> set[str]:
    """Attributes of `self` (or class attributes) bound to a lock object in the class."""
    found: set[str] = set()
    for node in ast.walk(cls):
        if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
            continue
        value = node.value
        if not (isinstance(value, ast.Call) and context.call_name(value) in LOCK_TYPES):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute):
                found.add(target.attr)
            elif isinstance(target, ast.Name):
                found.add(target.id)
    return found


def container_attributes(cls: ast.ClassDef, context: ModuleContext) -> set[str]:
    """Attributes of `self` bound to a list, dict, set or deque somewhere in the class."""
    found: set[str] = set()
    for node in ast.walk(cls):
        if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
            continue
        value = node.value
        is_container = isinstance(value, ast.List | ast.Dict | ast.Set | ast.ListComp) or (
            isinstance(value, ast.Call) and context.call_name(value) in CONTAINER_TYPES
        )
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if is_container:
            found.update(t.attr for t in targets if isinstance(t, ast.Attribute))
    return found


def _last_identifier(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def is_lock(node: ast.AST, locks: set[str], context: ModuleContext) -> bool:
    """Whether a `with` item takes a lock: a known lock attribute, a lock-named value or call."""
    if isinstance(node, ast.Call):
        resolved = context.call_name(node) or ""
        if resolved in LOCK_TYPES or resolved.startswith("oslo_concurrency.lockutils."):
            return True
    name = _last_identifier(node)
    if name in locks:
        return True
    return bool(set(name_words(name)) & _LOCK_WORDS)


def in_locked_block(
    node: ast.AST, method: Function, locks: set[str], context: ModuleContext
) -> bool:
    """Whether `node` runs inside the body of a `with`/`async with` of a lock within `method`."""
    child: ast.AST = node
    for ancestor in context.ancestors(node):
        if ancestor is method:
            return False
        if (
            isinstance(ancestor, ast.With | ast.AsyncWith)
            and child in ancestor.body
            and any(is_lock(item.context_expr, locks, context) for item in ancestor.items)
        ):
            return True
        if _acquired_around(ancestor, child, locks, context):
            return True
        child = ancestor
    return False


def _lock_method_call(node: ast.AST, method: str, locks: set[str], context: ModuleContext) -> bool:
    """`<lock>.acquire(...)` / `<lock>.release()` for a lock `<lock>`."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
        and is_lock(node.func.value, locks, context)
    )


def _acquired_around(
    statement: ast.AST, child: ast.AST, locks: set[str], context: ModuleContext
) -> bool:
    """`try: <child> finally: lock.release()` or `if lock.acquire(False): <child>`."""
    if isinstance(statement, ast.Try) and child in statement.body:
        return any(
            _lock_method_call(n, "release", locks, context)
            for s in statement.finalbody
            for n in ast.walk(s)
        )
    if isinstance(statement, ast.If) and child in statement.body:
        return any(
            _lock_method_call(n, "acquire", locks, context) for n in ast.walk(statement.test)
        )
    return False


def _decorated_synchronised(method: Function) -> bool:
    for decorator in method.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if set(name_words(_last_identifier(target))) & _SYNCHRONISED_WORDS:
            return True
    return False


def _self_calls(cls: ast.ClassDef) -> dict[str, list[tuple[ast.Call, Function]]]:
    """Calls `self.name(...)` in the methods of `cls` by `name`, with the calling method (one
    walk per class: asking method by method made large classes quadratic)."""
    found: dict[str, list[tuple[ast.Call, Function]]] = {}
    for method in methods(cls):
        for node in ast.walk(method):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "self"
            ):
                found.setdefault(node.func.attr, []).append((node, method))
    return found


def locked_methods(cls: ast.ClassDef, locks: set[str], context: ModuleContext) -> set[str]:
    """Methods whose whole body runs holding a lock (decorated, `*_locked`, or helpers)."""
    locked = {
        m.name
        for m in methods(cls)
        if _decorated_synchronised(m) or m.name.endswith(_LOCK_HELD_SUFFIX)
    }
    if not locks and not locked:
        return locked  # no lock in the class: no helper can run under one
    self_calls = _self_calls(cls)
    for _ in range(3):  # helpers of helpers
        for method in methods(cls):
            if method.name in locked or not method.name.startswith("_"):
                continue
            if method.name.startswith("__"):
                continue
            calls = self_calls.get(method.name, [])
            if calls and all(
                caller.name in locked or in_locked_block(call, caller, locks, context)
                for call, caller in calls
            ):
                locked.add(method.name)
    return locked
