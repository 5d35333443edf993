"""CWE-377: temporary files created under names another local user can predict.

Two patterns: `tempfile.mktemp()` (a name, not a file, so a race by design), and files written at
a predictable path in a shared temporary directory (`/tmp/app.log`, `os.path.join(
tempfile.gettempdir(), "cache.db")`). Only writes are reported: the symlink and pre-creation
attacks work against the process that creates or truncates the file. Reading a fixed path in /tmp
is not reported; whether its content is trusted is beyond what a pattern can see, and the fix
belongs to the code that creates the file. A name a class keeps (`self.pidfile = "/tmp/%s.pid" %
name`) and writes in another method is reported where it is assigned: that is where it is chosen.
So is a command-line option's default (`parser.add_argument("--log-file",
default="/tmp/app.log")`) when the module writes that option's attribute
(`RotatingFileHandler(options.log_file)`): the parsed namespace holds the default whenever the
flag is left out.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.assignments import assigned_value
from secreview.analysis.rules._support.file_creation import opener_name
from secreview.analysis.rules._support.flags import fold_flags
from secreview.analysis.rules._support.options import option_default, option_dest
from secreview.analysis.rules._support.temp_paths import temp_path
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of

# name -> (position, keyword, default) of the mode argument; None mode means "always writes".
_OPENERS: dict[str, tuple[int, str, str] | None] = {
    "open": (1, "mode", "r"),
    "io.open": (1, "mode", "r"),
    "codecs.open": (1, "mode", "r"),
    "logging.FileHandler": (1, "mode", "a"),
    "logging.handlers.RotatingFileHandler": (1, "mode", "a"),
    "logging.handlers.WatchedFileHandler": (1, "mode", "a"),
    "logging.handlers.TimedRotatingFileHandler": None,
}
_COPY_DESTINATIONS = frozenset({"shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.move"})
_PATH_WRITE_METHODS = frozenset({"write_text", "write_bytes", "touch"})
_OS_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_EXCLUSIVE_CREATE = os.O_CREAT | os.O_EXCL


def _writes(call: ast.Call, name: str, context: ModuleContext) -> bool | None:
    """Whether the opener `name` creates or writes the file (None: mode unknown, assume it does).

    Exclusive creation (`open(..., "x")`, `os.O_CREAT | os.O_EXCL`) fails on an existing file or
    symlink instead of following it, which is the fix, so it counts as not writing insecurely.
    """
    if name == "os.open":
        flags = fold_flags(context.argument(call, 1, "flags"), context)
        if flags is None:
            return None
        exclusive = flags & _EXCLUSIVE_CREATE == _EXCLUSIVE_CREATE
        return bool(flags & _OS_WRITE_FLAGS) and not exclusive
    mode_argument = _OPENERS.get(name)
    if mode_argument is None:
        return True
    position, keyword, default = mode_argument
    return _mode_writes(call, position, keyword, default, context)


def _mode_writes(
    call: ast.Call, position: int, keyword: str, default: str, context: ModuleContext
) -> bool | None:
    """Whether the `open`-style mode argument of `call` writes without exclusive creation."""
    mode_node = context.argument(call, position, keyword)
    mode = default if mode_node is None else context.constant_value(mode_node)
    if not isinstance(mode, str):
        return None
    return "x" not in mode and any(flag in mode for flag in "wa+")


def _written_path(call: ast.Call, context: ModuleContext) -> tuple[ast.expr, bool | None] | None:
    """(path expression, writes?) when `call` opens or creates a file, else None."""
    name = opener_name(call, context)
    if name in _OPENERS or name == "os.open":
        path = context.argument(call, 0, "file" if name != "os.open" else "path")
        if path is None:
            path = context.argument(call, 0, "filename")
        return (path, _writes(call, name, context)) if path is not None else None
    if name in _COPY_DESTINATIONS:
        destination = context.argument(call, 1, "dst")
        return (destination, True) if destination is not None else None
    if isinstance(call.func, ast.Attribute):
        method = call.func.attr
        if method in _PATH_WRITE_METHODS:
            return call.func.value, True
        if method == "open":
            return call.func.value, _mode_writes(call, 0, "mode", "r", context)
    return None


@rule(
    id="insecure-tempfile-mktemp",
    name="Race-prone temporary file name from tempfile.mktemp",
    cwe=377,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="tempfile.mktemp returns a name that another process can claim before it is opened.",
    fix="Use `tempfile.NamedTemporaryFile(delete=False)` or `tempfile.mkstemp()`, which create "
    "and open the file in one step (O_EXCL, mode 0600), or `tempfile.mkdtemp()` for a private "
    "directory.",
    what_it_does="Reports every call of `tempfile.mktemp`, whatever it was imported as.",
    why_bad="`mktemp` only checks that the name is free and returns it; between that check and "
    "the open, another local user can create the file or a symlink with that name. The program "
    "then writes into the attacker's file, or through the symlink into any file it may write. "
    "Python's documentation has deprecated the function for this reason since Python 2.3.",
    example="import tempfile\n\npath = tempfile.mktemp(suffix='.csv')\nwith open(path, 'w') as out:"
    "\n    out.write(report)",
    use_instead="import tempfile\n\nwith tempfile.NamedTemporaryFile('w', suffix='.csv', "
    "delete=False) as out:\n    out.write(report)",
    references=(
        "https://docs.python.org/3/library/tempfile.html#tempfile.mktemp",
        "https://docs.python.org/3/library/tempfile.html#tempfile.mkstemp",
        "https://cwe.mitre.org/data/definitions/377.html",
    ),
    calls=frozenset({"tempfile.mktemp"}),
)
def insecure_tempfile_mktemp(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report `tempfile.mktemp()`: the name can be taken between the check and the use."""
    assert isinstance(node, ast.Call)
    if context.call_name(node) != "tempfile.mktemp":
        return
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` returns a file name without creating the file; "
        "another local user can create it or a symlink with that name first and have this "
        "program write into a file of their choosing.",
    )


@rule(
    id="predictable-temp-file",
    name="File written at a predictable path in a shared temporary directory",
    cwe=377,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="A file is created or written at a guessable name in /tmp or tempfile.gettempdir().",
    fix="Create the file with `tempfile.NamedTemporaryFile()` or `tempfile.mkstemp()` (random "
    "name, O_EXCL, mode 0600), or keep fixed names inside a private directory from "
    "`tempfile.mkdtemp()` or the application's own data directory.",
    what_it_does="Reports files opened for writing or appending (`open`, Python 2's `file`, "
    "`io.open`, "
    "`codecs.open`, `os.open` without `O_EXCL`, logging file handlers, `shutil.copy` "
    "destinations, `Path.write_text`/`write_bytes`/`touch`/`open('w')`) whose path is a fixed or "
    "guessable name directly in `/tmp`, `/var/tmp`, `/dev/shm` or `tempfile.gettempdir()`: "
    "a constant, `os.path.join` or `/` of the temporary directory with a constant, or a name "
    "built (`%`, `.format`, f-string, `+`) from the pid or the time (high confidence) or from "
    "another value (medium confidence). A path a class keeps in an attribute (`self.pidfile "
    "= '/tmp/%s.pid' % name`, or a class attribute) is reported where it is assigned when a "
    "method of the class writes `self.pidfile`; that assignment is where the name is chosen. "
    "So is an argparse/optparse option's `default=` when the module writes that option's "
    "attribute (`open(options.log_file, 'w')` for `--log-file`). "
    "Exclusive creation (`open(path, 'x')`, `os.O_CREAT | os.O_EXCL`) and names "
    "with a `uuid4`/`secrets` part are not reported; reading a file in /tmp is not reported.",
    why_bad="Every local user can write to the shared temporary directory. Whoever creates the "
    "name first decides what it is: a symlink to `~/.bashrc` or `/etc/passwd` turns this "
    "program's write into an overwrite of that file with this program's privileges, and a "
    "file they own lets them read or alter what the program writes.",
    example="with open('/tmp/report.csv', 'w') as out:\n    out.write(report)",
    use_instead="import tempfile\n\nwith tempfile.NamedTemporaryFile('w', suffix='.csv', "
    "delete=False) as out:\n    out.write(report)",
    references=(
        "https://docs.python.org/3/library/tempfile.html",
        "https://docs.python.org/3/library/os.html#os.open",
        "https://cwe.mitre.org/data/definitions/377.html",
    ),
    visits=(ast.Call, ast.Assign, ast.AnnAssign),
)
def predictable_temp_file(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report writes to guessable names in a shared temporary directory."""
    if isinstance(node, ast.Assign | ast.AnnAssign):
        yield from _held_temp_path(node, context)
        return
    assert isinstance(node, ast.Call)
    yield from _option_default(node, context)
    written = _written_path(node, context)
    if written is None:
        return
    path, writes = written
    if writes is False:
        return
    found = temp_path(path, context)
    if found is None:
        return
    confidence = found if writes else Confidence.LOW
    writer = (
        f"`{context.one_line(node.func)}`"
        if context.call_name(node)
        else f"`.{node.func.attr}()`"
        if isinstance(node.func, ast.Attribute)
        else "This call"
    )
    yield Hit(
        node=node,
        message=f"{writer} writes to {_describe_path(path, context)}, a guessable name in a "
        "directory every local user can write to; whoever creates it first (for example as a "
        "symlink) decides which file this program actually overwrites.",
        confidence=confidence,
    )


def _describe_path(path: ast.expr, context: ModuleContext) -> str:
    """`path` as written, plus what a name stands for: "`LOCK_FILE` ('/tmp/app.lock')"."""
    shown = f"`{context.one_line(path)}`"
    value = context.constant_value(path)
    if isinstance(value, str) and not isinstance(path, ast.Constant):
        return f"{shown} ({value!r})"
    assigned = assigned_value(path, context)
    return f"{shown} (`{context.one_line(assigned)}`)" if assigned is not path else shown


def _held_temp_path(assign: ast.Assign | ast.AnnAssign, context: ModuleContext) -> Iterator[Hit]:
    """`self.pidfile = "/tmp/%s.pid" % name` in a class one of whose methods writes it."""
    targets = assign.targets if isinstance(assign, ast.Assign) else [assign.target]
    if len(targets) != 1 or assign.value is None:
        return
    held = _held_attribute(targets[0], context)
    if held is None:
        return
    found = temp_path(assign.value, context)
    if found is None:
        return
    writes = context.derived(_attribute_writes).get(held)
    if not writes:
        return
    yield _written_guessable_name(
        assign,
        f"`{context.one_line(targets[0])}` is set to `{context.one_line(assign.value)}`",
        writes[0],
        found,
        context,
    )


def _held_attribute(node: ast.AST, context: ModuleContext) -> tuple[int, str] | None:
    """(id of the class, attribute) for `self.path` in a method, or `path = ...` in a class body."""
    if isinstance(node, ast.Name):
        statement = context.parent(node)
        owner = context.parent(statement) if statement is not None else None
        return (id(owner), node.id) if isinstance(owner, ast.ClassDef) else None
    if not isinstance(node, ast.Attribute) or not isinstance(node.value, ast.Name):
        return None
    method = context.enclosing_function(node)
    owner = context.parent(method) if method is not None else None
    arguments = [*method.args.posonlyargs, *method.args.args] if method is not None else []
    if not isinstance(owner, ast.ClassDef) or not arguments:
        return None
    return (id(owner), node.attr) if arguments[0].arg == node.value.id else None


def _attribute_writes(context: ModuleContext) -> dict[tuple[int, str], list[tuple[ast.Call, bool]]]:
    """(class, attribute) -> the calls of its methods writing the path `self.<attribute>`, and
    whether each surely writes (False: the mode is unknown). Built once per module."""
    found: dict[tuple[int, str], list[tuple[ast.Call, bool]]] = {}
    for node in nodes_of(context, ast.Call):
        written = _written_path(node, context)
        if written is None or written[1] is False or not isinstance(written[0], ast.Attribute):
            continue
        held = _held_attribute(written[0], context)
        if held is not None:
            found.setdefault(held, []).append((node, bool(written[1])))
    return found


def _option_default(call: ast.Call, context: ModuleContext) -> Iterator[Hit]:
    """`parser.add_argument("--log-file", default="/tmp/app.log")` whose option the module
    writes (`open(options.log_file, "w")`, `RotatingFileHandler(args.log_file)`): the parsed
    namespace holds the default whenever the flag is not given, so the default is where the
    guessable name is chosen, as `self.pidfile = "/tmp/..."` is for a class."""
    default = option_default(call)
    if default is None or (found := temp_path(default, context)) is None:
        return
    dest = option_dest(call, context)
    writes = context.derived(_option_writes).get(dest) if dest else None
    if not writes:
        return
    yield _written_guessable_name(
        default,
        f"The option `{dest}` defaults to `{context.one_line(default)}`",
        writes[0],
        found,
        context,
    )


def _written_guessable_name(
    node: ast.AST,
    chosen: str,
    write: tuple[ast.Call, bool],
    found: Confidence,
    context: ModuleContext,
) -> Hit:
    """The finding at `node`, where the guessable name is `chosen`, for the call that writes
    it (and whether it surely does: else low confidence)."""
    call, certain = write
    return Hit(
        node=node,
        message=f"{chosen}, a guessable name in a directory every local user can write to, and "
        f"`{context.one_line(call)}` writes it; whoever creates that name first (for example as "
        "a symlink) decides which file this program actually overwrites.",
        evidence=((call, "the file is opened for writing here"),),
        confidence=found if certain else Confidence.LOW,
    )


def _option_writes(context: ModuleContext) -> dict[str, list[tuple[ast.Call, bool]]]:
    """Attribute name -> the calls writing the path `<name>.<attribute>` of a plain name other
    than `self`/`cls` (a parsed options namespace: `options.log_file`), and whether each surely
    writes. Built once per module."""
    found: dict[str, list[tuple[ast.Call, bool]]] = {}
    for node in nodes_of(context, ast.Call):
        written = _written_path(node, context)
        if written is None or written[1] is False:
            continue
        path = written[0]
        if not (isinstance(path, ast.Attribute) and isinstance(path.value, ast.Name)):
            continue
        if path.value.id not in {"self", "cls"}:
            found.setdefault(path.attr, []).append((node, bool(written[1])))
    return found
