"""CWE-22: a containment check that looks for `..` only at the start of a relative path
`Path.relative_to` computed from a path nobody normalised (`lexical-parent-check`).

`Path.relative_to` works on the text of the two paths, component by component; it neither
collapses `..` nor resolves links. For `/srv/files/x/../../etc/passwd` under `/srv/files` it
answers `x/../../etc/passwd`, which does not start with `..`, so a check written as
`str(path.relative_to(base)).startswith("..")` lets it through and the file outside the folder
is served. The test only ever catches a `..` right after the base. The rule reports that test when
the path `relative_to` was called on is not shown to be normalised (`Path.resolve()`,
`os.path.realpath`/`abspath`/`normpath`, directly, through a local or through a helper of the
module whose every return is one): after a normaliser the relative path holds no `..` at all and
the test is merely redundant. `os.path.relpath` normalises both paths itself, so
`os.path.relpath(path, base).startswith("..")` is the correct idiom and stays quiet; so does
`".." in str(path.relative_to(base))`, which looks at every component.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.local_bindings import assigned_values
from secreview.analysis.rules.partial_path_prefix import is_normalised_path
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_PARENT_TEXTS = frozenset({"..", "../", "..\\"})
_TEXT_WRAPPERS = frozenset({"str", "os.fspath"})
_TEXT_METHODS = frozenset({"as_posix"})
_PATH_MAKERS = frozenset(
    {"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath"}
    | {"str", "os.fspath"}
)
"""Calls that make a path object or its text without changing where it points."""


def _names_parent(node: ast.expr) -> bool:
    """`".."`, `"../"`, or a tuple holding one of them."""
    options = node.elts if isinstance(node, ast.Tuple) else [node]
    return any(
        isinstance(option, ast.Constant) and option.value in _PARENT_TEXTS for option in options
    )


def _relative_to_call(node: ast.expr, context: ModuleContext) -> ast.Call | None:
    """The `path.relative_to(base)` call whose text `node` is: itself, wrapped in `str()`,
    `os.fspath()` or `.as_posix()`, or a local only ever bound to one of those."""
    for _ in range(3):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "relative_to" and node.args:
                return node
            if isinstance(func, ast.Attribute) and func.attr in _TEXT_METHODS and not node.args:
                node = func.value
                continue
            if context.call_name(node) in _TEXT_WRAPPERS and len(node.args) == 1:
                node = node.args[0]
                continue
            return None
        if isinstance(node, ast.Name):
            values = [value for value, _ in assigned_values(context, node)]
            if len(values) != 1:
                return None
            node = values[0]
            continue
        return None
    return None


def _unwrapped(node: ast.expr, context: ModuleContext) -> ast.expr:
    """`Path(p)`, `str(p)` -> `p`: what was normalised, if anything, is inside."""
    for _ in range(3):
        if not (isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords):
            break
        if context.call_name(node) not in _PATH_MAKERS:
            break
        node = node.args[0]
    return node


@rule(
    id="lexical-parent-check",
    name="Containment check for `..` at the start of a lexical relative path",
    cwe=22,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="`str(path.relative_to(base)).startswith('..')` on a path that was never normalised "
    "misses a `..` after the first component: `x/../../etc/passwd` passes.",
    fix="Resolve the path first and compare whole components: "
    "`Path(path).resolve().is_relative_to(Path(base).resolve())`, or "
    "`os.path.commonpath([base, os.path.realpath(path)]) == base`.",
    what_it_does="Reports `startswith('..')` (or `'../'`) on the text of a "
    "`path.relative_to(base)` result (through `str()`, `os.fspath()`, `.as_posix()` or a local) "
    "when `path` is not shown to be normalised by `resolve()`, `os.path.realpath`, `abspath` or "
    "`normpath` (directly, through a local, or through a helper of the module whose every "
    "return is one). `os.path.relpath(...).startswith('..')` normalises and is not reported, "
    "nor is `'..' in str(path.relative_to(base))`.",
    why_bad="`Path.relative_to` compares the text of the paths and keeps every `..`: for "
    "`base/x/../../etc/passwd` it answers `x/../../etc/passwd`, so the check meant to keep the "
    "path under `base` passes and the file outside it is read or served.",
    example="path = Path(base, requested)\nif str(path.relative_to(base)).startswith('..'):\n"
    "    raise PermissionError(requested)",
    use_instead="path = Path(base, requested).resolve()\n"
    "if not path.is_relative_to(Path(base).resolve()):\n    raise PermissionError(requested)",
    references=(
        "https://cwe.mitre.org/data/definitions/22.html",
        "https://docs.python.org/3/library/pathlib.html#pathlib.PurePath.relative_to",
    ),
    methods=frozenset({"startswith"}),
)
def lexical_parent_check(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report a `..` prefix test of a lexical relative path of an unnormalised path."""
    assert isinstance(node, ast.Call)
    func = node.func
    if not isinstance(func, ast.Attribute) or len(node.args) != 1 or node.keywords:
        return
    if not _names_parent(node.args[0]):
        return
    relative = _relative_to_call(func.value, context)
    if relative is None:
        return
    assert isinstance(relative.func, ast.Attribute)
    path = relative.func.value
    if is_normalised_path(_unwrapped(path, context), context):
        return
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` looks for `..` only at the start of the relative "
        f"path `relative_to` computed from `{context.one_line(path)}`, which was not normalised: "
        "`relative_to` keeps every `..`, so `x/../../etc/passwd` passes and names a file "
        "outside the folder.",
    )
