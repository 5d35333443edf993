"""What ends a temporary file's or directory's life besides removing it (`resource-leak`).

A `NamedTemporaryFile(delete=False)` or a `mkdtemp()` is usually the first half of an atomic
write: the data goes to the temporary path, which is then renamed over the real one
(`os.replace(tmp.name, path)`). After the move nothing temporary is left behind, so a move is a
release. Projects often wrap both halves in a helper of their own (`_tidy(tmp)` removing the file,
`self._move(tmp.name, dest)` renaming it): a call of a function of the same module (or a method of
the same class) that moves or removes the parameter it is handed releases the path too. Only
that one hop is read: a helper calling another helper is not followed.

It also says what a returned value hands on: a path built from the temporary one
(`path_carries`), or a cursor made from a connection, which keeps it (`holds_owner`).
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

MOVES = frozenset({"os.rename", "os.replace", "os.renames", "shutil.move"})
"""Calls that move their first argument away: a temporary path moved is no longer temporary."""
PATH_METHODS = frozenset(
    {"joinpath", "with_name", "with_suffix", "with_stem", "resolve", "absolute", "as_posix"}
)
"""`pathlib.Path` methods whose result is a path inside or equal to the one they are called on."""

_SAME_PATH = frozenset({"str", "Path"})
"""Conversions whose result names the same path (`str(tmp_dir)`, `Path(tmp_dir)`)."""

Function = ast.FunctionDef | ast.AsyncFunctionDef


def _is_path_itself(node: ast.AST, names: set[str]) -> bool:
    """`tmp`, `tmp.name`, `str(d)`: the temporary path itself, not one built under it
    (`os.path.join(d, "x")`: moving or removing that leaves the directory behind)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 1:
        return node.func.id in _SAME_PATH and _is_path_itself(node.args[0], names)
    if isinstance(node, ast.Attribute) and node.attr == "name":
        node = node.value
    return isinstance(node, ast.Name) and node.id in names


def moves_path(call: ast.Call, name: str | None, names: set[str]) -> bool:
    """`os.replace(tmp.name, target)`, `shutil.move(d, dest)`: the temporary path moved away
    (its first argument; moving something into it releases nothing)."""
    return name in MOVES and bool(call.args) and _is_path_itself(call.args[0], names)


def helper_releases(
    call: ast.Call, names: set[str], removals: frozenset[str], ctx: ModuleContext
) -> bool:
    """Whether `call` hands the temporary path (or its holder) to a function of this module, or
    a method of the enclosing class through `self`, which removes (`removals`) or moves the
    parameter it receives there."""
    helper = _helper(call, ctx)
    if helper is None:
        return False
    parameters = [a.arg for a in (*helper.args.posonlyargs, *helper.args.args)]
    if isinstance(call.func, ast.Attribute):
        parameters = parameters[1:]  # `self`
    received = {p for p, a in zip(parameters, call.args, strict=False) if _is_path_itself(a, names)}
    received.update(
        k.arg for k in call.keywords if k.arg in parameters and _is_path_itself(k.value, names)
    )
    if not received:
        return False
    for node in ast.walk(helper):
        if isinstance(node, ast.Call):
            called = ctx.call_name(node)
            if called in removals and any(_is_path_itself(a, received) for a in node.args):
                return True
            if moves_path(node, called, received):
                return True
    return False


def _helper(call: ast.Call, ctx: ModuleContext) -> Function | None:
    """The function `call` runs when it is a top-level function of this module (`_tidy(f)`) or a
    method of the class around the caller (`self._move(...)`), else None."""
    func = call.func
    if isinstance(func, ast.Name):
        return _defined_in(ctx.tree.body, func.id)
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return None
    if func.value.id != "self":
        return None
    owner = ctx.enclosing_function(call)
    cls = ctx.parent(owner) if owner is not None else None
    return _defined_in(cls.body, func.attr) if isinstance(cls, ast.ClassDef) else None


def _defined_in(body: list[ast.stmt], name: str) -> Function | None:
    """The last `def name` among `body`'s statements."""
    found = None
    for statement in body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef) and statement.name == name:
            found = statement
    return found


_OWNER_KEEPING = frozenset({"cursor"})
"""Methods whose result keeps the object it was made from: a DB-API cursor holds its connection
(`cursor.connection`), so handing on `conn.cursor()` hands on the connection."""


def holds_owner(value: ast.expr | None, names: set[str]) -> bool:
    """Whether a returned `value` is made, from a handle named in `names`, as an object that
    keeps the handle (`return conn.cursor()`): whoever receives it owns the connection too.
    Only a value handed on counts: `with conn.cursor() as cur:` closes the cursor, not `conn`."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in _OWNER_KEEPING
        and isinstance(func.value, ast.Name)
        and func.value.id in names
    )


_PATH_BUILDERS = frozenset(
    {"os.path.join", "os.path.abspath", "os.path.realpath", "os.fspath", "str", "pathlib.Path"}
)


def path_carries(node: ast.AST | None, names: set[str], ctx: ModuleContext) -> bool:
    """Whether a temporary path (or a path built from it) is the value of `node`.

    `d`, `tmp.name`, `os.path.join(d, "x")`, `f"{d}/x"` carry it; `run([.., d]).returncode`,
    whose value is what a call made of the path, does not.
    """
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute) and node.func.attr in PATH_METHODS:
            return path_carries(node.func.value, names, ctx)  # `Path(d).joinpath("x")`
        if ctx.call_name(node) not in _PATH_BUILDERS:
            return False
        return any(path_carries(a, names, ctx) for a in node.args)
    if isinstance(node, ast.Subscript):
        return False
    if node is None:
        return False
    return any(path_carries(child, names, ctx) for child in ast.iter_child_nodes(node))
