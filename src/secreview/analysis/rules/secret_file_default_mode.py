"""CWE-732: a key, token or credentials file created with the default mode and left that way.

`open(path, "w")` creates the file with 0o666 minus the umask: 0o644 under the usual umask, so
every local account can read the API key, keyring or private key written into it. This is the
quiet sibling of `secret-file-permission-race` (which sees a late chmod): here nothing restricts
the file at all. The file is judged secret by evidence the program itself gives: a path named
like key material or credentials by a specific word (`secret`, `credentials`, `pem`, `keyring`,
`id_rsa`, ...), or by a vaguer word (`key`, `token`) *and* a secret written into it; the class or
function that writes the file counts as part of its name (`class SecretFile: def write`).
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
    umask_before,
    written_secret,
)
from secreview.analysis.rules._support.function_flow import (
    Function,
    calls_in,
    expression_key,
    shared_own_nodes,
)
from secreview.analysis.rules._support.local_bindings import assigned_values
from secreview.analysis.rules._support.private_temp_dirs import in_private_temp_dir
from secreview.analysis.rules._support.secret_files import PUBLIC_FILE_WORDS, SECRET_FILE_WORDS
from secreview.analysis.rules._support.secret_text import name_words
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_VAGUE_WORDS = frozenset(
    {"key", "keys", "token", "tokens", "cookie", "cookies", "ssh", "rsa", "dsa", "vault", "shadow"}
)
"""Words that also name dictionary keys, lexer tokens or algorithms: evidence only beside a
secret written into the file."""
_SPECIFIC_WORDS = (SECRET_FILE_WORDS - _VAGUE_WORDS) | {"keyring", "keyfile", "privatekey"}
_RESTRICTORS = frozenset({"os.chmod", "os.lchmod", "os.fchmod", "os.umask", "os.chown"})
_RESTRICTING_METHODS = frozenset({"chmod", "lchmod"})


def _path_words(creation: Creation, function: Function, context: ModuleContext) -> set[str]:
    """The words that name the file: its path expression (and what a local name was built
    from), and the names of the function and class that write it."""
    words = set(name_words(_shown_path(creation.path, context)))
    words.update(name_words(function.name))
    owner = next(
        (a for a in context.ancestors(function) if isinstance(a, ast.ClassDef)),
        None,
    )
    if owner is not None:
        words.update(name_words(owner.name))
    return words


def _shown_path(path: ast.expr, context: ModuleContext) -> str:
    """The path's text, or for a local name also the text of every value it may hold."""
    value = context.constant_value(path)
    if isinstance(value, str):
        return value
    held = [context.segment(v) for v, _ in assigned_values(context, path) if v is not path]
    return " ".join([context.segment(path), *held])


def _restricted(creation: Creation, calls: list[ast.Call], context: ModuleContext) -> bool:
    """Whether the function restricts the file in any way (mode, umask, owner): then the other
    rule, or a deliberate choice, speaks for it."""
    key = expression_key(creation.path)
    for call in calls:
        name = context.call_name(call)
        if name in _RESTRICTORS:
            return True
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in _RESTRICTING_METHODS
            and expression_key(func.value) == key
        ):
            return True
    return False


@rule(
    id="secret-file-default-permissions",
    name="Secret file created readable by other local users",
    cwe=732,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A key, token or credentials file is created with the default mode (usually "
    "0o644) and never restricted, so every local account can read it.",
    fix="Create it owner-only in one step: `open(path, 'w', opener=lambda p, flags: "
    "os.open(p, flags, 0o600))`, or `fd = os.open(path, os.O_WRONLY | os.O_CREAT | "
    "os.O_TRUNC, 0o600)` then `os.fdopen(fd, 'w')`; or set `os.umask(0o077)` first.",
    what_it_does="Finds files created for writing with the default mode (`open`/`io.open`/"
    "Python 2's `file` in a write mode without an `opener`, `os.open` with `O_CREAT` and no "
    "mode, `Path.write_text`/`write_bytes`, and files that `sqlite3.connect`, `shelve.open`, "
    "`dbm.open`, `zipfile.ZipFile` or `tarfile.open` create) in a function that never calls "
    "`chmod`, `fchmod`, `chown` or `umask`. Reported when the file's name, the local value it "
    "was built from, or "
    "the function or class writing it uses a specific secret word (`secret`, `credentials`, "
    "`password`, `pem`, `keyring`, `id_rsa`, `apikey`, `netrc`, ...), or a vaguer one (`key`, "
    "`token`) while what is written is itself named like a secret or is a private key. "
    "Public material (`public`, `cert`, `known_hosts`) is never reported, nor is a file "
    "created inside a folder the same function made with `tempfile.mkdtemp` or "
    "`tempfile.TemporaryDirectory` (mode 0o700: other accounts cannot enter it).",
    why_bad="Other local users (other services, shared hosts, CI runners, containers sharing a "
    "volume) read the secret without any exploit: permissions are the only protection a file "
    "has (CWE-732).",
    example="class SecretFile:\n    def write(self, data):\n"
    "        with open(self.path, 'w') as out:\n            out.write(json.dumps(data))",
    use_instead="with open(self.path, 'w', opener=lambda p, f: os.open(p, f, 0o600)) as out:\n"
    "    out.write(json.dumps(data))",
    references=(
        "https://docs.python.org/3/library/functions.html#open",
        "https://docs.python.org/3/library/os.html#os.open",
        "https://cwe.mitre.org/data/definitions/732.html",
    ),
    visits=(ast.FunctionDef, ast.AsyncFunctionDef),
)
def secret_file_default_permissions(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report secret files created with the umask's default mode and never restricted."""
    assert isinstance(node, Function)
    if not creates_files(context):
        return
    nodes = shared_own_nodes(node, context)
    calls = list(calls_in(nodes))
    for call in calls:
        creation = creation_by(call, context)
        if creation is None or umask_before(call, nodes, context):
            continue
        if _restricted(creation, calls, context):
            continue
        if in_private_temp_dir(creation.path, context):
            continue  # inside a 0o700 `mkdtemp` folder: other accounts cannot reach the file
        words = _path_words(creation, node, context)
        if words & PUBLIC_FILE_WORDS:
            continue
        specific = sorted(words & _SPECIFIC_WORDS)
        vague = sorted(words & _VAGUE_WORDS)
        if not specific and not (vague and written_secret(creation, nodes, context)):
            continue
        named = specific[0] if specific else vague[0]
        yield Hit(
            node=call,
            message=f"`{context.one_line(call)}` creates a file that holds a secret (named "
            f"`{named}`) with the default mode, usually 0o644, and nothing restricts it: every "
            "local account can read it.",
            confidence=Confidence.MEDIUM if specific else Confidence.LOW,
            fix=LIBRARY_FIX if creation.by_library else None,
        )
