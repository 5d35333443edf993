"""CWE-732: a secret written to a file created with the default mode
(`secret-file-default-permissions`).

`open(path, "w")` creates a file with mode 0o666 minus the umask, which is 0o644 almost
everywhere: every local account can read it. That is right for most files and wrong for a key,
a token cache or a credentials file. A file is judged secret by its path, by what is written
into it, or by the class that manages it (`SecretFile`, `TokenStore`); the rule stays quiet when
the function sets the mode itself (`opener=`, `os.open(..., 0o600)`, `chmod`, `umask`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.secret_files import looks_secret_path, looks_secret_value
from secreview.analysis.rules._support.secret_text import name_words
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_OPENERS = frozenset({"open", "io.open", "codecs.open"})
_PATH_WRITERS = frozenset({"write_text", "write_bytes"})
_MODE_SETTERS = frozenset({"chmod", "fchmod", "lchmod", "umask", "open", "chown"})
_OS_MODULE = "os."
# Owner nouns strong enough to name a secret store by themselves (bare `key` is not: KeyBindings).
_SECRET_OWNER_WORDS = frozenset(
    {
        "secret",
        "secrets",
        "credential",
        "credentials",
        "creds",
        "token",
        "tokens",
        "password",
        "passwords",
        "keyring",
        "keystore",
        "keyfile",
        "apikey",
    }
)


def _write_mode(call: ast.Call, context: ModuleContext) -> bool:
    """Whether `open(path, mode)` creates or truncates the file (`w`, `x`, `a`)."""
    mode = ModuleContext.argument(call, 1, "mode")
    value = context.constant_value(mode) if mode is not None else "r"
    return isinstance(value, str) and any(flag in value for flag in "wxa")


def _sets_mode(scope: ast.AST, context: ModuleContext) -> bool:
    """Whether the function chooses the file's mode itself (`os.open(..., 0o600)`, `chmod`, an
    `opener=`), so the default is not what the file gets."""
    for node in ast.walk(scope):
        if not isinstance(node, ast.Call):
            continue
        if ModuleContext.keyword(node, "opener") is not None:
            return True
        name = context.call_name(node) or ""
        if name.startswith(_OS_MODULE) and name.removeprefix(_OS_MODULE) in _MODE_SETTERS:
            return True
        if isinstance(node.func, ast.Attribute) and node.func.attr in {"chmod", "fchmod"}:
            return True
    return False


def _written_values(call: ast.Call, context: ModuleContext) -> list[ast.expr]:
    """What is written to the file `call` opens: `f.write(x)` under `with open(...) as f`."""
    parent = context.parent(call)
    if not isinstance(parent, ast.withitem) or not isinstance(parent.optional_vars, ast.Name):
        return []
    handle = parent.optional_vars.id
    block = context.parent(parent)
    if block is None:
        return []
    return [
        argument
        for node in ast.walk(block)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"write", "writelines"}
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == handle
        for argument in node.args
    ]


def _owner_names_secret(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the enclosing class or function is named for a secret store."""
    for ancestor in context.ancestors(call):
        if isinstance(ancestor, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and (
            set(name_words(ancestor.name)) & _SECRET_OWNER_WORDS
        ):
            return True
    return False


def _opened_path(call: ast.Call, context: ModuleContext) -> ast.expr | None:
    """The path a file-creating call writes to, or None when it does not create one."""
    name = context.call_name(call)
    if name in _OPENERS:
        return ModuleContext.argument(call, 0, "file") if _write_mode(call, context) else None
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _PATH_WRITERS:
        return func.value
    return None


@rule(
    id="secret-file-default-permissions",
    name="Secret written to a file with the default (world-readable) mode",
    cwe=732,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A key, token or credentials file is created with `open(..., 'w')` or "
    "`write_text`, so it gets 0o666 minus the umask: usually readable by every local user.",
    fix="Create the file with mode 0o600: `open(path, 'w', opener=lambda p, f: os.open(p, f, "
    "0o600))`, or `os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)` with "
    "`os.fdopen`.",
    what_it_does="Reports `open`/`io.open`/`codecs.open` in a writing mode and "
    "`Path.write_text`/`write_bytes` when the path names a secret (`key`, `token`, `secret`, "
    "`credentials`, `.netrc`, ...), when a `with` block writes a credential-named value or private "
    "key material to it, or when the enclosing class or function is named for a secret store "
    "(`SecretFile`, `save_token`); not when the function sets the mode itself (`opener=`, "
    "`os.open`, `chmod`, `umask`).",
    why_bad="The default umask 022 leaves new files readable by everyone: any local account, "
    "and any compromised service on the machine, can copy the API key or token and use it "
    "elsewhere (CWE-732). Restricting the file after writing leaves a window; create it "
    "restricted.",
    example='with open(os.path.expanduser("~/.myapp/token"), "w") as f:\n    f.write(token)',
    use_instead='fd = os.open(os.path.expanduser("~/.myapp/token"), os.O_WRONLY | os.O_CREAT | '
    'os.O_TRUNC, 0o600)\nwith os.fdopen(fd, "w") as f:\n    f.write(token)',
    references=(
        "https://docs.python.org/3/library/functions.html#open",
        "https://docs.python.org/3/library/os.html#os.open",
        "https://cwe.mitre.org/data/definitions/732.html",
    ),
)
def secret_file_default_permissions(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report secret files created with the default, usually world-readable, mode."""
    assert isinstance(node, ast.Call)
    path = _opened_path(node, context)
    if path is None:
        return
    scope = context.enclosing_function(node)
    if scope is None or _sets_mode(scope, context):
        return
    written = _written_values(node, context)
    if isinstance(node.func, ast.Attribute) and node.func.attr in _PATH_WRITERS:
        written = list(node.args[:1])
    if not (
        looks_secret_path(path, context)
        or any(looks_secret_value(value, context) for value in written)
        or _owner_names_secret(node, context)
    ):
        return
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` creates a file that holds a secret with the default "
        "mode (0o666 minus the umask, usually 0o644): every local user can read it.",
    )
