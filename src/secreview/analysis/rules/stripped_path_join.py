"""CWE-22: a path joined to a folder after only its leading slashes were stripped
(`slash-stripped-path-join`).

`os.path.join(root, name.lstrip("/"))`, `Path(root) / name.strip("/")` and a join of
`re.sub(r"^/+", "", name)` are written by someone who expects `name` from outside (a URL path,
an archive listing, a document) and knows an absolute path would replace `root`; but
`a/../../etc/passwd` keeps its `..` and leaves `root` all the same. The rule speaks when the
joined path is then opened, written, listed or served in the function and nothing there checks
that it stays inside the folder (`startswith`, `is_relative_to`, `in root.parents`,
`commonpath`), which is what a correct fix adds.

`dotdot-removed-path-join` reads the other half-measure: `name.replace("../", "")` removes each
`../` once, left to right, so `....//` becomes `../` and still leaves the folder (MobSF's `.a`
extraction, CVE-2024-43399). Only a removed text holding `..` and a separator counts: removing
`..` alone leaves no two dots side by side, and a loop that repeats the replace until the text
is gone (the name is then bound more than once) is complete.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.assignments import assigned_value
from secreview.analysis.rules._support.quoting import code
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_JOINS = frozenset({"os.path.join", "posixpath.join", "ntpath.join"})
_STRIPS = frozenset({"strip", "lstrip"})
_CONTAINMENT_METHODS = frozenset({"startswith", "is_relative_to", "relative_to", "commonpath"})
_FILE_METHODS = frozenset(
    {
        "open",
        "read_text",
        "read_bytes",
        "write_text",
        "write_bytes",
        "mkdir",
        "makedirs",
        "unlink",
        "rmdir",
        "rename",
        "replace",
        "touch",
        "iterdir",
        "glob",
        "exists",
        "is_file",
        "is_dir",
        "stat",
    }
)
_FILE_FUNCTIONS = frozenset(
    {"open", "io.open", "codecs.open", "send_file", "serve_file", "FileResponse"}
)
_FILE_MODULES = ("os.", "shutil.")
_NOT_FILE_ACCESS = frozenset(
    {
        "os.path.join",
        "os.path.dirname",
        "os.path.basename",
        "os.path.split",
        "os.path.splitext",
        "os.path.normpath",
        "os.path.abspath",
        "os.path.realpath",
        "os.fspath",
        "os.fsencode",
        "os.fsdecode",
    }
)


def _slash_stripped(context: ModuleContext, expr: ast.expr) -> bool:
    """`name.lstrip("/")`, `name.strip("/\\\\")` or `re.sub(r"^/+", "", name)` on a run-time value,
    inline or in a local assigned once."""
    expr = assigned_value(expr, context)
    if not isinstance(expr, ast.Call):
        return False
    if context.call_name(expr) == "re.sub" and len(expr.args) == 3:
        pattern, replacement, subject = expr.args
        return (
            _removes_leading_slashes(context.constant_value(pattern))
            and context.constant_value(replacement) == ""
            and not context.is_constant(subject)
        )
    return (
        isinstance(expr.func, ast.Attribute)
        and expr.func.attr in _STRIPS
        and len(expr.args) == 1
        and isinstance(chars := context.constant_value(expr.args[0]), str)
        and ("/" in chars or "\\" in chars)
        and not context.is_constant(expr.func.value)
    )


def _removes_leading_slashes(pattern: object) -> bool:
    """A pattern that matches only a run of slashes at the start: `^/+`, `^\\/*`, `^[/\\\\]+`."""
    if not isinstance(pattern, str) or not pattern.startswith("^"):
        return False
    body = pattern[1:].replace("\\", "")
    if body.startswith("[") and body.endswith(("]+", "]*")):
        body = body[1:-2] + body[-1]
    return len(body) >= 2 and set(body[:-1]) == {"/"} and body[-1] in "+*"


def _dotdot_removed_once(context: ModuleContext, expr: ast.expr) -> bool:
    """`name.replace("../", "")` (or `"..\\"`, `"/../"` to `"/"`) on a run-time value, alone or
    among other replaces of a chain, inline or in a local assigned once."""
    expr = assigned_value(expr, context)
    while (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "replace"
        and len(expr.args) == 2
    ):
        removed = context.constant_value(expr.args[0])
        if (
            isinstance(removed, str)
            and ".." in removed
            and ("/" in removed or "\\" in removed)
            and _joins_up(context.constant_value(expr.args[1]))
        ):
            return not context.is_constant(expr.func.value)
        expr = expr.func.value
    return False


def _joins_up(replacement: object) -> bool:
    """Whether what a removed `../` is replaced with lets the text around it join up into a
    new `../`: nothing, or only separators (`"/../"` to `"/"`). Any other text sits between."""
    return isinstance(replacement, str) and set(replacement) <= {"/", "\\"}


def _removes_dotdot_text(context: ModuleContext) -> bool:
    """Whether the module's text can hold such a replace at all: the cheap test before any
    join is read, once per module."""
    return ".replace(" in context.text and ".." in context.text


def _may_join(node: ast.AST) -> bool:
    """`a / b`, or a call named `join` or `joinpath`: the only nodes `_stripped_part` reads."""
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.Div)
    func = node.func if isinstance(node, ast.Call) else None
    return isinstance(func, ast.Attribute) and func.attr in ("join", "joinpath")


def _stripped_part(
    node: ast.AST, context: ModuleContext, stripped: Callable[[ModuleContext, ast.expr], bool]
) -> ast.expr | None:
    """The value a join puts below a folder that `stripped` says was half-cleaned, if `node`
    is such a join."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return node.right if stripped(context, node.right) else None
    if isinstance(node, ast.Call) and context.call_name(node) in _JOINS:
        return next((a for a in node.args[1:] if stripped(context, a)), None)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and (node.func.attr == "joinpath")
    ):
        return next((a for a in node.args if stripped(context, a)), None)
    return None


def _assigned_name(node: ast.AST, context: ModuleContext) -> str | None:
    """The local the joined path is stored in, through wrappers such as `realpath(...)`."""
    current: ast.AST = node
    for parent in context.ancestors(node):
        if isinstance(parent, ast.Assign | ast.AnnAssign):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            return names[0] if names and parent.value is current else None
        if not isinstance(parent, ast.Call | ast.Attribute | ast.BinOp):
            return None
        current = parent
    return None


def _root_name(expr: ast.expr) -> str | None:
    while isinstance(expr, ast.Attribute | ast.Subscript | ast.Call):
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def _is_file_access(call: ast.Call, context: ModuleContext) -> bool:
    name = context.call_name(call) or ""
    if name in _FILE_FUNCTIONS or name.rsplit(".", 1)[-1] in _FILE_FUNCTIONS:
        return True
    if name.startswith(_FILE_MODULES) and name not in _NOT_FILE_ACCESS:
        return True
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in _FILE_METHODS):
        return False
    return call.func.attr != "replace" or len(call.args) == 1  # not `str.replace(old, new)`


def _uses(call: ast.Call, target: ast.AST | str) -> bool:
    """Whether `call` takes `target` (a node, or a local's name) as argument or receiver."""
    operands = [*call.args, *(k.value for k in call.keywords)]
    if isinstance(call.func, ast.Attribute):
        operands.append(call.func.value)
    if isinstance(target, str):
        return any(_root_name(o) == target for o in operands)
    return any(target is o or any(target is n for n in ast.walk(o)) for o in operands)


def _module_functions(context: ModuleContext) -> dict[str, ast.FunctionDef]:
    """The module's top-level functions by name, once per module."""
    return {f.name: f for f in context.tree.body if isinstance(f, ast.FunctionDef)}


def _checks_containment(scope: ast.AST, context: ModuleContext) -> bool:
    """Whether the function compares a path with its folder (`startswith`, `in x.parents`),
    itself or through a function of the module it calls that does
    (`if not _inside_root(root, path)`, whose body is `commonpath([root, path]) == root`)."""
    helpers = context.derived(_module_functions)
    return _compares_with_folder(scope) or any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and (helper := helpers.get(node.func.id)) is not None
        and helper is not scope
        and _compares_with_folder(helper)
        for node in ast.walk(scope)
    )


def _compares_with_folder(scope: ast.AST) -> bool:
    """Whether `scope` itself compares a path with its folder (`startswith`, `in x.parents`)."""
    for node in ast.walk(scope):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if called in _CONTAINMENT_METHODS:
                return True
        if isinstance(node, ast.Compare) and any(
            isinstance(c, ast.Attribute) and c.attr == "parents" for c in node.comparators
        ):
            return True
    return False


def _used_unchecked(node: ast.AST, context: ModuleContext) -> bool:
    """Whether the joined path `node` is opened, written or listed in its function, which
    checks no path against its folder."""
    scope = context.enclosing_function(node)
    if scope is None or _checks_containment(scope, context):
        return False
    target: ast.AST | str = _assigned_name(node, context) or node
    return any(
        isinstance(call, ast.Call) and _is_file_access(call, context) and _uses(call, target)
        for call in ast.walk(scope)
    )


@rule(
    id="slash-stripped-path-join",
    name="Path joined to a folder after stripping only leading slashes",
    cwe=22,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A value with its leading `/` stripped is joined below a folder and the result is "
    "opened or written with no check that it stays inside; `..` still escapes.",
    fix="Resolve the joined path and check it stays inside the folder "
    "(`target = (root / name).resolve(); if not target.is_relative_to(root.resolve()): "
    "reject`), or reduce the value to a file name with `os.path.basename`.",
    what_it_does="Reports `os.path.join(root, name.lstrip('/'))`, `Path(root) / name.strip('/')` "
    "and `joinpath` with such a value (also `re.sub(r'^/+', '', name)`, and a local assigned "
    "once from either), when the joined path is then passed to a file operation "
    "(`open`, `os.*`, `shutil.*`, `Path.mkdir`/`write_bytes`/..., `send_file`) in the function "
    "and no `startswith`, `is_relative_to`, `relative_to`, `commonpath` or `in x.parents` check "
    "is made there, in the function itself or in a function of the module it calls "
    "(`if not inside_root(root, path)`).",
    why_bad="Stripping `/` only stops an absolute path from replacing the folder: "
    "`docs/../../../etc/passwd` has no leading slash and still walks out of it, so whoever "
    "chooses the value reads or writes any file the application can (CWE-22).",
    example='target = Path(destination) / url_path.lstrip("/")\ntarget.write_bytes(content)',
    use_instead='target = (Path(destination) / url_path.lstrip("/")).resolve()\n'
    "if not target.is_relative_to(Path(destination).resolve()):\n"
    '    raise ValueError("path outside the export folder")\n'
    "target.write_bytes(content)",
    references=(
        "https://owasp.org/www-community/attacks/Path_Traversal",
        "https://docs.python.org/3/library/pathlib.html#pathlib.PurePath.is_relative_to",
        "https://cwe.mitre.org/data/definitions/22.html",
    ),
    visits=(ast.Call, ast.BinOp),
    calls=_JOINS,  # the only calls `_stripped_part` reads, with `joinpath` of any object
    methods=frozenset({"joinpath"}),
)
def slash_stripped_path_join(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report joins below a folder of values whose only sanitising was stripping slashes."""
    stripped = _stripped_part(node, context, _slash_stripped)
    if stripped is None or not _used_unchecked(node, context):
        return
    yield Hit(
        node=node,
        message=f"`{code(context, node)}` strips only the leading slashes of "
        f"`{code(context, stripped)}` before joining it below the folder, and the path is used "
        "with no check that it stays inside: `a/../../etc/passwd` still walks out of it.",
    )


@rule(
    id="dotdot-removed-path-join",
    name="Path joined to a folder after removing `../` once",
    cwe=22,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A value with each `../` removed once by `str.replace` is joined below a folder and "
    "the result is opened or written with no check that it stays inside; `....//` becomes `../`.",
    fix="Resolve the joined path and check it stays inside the folder "
    "(`target = (root / name).resolve(); if not target.is_relative_to(root.resolve()): "
    "reject`), or refuse names holding `..` instead of rewriting them.",
    what_it_does="Reports `Path(root) / name.replace('../', '')`, `os.path.join(root, ...)` and "
    "`joinpath` with such a value (also in a chain of replaces, and a local assigned once from "
    "one), when the removed text holds `..` and a separator and the joined path is then passed "
    "to a file operation in the function with no `startswith`, `is_relative_to`, "
    "`relative_to`, `commonpath` or `in x.parents` check there.",
    why_bad="`str.replace` removes each occurrence once, left to right, so the text left around "
    "a removed `../` joins up: `....//etc/passwd` becomes `../etc/passwd`, and whoever chooses "
    "the value (an archive member's name, a request) reads or writes outside the folder "
    "(CWE-22).",
    example="name = member.replace('../', '')\n(Path(destination) / name).write_bytes(data)",
    use_instead="target = (Path(destination) / member).resolve()\n"
    "if not target.is_relative_to(Path(destination).resolve()):\n"
    '    raise ValueError("member outside the extraction folder")\n'
    "target.write_bytes(data)",
    references=(
        "https://owasp.org/www-community/attacks/Path_Traversal",
        "https://cwe.mitre.org/data/definitions/22.html",
        "https://cwe.mitre.org/data/definitions/182.html",
    ),
    visits=(ast.Call, ast.BinOp),
    calls=_JOINS,  # the only calls `_stripped_part` reads, with `joinpath` of any object
    methods=frozenset({"joinpath"}),
    text_words=(".replace(",),  # the first half of `_removes_dotdot_text`, asked before any node
)
def dotdot_removed_path_join(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report joins below a folder of values whose only sanitising was one pass of removing
    `../`."""
    if not _may_join(node) or not context.derived(_removes_dotdot_text):
        return
    stripped = _stripped_part(node, context, _dotdot_removed_once)
    if stripped is None or not _used_unchecked(node, context):
        return
    yield Hit(
        node=node,
        message=f"`{code(context, node)}` joins `{code(context, stripped)}` below the folder "
        "after removing `../` from it once, and the path is used with no check that it stays "
        "inside: `....//` becomes `../` and walks out of it.",
    )
