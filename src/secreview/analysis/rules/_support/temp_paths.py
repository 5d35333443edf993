"""Paths that name a guessable file directly in a shared temporary directory.

`/tmp/app.pid`, `os.path.join(tempfile.gettempdir(), "cache.db")`, `"/tmp/%s.lock" % name`:
every local user can create that name first. How sure a name is guessable depends on what it is
built from: constants, the pid and the time are (high), another value may be (medium), and a
`uuid4`/`secrets`/`mkstemp` part makes it unguessable (no answer).
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.assignments import assigned_value
from secreview.findings import Confidence
from secreview.index.context import ModuleContext

_SHARED_TEMP_DIRECTORIES = ("/tmp", "/var/tmp", "/dev/shm")
_TEMP_DIRECTORY_CALLS = frozenset({"tempfile.gettempdir", "tempfile.gettempdirb"})
_TEMP_DIRECTORY_NAMES = frozenset({"tempfile.tempdir"})
_PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.PurePath"})
_JOINS = frozenset({"os.path.join", "posixpath.join"})
# Calls whose result is unguessable: a name built with one is not predictable.
_RANDOM_PREFIXES = ("uuid.uuid4", "secrets.", "random.", "os.urandom", "tempfile.mk")
# Calls whose result another user can guess or read from /proc: still predictable.
_GUESSABLE_CALLS = frozenset(
    {
        "os.getpid",
        "os.getppid",
        "os.getuid",
        "time.time",
        "time.time_ns",
        "getpass.getuser",
        # conversions pass guessability through
        "str",
        "int",
        "format",
        "hex",
        "repr",
    }
)


def _is_temp_directory(node: ast.expr, context: ModuleContext) -> bool:
    """`/tmp`, `tempfile.gettempdir()`, `tempfile.tempdir` or `Path` of one of them."""
    node = assigned_value(node, context)
    value = context.constant_value(node)
    if isinstance(value, str):
        return value.rstrip("/") in _SHARED_TEMP_DIRECTORIES
    if isinstance(node, ast.Call):
        name = context.call_name(node)
        if name in _TEMP_DIRECTORY_CALLS:
            return True
        if name in _PATH_TYPES and len(node.args) == 1:
            return _is_temp_directory(node.args[0], context)
    return context.resolve(node) in _TEMP_DIRECTORY_NAMES


def _name_confidence(parts: list[ast.expr], context: ModuleContext) -> Confidence | None:
    """How guessable a file name built from `parts` is; None when a random part makes it safe."""
    confidence = Confidence.HIGH
    for part in parts:
        for node in ast.walk(part):
            if not isinstance(node, ast.Call):
                continue
            name = context.call_name(node) or ""
            if name.startswith(_RANDOM_PREFIXES):
                return None
            if name not in _GUESSABLE_CALLS:
                confidence = Confidence.MEDIUM  # the name comes from somewhere we cannot see
        if not context.is_constant(part) and not any(
            isinstance(n, ast.Call) for n in ast.walk(part)
        ):
            confidence = Confidence.MEDIUM
    return confidence


def temp_path(node: ast.expr, context: ModuleContext, depth: int = 0) -> Confidence | None:
    """How sure it is that `node` is a guessable name directly in a shared temporary directory."""
    if depth > 5:
        return None
    node = assigned_value(node, context)
    value = context.constant_value(node)
    if isinstance(value, str):
        for directory in _SHARED_TEMP_DIRECTORIES:
            if value.startswith(directory + "/") and value.rstrip("/") != directory:
                return Confidence.HIGH
        return None
    match node:
        case ast.Call(args=[first, *rest]) if context.call_name(node) in _JOINS:
            if rest and _is_temp_directory(first, context):
                return _name_confidence(rest, context)
        case ast.Call(args=[inner]) if context.call_name(node) in _PATH_TYPES:
            return temp_path(inner, context, depth + 1)
        case ast.BinOp(left=ast.Constant(value=str() as head), op=ast.Mod() | ast.Add(), right=r):
            if _in_shared_directory(head):
                return _name_confidence(r.elts if isinstance(r, ast.Tuple) else [r], context)
        case ast.Call(func=ast.Attribute(value=ast.Constant(value=str() as head), attr="format")):
            if _in_shared_directory(head):
                return _name_confidence([*node.args, *(k.value for k in node.keywords)], context)
        case ast.BinOp(left=left, op=ast.Div() | ast.Add(), right=right):
            if _is_temp_directory(left, context):
                return _name_confidence([right], context)
            if isinstance(node.op, ast.Div):
                return temp_path(left, context, depth + 1)
        case ast.JoinedStr(values=[ast.Constant(value=str() as head), *rest]) if rest:
            if _in_shared_directory(head):
                return _name_confidence(rest, context)
        case ast.JoinedStr(values=[ast.FormattedValue(value=directory), *rest]) if rest:
            if _is_temp_directory(directory, context):
                return _name_confidence(rest, context)
    return None


def _in_shared_directory(head: str) -> bool:
    """Whether the start of a built path, `"/tmp/%s.pid"`, is inside a shared temporary folder."""
    return any(head.startswith(d + "/") for d in _SHARED_TEMP_DIRECTORIES)
