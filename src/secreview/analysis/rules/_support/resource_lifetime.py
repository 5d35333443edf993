"""Escape analysis of one handle inside one function: is it released on every path?

`resource_leak.py` finds where a function acquires a file, socket, process, connection or
temporary directory and binds it to a local name; this module follows that name through the
function's own statements (never into nested functions, which run later) and says what becomes of
it: handed on (returned, yielded, stored on an object or in a container, given to a function that
may keep it, captured by a closure), released (in a `with`, in a `finally`, by a call that closes
it), released only on the normal path (and which statement can skip the release), or never
released. Every answer names the node it rests on, so the finding can quote it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from secreview.analysis.rules._support import temp_handover as handover
from secreview.analysis.rules._support.web_handlers import scope_nodes
from secreview.index.context import ModuleContext

Function = ast.FunctionDef | ast.AsyncFunctionDef
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_BROAD = frozenset({"Exception", "BaseException"})


class HandleKind(NamedTuple):
    """How one kind of resource is released and what may be done with it without keeping it."""

    noun: str
    release_methods: frozenset[str]
    """`f.close()`, `proc.wait()`: methods of the handle that release it."""
    release_functions: frozenset[str] = frozenset()
    """`os.close(fd)`, `shutil.rmtree(path)`: functions that release the handle passed to them."""
    is_path: bool = False
    """The handle is a path (a temporary directory): using it in a call does not hand it on."""


@dataclass(slots=True)
class Fate:
    """What one function does with a handle bound to `names` (the name and its aliases)."""

    names: set[str]
    escape: ast.AST | None = None
    finally_release: ast.AST | None = None
    handler_release: ast.AST | None = None
    releases: list[ast.AST] = field(default_factory=list)
    """Releases on the normal path (not in an `except` handler or a `finally`)."""


def position(node: ast.AST) -> tuple[int, int]:
    """Where `node` starts, for ordering."""
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def end_position(node: ast.AST) -> tuple[int, int]:
    """Where `node` ends, for ordering."""
    return (getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)


def _carries(
    node: ast.AST | None, names: set[str], consumers: frozenset[str], ctx: ModuleContext
) -> bool:
    """Whether the value of `node` is (or holds) the handle itself, not something read from it.

    `f`, `(f, path)`, `Wrapper(f)` carry it; `f.read()`, `json.load(f)` (a known consumer) and
    `len(f.name)` do not.
    """
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_carries(e, names, consumers, ctx) for e in node.elts)
    if isinstance(node, ast.Dict):
        return any(_carries(v, names, consumers, ctx) for v in node.values)
    if isinstance(node, ast.Starred | ast.NamedExpr | ast.Await):
        return _carries(node.value, names, consumers, ctx)
    if isinstance(node, ast.IfExp):
        return _carries(node.body, names, consumers, ctx) or _carries(
            node.orelse, names, consumers, ctx
        )
    if isinstance(node, ast.BoolOp):
        return any(_carries(v, names, consumers, ctx) for v in node.values)
    if isinstance(node, ast.Call):
        if ctx.call_name(node) in consumers:
            return False
        arguments = [*node.args, *(k.value for k in node.keywords)]
        return any(_carries(a, names, consumers, ctx) for a in arguments)
    return False


def _mentions(node: ast.AST | None, names: set[str]) -> bool:
    """Whether `node` reads one of `names` anywhere (for path handles)."""
    return node is not None and any(
        isinstance(n, ast.Name) and n.id in names for n in ast.walk(node)
    )


def _try_part(node: ast.AST, function: Function, ctx: ModuleContext) -> str | None:
    """'finally' or 'handler' when `node` runs in a `finally` block or an `except` handler."""
    child = node
    for ancestor in ctx.ancestors(node):
        if ancestor is function:
            return None
        if isinstance(ancestor, ast.Try | ast.TryStar) and any(
            s is child for s in ancestor.finalbody
        ):
            return "finally"
        if isinstance(ancestor, ast.ExceptHandler):
            return "handler"
        child = ancestor
    return None


def follow(
    function: Function,
    acquisition: ast.stmt,
    name: str,
    kind: HandleKind,
    consumers: frozenset[str],
    ctx: ModuleContext,
) -> Fate:
    """Follow the handle bound to `name` by `acquisition` through `function`."""
    fate = Fate(names={name})
    nodes = [n for n in scope_nodes(function.body)]
    changed = True
    while changed:  # aliases: `g = f`, `reader = io.TextIOWrapper(f)`
        changed = False
        for node in nodes:
            if node is acquisition or not isinstance(node, ast.Assign):
                continue
            if _carries(node.value, fate.names, consumers, ctx) or (
                kind.is_path and handover.path_carries(node.value, fate.names, ctx)
            ):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id not in fate.names:
                        fate.names.add(target.id)
                        changed = True
    for node in nodes:
        _judge(node, function, acquisition, kind, consumers, ctx, fate)
    fate.releases.sort(key=position)
    return fate


def _judge(
    node: ast.AST,
    function: Function,
    acquisition: ast.stmt,
    kind: HandleKind,
    consumers: frozenset[str],
    ctx: ModuleContext,
    fate: Fate,
) -> None:
    """Record what `node` does to the handle: release it, hand it on, or nothing."""
    names = fate.names
    if isinstance(node, _NESTED) and node is not function:
        if _mentions(node, names):  # a closure or callback may release it later
            fate.escape = fate.escape or node
        return
    if isinstance(node, ast.Global | ast.Nonlocal) and names & set(node.names):
        fate.escape = fate.escape or node
    elif isinstance(node, ast.Return | ast.Yield | ast.YieldFrom):
        if (
            _carries(node.value, names, consumers, ctx)
            or handover.holds_owner(node.value, names)  # `return conn.cursor()`
            or (kind.is_path and handover.path_carries(node.value, names, ctx))
        ):
            fate.escape = fate.escape or node
    elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign) and node is not acquisition:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        held = _carries(node.value, names, consumers, ctx) or (
            kind.is_path and handover.path_carries(node.value, names, ctx)
        )
        if held and any(not isinstance(t, ast.Name) for t in targets):
            fate.escape = fate.escape or node  # stored on an object or in a container
    elif isinstance(node, ast.withitem):
        if _carries(node.context_expr, names, consumers, ctx):
            _record_release(node.context_expr, function, ctx, fate, in_with=True)
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if node.value.id in names and node.attr in kind.release_methods:
            parent = ctx.parent(node)
            if isinstance(parent, ast.Call) and parent.func is node:
                _record_release(parent, function, ctx, fate)
            else:  # `stack.callback(f.close)`, `atexit.register(proc.wait)`
                fate.escape = fate.escape or node
    elif isinstance(node, ast.Call) and not isinstance(node.func, ast.Attribute | ast.Name):
        return
    elif isinstance(node, ast.Call):
        _judge_call(node, function, kind, consumers, ctx, fate)


def _judge_call(
    call: ast.Call,
    function: Function,
    kind: HandleKind,
    consumers: frozenset[str],
    ctx: ModuleContext,
    fate: Fate,
) -> None:
    """A call given the handle: a release, a consumer that only reads it, or a new owner."""
    arguments = [*call.args, *(k.value for k in call.keywords)]
    name = ctx.call_name(call)
    if name in kind.release_functions and any(_mentions(a, fate.names) for a in arguments):
        _record_release(call, function, ctx, fate)
        return
    if kind.is_path:
        method = call.func.attr if isinstance(call.func, ast.Attribute) else None
        if (
            (method in kind.release_methods and _mentions(call.func, fate.names))
            or handover.moves_path(call, name, fate.names)  # `os.replace(tmp.name, path)`
            or handover.helper_releases(call, fate.names, kind.release_functions, ctx)
        ):
            _record_release(call, function, ctx, fate)  # `Path(tmp).unlink()`
        return
    if name in consumers or ctx.parent(call).__class__ is ast.withitem:
        return
    if any(_carries(a, fate.names, consumers, ctx) for a in arguments):
        fate.escape = fate.escape or call


def _record_release(
    call: ast.AST, function: Function, ctx: ModuleContext, fate: Fate, in_with: bool = False
) -> None:
    """File a release under where it runs: `with` and `finally` cover every path."""
    part = "finally" if in_with else _try_part(call, function, ctx)
    if part == "finally":
        fate.finally_release = fate.finally_release or call
    elif part == "handler":
        fate.handler_release = fate.handler_release or call
    else:
        fate.releases.append(call)


def _statement_of(node: ast.AST, ctx: ModuleContext) -> ast.AST:
    """The statement holding `node`."""
    current = node
    while not isinstance(current, ast.stmt):
        parent = ctx.parent(current)
        if parent is None:
            break
        current = parent
    return current


def releases_every_time(
    release: ast.AST, acquisition: ast.stmt, names: set[str], ctx: ModuleContext
) -> bool:
    """Whether `release` runs whenever the code after `acquisition` reaches it in order.

    True when every block between the release and the acquisition's block is a `try` body, a
    `with` body, or an `if` that tests the handle itself (`if sock is not None:`).
    """
    acquisition_chain = {id(a) for a in ctx.ancestors(acquisition)}
    child: ast.AST = _statement_of(release, ctx)
    for ancestor in ctx.ancestors(child):
        if id(ancestor) in acquisition_chain:
            return True
        if isinstance(ancestor, ast.If) and not _mentions(ancestor.test, names):
            return False
        if isinstance(ancestor, ast.For | ast.AsyncFor | ast.While | ast.ExceptHandler | ast.Match):
            return False
        child = ancestor
    return True


def _broadly_handled(node: ast.AST, function: Function, ctx: ModuleContext) -> bool:
    """Whether `node` sits in a `try` body whose handlers catch every exception."""
    child = node
    for ancestor in ctx.ancestors(node):
        if ancestor is function:
            return False
        if isinstance(ancestor, ast.Try) and any(s is child for s in ancestor.body):
            for handler in ancestor.handlers:
                caught = handler.type
                if caught is None or (isinstance(caught, ast.Name) and caught.id in _BROAD):
                    return True
        child = ancestor
    return False


def skipping_exits(
    function: Function, acquisition: ast.stmt, release: ast.AST, fate: Fate, ctx: ModuleContext
) -> Iterator[ast.AST]:
    """Statements between the acquisition and `release` that leave without releasing: a `return`
    or `raise` not preceded in its block by a release, then calls that can raise."""
    start, stop = end_position(acquisition), position(release)
    released_before = [_statement_of(r, ctx) for r in fate.releases]
    between = [
        n
        for n in scope_nodes(function.body)
        if start <= position(n) < stop and not isinstance(n, _NESTED)
    ]
    holding_release = {id(a) for a in ctx.ancestors(release)}
    failed_acquisition = _handlers_of_failure(acquisition, ctx)
    between = [
        n
        for n in between
        if id(n) not in holding_release
        and not any(id(a) in failed_acquisition for a in ctx.ancestors(n))
    ]
    for node in sorted(between, key=position):
        hands_on = isinstance(node, ast.Return) and _carries(
            node.value, fate.names, frozenset(), ctx
        )
        leaves = isinstance(node, ast.Return | ast.Raise) and not hands_on
        if leaves and not _covered(node, released_before, ctx):
            yield node
    on_handle = [
        n
        for n in between
        if isinstance(n, ast.Call) and _mentions(getattr(n.func, "value", None), fate.names)
    ]  # the handle's own I/O is what fails first in practice: quote it
    for node in sorted(on_handle, key=position) + sorted(between, key=position):
        is_release = any(node is r for r in fate.releases)
        if (
            isinstance(node, ast.Call)
            and not is_release
            and not _broadly_handled(node, function, ctx)
        ):
            yield node


def _handlers_of_failure(acquisition: ast.stmt, ctx: ModuleContext) -> set[int]:
    """`except` handlers of the `try` whose body holds the acquisition: they run when acquiring
    failed (`try: f = open(p) except OSError: return`), so nothing is held there."""
    found: set[int] = set()
    child: ast.AST = acquisition
    for ancestor in ctx.ancestors(acquisition):
        if isinstance(ancestor, ast.Try) and any(s is child for s in ancestor.body):
            found.update(id(h) for h in ancestor.handlers)
        if isinstance(ancestor, ast.FunctionDef | ast.AsyncFunctionDef):
            break
        child = ancestor
    return found


def _covered(exit_node: ast.AST, released: list[ast.AST], ctx: ModuleContext) -> bool:
    """Whether a release runs before `exit_node` in a block that also holds it."""
    chain = [exit_node, *ctx.ancestors(exit_node)]
    for statement in released:
        parent = ctx.parent(statement)
        for field_name in ("body", "orelse", "finalbody"):
            block = getattr(parent, field_name, None)
            if not isinstance(block, list) or not any(s is statement for s in block):
                continue
            later = block[[id(s) for s in block].index(id(statement)) + 1 :]
            if any(s is c for s in later for c in chain):
                return True
    return False


_STANDARD_STREAMS = frozenset({"sys.stdin", "sys.stdout", "sys.stderr"})


def redirects_standard_stream(function: Function, name: str, context: ModuleContext) -> bool:
    """Whether the file `name` is put in place of a standard stream, so kept open on purpose.

    `os.dup2(f.fileno(), sys.stdout.fileno())` (daemonising) and `sys.stdout = f` make the file
    the process's stdin/stdout/stderr for the rest of its life; closing it would be the bug.
    """
    for node in scope_nodes(function.body):
        if isinstance(node, ast.Call) and context.call_name(node) == "os.dup2" and node.args:
            source = node.args[0]
            if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute):
                source = source.func.value if source.func.attr == "fileno" else source
            if isinstance(source, ast.Name) and source.id == name:
                return True
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Name)
            and node.value.id == name
            and any(context.resolve(t) in _STANDARD_STREAMS for t in node.targets)
        ):
            return True
    return False
