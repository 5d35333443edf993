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
from secreview.analysis.rules._support.function_flow import calls_in, position
from secreview.analysis.rules._support.secret_files import looks_secret_value
from secreview.index.context import ModuleContext

_OPENERS = frozenset({"open", "io.open", "codecs.open"})
_PATH_WRITERS = frozenset({"write_text", "write_bytes", "touch"})
_SERIALISERS = frozenset({"json.dump", "yaml.dump", "yaml.safe_dump", "pickle.dump"})


class Creation(NamedTuple):
    """A call that creates a file with the default mode: the call, the path, the handle name."""

    call: ast.Call
    path: ast.expr
    handle: str | None


def with_target(call: ast.Call, context: ModuleContext) -> str | None:
    """`f` in `with open(path, "w") as f:`."""
    item = context.parent(call)
    if isinstance(item, ast.withitem) and isinstance(item.optional_vars, ast.Name):
        return item.optional_vars.id
    statement = context.parent(call)
    if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
        return statement.targets[0].id
    return None


def creation_by(call: ast.Call, context: ModuleContext) -> Creation | None:
    """The file `call` creates with the default mode, if it does."""
    name = context.call_name(call)
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


def creates_files(context: ModuleContext) -> bool:
    """Whether any call of the module creates a file with the default mode (`creation_by`).

    Asked once per module: the rules that pair a creation with what its function does next
    list every function's own nodes, and in a module that creates no file no function can
    report anything, so that walk is skipped for all of them.
    """
    return context.derived(_creates_files)


def _creates_files(context: ModuleContext) -> bool:
    return any(
        isinstance(node, ast.Call) and creation_by(node, context) is not None
        for node in context.nodes
    )


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
