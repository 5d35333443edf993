"""CWE-732: a file the program made private, copied with `shutil.copyfile`, which drops its mode.

`shutil.copyfile(src, dst)` copies the bytes only: a new `dst` gets 0o666 minus the umask
(0o644 under the usual umask, readable by every local user), an existing one keeps its own
bits. When the same function first restricted `src` to its owner (`os.chmod(src, 0o600)`,
`os.fchmod(f.fileno(), S_IRUSR | S_IWUSR)` on the handle that wrote it, `os.open(src, flags,
0o600)`), the program said the content is private, and the copy publishes it: the usual shape of
"write a temp file privately, then copy it into place" (rtslib-fb, CVE-2020-14019). `shutil.copy`
and `copy2` copy the mode too; a later `chmod` of the destination, `shutil.copymode` or
`copystat`, or a `umask` set first, restricts the copy and is not reported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.file_creation import creation_by, is_handle, umask_before
from secreview.analysis.rules._support.flags import fold_flags
from secreview.analysis.rules._support.function_flow import (
    Function,
    calls_in,
    expression_key,
    shared_own_nodes,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_COPIES = frozenset({"shutil.copyfile"})
_CHMODS = frozenset({"os.chmod", "os.lchmod"})
_MODE_COPIES = frozenset({"shutil.copymode", "shutil.copystat"})
_GROUP_AND_OTHERS_BITS = 0o077


def _owner_only(mode_node: ast.expr | None, context: ModuleContext) -> bool:
    mode = fold_flags(mode_node, context)
    return mode_node is not None and mode is not None and not mode & _GROUP_AND_OTHERS_BITS


def _restricts(call: ast.Call, source: str, calls: list[ast.Call], context: ModuleContext) -> bool:
    """Whether `call` leaves the file at `source` (an expression key) to its owner alone."""
    name = context.call_name(call)
    if name in _CHMODS or name == "os.open":
        target = context.argument(call, 0, "path")
        mode_at, keyword = (1, "mode") if name in _CHMODS else (2, "mode")
        return (
            target is not None
            and expression_key(target) == source
            and _owner_only(context.argument(call, mode_at, keyword), context)
        )
    if name != "os.fchmod" or not _owner_only(context.argument(call, 1, "mode"), context):
        return False
    target = context.argument(call, 0, "fd")
    for opened in calls:  # the handle `with open(source, "w") as f` wrote, restricted by f
        creation = creation_by(opened, context)
        if (
            creation is not None
            and creation.handle is not None
            and target is not None
            and is_handle(target, creation.handle)
            and expression_key(creation.path) == source
        ):
            return True
    return False


def _restores(call: ast.Call, destination: str, context: ModuleContext) -> bool:
    """Whether `call`, after the copy, sets the destination's mode again."""
    name = context.call_name(call)
    if name in _CHMODS:
        target = context.argument(call, 0, "path")
    elif name in _MODE_COPIES:
        target = context.argument(call, 1, "dst")
    else:
        return False
    return target is not None and expression_key(target) == destination


@rule(
    id="private-file-copied-without-mode",
    name="Private file copied with shutil.copyfile, which drops its permissions",
    cwe=732,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A file the function restricted to its owner is copied with `shutil.copyfile`, "
    "which creates the copy with the default mode (usually readable by every local user).",
    fix="Copy with `shutil.copy` or `shutil.copy2` (they copy the mode), or create the "
    "destination private first (`os.open(dst, os.O_WRONLY | os.O_CREAT, 0o600)`), or "
    "`os.replace` the private temp file into place.",
    what_it_does="Reports `shutil.copyfile(src, dst)` when the same function earlier restricted "
    "`src` to its owner: `os.chmod(src, mode)` or `os.open(src, flags, mode)` with no group or "
    "other bits, or `os.fchmod` on the handle of a file it opened at `src`. Quiet when a "
    "`umask` is set first, or the destination's mode is set after the copy (`os.chmod(dst, "
    "...)`, `shutil.copymode`, `shutil.copystat`).",
    why_bad="The program itself said the content is private by restricting the source; the "
    "copy does not carry that restriction. A new destination is created 0o666 minus the umask, "
    "usually 0o644, and an existing one keeps whatever mode it had, so the secrets in it "
    "(passwords, keys, CHAP credentials) become readable by every local account.",
    example="with open(tmp, 'w') as f:\n    os.fchmod(f.fileno(), 0o600)\n    f.write(config)\n"
    "shutil.copyfile(tmp, '/etc/app/config.json')",
    use_instead="with open(tmp, 'w') as f:\n    os.fchmod(f.fileno(), 0o600)\n"
    "    f.write(config)\nshutil.copy(tmp, '/etc/app/config.json')",
    references=(
        "https://docs.python.org/3/library/shutil.html#shutil.copyfile",
        "https://docs.python.org/3/library/shutil.html#shutil.copy",
        "https://cwe.mitre.org/data/definitions/732.html",
    ),
    visits=(ast.FunctionDef, ast.AsyncFunctionDef),
)
def private_file_copied_without_mode(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report copyfile of a file the function made private, when nothing restricts the copy."""
    assert isinstance(node, Function)
    if not context.imports_module("shutil"):
        return
    nodes = shared_own_nodes(node, context)
    calls = list(calls_in(nodes))
    for index, call in enumerate(calls):
        if context.call_name(call) not in _COPIES or umask_before(call, nodes, context):
            continue
        source = context.argument(call, 0, "src")
        destination = context.argument(call, 1, "dst")
        if source is None or destination is None:
            continue
        source_key, destination_key = expression_key(source), expression_key(destination)
        before, after = calls[:index], calls[index + 1 :]
        restriction = next((c for c in before if _restricts(c, source_key, before, context)), None)
        if restriction is None or any(_restores(c, destination_key, context) for c in after):
            continue
        yield Hit(
            node=call,
            message=f"`{context.one_line(call)}` copies `{context.one_line(source)}`, which "
            f"`{context.one_line(restriction)}` made private, without its mode: the copy "
            "is created with the default permissions (usually readable by every local user).",
            evidence=((restriction, "the source is restricted to its owner here"),),
        )
