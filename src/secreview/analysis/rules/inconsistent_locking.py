"""CWE-667: an attribute written under a lock in one method and without it in another.

After Infer's RacerD: when a class protects writes to `self.x` with a lock in one method, its
authors believe `self.x` is shared between threads; a write to `self.x` from another method of
the same class without the lock then races with the protected one (a lost update, a dict changed
while another thread iterates it). Constructors and finalisers run before or after the object
is shared and are left out. In `async` code the same defect appears without threads: a check on
a shared dict, an `await`, and a write that acts on the stale check.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.function_flow import own_nodes, position, shared_own_nodes
from secreview.analysis.rules._support.locking import (
    Function,
    container_attributes,
    in_locked_block,
    lock_attributes,
    locked_methods,
    methods,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_UNSHARED_METHODS = frozenset(
    {"__init__", "__new__", "__post_init__", "__del__", "__setstate__", "__init_subclass__"}
    | {"setUp", "tearDown", "__copy__", "__deepcopy__"}
)
_MUTATORS = frozenset(
    {"append", "extend", "insert", "pop", "popitem", "remove", "clear", "update", "setdefault"}
    | {"add", "discard", "appendleft", "popleft", "extendleft", "rotate", "sort", "reverse"}
)


class _Write(NamedTuple):
    """One write of `self.<attribute>`: where, in which method, how, and whether locked."""

    attribute: str
    node: ast.AST
    method: Function
    how: str
    locked: bool
    compound: bool
    """A read-modify-write, or a write after the method read the attribute (check-then-act).
    One store of a value is atomic under the GIL; it races when it can land between the read
    and the write of a compound update."""
    cooperative: bool = False
    """Written under `async with`: other code runs only where the region awaits."""

    def races_with(self, guard: _Write) -> bool:
        """Whether this unprotected write can break the protected `guard` (or itself break)."""
        if guard.cooperative and not _may_suspend(self.method):
            return False  # a plain method (or a coroutine that never awaits) runs whole
            # between two steps of the event loop
        if self.how == "read-modify-write" or (self.how != "write" and self.compound):
            return True
        return self.how == "write" and guard.compound


def _may_suspend(method: Function) -> bool:
    """Whether other coroutines can run in the middle of `method`: only an `async def` that
    awaits (`await`, `async for`, `async with`) gives the event loop a chance to switch."""
    return isinstance(method, ast.AsyncFunctionDef) and any(
        isinstance(node, ast.Await | ast.AsyncFor | ast.AsyncWith) for node in own_nodes(method)
    )


def _self_attribute(node: ast.AST) -> str | None:
    """`x` for `self.x`, `self.x[k]`, `self.x.y` (the object reached through `self.x`)."""
    while isinstance(node, ast.Subscript):
        node = node.value
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    ):
        return node.attr
    return None


def _writes_in(method: Function, context: ModuleContext) -> Iterator[tuple[str, ast.AST, str]]:
    """(attribute, node, how) for each write through `self` the method itself makes."""
    for node in shared_own_nodes(method, context):
        if isinstance(node, ast.AugAssign):
            attribute = _self_attribute(node.target)
            if attribute is not None:
                yield attribute, node, "read-modify-write"
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.Delete):
            targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
            for target in targets:
                attribute = _self_attribute(target)
                if attribute is None:
                    continue
                how = "item write" if isinstance(target, ast.Subscript) else "write"
                yield attribute, node, how
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _MUTATORS
            and isinstance(node.func.value, ast.Attribute)
        ):
            attribute = _self_attribute(node.func.value)
            if attribute is not None:
                yield attribute, node, f"`.{node.func.attr}()`"


def _read_before(nodes: list[ast.AST], attribute: str, write: ast.AST) -> bool:
    """Whether the method reads `self.<attribute>` before `write`, outside the write itself."""
    inside = {id(n) for n in ast.walk(write)}
    return any(
        isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Load)
        and id(node) not in inside
        and position(node) < position(write)
        and _self_attribute(node) == attribute
        for node in nodes
    )


def _creates_lock(method: Function, locks: set[str], context: ModuleContext) -> bool:
    """A method that (re)creates the lock sets the object up: it runs before sharing."""
    writes = _writes_in(method, context)
    return any(attribute in locks for attribute, _, how in writes if how == "write")


def _under_async_with(node: ast.AST, method: Function, context: ModuleContext) -> bool:
    for ancestor in context.ancestors(node):
        if ancestor is method:
            return False
        if isinstance(ancestor, ast.AsyncWith):
            return True
    return False


def _class_writes(cls: ast.ClassDef, context: ModuleContext) -> tuple[list[_Write], set[str]]:
    locks = lock_attributes(cls, context)
    locked = locked_methods(cls, locks, context)
    if not locks and not locked:
        return [], locks  # nothing in the class is ever written under a lock
    containers = container_attributes(cls, context)
    found = []
    for method in methods(cls):
        if method.name in _UNSHARED_METHODS or _creates_lock(method, locks, context):
            continue
        nodes = shared_own_nodes(method, context)
        for attribute, node, how in _writes_in(method, context):
            is_locked = method.name in locked or in_locked_block(node, method, locks, context)
            if how.startswith("`") and attribute not in containers:
                continue  # `.add()` of an object that is not a container: not a write we know
            compound = how == "read-modify-write" or _read_before(nodes, attribute, node)
            cooperative = is_locked and _under_async_with(node, method, context)
            found.append(_Write(attribute, node, method, how, is_locked, compound, cooperative))
    return found, locks


@rule(
    id="inconsistent-locking",
    name="Attribute written with a lock in one method and without it in another",
    cwe=667,
    severity=Severity.MEDIUM,
    confidence=Confidence.LOW,
    default_enabled=False,  # 3 of 9 findings on mature code defensible, none true (noise.py)
    summary="A class writes `self.x` holding its lock in one method and without the lock in "
    "another, so the two writes race.",
    fix="Take the same lock around every write (and read-modify-write) of the attribute: "
    "`with self._lock:` around the statement, or make the method `@synchronized` like its "
    "siblings; if the method only runs before the object is shared, say so in its name or "
    "move the write into `__init__`.",
    what_it_does="For each class, finds writes through `self` (`self.x = ...`, `self.x += 1`, "
    "`self.x[k] = ...`, `del self.x[k]`, `self.x.append(...)` and other mutating methods) "
    "and whether each runs holding a lock: inside `with`/`async with` of a lock (an "
    "attribute bound to a `threading`, `asyncio`, `multiprocessing`, `eventlet`, `gevent`, "
    "`anyio` or `trio` lock, anything named like a lock, `lockutils.lock(...)`), in a method "
    "decorated `@synchronized`/`@lockutils.synchronized(...)` or named `*_locked`, or in a "
    "private helper only ever called with the lock held. Reports the unprotected writes of an "
    "attribute that another method writes under a lock. `__init__`, `__del__`, "
    "`__setstate__` and the lock itself are left out. In `async def` methods, also reports a "
    "write to `self.d[k]` after `if k not in self.d:` and an `await`, outside any lock. "
    "A plain store (`self.flag = False`) is reported only when the locked method updates "
    "the attribute in several steps, and a plain method (or a coroutine that never awaits) "
    "never against an `async with` region. Findings are low confidence (medium for the "
    "async pattern in a class that locks elsewhere): on mature projects about half are "
    "races a reviewer would raise.",
    why_bad="Two threads running the two methods interleave their reads and writes: counters "
    "lose updates, a dict or list changes while the locked method iterates it (raising or "
    "skipping entries), and invariants the lock was meant to keep (a quota, a session table, "
    "a token cache) break. Such races surface as rare crashes or, in security code, as a "
    "limit exceeded or a revoked entry that comes back.",
    example="class Quota:\n    def take(self):\n        with self._lock:\n"
    "            self.used += 1\n\n    def reset(self):\n        self.used = 0",
    use_instead="class Quota:\n    def take(self):\n        with self._lock:\n"
    "            self.used += 1\n\n    def reset(self):\n        with self._lock:\n"
    "            self.used = 0",
    references=(
        "https://fbinfer.com/docs/checker-racerd/",
        "https://docs.python.org/3/library/threading.html#lock-objects",
        "https://docs.python.org/3/library/asyncio-sync.html#asyncio.Lock",
        "https://cwe.mitre.org/data/definitions/667.html",
    ),
    visits=(ast.ClassDef,),
)
def inconsistent_locking(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report unprotected writes of attributes that a sibling method writes under a lock."""
    assert isinstance(node, ast.ClassDef)
    writes, locks = _class_writes(node, context)
    protected: dict[str, _Write] = {}
    for write in writes:
        if write.locked and write.attribute not in locks:
            known = protected.get(write.attribute)
            if known is None or (write.compound and not known.compound):
                protected[write.attribute] = write
    reported: set[tuple[str, str]] = set()
    for write in writes:
        guard = protected.get(write.attribute)
        if write.locked or guard is None or guard.method is write.method:
            continue
        if not write.races_with(guard):
            continue
        if (write.attribute, write.method.name) in reported:
            continue
        reported.add((write.attribute, write.method.name))
        yield Hit(
            node=write.node,
            message=f"`{write.method.name}` changes `self.{write.attribute}` ({write.how}) "
            f"without the lock that `{guard.method.name}` holds when it writes it "
            f"(line {guard.node.lineno}); the two can run at once and corrupt it.",
            evidence=((guard.node, f"written under a lock in `{guard.method.name}`"),),
        )
    yield from _async_check_then_act(node, context, locks)


def _checked_dict(test: ast.expr) -> tuple[str, str] | None:
    """(attribute, key dump) for `k not in self.d` / `k in self.d`."""
    if (
        isinstance(test, ast.UnaryOp)
        and isinstance(test.op, ast.Not)
        and isinstance(test.operand, ast.Compare)
    ):
        test = test.operand
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    if not isinstance(test.ops[0], ast.In | ast.NotIn):
        return None
    attribute = _self_attribute(test.comparators[0])
    if attribute is None:
        return None
    return attribute, ast.dump(test.left)


def _async_check_then_act(
    cls: ast.ClassDef, context: ModuleContext, locks: set[str]
) -> Iterator[Hit]:
    """`if k not in self.d: v = await make(); self.d[k] = v` outside a lock."""
    for method in methods(cls):
        if not isinstance(method, ast.AsyncFunctionDef):
            continue
        for statement in shared_own_nodes(method, context):
            if not isinstance(statement, ast.If):
                continue
            checked = _checked_dict(statement.test)
            if checked is None or in_locked_block(statement, method, locks, context):
                continue
            hit = _write_after_await(statement, checked, context)
            if hit is not None:
                # Without any lock in the class, nobody said the dict is contended: often the
                # worst case is work done twice, so only a class that locks elsewhere is medium.
                yield hit._replace(confidence=Confidence.MEDIUM) if locks else hit


def _acting_statements(statement: ast.If, context: ModuleContext) -> list[ast.stmt]:
    """What runs on the check's answer: the `if` body, or what follows a guard that returns."""
    if not isinstance(statement.body[-1], ast.Return | ast.Raise | ast.Continue):
        return statement.body
    parent = context.parent(statement)
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and statement in block:
            return block[block.index(statement) + 1 :]
    return []


def _statement_end(node: ast.AST, context: ModuleContext) -> tuple[int, int]:
    """Where the statement around `node` ends: a store happens after its value is computed."""
    statement = next((a for a in context.ancestors(node) if isinstance(a, ast.stmt)), node)
    return (getattr(statement, "end_lineno", 0), getattr(statement, "end_col_offset", 0))


def _write_after_await(
    statement: ast.If, checked: tuple[str, str], context: ModuleContext
) -> Hit | None:
    attribute, key = checked
    acting = _acting_statements(statement, context)
    awaits = [n for s in acting for n in ast.walk(s) if isinstance(n, ast.Await)]
    if not awaits:
        return None
    first_await = min(awaits, key=position)
    for inner in acting:
        for target_node in ast.walk(inner):
            if not (
                isinstance(target_node, ast.Subscript) and isinstance(target_node.ctx, ast.Store)
            ):
                continue
            if _self_attribute(target_node.value) != attribute:
                continue
            if ast.dump(target_node.slice) != key:
                continue
            if _statement_end(target_node, context) < position(first_await):
                continue
            return Hit(
                node=target_node,
                message=f"`{context.one_line(statement.test)}` is checked, then "
                f"`{context.one_line(first_await)}` yields to other tasks before "
                f"`{context.one_line(target_node)}` is written: another task can pass the same "
                "check meanwhile, and both act on it.",
                fix="Hold an `asyncio.Lock` across the check and the write (`async with "
                "self._lock:`), or store a future/placeholder in the dict before the first "
                "`await` so other tasks see the key is taken.",
                evidence=((statement.test, "checked here"), (first_await, "other tasks run here")),
            )
    return None
