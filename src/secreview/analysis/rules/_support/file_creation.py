"""Files a function creates with the default mode, and what it writes into them.

Shared by the rules that judge a secret file's permissions: one asks whether the mode is set too
late (after creation), the other whether it is never set at all. Both need the same answer to
"which calls create a file with the umask's default mode, and is what goes in it secret".
"""

from __future__ import annotations

import ast
import os
from typing import NamedTuple

from secreview.analysis.rules._support.flags import fold_flags
from secreview.analysis.rules._support.function_flow import (
    Function,
    calls_in,
    names_in,
    position,
    shared_own_nodes,
)
from secreview.analysis.rules._support.local_bindings import made_by
from secreview.analysis.rules._support.secret_files import looks_secret_value
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of

_OPENERS = frozenset({"open", "io.open", "codecs.open"})
_PATH_WRITERS = frozenset({"write_text", "write_bytes", "touch"})


class _Creator(NamedTuple):
    """Where a library call that creates its file takes the path and the mode saying so."""

    path: tuple[int, str]
    mode: tuple[int, str, str] | None  # (position, keyword, default); None: creates when missing
    creating: str  # the first letters of a mode that creates the file
    permissions: tuple[int, str] | None = None  # the argument setting the new file's bits


# Libraries that create a missing file themselves, with 0o666 minus the umask like `open`.
_LIBRARY_CREATORS = {
    "sqlite3.connect": _Creator((0, "database"), None, ""),
    "shelve.open": _Creator((0, "filename"), (1, "flag", "c"), "cn"),
    "dbm.open": _Creator((0, "file"), (1, "flag", "r"), "cn", (2, "mode")),
    "zipfile.ZipFile": _Creator((0, "file"), (1, "mode", "r"), "wxa"),
    "tarfile.open": _Creator((0, "name"), (1, "mode", "r"), "wxa"),
}
_NOT_FILES = frozenset({"", ":memory:"})
# What an archive library may be handed instead of a path: a buffer, or a file opened already.
_FILE_OBJECTS = frozenset(
    {"io.BytesIO", "io.StringIO", "open", "io.open", "os.fdopen"}
    | {"tempfile.TemporaryFile", "tempfile.NamedTemporaryFile", "tempfile.SpooledTemporaryFile"}
)
_SERIALISERS = frozenset({"json.dump", "yaml.dump", "yaml.safe_dump", "pickle.dump"})


class Creation(NamedTuple):
    """A call that creates a file with the default mode: the call, the path, the handle name."""

    call: ast.Call
    path: ast.expr
    handle: str | None
    by_library: bool = False  # a database or archive library, which takes no mode of its own


def with_target(call: ast.Call, context: ModuleContext) -> str | None:
    """`f` in `with open(path, "w") as f:`."""
    item = context.parent(call)
    if isinstance(item, ast.withitem) and isinstance(item.optional_vars, ast.Name):
        return item.optional_vars.id
    statement = context.parent(call)
    if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
        return statement.targets[0].id
    return None


def opener_name(call: ast.Call, context: ModuleContext) -> str | None:
    """`context.call_name(call)`, with Python 2's `file(path, mode)` builtin read as `open`.

    `file` is no Python 3 builtin, so it resolves to nothing; a call of the bare name that no
    assignment, import or parameter of the module binds is the Python 2 builtin.
    """
    name = context.call_name(call)
    func = call.func
    if (
        name is None
        and isinstance(func, ast.Name)
        and func.id == "file"
        and not context.is_local_name(func)
        and "file" not in context.module_bindings
        and "file" not in context.import_aliases
        and not context.star_modules
    ):
        return "open"
    return name


def creation_by(call: ast.Call, context: ModuleContext) -> Creation | None:
    """The file `call` creates with the default mode, if it does."""
    name = opener_name(call, context)
    if name in _LIBRARY_CREATORS:
        return _library_creation(call, _LIBRARY_CREATORS[name], context)
    if name in _OPENERS:
        path = context.argument(call, 0, "file")
        mode_node = context.argument(call, 1, "mode")
        mode = context.constant_value(mode_node) if mode_node is not None else "r"
        if path is None or not isinstance(mode, str) or not set(mode) & set("wax"):
            return None
        if context.keyword(call, "opener") is not None:
            return None  # the opener decides the mode
        return Creation(call, path, with_target(call, context))
    if name == "os.open":
        path = context.argument(call, 0, "path")
        flags = fold_flags(context.argument(call, 1, "flags"), context)
        if path is None or flags is None or not flags & os.O_CREAT:
            return None
        if context.argument(call, 2, "mode") is not None:
            return None
        return Creation(call, path, with_target(call, context))
    if name is None and isinstance(call.func, ast.Attribute) and call.func.attr in _PATH_WRITERS:
        if call.func.attr == "touch" and context.argument(call, 0, "mode") is not None:
            return None
        return Creation(call, call.func.value, None)
    return None


def _library_creation(call: ast.Call, creator: _Creator, context: ModuleContext) -> Creation | None:
    """The file a database or archive library creates, when its mode creates one (a SQLite
    connection always may; `uri=True` names may ask for read-only, so they are left out)."""
    path = context.argument(call, *creator.path)
    if path is None or context.constant_value(path) in _NOT_FILES:
        return None
    if made_by(context, path, _FILE_OBJECTS) is not None:
        return None  # an in-memory buffer, or a file whose own creation is judged where it is
    if context.keyword(call, "uri") is not None:
        return None
    if creator.permissions and context.argument(call, *creator.permissions) is not None:
        return None
    if creator.mode is not None:
        position_, keyword, default = creator.mode
        mode_node = context.argument(call, position_, keyword)
        mode = default if mode_node is None else context.constant_value(mode_node)
        if not isinstance(mode, str) or not mode or mode[0] not in creator.creating:
            return None
    return Creation(call, path, with_target(call, context), by_library=True)


LIBRARY_FIX = (
    "The library takes no mode, so create the file owner-only before it opens it: "
    "`os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))` first (an existing file keeps "
    "its mode, so check or `os.fchmod` it too), or set `os.umask(0o077)` around the call."
)
"""The fix for a file a library creates (`sqlite3.connect`, `tarfile.open`, ...)."""


def creations_through(call: ast.Call, function: Function, context: ModuleContext) -> list[Creation]:
    """The files a method of the same class creates when `function` calls it on `self`.

    `conn = self._connect()` whose body is `return sqlite3.connect(self.filename)` creates
    `self.filename` as surely as calling `sqlite3.connect` in place. Only paths built from the
    shared `self` alone (and constants) are followed: they name the same file in both methods,
    so a later `os.chmod(self.filename, ...)` in the caller is known to act on it. One level.
    """
    func = call.func
    receiver = _first_parameter(function)
    if (
        receiver is None
        or not isinstance(func, ast.Attribute)
        or not isinstance(func.value, ast.Name)
        or func.value.id != receiver
    ):
        return []
    owner = context.parent(function)
    if not isinstance(owner, ast.ClassDef):
        return []
    found: list[Creation] = []
    for helper in owner.body:
        if not isinstance(helper, Function) or helper.name != func.attr or helper is function:
            continue
        if _first_parameter(helper) != receiver:
            continue
        nodes = shared_own_nodes(helper, context)
        for inner in calls_in(nodes):
            creation = creation_by(inner, context)
            if (
                creation is not None
                and names_in(creation.path) <= {receiver}
                and receiver in names_in(creation.path)
                and not umask_before(inner, nodes, context)
            ):
                found.append(creation._replace(handle=None))
    return found


def _first_parameter(function: Function) -> str | None:
    """`self` in `def method(self, ...)`."""
    arguments = [*function.args.posonlyargs, *function.args.args]
    return arguments[0].arg if arguments else None


def creates_files(context: ModuleContext) -> bool:
    """Whether any call of the module creates a file with the default mode (`creation_by`).

    Asked once per module: the rules that pair a creation with what its function does next
    list every function's own nodes, and in a module that creates no file no function can
    report anything, so that walk is skipped for all of them.
    """
    return context.derived(_creates_files)


def _creates_files(context: ModuleContext) -> bool:
    return any(creation_by(call, context) is not None for call in nodes_of(context, ast.Call))


def is_handle(target: ast.expr, handle: str) -> bool:
    """`f.fileno()` or `fd` for the handle `f`/`fd` the creation bound."""
    if isinstance(target, ast.Name):
        return target.id == handle
    return (
        isinstance(target, ast.Call)
        and isinstance(target.func, ast.Attribute)
        and target.func.attr == "fileno"
        and isinstance(target.func.value, ast.Name)
        and target.func.value.id == handle
    )


def written_secret(creation: Creation, nodes: list[ast.AST], context: ModuleContext) -> bool:
    """Whether what the function writes into the file is named like a secret or is key material."""
    call = creation.call
    if isinstance(call.func, ast.Attribute) and call.func.attr in {"write_text", "write_bytes"}:
        return any(looks_secret_value(a, context) for a in call.args)
    if creation.handle is None:
        return False
    for node in calls_in(nodes):
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in {"write", "writelines"}
            and isinstance(func.value, ast.Name)
            and func.value.id == creation.handle
            and any(looks_secret_value(a, context) for a in node.args)
        ):
            return True
        if context.call_name(node) in _SERIALISERS and any(
            looks_secret_value(a, context) for a in node.args[:1]
        ):
            return True
    return False


def umask_before(call: ast.Call, nodes: list[ast.AST], context: ModuleContext) -> bool:
    """Whether the function sets a umask before creating the file (the other way to do it)."""
    return any(
        isinstance(node, ast.Call)
        and context.call_name(node) == "os.umask"
        and position(node) < position(call)
        for node in nodes
    )
