"""CWE-772: a file, socket, process, connection or temporary file not released on every path.

A function that acquires a handle and neither hands it on nor releases it in a `with` or a
`finally` leaks it whenever an exception (or an early `return`) skips the `close()`; in a
long-running service each leaked descriptor, connection or child process stays until the worker
dies, and enough of them exhaust the process's file descriptors or the database's connection
slots. The escape analysis is in `_support/resource_lifetime.py`; this module knows the APIs.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.local_bindings import made_by
from secreview.analysis.rules._support.own_scope import nodes_owned_by, owner_scope
from secreview.analysis.rules._support.resource_lifetime import (
    Fate,
    Function,
    HandleKind,
    follow,
    redirects_standard_stream,
    releases_every_time,
    skipping_exits,
)
from secreview.analysis.rules._support.web_handlers import scope_nodes
from secreview.analysis.rules._support.wrapped_files import wraps_file_object
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of

_CLOSE = frozenset({"close"})
_FILE = HandleKind("file", _CLOSE)
_SOCKET = HandleKind("socket", frozenset({"close", "detach"}))
_CONNECTION = HandleKind("database connection", _CLOSE)
_CURSOR = HandleKind("database cursor", _CLOSE)
_SESSION = HandleKind("HTTP session", frozenset({"close", "aclose"}))
_RESPONSE = HandleKind("HTTP response", _CLOSE)
_CLIENT = HandleKind("connection", frozenset({"close", "quit"}))
_PROCESS = HandleKind("child process", frozenset({"wait", "communicate", "poll", "__exit__"}))
_DESCRIPTOR = HandleKind("file descriptor", frozenset(), frozenset({"os.close"}))
_REMOVALS = frozenset({"os.remove", "os.unlink", "os.rmdir", "shutil.rmtree", "os.removedirs"})
_TEMP_PATH = HandleKind("temporary file", frozenset({"unlink"}), _REMOVALS, is_path=True)
_TEMP_DIR = HandleKind("temporary directory", frozenset({"rmdir"}), _REMOVALS, is_path=True)

_ACQUIRERS: dict[str, HandleKind] = {
    "open": _FILE,
    "io.open": _FILE,
    "codecs.open": _FILE,
    "gzip.open": _FILE,
    "bz2.open": _FILE,
    "lzma.open": _FILE,
    "tarfile.open": _FILE,
    "zipfile.ZipFile": _FILE,
    "socket.socket": _SOCKET,
    "socket.create_connection": _SOCKET,
    "sqlite3.connect": _CONNECTION,
    "psycopg2.connect": _CONNECTION,
    "psycopg.connect": _CONNECTION,
    "pymysql.connect": _CONNECTION,
    "MySQLdb.connect": _CONNECTION,
    "mysql.connector.connect": _CONNECTION,
    "cx_Oracle.connect": _CONNECTION,
    "oracledb.connect": _CONNECTION,
    "pyodbc.connect": _CONNECTION,
    "requests.Session": _SESSION,
    "requests.session": _SESSION,
    "httpx.Client": _SESSION,
    "httpx.AsyncClient": _SESSION,
    "aiohttp.ClientSession": _SESSION,
    "urllib.request.urlopen": _RESPONSE,
    "http.client.HTTPConnection": _CLIENT,
    "http.client.HTTPSConnection": _CLIENT,
    "ftplib.FTP": _CLIENT,
    "smtplib.SMTP": _CLIENT,
    "smtplib.SMTP_SSL": _CLIENT,
    "subprocess.Popen": _PROCESS,
    "os.open": _DESCRIPTOR,
    "tempfile.mkdtemp": _TEMP_DIR,
    "tempfile.NamedTemporaryFile": _TEMP_PATH,
}
_DATABASE_DRIVERS = (
    "sqlite3", "psycopg2", "psycopg", "pymysql", "MySQLdb", "mysql.connector", "cx_Oracle",
    "oracledb", "pyodbc",
)  # fmt: skip
_CONNECTORS = frozenset(n for n, k in _ACQUIRERS.items() if k is _CONNECTION)
_COMMITTING_CONTEXTS = frozenset({"sqlite3.connect", "psycopg2.connect"})
"""Connections whose `with` block commits or rolls back on exit but leaves them open."""
_OPENERS = frozenset({"open", "io.open", "codecs.open"})
"""Acquirers that always open a path (the others may wrap a file object: `wrapped_files`)."""
_STREAMED = frozenset(f"requests.{m}" for m in ("get", "post", "put", "patch", "request"))
_CONSUMERS = frozenset(
    {
        "print", "len", "str", "repr", "bool", "isinstance", "id", "hash", "iter", "next",
        "enumerate", "list", "tuple", "sorted", "getattr", "hasattr", "vars",
        "json.load", "json.dump", "pickle.load", "pickle.dump", "marshal.load", "marshal.dump",
        "yaml.load", "yaml.safe_load", "yaml.dump", "yaml.safe_dump", "tomllib.load",
        "csv.reader", "csv.writer", "csv.DictReader", "csv.DictWriter",
        "shutil.copyfileobj", "os.fstat", "os.fsync", "os.fchmod", "os.fchown", "os.write",
        "os.read", "os.lseek", "os.ftruncate", "os.fdatasync", "os.path.join", "os.path.exists",
        "os.path.isdir", "os.path.isfile", "os.listdir", "os.makedirs", "os.mkdir", "os.chmod",
        "os.walk", "os.scandir", "os.path.basename", "os.path.dirname", "shutil.copy",
        "shutil.copy2", "shutil.copytree", "shutil.move", "fcntl.flock", "fcntl.lockf",
        "fcntl.fcntl", "fcntl.ioctl", "select.select", "hashlib.file_digest", "logging.debug",
        "logging.info", "logging.warning", "logging.error", "logging.exception",
    }
)  # fmt: skip
"""Functions that use a handle (or a temporary path) without keeping it."""

_ACQUIRER_LIBRARIES = (
    "socket", "sqlite3", "psycopg2", "psycopg", "pymysql", "MySQLdb", "mysql", "cx_Oracle",
    "oracledb", "pyodbc", "requests", "httpx", "aiohttp", "urllib", "http", "ftplib", "smtplib",
    "subprocess", "os", "tempfile", "io", "codecs", "gzip", "bz2", "lzma", "tarfile", "zipfile",
)  # fmt: skip
_PIPED = frozenset({"stdin", "stdout", "stderr"})
_LOOKED_AT = (ast.Assign, ast.With)
"""What the rule reads in a function's own body: acquisitions and `with` blocks."""


def _kind_of(call: ast.Call, context: ModuleContext) -> HandleKind | None:
    """The kind of handle `call` acquires, or None (also for handles that clean themselves)."""
    name = context.call_name(call)
    if name in _STREAMED:
        streamed = context.constant_value(context.keyword(call, "stream")) is True
        return _RESPONSE if streamed else None
    kind = _ACQUIRERS.get(name or "")
    if kind is _FILE and name not in _OPENERS and wraps_file_object(call, context):
        return None  # `ZipFile(io.BytesIO(data))`, `ZipFile(file_buffer)`: no descriptor of its own
    if kind is _TEMP_PATH and context.constant_value(context.keyword(call, "delete")) is not False:
        return None  # deleted on close: an ordinary file handle, judged as `open` is not
    return kind


def _cursor_of_shared_connection(call: ast.Call, context: ModuleContext) -> bool:
    """`self.conn.cursor()`, `db.cursor()` on a connection this function did not open.

    A cursor of a connection opened here goes when that connection is closed (and the
    connection's own leak is reported); on a long-lived connection it holds its statement and
    result set, and in SQLite the lock they take, until it is closed or collected.
    """
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "cursor"):
        return False
    if call.args or call.keywords or not context.imports_any(_DATABASE_DRIVERS):
        return False
    return made_by(context, call.func.value, _CONNECTORS) is None


def _acquisitions(
    function: Function, context: ModuleContext
) -> Iterator[tuple[ast.Assign, ast.Call, str, HandleKind]]:
    """`name = acquire(...)` statements in `function`'s own body."""
    for node in nodes_owned_by(context, function, _LOOKED_AT):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        value = node.value.value if isinstance(node.value, ast.Await) else node.value
        if not isinstance(value, ast.Call):
            continue
        kind = _CURSOR if _cursor_of_shared_connection(value, context) else _kind_of(value, context)
        target = node.targets[0]
        if kind is not None and isinstance(target, ast.Name):
            yield node, value, target.id, kind


def _bound_once(
    function: Function, acquisition: ast.Assign, name: str, context: ModuleContext
) -> bool:
    """Whether `name` is bound only by `acquisition` (or to `None` beforehand)."""
    if name in {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}:
        return False
    for node in scope_nodes(function.body):
        if not (isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)):
            continue
        parent = context.parent(node)
        if parent is acquisition:
            continue
        if isinstance(parent, ast.Assign) and context.constant_value(parent.value) is None:
            continue
        return False
    return True


def _never_released_matters(call: ast.Call, kind: HandleKind, context: ModuleContext) -> bool:
    """A child process never waited for is a leak only when it has pipes to the parent;
    started alone it is often meant to outlive the call (a browser, a daemon)."""
    if kind is not _PROCESS:
        return True
    return any(k.arg in _PIPED for k in call.keywords)


@rule(
    id="resource-leak",
    name="Resource not released on every path",
    cwe=772,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="A file, socket, child process, database connection, HTTP session or temporary "
    "file acquired in a function is not released on every path.",
    fix="Acquire it in a `with` statement (or `contextlib.closing(...)`), or release it in a "
    "`finally` block.",
    what_it_does="Follows a handle bound by `open`, `socket.socket`, `subprocess.Popen`, "
    "`sqlite3/psycopg2/pymysql.connect`, `requests.Session`, `httpx.Client`, "
    "`aiohttp.ClientSession`, `urlopen`, `http.client`/`ftplib`/`smtplib` clients, `os.open`, "
    "cursors of a long-lived database connection (`self.conn.cursor()`), "
    "`requests.get(..., stream=True)`, `tempfile.mkdtemp` and "
    "`tempfile.NamedTemporaryFile(delete=False)` through its function. It stays quiet when the "
    "handle is used in a `with`, released in a `finally`, returned, yielded, stored on an "
    "object or in a container, captured by a nested function, or passed to a function that "
    "may keep it (`contextlib.closing`, `ExitStack.enter_context`, a wrapper), or made a "
    "standard stream (`os.dup2(f.fileno(), sys.stdout.fileno())`, `sys.stdout = f`: kept "
    "open on purpose for the life of the process); a temporary path moved away "
    "(`os.replace(tmp.name, path)`) or moved or removed by a helper of the module or class "
    "(`_tidy(tmp)`, `self._move(tmp.name, dest)`) is released; an archive read from memory "
    "or from a file object it was handed (`ZipFile(io.BytesIO(data))`, "
    "`tarfile.open(fileobj=f)`, `ZipFile(file_buffer)`) holds no descriptor of its own. It "
    "reports a handle never released (high confidence), and one released only on the normal "
    "path when a `return`, a `raise` or a call that can raise lies between acquisition and release "
    "(medium confidence), naming that statement. It also reports `with sqlite3.connect(...) "
    "as conn:` (and `psycopg2.connect`) when the connection is not closed after: those "
    "context managers end the transaction, not the connection.",
    why_bad="Each leaked handle holds a file descriptor, a socket, a database connection slot, "
    "a zombie process or disk space until the garbage collector happens to run, which in "
    "PyPy or with reference cycles may be never. Under load or error storms (exactly when "
    "exception paths run) a service runs out of descriptors (`EMFILE`) or connections and "
    "stops serving everyone: a denial of service an attacker can trigger by sending requests "
    "that fail.",
    example="def save(path, data):\n"
    "    f = open(path, 'w')\n"
    "    json.dump(data, f)  # raises on unserialisable data: f is never closed\n"
    "    f.close()",
    use_instead="def save(path, data):\n    with open(path, 'w') as f:\n        json.dump(data, f)",
    references=(
        "https://docs.python.org/3/reference/compound_stmts.html#the-with-statement",
        "https://docs.python.org/3/library/contextlib.html#contextlib.closing",
        "https://docs.python.org/3/library/devmode.html#resourcewarning-example",
        "https://cwe.mitre.org/data/definitions/772.html",
    ),
    visits=(ast.FunctionDef, ast.AsyncFunctionDef),
)
def resource_leak(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report handles a function acquires and does not release on every path."""
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    if not context.imports_any(_ACQUIRER_LIBRARIES) and not _opens_files(node, context):
        return
    yield from _connections_left_open_by_with(node, context)
    for acquisition, call, name, kind in _acquisitions(node, context):
        if not _bound_once(node, acquisition, name, context):
            continue
        if kind is _FILE and redirects_standard_stream(node, name, context):
            continue
        fate = follow(node, acquisition, name, kind, _CONSUMERS, context)
        if fate.escape is not None or fate.finally_release is not None:
            continue
        if fate.handler_release is not None and fate.releases:
            continue
        hit = _judge_releases(node, acquisition, call, name, kind, fate, context)
        if hit is not None:
            yield hit


def _connections_left_open_by_with(function: Function, context: ModuleContext) -> Iterator[Hit]:
    """`with sqlite3.connect(p) as conn:`: the block ends the transaction, not the connection."""
    for node in nodes_owned_by(context, function, _LOOKED_AT):
        if not isinstance(node, ast.With):
            continue
        for item in node.items:
            call = item.context_expr
            if not isinstance(call, ast.Call) or not isinstance(item.optional_vars, ast.Name):
                continue
            called = context.call_name(call)
            if called not in _COMMITTING_CONTEXTS:
                continue
            name = item.optional_vars.id
            fate = follow(function, node, name, _CONNECTION, _CONSUMERS, context)
            if fate.escape or fate.releases or fate.finally_release or fate.handler_release:
                continue
            yield Hit(
                node=call,
                message=f"`with {context.one_line(call)} as {name}:` commits or rolls back when "
                f"the block ends but does not close the connection: `{called}` connections "
                "are context managers for transactions only, so this one stays open until the "
                "garbage collector gets to it.",
                fix=f"Close it too: `with contextlib.closing({context.one_line(call)}) as "
                f"{name}, {name}:`, or call `{name}.close()` in a `finally` block.",
            )


def _opens_files(function: Function, context: ModuleContext) -> bool:
    """Whether the function's own body calls a builtin `open` (checked before resolving
    names)."""
    return id(function) in context.derived(_functions_opening_files)


def _functions_opening_files(context: ModuleContext) -> frozenset[int]:
    """The functions (by id) whose own body calls `open`, from one pass over the module."""
    owners = (
        owner_scope(context, call)
        for call in nodes_of(context, ast.Call)
        if isinstance(call.func, ast.Name) and call.func.id == "open"
    )
    return frozenset(id(owner) for owner in owners if owner is not None)


def _judge_releases(
    function: Function,
    acquisition: ast.Assign,
    call: ast.Call,
    name: str,
    kind: HandleKind,
    fate: Fate,
    context: ModuleContext,
) -> Hit | None:
    """The finding for a handle that is not handed on: never released, or skippable."""
    acquired = f"`{context.one_line(acquisition)}`"
    present, past = _verbs(kind)
    unconditional = [
        r for r in fate.releases if releases_every_time(r, acquisition, fate.names, context)
    ]
    if not fate.releases and fate.handler_release is None:
        if not _never_released_matters(call, kind, context):
            return None
        return Hit(
            node=call,
            message=f"{acquired} acquires a {kind.noun} that this function never {present}, "
            f"returns or stores: {_left_behind(kind)}",
            fix=_fix(kind, name),
            severity=Severity.LOW if kind is _CURSOR else None,  # its connection bounds it
        )
    if not unconditional:
        return None  # released on some paths only, under conditions we cannot judge
    release = unconditional[0]
    exit_node = next(skipping_exits(function, acquisition, release, fate, context), None)
    if exit_node is None:
        return None
    line = getattr(release, "lineno", "?")
    how = _exit_words(exit_node, context)
    return Hit(
        node=call,
        message=f"{acquired} acquires a {kind.noun} that is {past} at line {line} only on the "
        f"normal path: {how} leaves it behind.",
        fix=_fix(kind, name),
        evidence=((exit_node, "leaves the function without the release"), (release, "the release")),
        confidence=Confidence.MEDIUM,
        severity=Severity.MEDIUM if isinstance(exit_node, ast.Return) else Severity.LOW,
    )


def _left_behind(kind: HandleKind) -> str:
    """What becomes of a handle nobody releases."""
    if kind.is_path:
        return "it stays on disk after the function returns, for good."
    return "it stays open until the garbage collector gets to it."


def _verbs(kind: HandleKind) -> tuple[str, str]:
    """How releasing this kind is said: ('closes', 'closed')."""
    if kind.is_path:
        return "removes", "removed"
    if "wait" in kind.release_methods:
        return "waits for", "waited for"
    return "closes", "closed"


def _exit_words(node: ast.AST, context: ModuleContext) -> str:
    """'an exception raised by `f(x)` at line N' or 'the `return` at line N'."""
    line = getattr(node, "lineno", "?")
    if isinstance(node, ast.Return):
        return f"the `return` at line {line}"
    if isinstance(node, ast.Raise):
        return f"the `raise` at line {line}"
    return f"an exception raised by `{context.one_line(node, 50)}` at line {line}"


def _fix(kind: HandleKind, name: str) -> str:
    """The concrete change for this kind of handle."""
    if kind is _TEMP_DIR:
        return (
            f"Use `with tempfile.TemporaryDirectory() as {name}:`, or remove it with "
            f"`shutil.rmtree({name})` in a `finally` block."
        )
    if kind is _TEMP_PATH:
        return (
            f"Remove the file in a `finally` block (`os.unlink({name}.name)`), or keep "
            "`delete=True` and use it inside the `with`."
        )
    if kind is _PROCESS:
        return (
            f"Use `with subprocess.Popen(...) as {name}:` (it waits on exit), or call "
            f"`{name}.communicate()`/`{name}.wait()` in a `finally` block."
        )
    if kind is _DESCRIPTOR:
        return (
            f"Call `os.close({name})` in a `finally` block, or wrap it at once with "
            f"`with os.fdopen({name}) as f:`."
        )
    return (
        f"Acquire it with `with ... as {name}:` (or `with contextlib.closing(...) as {name}:`), "
        f"or call `{name}.close()` in a `finally` block."
    )
