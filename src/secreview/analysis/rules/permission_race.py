"""CWE-362 (with CWE-732): a private file created with default permissions, restricted afterwards.

`open(path, "w")` creates the file with mode 0o666 minus the umask (usually 0o644, readable by
every local user); a `chmod(path, 0o600)` after it closes the door too late. Anyone who opened the
file in between keeps a descriptor that reads whatever is written later, key material included.
The file is judged private when its path is named like key material or credentials, when what is
written is named like a secret or is a serialised private key, or when the program restricts it to
its owner (it says so itself). The creation is where the fix goes, so that is where the finding
points; the late restriction is the evidence. A file created by a helper method of the same class
(`conn = self._connect()` around `sqlite3.connect(self.filename)`) counts, one level deep.
A file created inside a folder the function first restricted to its owner (`path.parent.chmod(
0o700)`, `os.chmod(folder, 0o700)` before `open(os.path.join(folder, name), "w")`) is not
reported: another user must search the folder to open anything in it, so the window is closed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.file_creation import (
    LIBRARY_FIX,
    Creation,
    creates_files,
    creation_by,
    creations_through,
    is_handle,
    umask_before,
    written_secret,
)
from secreview.analysis.rules._support.flags import fold_flags
from secreview.analysis.rules._support.function_flow import (
    Function,
    calls_in,
    expression_key,
    rebound_between,
    shared_own_nodes,
)
from secreview.analysis.rules._support.secret_files import looks_secret_path
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_CHMODS = frozenset({"os.chmod", "os.lchmod"})
_OTHERS_BITS = 0o007
_GROUP_AND_OTHERS_BITS = 0o077


def _restriction(
    call: ast.Call, creation: Creation, context: ModuleContext
) -> tuple[ast.expr, int] | None:
    """(mode node, mode) when `call` takes permissions away from the created file."""
    name = context.call_name(call)
    key = expression_key(creation.path)
    if name in _CHMODS:
        target = context.argument(call, 0, "path")
        mode_node = context.argument(call, 1, "mode")
        if target is None or expression_key(target) != key:
            return None
    elif name == "os.fchmod":
        target = context.argument(call, 0, "fd")
        mode_node = context.argument(call, 1, "mode")
        if target is None or creation.handle is None or not is_handle(target, creation.handle):
            return None
    elif name is None and isinstance(call.func, ast.Attribute) and call.func.attr == "chmod":
        mode_node = context.argument(call, 0, "mode")
        if expression_key(call.func.value) != key or len(call.args) > 1:
            return None
    else:
        return None
    mode = fold_flags(mode_node, context)
    if mode_node is None or mode is None or mode & _OTHERS_BITS:
        return None
    return mode_node, mode


@rule(
    id="secret-file-permission-race",
    name="Secret file created with default permissions and restricted afterwards",
    cwe=362,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A key, token or credentials file is created readable by others and chmod-ed to "
    "0o600 only afterwards, leaving a window in which another user can open it.",
    fix="Create the file with its final mode in one step: `fd = os.open(path, os.O_WRONLY | "
    "os.O_CREAT | os.O_EXCL, 0o600)` then `with os.fdopen(fd, 'w') as out:`, or `open(path, "
    "'w', opener=lambda p, flags: os.open(p, flags, 0o600))`, or set `os.umask(0o077)` before "
    "creating it.",
    what_it_does="Pairs a call that creates a file with the default mode (`open`, Python 2's "
    "`file` or `io.open` for writing, `os.open` with `O_CREAT` and no mode, "
    "`Path.write_text`, `write_bytes`, `touch`, and libraries that create a missing file: "
    "`sqlite3.connect`, `shelve.open`, `dbm.open(..., 'c')`, `zipfile.ZipFile` and "
    "`tarfile.open` for writing) with a later `os.chmod`, `Path.chmod` or `os.fchmod` on the "
    "same path or handle in the same function that takes all access away from others. A "
    "method of the same class called on `self` (`conn = self._connect()`) that creates a path "
    "built from `self` alone (`sqlite3.connect(self.filename)`) counts as creating it there; "
    "the finding then points at that creation, with the call as evidence. Reported when the "
    "path is named like key material or credentials (`key`, `pem`, `token`, `secret`, "
    "`credentials`, "
    "`id_rsa`, ..., not `public` or certificates), when what is written is named like a "
    "secret or is a serialised private key (`private_bytes()`, `-----BEGIN ... PRIVATE "
    "KEY-----`), or when the new mode leaves the file to its owner alone. Quiet when a "
    "`os.umask` call comes first, the creation passes a mode or an `opener`, or the file's "
    "folder was restricted to its owner first (`path.parent.chmod(0o700)`).",
    why_bad="Between the creation and the chmod the file has the umask's default mode, "
    "usually 0o644: any local account can open it. Permissions are checked only when a file "
    "is opened, so whoever opened it in that window keeps reading it after the chmod, "
    "including the key or token written next. The window is short but an attacker can wait "
    "in a loop on inotify for it.",
    example="with open(key_path, 'wb') as out:\n    out.write(private_key)\n"
    "os.chmod(key_path, 0o600)",
    use_instead="fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)\n"
    "with os.fdopen(fd, 'wb') as out:\n    out.write(private_key)",
    references=(
        "https://docs.python.org/3/library/os.html#os.open",
        "https://docs.python.org/3/library/functions.html#open",
        "https://docs.python.org/3/library/os.html#os.umask",
        "https://cwe.mitre.org/data/definitions/362.html",
        "https://cwe.mitre.org/data/definitions/732.html",
    ),
    visits=(ast.FunctionDef, ast.AsyncFunctionDef),
)
def secret_file_permission_race(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report secret files whose restrictive mode is applied only after they were created."""
    assert isinstance(node, Function)
    if not creates_files(context):
        return
    nodes = shared_own_nodes(node, context)
    calls = list(calls_in(nodes))
    for index, call in enumerate(calls):
        direct = creation_by(call, context)
        creations = [direct] if direct else creations_through(call, node, context)
        if not creations or umask_before(call, nodes, context):
            continue
        for creation in creations:
            if _private_folder_before(creation.path, calls[:index], context, node):
                continue
            for later in calls[index + 1 :]:
                restricted = _restriction(later, creation, context)
                if restricted is None:
                    continue
                if rebound_between(nodes, creation.path, call, later):
                    break
                hit = _judge(creation, call, later, restricted, nodes, context)
                if hit is not None:
                    yield hit
                break


def _judge(
    creation: Creation,
    site: ast.Call,
    chmod: ast.Call,
    restricted: tuple[ast.expr, int],
    nodes: list[ast.AST],
    context: ModuleContext,
) -> Hit | None:
    mode_node, mode = restricted
    by_name = looks_secret_path(creation.path, context)
    by_content = written_secret(creation, nodes, context)
    owner_only = not mode & _GROUP_AND_OTHERS_BITS
    if not (by_name or by_content or owner_only):
        return None
    reason = (
        "is named like a secret"
        if by_name
        else "receives a secret"
        if by_content
        else f"is restricted to its owner ({oct(mode)})"
    )
    return Hit(
        node=creation.call,
        message=f"`{context.one_line(creation.call)}` creates "
        f"`{context.one_line(creation.path)}`, which {reason}, with the default mode and "
        f"`{context.one_line(chmod)}` restricts it only afterwards; another local user can open "
        "it in between and keep reading what is written.",
        evidence=(
            *_through(creation, site, context),
            (chmod, f"`{context.one_line(mode_node)}` applied after creation"),
        ),
        confidence=Confidence.HIGH if by_name or by_content else Confidence.MEDIUM,
        fix=LIBRARY_FIX if creation.by_library else None,
    )


def _through(
    creation: Creation, site: ast.Call, context: ModuleContext
) -> tuple[tuple[ast.AST, str], ...]:
    """The evidence step for a file created by a helper method: where the caller runs it."""
    if site is creation.call:
        return ()
    return ((site, f"`{context.one_line(site)}` creates the file through this method"),)


def _parent_keys(path: ast.expr, context: ModuleContext, function: Function) -> set[str]:
    """Expression keys of the folder `path` is created in, as far as its spelling tells: the
    left side of `folder / name` or the first argument of `os.path.join(folder, name)`, written
    inline or assigned to the path's name (in the function, else as a module constant)."""
    keys: set[str] = set()
    values: list[ast.expr] = [path]
    if isinstance(path, ast.Name):
        for statement in ast.walk(function):
            if (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
                and statement.targets[0].id == path.id
            ):
                values.append(statement.value)
        constant = context.module_constants.get(path.id)
        if constant is not None and len(values) == 1:
            values.append(constant)
    for value in values:
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div):
            keys.add(expression_key(value.left))
        elif (
            isinstance(value, ast.Call)
            and context.call_name(value) == "os.path.join"
            and len(value.args) == 2
            and not value.keywords
        ):
            keys.add(expression_key(value.args[0]))
    return keys


def _names_parent_of(target: ast.expr, key: str, context: ModuleContext) -> bool:
    """Whether `target` is `path.parent` or `os.path.dirname(path)` for the path keyed `key`."""
    if isinstance(target, ast.Attribute) and target.attr == "parent":
        return expression_key(target.value) == key
    if isinstance(target, ast.Call) and context.call_name(target) == "os.path.dirname":
        argument = context.argument(target, 0, "p")
        return argument is not None and expression_key(argument) == key
    return False


def _private_folder_before(
    path: ast.expr, earlier: list[ast.Call], context: ModuleContext, function: Function
) -> bool:
    """Whether a call before the creation restricts the file's folder to its owner: others
    cannot search it, so they cannot open the file in the window before the chmod."""
    keys = _parent_keys(path, context, function)
    key = expression_key(path)
    for call in earlier:
        name = context.call_name(call)
        if name in _CHMODS:
            target = context.argument(call, 0, "path")
            mode_node = context.argument(call, 1, "mode")
        elif name is None and isinstance(call.func, ast.Attribute) and call.func.attr == "chmod":
            target = call.func.value
            mode_node = context.argument(call, 0, "mode")
        else:
            continue
        if target is None or not (
            expression_key(target) in keys or _names_parent_of(target, key, context)
        ):
            continue
        mode = fold_flags(mode_node, context)
        if mode_node is not None and mode is not None and not mode & _GROUP_AND_OTHERS_BITS:
            return True
    return False
