"""CWE-835: walking a path up with `dirname`/`split` until it equals one fixed value.

Code that looks for a file in the parent folders, or lists every folder a path implies, walks up
with `path = os.path.dirname(path)` (or `path, tail = posixpath.split(path)`) while the path is
not the root: `while path and path != posixpath.sep:`. `dirname` stops changing at a path's top,
and that top is not always the value the loop waits for: `posixpath.dirname("//x")` is `//`,
whose own `dirname` is `//` again; on Windows the top is `C:\\`; for a relative name it is "".
A name from an archive or a request that starts with `//` then holds the loop forever (zipp's
`_ancestry`, CVE-2024-5569). The safe idiom stops when the path no longer changes
(`parent = dirname(path)`, `if parent == path: break`).

The rule reports a `while` loop whose test compares a name with fixed values only (literals,
`os.sep`-like module constants) or tests its truth, whose own body sets that name from
`dirname`/`split` of itself, that has no `break`, `return` or `raise`, where no comparison in
the loop puts two values computed at run time side by side (the previous path, a depth counter
against its limit), and whose name was not set from `normpath`/`abspath`/`realpath` before it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.web_handlers import scope_nodes
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_WALKERS = frozenset(
    f"{module}.{function}"
    for module in ("os.path", "posixpath", "ntpath")
    for function in ("dirname", "split")
)


def _walked_name(context: ModuleContext, loop: ast.While) -> str | None:
    """The name the loop body sets from `dirname(name)` or `split(name)` of itself."""
    for statement in loop.body:
        for node in ast.walk(statement):
            if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
                continue
            call = node.value
            if context.call_name(call) not in _WALKERS or len(call.args) != 1:
                continue
            source = call.args[0]
            target = node.targets[0] if len(node.targets) == 1 else None
            if isinstance(target, ast.Tuple) and target.elts:
                target = target.elts[0]  # `path, tail = split(path)`
            if (
                isinstance(target, ast.Name)
                and isinstance(source, ast.Name)
                and source.id == target.id
            ):
                return target.id
    return None


def _fixed(context: ModuleContext, node: ast.expr) -> bool:
    """A literal, a module's constant (`os.sep`, `posixpath.sep`) or a literal tuple of them."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(_fixed(context, element) for element in node.elts)
    return isinstance(node, ast.Attribute) and context.resolve(node) is not None


def _test_waits_for_fixed_value(context: ModuleContext, test: ast.expr, name: str) -> bool:
    """Whether the loop test only compares `name` with fixed values or tests its truth."""
    parts = test.values if isinstance(test, ast.BoolOp) else [test]
    mentions = False
    for part in parts:
        if isinstance(part, ast.Name) and part.id == name:
            mentions = True
        elif isinstance(part, ast.Compare):
            operands = [part.left, *part.comparators]
            named = [o for o in operands if isinstance(o, ast.Name) and o.id == name]
            if not named or not all(_fixed(context, o) for o in operands if o not in named):
                return False
            mentions = True
        else:
            return False
    return mentions


_NORMALISERS = frozenset(
    f"{module}.{function}"
    for module in ("os.path", "posixpath", "ntpath")
    for function in ("normpath", "abspath", "realpath")
)


def _normalised_before(context: ModuleContext, loop: ast.While, name: str) -> bool:
    """Whether the function sets `name` from `normpath`/`abspath`/`realpath` before the loop
    (`norm = posixpath.normpath("/" + path.lstrip("/"))`): its walk then ends at the root."""
    function = context.enclosing_function(loop) or context.tree
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Assign)
            and node.lineno < loop.lineno
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            and isinstance(node.value, ast.Call)
            and context.call_name(node.value) in _NORMALISERS
        ):
            return True
    return False


def _leaves_otherwise(context: ModuleContext, loop: ast.While) -> bool:
    """Whether the loop can end by other means than its test: a `break`, `return` or `raise`
    in it, or a comparison of two run-time values (the new path against the old one, a
    counter against its limit)."""
    for node in scope_nodes([loop.test, *loop.body]):
        if isinstance(node, ast.Break | ast.Return | ast.Raise):
            return True
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if sum(not _fixed(context, o) for o in operands) >= 2:
                return True
    return False


@rule(
    id="endless-path-walk",
    name="Path walked up until it equals one fixed value",
    cwe=835,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A loop walks a path up with `dirname`/`split` until it equals the root or the empty "
    "string, and never notices that it stopped changing: `//x`, `C:\\` or a relative name keep "
    "it going forever.",
    fix="Stop when the path no longer changes: `parent = os.path.dirname(path)`, `if parent == "
    "path: break`, `path = parent` (or normalise the path first, with `posixpath.normpath` and "
    "leading slashes stripped).",
    what_it_does="Reports a `while` loop whose test only compares a name with literals or module "
    "constants (`os.sep`, `posixpath.sep`) or tests its truth, whose body sets that name from "
    "`os.path`/`posixpath`/`ntpath` `dirname` or `split` of itself, which has no `break`, "
    "`return` or `raise`, in which no comparison puts two run-time values side by side (the new "
    "path against the old one, a counter against a limit), and whose name was not set from "
    "`normpath`/`abspath`/`realpath` before the loop.",
    why_bad="`dirname` reaches a fixed point at a path's top, which is `/` only for ordinary "
    "absolute POSIX paths: `dirname('//')` is `//`, Windows paths end at `C:\\`, relative ones "
    "at ''. A crafted name (an archive member, a URL path) then spins the loop for good, a "
    "denial of service (CWE-835).",
    example="while path and path != posixpath.sep:\n    yield path\n"
    "    path, tail = posixpath.split(path)",
    use_instead="while path:\n    yield path\n    parent, tail = posixpath.split(path)\n"
    "    if parent == path:\n        break\n    path = parent",
    references=(
        "https://cwe.mitre.org/data/definitions/835.html",
        "https://github.com/jaraco/zipp/issues/119",
    ),
    visits=(ast.While,),
)
def endless_path_walk(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report path walks that wait for one fixed top and never for the fixed point."""
    assert isinstance(node, ast.While)
    if not context.imports_any(("os", "posixpath", "ntpath")):
        return
    name = _walked_name(context, node)
    if name is None or not _test_waits_for_fixed_value(context, node.test, name):
        return
    if _leaves_otherwise(context, node) or _normalised_before(context, node, name):
        return
    yield Hit(
        node=node,
        message=f"This loop walks `{name}` up with `dirname`/`split` until it equals "
        f"`{context.one_line(node.test)}`, and never checks that it stopped changing: a path "
        "whose top is not that value (`//x`, `C:\\`, a relative name) keeps it going forever.",
    )
