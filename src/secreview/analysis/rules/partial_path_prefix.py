"""CWE-23: a path kept inside a folder by a string prefix test on a base with no trailing
separator (`partial-path-traversal`).

`os.path.normpath(path).startswith(os.path.normpath(root))` is the usual containment check, and
it is one character short: `normpath`, `abspath`, `realpath` and `Path.resolve()` all drop the
trailing separator, so `/srv/static` is also a prefix of `/srv/static-private/key.pem` and of
`/srv/static.bak/`. A request for `../static-private/key.pem` passes the check and is served from
the sibling folder. The rule reports the `startswith` test when its base is, on every binding the
rule can see, the result of one of those normalisers (directly, through a local, through
`self.<attr>` set in the class, or through a helper of the module that returns one) and nothing
appends a separator to it; the checked path must be normalised too, which is what marks the test
as a containment check rather than a prefix match of names or URLs. `os.path.commonprefix([base,
path]) == base` is the same test under another name (it compares characters, not components)
and is reported the same way, inline or through a local bound to it once (`prefix =
os.path.commonprefix([base, path])`, then `prefix == base`). A base written with its
separator (`root + os.sep`, `os.path.join(root, "")`, `self.path += os.sep`) is correct, and so
are `os.path.commonpath` and `Path.is_relative_to`, which compare whole path components.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.local_bindings import (
    assigned_values,
    bindings_before,
    scope_nodes_of,
    self_attribute_values,
    single_value,
)
from secreview.analysis.rules._support.path_joins import JOIN_FUNCTIONS
from secreview.analysis.taint.guard_shapes import PATH_NORMALISERS
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_NORMALISING_METHODS = frozenset({"resolve", "absolute"})
_KEEPING_WRAPPERS = frozenset(
    {"str", "os.fspath", "os.path.normcase", "posixpath.normcase", "ntpath.normcase"}
)
"""Calls that change a path's type or case but neither add nor remove a trailing separator."""
_KEEPING_METHODS = frozenset({"lower", "casefold", "as_posix"})
_MAX_DEPTH = 4
_COMMON_PREFIXES = frozenset({"os.path.commonprefix", "posixpath.commonprefix"})


def _unwrapped(node: ast.expr, context: ModuleContext) -> ast.expr:
    """`str(p)`, `os.path.normcase(p)`, `p.lower()` -> `p`."""
    for _ in range(_MAX_DEPTH):
        if not isinstance(node, ast.Call):
            break
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _KEEPING_METHODS and not node.args:
            node = func.value
        elif context.call_name(node) in _KEEPING_WRAPPERS and len(node.args) == 1:
            node = node.args[0]
        else:
            break
    return node


def _normalised_call(node: ast.expr, context: ModuleContext) -> bool:
    """`os.path.abspath(x)`, `os.path.normpath(x)`, `os.path.realpath(x)`, `p.resolve()`: a
    path that never ends with a separator (unless it is the file system root)."""
    if not isinstance(node, ast.Call):
        return False
    if context.call_name(node) in PATH_NORMALISERS:
        return True
    return isinstance(node.func, ast.Attribute) and node.func.attr in _NORMALISING_METHODS


def _bare(node: ast.expr, context: ModuleContext, depth: int = 0) -> bool:
    """Whether every value `node` can hold, as far as the rule sees, is a normalised path with
    no trailing separator: a normaliser's result, a local or `self.<attr>` only ever bound to
    one, or a call of a helper of this module that returns one."""
    node = _unwrapped(node, context)
    if depth > _MAX_DEPTH:
        return False
    if _normalised_call(node, context):
        return True
    if isinstance(node, ast.Name):
        bindings = bindings_before(context, node)
        if bindings is None:  # a module-level name read in a function
            values = _module_values(node.id, context)
        elif not bindings or any(b.value is None or b.augmented_op for b in bindings):
            return False
        else:
            values = [value for value, _ in assigned_values(context, node)]
        return bool(values) and all(_bare(v, context, depth + 1) for v in values)
    if isinstance(node, ast.Attribute) and _is_self(node.value):
        values = self_attribute_values(node, context)
        return (
            values is not None
            and bool(values)
            and all(_bare(v, context, depth + 1) for v in values)
        )
    if isinstance(node, ast.Call):
        returned = _helper_returns(node, context)
        return bool(returned) and all(_bare(v, context, depth + 1) for v in returned)
    return False


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id in {"self", "cls"}


def _enclosing_class(node: ast.AST, context: ModuleContext) -> ast.ClassDef | None:
    return next((a for a in context.ancestors(node) if isinstance(a, ast.ClassDef)), None)


def _module_values(name: str, context: ModuleContext) -> list[ast.expr]:
    """The values the module's top level assigns `name`; empty when any other statement there
    binds it (`ROOT += os.sep`, an import), which may change what it holds."""
    values: list[ast.expr] = []
    for statement in context.tree.body:
        stored = {
            n.id
            for n in ast.walk(statement)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        if name not in stored:
            continue
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            return []
        values.append(statement.value)
    return values


def _helper_returns(call: ast.Call, context: ModuleContext) -> list[ast.expr]:
    """What a helper of this module returns, for `self.normpath(d)` or `normpath(d)` calling a
    function of the module (or a method of the enclosing class) whose every return is shown."""
    func = call.func
    if isinstance(func, ast.Attribute) and _is_self(func.value):
        owner = _enclosing_class(call, context)
        scope: list[ast.stmt] = owner.body if owner is not None else []
        name = func.attr
    elif isinstance(func, ast.Name):
        scope, name = context.tree.body, func.id
    else:
        return []
    defined = [
        s for s in scope if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef) and s.name == name
    ]
    if len(defined) != 1:
        return []
    returns = [n for n in ast.walk(defined[0]) if isinstance(n, ast.Return)]
    if not returns or any(r.value is None for r in returns):
        return []
    return [r.value for r in returns if r.value is not None]


def is_normalised_path(node: ast.expr, context: ModuleContext, depth: int = 0) -> bool:
    """Whether the checked path was normalised first (directly, through a local, or through a
    helper of the module): what makes a prefix test a containment check."""
    node = _unwrapped(node, context)
    if _normalised_call(node, context):
        return True
    if depth >= _MAX_DEPTH:
        return False
    if isinstance(node, ast.Name):
        values = [value for value, _ in assigned_values(context, node)]
        return bool(values) and all(is_normalised_path(v, context, depth + 1) for v in values)
    if isinstance(node, ast.Call):
        returned = _helper_returns(node, context)
        return bool(returned) and all(is_normalised_path(v, context, depth + 1) for v in returned)
    return False


@rule(
    id="partial-path-traversal",
    name="Path kept inside a folder by a prefix test on a base without a trailing separator",
    cwe=23,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="`path.startswith(base)` where `base` is a normalised path (no trailing separator) "
    "also accepts sibling folders whose name starts with the base's: `/srv/static-private`.",
    fix="Compare whole path components: `os.path.commonpath([base, path]) == base`, "
    "`Path(path).is_relative_to(base)`, or test `path.startswith(base + os.sep)` (and "
    "`path == base` if the folder itself may be named).",
    what_it_does="Reports `path.startswith(base)` (and `os.path.commonprefix([base, path]) == "
    "base`, which compares characters too) when the checked path is normalised "
    "(`os.path.normpath`/`abspath`/`realpath`, `Path.resolve()`, possibly through a local "
    "or a helper of the module) and every value the base can hold is such a normaliser's "
    "result too (directly, through a local, through `self.<attr>` assigned in the class, or "
    "through a helper of the module that returns one), with nothing appending a separator "
    "(`base + os.sep`, `os.path.join(base, '')`, `self.base += os.sep` all make it correct).",
    why_bad="Normalisers drop the trailing separator, so the base `/srv/static` is a prefix of "
    "`/srv/static-private/key.pem` and of `/srv/static.bak/app.conf`. A request for "
    "`../static-private/key.pem` (or a session id, an archive member, a file name chosen "
    "elsewhere) passes the check meant to keep it inside the folder and reads or writes the "
    "sibling folder instead; CodeQL calls this a partial path traversal.",
    example="root = os.path.normpath(STATIC_DIR)\n"
    "path = os.path.normpath(os.path.join(root, name))\n"
    "if not path.startswith(root):\n    abort(403)",
    use_instead="root = os.path.normpath(STATIC_DIR)\n"
    "path = os.path.normpath(os.path.join(root, name))\n"
    "if os.path.commonpath([root, path]) != root:\n    abort(403)",
    references=(
        "https://cwe.mitre.org/data/definitions/23.html",
        "https://codeql.github.com/codeql-query-help/java/java-partial-path-traversal/",
        "https://docs.python.org/3/library/os.path.html#os.path.commonpath",
    ),
    calls=_COMMON_PREFIXES,
    methods=frozenset({"startswith"}),
)
def partial_path_traversal(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report a containment test by string prefix whose base has no trailing separator."""
    assert isinstance(node, ast.Call)
    operands = _prefix_operands(node, context)
    if operands is None:
        return
    path, base = operands
    if context.is_constant(path) or not is_normalised_path(path, context):
        return
    if not _bare(base, context):
        return
    if _joins_when_outside(node, base, context):
        return
    shown = context.one_line(base)
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` keeps a path inside `{shown}` by a string "
        f"prefix, but `{shown}` is normalised and has no trailing separator, so a sibling "
        "folder whose name starts with the same text (`static` -> `static-private`) passes too.",
    )


def _joins_when_outside(call: ast.Call, base: ast.expr, context: ModuleContext) -> bool:
    """Whether the test only chooses how to spell the path: an `if` whose branch for a path
    not under `base` joins `base` to it instead of refusing it (`if not p.startswith(d): p =
    os.path.join(d, p)`, mylar3's torrent clients turning a client's relative file names into
    paths). Nothing is kept out by such a test, so a sibling that passes it escapes nothing."""
    test: ast.AST = call
    parent = context.parent(call)
    negated = isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not)
    if negated:
        test, parent = parent, context.parent(parent)
    if not isinstance(parent, ast.If) or parent.test is not test:
        return False
    outside = parent.body if negated else parent.orelse
    shown = ast.dump(base)
    for statement in outside:
        if isinstance(statement, ast.Raise | ast.Return | ast.Continue | ast.Break):
            return False
    return any(
        isinstance(node, ast.Call)
        and context.call_name(node) in JOIN_FUNCTIONS
        and bool(node.args)
        and ast.dump(node.args[0]) == shown
        for statement in outside
        for node in ast.walk(statement)
    )


def _equality(node: ast.AST | None) -> ast.Compare | None:
    """`node` when it is a single `==` or `!=` comparison."""
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        return node if isinstance(node.ops[0], ast.Eq | ast.NotEq) else None
    return None


def _compared_result(call: ast.Call, context: ModuleContext) -> tuple[ast.Compare, ast.expr] | None:
    """(comparison, the operand holding `call`'s result) for `commonprefix(...) == x`, or for
    `prefix = commonprefix(...)` and then `prefix == x` with `prefix` bound only there: the
    usual helper spells the test in two statements (`prefix = os.path.commonprefix([d, t]);
    return prefix == d`, dbt-common's tar check), which compares characters all the same."""
    compare = _equality(context.parent(call))
    if compare is not None:
        return compare, call
    statement = context.parent(call)
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        return None
    name = statement.targets[0].id
    for node in scope_nodes_of(context, call):
        compare = _equality(node)
        if compare is None:
            continue
        for side in (compare.left, compare.comparators[0]):
            named = isinstance(side, ast.Name) and side.id == name
            if named and single_value(context, side) is call:
                return compare, side
    return None


def _prefix_operands(call: ast.Call, context: ModuleContext) -> tuple[ast.expr, ast.expr] | None:
    """(checked path, base) of `path.startswith(base)`, or of `os.path.commonprefix([base,
    path]) == base` (a character-wise prefix too, whatever its name says); else None."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "startswith":
        if len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], ast.Tuple):
            return func.value, call.args[0]
        return None
    if context.call_name(call) not in _COMMON_PREFIXES or len(call.args) != 1:
        return None
    paths = call.args[0]
    compared = _compared_result(call, context)
    if not (isinstance(paths, ast.List | ast.Tuple) and len(paths.elts) == 2 and compared):
        return None
    compare, result = compared
    other = compare.comparators[0] if compare.left is result else compare.left
    shown = ast.dump(other)
    for index, element in enumerate(paths.elts):
        if ast.dump(element) == shown:
            return paths.elts[1 - index], element
    return None
