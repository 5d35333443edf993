"""CWE-732: permission bits that let other local users change files, or read secret ones.

Modes are folded to numbers, including the `stat.S_I*` and `os.O_*` names (see `_flags`), so
`0o777`, `511` and `stat.S_IRWXU | stat.S_IRWXO` are judged alike. Creating calls (`os.open`,
`os.mkdir`, `Path.touch`, ...) pass their mode through the umask, which removes write access for
others by default: `os.open(path, flags, 0o666)` is the ordinary way to create a 0o644 file, so
only `chmod` (applied as written) and the umask itself are judged for world-writable modes. Read
access for others survives the usual umask, so secret files are judged on every call.
"""

from __future__ import annotations

import ast
import stat
from collections.abc import Iterator
from typing import NamedTuple

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.flags import fold_flags
from secreview.analysis.rules._support.secret_text import name_words
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

# qualified name -> (position, keyword) of the path argument and of the mode argument
_MODE_SETTERS: dict[str, tuple[tuple[int, str], tuple[int, str]]] = {
    "os.chmod": ((0, "path"), (1, "mode")),
    "os.lchmod": ((0, "path"), (1, "mode")),
    "os.fchmod": ((0, "fd"), (1, "mode")),
    "os.mkdir": ((0, "path"), (1, "mode")),
    "os.makedirs": ((0, "name"), (1, "mode")),
    "os.open": ((0, "path"), (2, "mode")),
    "os.mkfifo": ((0, "path"), (1, "mode")),
}
# Methods that take a mode whatever the receiver is (pathlib.Path and look-alikes).
_MODE_METHODS = frozenset({"chmod", "lchmod", "mkdir", "touch"})
# Operations that apply the mode as written; the others create and go through the umask.
_CHMODS = frozenset({"chmod", "lchmod", "fchmod"})

_SECRET_FILE_WORDS = frozenset(
    {
        "key", "keys", "pem", "secret", "secrets", "token", "tokens", "password", "passwords",
        "passwd", "credential", "credentials", "creds", "ssh", "rsa", "dsa", "ecdsa", "ed25519",
        "p12", "pfx", "jks", "keystore", "pgpass", "netrc", "htpasswd", "shadow", "privkey",
        "apikey", "kubeconfig", "vault",
    }
)  # fmt: skip
# Public halves and public material are meant to be readable.
_PUBLIC_FILE_WORDS = frozenset(
    {"public", "pub", "cert", "certs", "crt", "certificate", "known", "authorized", "hosts"}
)
# The only calls either rule judges (`os.umask` and the calls `_mode_call` knows).
_MODE_CALLS = frozenset({"os.umask", *_MODE_SETTERS})


class _ModeCall(NamedTuple):
    """A call that sets permission bits: what it is called, the path it acts on, and the mode."""

    label: str
    operation: str
    path: ast.expr | None
    mode_node: ast.expr
    mode: int


def _mode_call(call: ast.Call, context: ModuleContext) -> _ModeCall | None:
    """The permission-setting call `call` is, when its mode is known before run time."""
    name = context.call_name(call)
    if name in _MODE_SETTERS:
        (path_position, path_keyword), (mode_position, mode_keyword) = _MODE_SETTERS[name]
        path = context.argument(call, path_position, path_keyword)
        mode_node = context.argument(call, mode_position, mode_keyword)
        label = name
    elif name is None and isinstance(call.func, ast.Attribute) and call.func.attr in _MODE_METHODS:
        label = f".{call.func.attr}()"
        if len(call.args) >= 2:  # SFTP-style `client.chmod(path, mode)`
            path, mode_node = call.args[0], call.args[1]
        else:  # pathlib-style `path.chmod(mode)`
            path, mode_node = call.func.value, context.argument(call, 0, "mode")
    else:
        return None
    mode = fold_flags(mode_node, context)
    if mode_node is None or mode is None:
        return None
    operation = label.strip(".()").rpartition(".")[2]
    return _ModeCall(label, operation, path, mode_node, mode)


def _shown_mode(found: _ModeCall, context: ModuleContext) -> str:
    """The mode as written, with its octal value when it was written otherwise."""
    written = context.one_line(found.mode_node)
    octal = oct(found.mode)
    return f"`{written}`" if written == octal else f"`{written}` ({octal})"


def _looks_secret(path: ast.expr | None, context: ModuleContext) -> bool:
    """Whether the path (its value or the names it is built from) suggests secret content."""
    if path is None:
        return False
    value = context.constant_value(path)
    text = value if isinstance(value, str) else context.segment(path)
    words = set(name_words(text))
    return bool(words & _SECRET_FILE_WORDS) and not words & _PUBLIC_FILE_WORDS


_REMOVALS = frozenset({"os.remove", "os.unlink", "os.rmdir", "shutil.rmtree"})


def _removed_next(call: ast.Call, path: ast.expr | None, context: ModuleContext) -> bool:
    """Whether the statement right after the chmod deletes the same path: `os.chmod(p, 0o777)`
    then `os.remove(p)` clears a read-only bit before a removal (a cache folder emptied), and
    nothing is left for another user to write."""
    statement = context.parent(call)
    block = context.parent(statement) if isinstance(statement, ast.Expr) else None
    if path is None or block is None:
        return False
    for field in ("body", "orelse", "finalbody"):
        statements = getattr(block, field, None)
        if isinstance(statements, list) and statement in statements:
            index = statements.index(statement)
            following = statements[index + 1] if index + 1 < len(statements) else None
            removal = following.value if isinstance(following, ast.Expr) else None
            return (
                isinstance(removal, ast.Call)
                and context.call_name(removal) in _REMOVALS
                and bool(removal.args)
                and ast.dump(removal.args[0]) == ast.dump(path)
            )
    return False


def _reads_umask(call: ast.Call, context: ModuleContext) -> bool:
    """`old = os.umask(0); os.umask(old)`: the only way to read the umask, restored at once, also
    as one call (`os.umask(os.umask(0))`) or restored to a mask made from the old one
    (`os.umask(old | 0o022)`, `os.umask(old and 0o077)`), which is no looser than it was."""
    statement = context.parent(call)
    if isinstance(statement, ast.Call) and context.call_name(statement) == "os.umask":
        return context.argument(statement, 0, "mask") is call
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        return False
    saved = statement.targets[0].id
    scope = context.enclosing_function(call) or context.tree
    return any(
        isinstance(other, ast.Call)
        and context.call_name(other) == "os.umask"
        and (argument := context.argument(other, 0, "mask")) is not None
        and any(isinstance(n, ast.Name) and n.id == saved for n in ast.walk(argument))
        for other in ast.walk(scope)
    )


@rule(
    id="world-writable-permissions",
    name="File or directory writable by every local user",
    cwe=732,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="A chmod mode or the umask lets every local user write the file.",
    fix="Use the narrowest mode that works: 0o600 (files) or 0o700 (directories) for private "
    "data, 0o644 or 0o755 at most for public ones; to share, give a dedicated group access "
    "(0o660, 0o770) instead of everyone, and keep the umask at 0o022 or stricter.",
    what_it_does="Reports `os.chmod`, `os.lchmod`, `os.fchmod` and the `.chmod()` method of "
    "paths (and of SFTP clients) when the mode, folded to a number (`0o777`, `511`, "
    "`stat.S_IRWXU | stat.S_IWOTH`), grants write access to others (`mode & 0o002`), and "
    "`os.umask` values that stop masking that bit (except `old = os.umask(0)` followed by "
    "`os.umask(old)` or a mask made from `old`, and `os.umask(os.umask(0))`: the idioms for "
    "reading the umask). A sticky mode (0o1777, as on /tmp) "
    "is reported at low severity. Modes given to `os.open`, `os.mkdir`, `os.makedirs` or "
    "`Path.mkdir` are not: the umask removes write access for others from them, and 0o666 "
    "or 0o777 there is the ordinary default.",
    why_bad="Any account on the machine, including a compromised service account, can then "
    "change the file: replace a script or configuration the program later runs or trusts, "
    "plant data, or truncate logs. In a world-writable directory without the sticky bit they "
    "can also delete or swap other users' files.",
    example='os.chmod("deploy.sh", 0o777)',
    use_instead='os.chmod("deploy.sh", 0o755)  # owner writes, others read and run',
    references=(
        "https://docs.python.org/3/library/os.html#os.chmod",
        "https://docs.python.org/3/library/os.html#os.umask",
        "https://docs.python.org/3/library/stat.html",
        "https://cwe.mitre.org/data/definitions/732.html",
    ),
    calls=_MODE_CALLS,
    methods=_MODE_METHODS,
)
def world_writable_permissions(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report modes and umasks that let every local user write."""
    assert isinstance(node, ast.Call)
    if context.call_name(node) == "os.umask":
        mask_node = context.argument(node, 0, "mask")
        mask = fold_flags(mask_node, context)
        if mask_node is None or mask is None or mask & stat.S_IWOTH:
            return
        if not _reads_umask(node, context):
            yield Hit(
                node=node,
                message=f"`{context.one_line(node)}` stops masking write access for others, so "
                "every file and directory this process creates afterwards with the default "
                "modes is writable by every local user.",
                severity=Severity.MEDIUM,
            )
        return
    found = _mode_call(node, context)
    if found is None or found.operation not in _CHMODS or not found.mode & stat.S_IWOTH:
        return
    if _removed_next(node, found.path, context):
        return  # made writable only so that the next statement can delete it
    target = f"`{context.one_line(found.path)}`" if found.path is not None else "the file"
    if found.mode & stat.S_ISVTX:  # the sticky bit only means something on a directory
        yield Hit(
            node=node,
            message=f"`{found.label}` gives {target} mode {_shown_mode(found, context)}: every "
            "local user may create files in it (the sticky bit stops them deleting each "
            "other's), which is only right for a deliberately shared directory.",
            severity=Severity.LOW,
            confidence=Confidence.MEDIUM,
        )
        return
    yield Hit(
        node=node,
        message=f"`{found.label}` gives {target} mode {_shown_mode(found, context)}, writable by "
        "every local user; any of them can replace what the program later reads, runs or "
        "trusts there.",
    )


@rule(
    id="exposed-secret-file-permissions",
    name="Secret file readable by other users",
    cwe=732,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A key, token or password file is given a mode that others can read (or the group "
    "can write).",
    fix="Give files that hold keys, tokens or passwords mode 0o600 and their directories "
    "0o700, for example `os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)` when "
    "creating them; 0o640 with a dedicated group if a service must read them.",
    what_it_does="Reports the same calls as `world-writable-permissions` when the path, by "
    "its value or the names it is built from, suggests secret content (`key`, `pem`, `secret`, "
    "`token`, `password`, `credentials`, `.ssh`, `id_rsa`, `.netrc`, …, but not `public`, "
    "`.pub` or certificates) and the mode lets others read it (`mode & 0o004`) or the group "
    "write it (`mode & 0o020`). World-writable modes are left to `world-writable-permissions`.",
    why_bad="Every local account, including the one of any compromised service on the "
    "machine, can copy the key or token and use it elsewhere; tools such as ssh refuse private "
    "keys that others can read for this reason. A group-writable key file lets group members "
    "swap the key.",
    example='os.chmod(os.path.expanduser("~/.ssh/id_rsa"), 0o644)',
    use_instead='os.chmod(os.path.expanduser("~/.ssh/id_rsa"), 0o600)',
    references=(
        "https://docs.python.org/3/library/os.html#os.chmod",
        "https://docs.python.org/3/library/os.html#os.open",
        "https://man.openbsd.org/ssh#FILES",
        "https://cwe.mitre.org/data/definitions/732.html",
    ),
    calls=_MODE_CALLS,
    methods=_MODE_METHODS,
)
def exposed_secret_file_permissions(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report secret-looking files given modes that others can read or the group can write."""
    assert isinstance(node, ast.Call)
    found = _mode_call(node, context)
    if found is None or found.mode & stat.S_IWOTH:
        return
    if not found.mode & (stat.S_IROTH | stat.S_IWGRP) or not _looks_secret(found.path, context):
        return
    who = "readable by every local user" if found.mode & stat.S_IROTH else "writable by its group"
    yield Hit(
        node=node,
        message=f"`{found.label}` gives `{context.one_line(found.path)}`, which looks like it "
        f"holds a secret, mode {_shown_mode(found, context)}: {who}, so other accounts on the "
        "machine can take or swap the secret.",
    )
