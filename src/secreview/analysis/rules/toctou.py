"""CWE-367: a file system check on a path, then a use of the same path that the check decided.

Between `os.path.exists(p)` and `open(p, "w")` another process (or another local user, when the
directory is shared) can create, remove or swap `p` for a symlink; the use then acts on something
the check never saw. Python offers an atomic form for each use: exclusive creation
(`open(p, "x")`, `os.O_CREAT | os.O_EXCL`), `exist_ok=True`, `missing_ok=True`, or simply trying
and catching `FileExistsError`/`FileNotFoundError`. The rule pairs a check with the first use of
the same path expression after it in the same function, and stays quiet when the path was
rebound in between, when the use is the atomic form, or when the use already handles the error.
Reading a file after checking it exists is only reported after `os.access` (the classic
set-user-id race) or `islink`: otherwise its worst outcome is an exception.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from typing import NamedTuple

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.flags import fold_flags
from secreview.analysis.rules._support.function_flow import (
    Function,
    calls_in,
    expression_key,
    handled_os_error,
    rebound_between,
    shared_own_nodes,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_CHECK_FUNCTIONS = frozenset(
    {
        "os.path.exists",
        "os.path.lexists",
        "os.path.isfile",
        "os.path.isdir",
        "os.path.islink",
        "os.access",
        "os.stat",
        "os.lstat",
    }
)
_CHECK_METHODS = frozenset({"exists", "is_file", "is_dir", "is_symlink"})
_ACCESS_CHECKS = frozenset({"os.access", "os.path.islink", "is_symlink"})
_CREATORS = frozenset({"os.mkdir", "os.makedirs", "os.mkfifo", "os.symlink", "os.link"})
_REMOVERS = frozenset({"os.remove", "os.unlink", "os.rmdir", "shutil.rmtree"})
_CHANGERS = frozenset({"os.chmod", "os.chown", "os.lchown", "os.utime", "os.rename"})
_COPIES = frozenset({"shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.move"})
_OPENERS = frozenset({"open", "io.open", "codecs.open"})
_PATH_WRITERS = frozenset({"write_text", "write_bytes", "touch", "mkdir", "symlink_to"})
_PATH_REMOVERS = frozenset({"unlink", "rmdir"})
_EXCLUSIVE = os.O_CREAT | os.O_EXCL
_OS_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

_CREATE_FIX = (
    "Create the path atomically and handle the outcome instead of checking first: "
    '`open(path, "x")` or `os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)` for '
    "files (they fail on an existing file or symlink), `os.makedirs(path, exist_ok=True)` or "
    "`Path.mkdir(exist_ok=True)` for directories, and `except FileExistsError:` where the "
    "existing path matters."
)
_REMOVE_FIX = (
    "Remove without checking and handle the outcome: `try: os.remove(path)` with "
    "`except FileNotFoundError: pass`, or `Path(path).unlink(missing_ok=True)`, "
    "`shutil.rmtree(path, ignore_errors=True)`."
)
_OPEN_FIX = (
    "Open first and check what was opened: `os.open(path, os.O_RDONLY | os.O_NOFOLLOW)` (or "
    "drop privileges with `os.seteuid` and simply try the open), then `os.fstat(fd)` and "
    "`os.fchmod(fd, ...)` on the descriptor; catch `OSError` instead of checking first."
)


class _Use(NamedTuple):
    """What a call does to a path: create/overwrite, remove, or open/change an existing one."""

    path: ast.expr
    kind: str  # "create", "mkdir", "remove" or "open"


def _checked_path(call: ast.Call, context: ModuleContext) -> tuple[ast.expr, str] | None:
    """(path, check name) when `call` checks a path's existence, type or access."""
    name = context.call_name(call)
    if name in _CHECK_FUNCTIONS:
        path = context.argument(call, 0, "path")
        return (path, name) if path is not None else None
    if (
        name is None
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in _CHECK_METHODS
        and not call.args
        and not isinstance(call.func.value, ast.Call | ast.Constant)
    ):
        return call.func.value, call.func.attr
    return None


def _mode_of(call: ast.Call, position: int, context: ModuleContext) -> str | None:
    mode_node = context.argument(call, position, "mode")
    mode = "r" if mode_node is None else context.constant_value(mode_node)
    return mode if isinstance(mode, str) else None


def _keyword_true(call: ast.Call, name: str, context: ModuleContext) -> bool:
    value = context.keyword(call, name)
    return value is not None and context.constant_value(value) is not False


def _use_of(call: ast.Call, context: ModuleContext) -> _Use | None:
    """How `call` uses a path, or None when it does not, or does so atomically."""
    name = context.call_name(call)
    if name in _OPENERS:
        path, mode = context.argument(call, 0, "file"), _mode_of(call, 1, context)
        if path is None or mode is None or "x" in mode:
            return None
        return _Use(path, "create" if any(flag in mode for flag in "wa") else "open")
    if name == "os.open":
        path = context.argument(call, 0, "path")
        flags = fold_flags(context.argument(call, 1, "flags"), context)
        if path is None or flags is None or flags & _EXCLUSIVE == _EXCLUSIVE:
            return None
        return _Use(path, "create" if flags & _OS_WRITE_FLAGS else "open")
    if name in _CREATORS:
        if name == "os.makedirs" and _keyword_true(call, "exist_ok", context):
            return None
        target = context.argument(call, 1, "dst") if name in {"os.symlink", "os.link"} else None
        path = target or context.argument(call, 0, "path")
        kind = "mkdir" if name in {"os.mkdir", "os.makedirs"} else "create"
        return _Use(path, kind) if path is not None else None
    if name in _REMOVERS:
        if name == "shutil.rmtree" and _keyword_true(call, "ignore_errors", context):
            return None
        path = context.argument(call, 0, "path")
        return _Use(path, "remove") if path is not None else None
    if name in _CHANGERS:
        path = context.argument(call, 0, "path")
        return _Use(path, "open") if path is not None else None
    if name in _COPIES:
        destination = context.argument(call, 1, "dst")
        return _Use(destination, "create") if destination is not None else None
    if name is None and isinstance(call.func, ast.Attribute):
        method, receiver = call.func.attr, call.func.value
        if method in _PATH_WRITERS:
            if method == "mkdir" and _keyword_true(call, "exist_ok", context):
                return None
            if method == "mkdir":
                return _Use(receiver, "mkdir") if not call.args else None
            return _Use(receiver, "create")
        if method in _PATH_REMOVERS and not _keyword_true(call, "missing_ok", context):
            return _Use(receiver, "remove") if not call.args else None
        if method == "open" and not call.args:
            return _Use(receiver, "open")
    return None


_DECIDING = (ast.If, ast.While, ast.IfExp, ast.Assert, ast.BoolOp)
_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
_NO_RETURN_CALLS = frozenset({"exit", "_exit", "abort"})


def _guard(check: ast.Call, context: ModuleContext) -> ast.AST | None:
    """The `if`, `while`, `assert`, `and`/`or` or conditional expression the check decides."""
    for ancestor in context.ancestors(check):
        if isinstance(ancestor, _DECIDING):
            statement = next(
                (a for a in context.ancestors(check) if isinstance(a, ast.stmt)), ancestor
            )
            return statement if isinstance(statement, ast.If | ast.While | ast.Assert) else ancestor
        if isinstance(ancestor, ast.stmt):
            return None
    return None


def _guards(guard: ast.AST, use: ast.Call, context: ModuleContext) -> bool:
    """Whether the check's answer decides that `use` runs: it sits under the guard, or after an
    `if` that leaves (`return`, `raise`, `continue`) on the other answer, or after an assert."""
    if any(ancestor is guard for ancestor in context.ancestors(use)):
        return True
    if isinstance(guard, ast.Assert):
        return True
    return isinstance(guard, ast.If) and (
        _leaves(guard.body[-1], context)
        or bool(guard.orelse and _leaves(guard.orelse[-1], context))
    )


def _leaves(statement: ast.stmt, context: ModuleContext) -> bool:
    """`return`, `raise`, `continue`, `break`, or a call that does not come back (`sys.exit`,
    `abort(403)`)."""
    if isinstance(statement, _EXITS):
        return True
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        name = context.call_name(statement.value) or ""
        return name.rpartition(".")[2] in _NO_RETURN_CALLS
    return False


def _applies(check_name: str, use: _Use) -> bool:
    """Whether this use after this check is a race worth a finding."""
    if use.kind == "open":
        return check_name in _ACCESS_CHECKS
    return True


_MKDIR_FIX = (
    "Create the directory and accept that it may exist: `os.makedirs(path, exist_ok=True)` or "
    "`Path(path).mkdir(parents=True, exist_ok=True)`; `try: os.mkdir(path)` with "
    "`except FileExistsError:` where an existing directory matters."
)
_SEVERITY = {
    "create": Severity.MEDIUM,
    "mkdir": Severity.LOW,
    "remove": Severity.LOW,
    "open": Severity.MEDIUM,
}
_FIX = {"create": _CREATE_FIX, "mkdir": _MKDIR_FIX, "remove": _REMOVE_FIX, "open": _OPEN_FIX}
_WHAT_CHANGES = {
    "create": "create the path or plant a symlink there, so this call overwrites or fails on "
    "a file the check never saw",
    "remove": "remove or replace the path, so this call fails or removes something else",
    "mkdir": "create the directory first, so this call fails with FileExistsError",
    "open": "swap the path for a symlink to another file, so this call acts on a file the "
    "check never approved",
}


@rule(
    id="toctou-file-check",
    name="File checked, then used by path (time-of-check, time-of-use race)",
    cwe=367,
    default_enabled=False,  # 4 of 12 findings on mature code true or defensible (noise.py)
    severity=Severity.MEDIUM,
    confidence=Confidence.LOW,
    summary="A path is checked (`os.path.exists`, `os.access`, `Path.exists`, ...) and then "
    "used by name, leaving a window in which the file can change.",
    fix=_CREATE_FIX,
    what_it_does="Pairs a check of a path (`os.path.exists`, `lexists`, `isfile`, `isdir`, "
    "`islink`, `os.access`, `os.stat`, `os.lstat`, `Path.exists`, `is_file`, `is_dir`, "
    "`is_symlink`) whose result decides an `if`, `while`, `assert` or boolean, with the first "
    "later use of the same path expression in the same function: creating or overwriting it "
    "(`open` for writing, `os.mkdir`, `os.makedirs`, `os.symlink`, `shutil.copy` or `move` "
    "destination, `Path.write_text`, `mkdir`, `touch`), removing it (`os.remove`, `os.rmdir`, "
    "`shutil.rmtree`, `Path.unlink`), or, after `os.access` or `islink`, opening or changing it "
    "(`open`, `os.chmod`, `os.chown`, `os.rename`). Quiet when the path is rebound in "
    "between, when the use is atomic (`open(p, 'x')`, `O_EXCL`, `exist_ok=True`, "
    "`missing_ok=True`, `ignore_errors=True`) or sits in a `try` that catches `OSError` or "
    "the specific `FileExistsError`/`FileNotFoundError`. Findings are low confidence "
    "(medium after `os.access` or `islink`): most such pairs sit in tools that no other "
    "user races.",
    why_bad="The check and the use are two system calls; between them another process can "
    "change what the path names. In a directory other users can write, an attacker plants a "
    "symlink after the check and the program overwrites, chmods or removes the file it points "
    "to with the program's privileges; `os.access` followed by `open` in a privileged program "
    "is the textbook case. Between cooperating processes the same window makes two workers "
    "create the same directory or remove the same file, and one crashes.",
    example="if not os.path.exists(lock_path):\n    with open(lock_path, 'w') as lock:\n"
    "        lock.write(str(os.getpid()))",
    use_instead="try:\n    with open(lock_path, 'x') as lock:\n"
    "        lock.write(str(os.getpid()))\nexcept FileExistsError:\n"
    "    raise SystemExit('already running')",
    references=(
        "https://docs.python.org/3/library/os.html#os.access",
        "https://docs.python.org/3/library/functions.html#open",
        "https://docs.python.org/3/glossary.html#term-EAFP",
        "https://cwe.mitre.org/data/definitions/367.html",
    ),
    visits=(ast.FunctionDef, ast.AsyncFunctionDef),
)
def toctou_file_check(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report the first use of a checked path that an atomic form would make safe."""
    assert isinstance(node, Function)
    nodes = shared_own_nodes(node, context)
    calls = list(calls_in(nodes))
    used: set[int] = set()
    for index, check in enumerate(calls):
        checked = _checked_path(check, context)
        guard = _guard(check, context) if checked is not None else None
        if checked is None or guard is None:
            continue
        path, check_name = checked
        key = expression_key(path)
        for later in calls[index + 1 :]:
            use = _use_of(later, context)
            if use is None or expression_key(use.path) != key:
                continue
            if rebound_between(nodes, path, check, later):
                break
            if not _guards(guard, later, context):
                break
            if _applies(check_name, use) and id(later) not in used:
                used.add(id(later))
                if not handled_os_error(later, context):
                    yield _hit(check, check_name, later, use, context)
            break


def _hit(
    check: ast.Call, check_name: str, use_call: ast.Call, use: _Use, context: ModuleContext
) -> Hit:
    """The finding at the use; low confidence unless the check was about access or symlinks.

    On mature projects most exists-then-use pairs sit in command-line tools, build steps and
    test helpers that no other user races (benchmarks/noise: 4 of 12 true or defensible), so
    only `os.access` and `islink` checks, made to decide a security question, speak louder.
    """
    return Hit(
        node=use_call,
        message=f"`{context.one_line(use_call)}` acts on `{context.one_line(use.path)}` after "
        f"`{context.one_line(check)}` checked it (line {check.lineno}); in between another "
        f"process can {_WHAT_CHANGES[use.kind]}.",
        fix=_FIX[use.kind],
        evidence=((check, f"`{context.one_line(check)}` checks the path"),),
        severity=_SEVERITY[use.kind],
        confidence=Confidence.MEDIUM if check_name in _ACCESS_CHECKS else None,
    )
