"""A file name's extension, under `library`, cannot take a path anywhere.

`os.path.splitext(name)` splits a name at its last dot *after* the last separator, so the
extension it returns (`.png`, or nothing) never holds `/` (nor `\\` with `ntpath`); the same
holds for `PurePath.suffix` and each of `PurePath.suffixes`. A library that keeps only the
caller's extension (`digest + ext`, `path.with_suffix(suffix)`) under its own folder writes
inside that folder whatever the caller sends: no `../` can survive into the joined path. The
flow is judged by the last variable on it: when that variable holds only an extension, the
value the sink gets is the library's base plus a separator-free suffix (on Sphinx 8.2.3 the
remote-image cache, 4 path-traversal findings, all false).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.taint.module_index import ModuleIndex
from secreview.analysis.taint.results import SinkEvent

_SPLITEXT = frozenset({"os.path.splitext", "posixpath.splitext", "ntpath.splitext"})
_SUFFIX_ATTRIBUTES = frozenset({"suffix", "suffixes"})
_DIGESTS = frozenset({"hexdigest", "digest"})
_BASENAMES = frozenset(
    {"os.path.basename", "posixpath.basename", "ntpath.basename", "werkzeug.utils.secure_filename"}
)
"""A hash's digest: hex digits or bytes made by the hash, never the caller's separators."""


def only_an_extension(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the flow's value was cut down to a file name's extension (a `splitext` result's
    second part, a path's `.suffix`) and nothing after that cut puts the caller's whole value
    back: no later step's expression mentions the parameter, a variable the flow held before
    the cut, or the other part of the split (but inside a hex digest, `sha1(root).hexdigest()`,
    which is separator-free too). A call the value is passed to is not read whole: its other
    arguments go to other parameters, not into this flow's value."""
    steps = event.flow.steps
    parameter = steps[0][0]
    raw = {parameter.arg} if isinstance(parameter, ast.arg) else set()
    for number, (node, note) in enumerate(steps):
        if not (isinstance(node, ast.Name) and note.startswith("assigned to ")):
            continue
        binding = _extension_binding(node, index)
        if binding is None:
            raw.add(node.id)
            continue
        raw.update(binding)
        raw |= _derived_names(node, raw, index)
        later = [n for n, note in steps[number + 1 :] if not note.startswith("passed to ")]
        later.append(event.node)
        return not any(_mentions_raw(n, raw, index) for n in _with_values(later, index))
    return False


def _derived_names(cut: ast.Name, raw: set[str], index: ModuleIndex) -> set[str]:
    """The variables of the function holding the cut that are assigned from a `raw` value
    (`stem = name.rsplit(".", 1)[0]`), to a fixed point: each still holds the caller's text,
    though the flow followed the extension (the cut's own assignment aside)."""
    function = index.context.enclosing_function(cut)
    if function is None:
        return set()
    cut_statement = next((a for a in _ancestors(cut, index) if isinstance(a, ast.stmt)), None)
    assignments = [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign)
        and node is not cut_statement
        and node.value is not None
    ]
    derived = set(raw)
    changed = True
    while changed:
        changed = False
        for assignment in assignments:
            targets = (
                assignment.targets if isinstance(assignment, ast.Assign) else [assignment.target]
            )
            names = {
                n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)
            } - derived
            if names and _mentions_raw(assignment.value, derived, index):
                derived |= names
                changed = True
    return derived - raw


def _ancestors(node: ast.AST, index: ModuleIndex) -> Iterator[ast.AST]:
    current = index.context.parent(node)
    while current is not None:
        yield current
        current = index.context.parent(current)


def _extension_binding(target: ast.Name, index: ModuleIndex) -> set[str] | None:
    """When `target` is bound to an extension, the other names bound with it (`root` of
    `root, ext = splitext(x)`); None when it is bound to anything else."""
    for value, position, siblings in _bindings(target, index):
        if _extension_of(value, position, index):
            return siblings
    return None


def _with_values(nodes: list[ast.AST], index: ModuleIndex) -> Iterator[ast.AST]:
    """The nodes, and the values the variables among them were assigned from."""
    for node in nodes:
        yield node
        if isinstance(node, ast.Name):
            for value, _, _ in _bindings(node, index):
                yield value


def _mentions_raw(node: ast.AST, raw: set[str], index: ModuleIndex) -> bool:
    """Whether `node` uses one of the `raw` names outside a digest (`.hexdigest()`) or a
    basename (both separator-free, `_separator_free`)."""
    if isinstance(node, ast.Call) and _separator_free(node, index):
        return False
    if isinstance(node, ast.Name):
        return node.id in raw
    return any(_mentions_raw(child, raw, index) for child in ast.iter_child_nodes(node))


def _separator_free(call: ast.Call, index: ModuleIndex) -> bool:
    """Whether `call` returns text with no path separator: a digest, or a name reduced to its
    last part (`os.path.basename`, the path sanitisers of the taint models)."""
    if isinstance(call.func, ast.Attribute) and call.func.attr in _DIGESTS:
        return True
    return index.context.call_name(call) in _BASENAMES


def _bindings(
    target: ast.Name, index: ModuleIndex
) -> Iterator[tuple[ast.expr, int | None, set[str]]]:
    """The value `target` is bound from, its position when bound by unpacking a tuple
    (`name, ext = ...` gives `ext` position 1; a plain assignment gives None), and the other
    names that unpacking binds."""
    child: ast.AST = target
    parent = index.context.parent(target)
    position: int | None = None
    siblings: set[str] = set()
    while parent is not None:
        if isinstance(parent, ast.Tuple | ast.List) and child in parent.elts:
            if position is not None:
                return
            position = parent.elts.index(child)
            siblings = {e.id for e in parent.elts if isinstance(e, ast.Name) and e is not child}
        elif isinstance(parent, ast.Assign | ast.AnnAssign | ast.NamedExpr):
            if parent.value is not None and child is not parent.value:
                yield parent.value, position, siblings
            return
        else:
            return
        child, parent = parent, index.context.parent(parent)


def _extension_of(value: ast.expr, position: int | None, index: ModuleIndex) -> bool:
    """Whether `value` (at tuple `position`) is an extension: `splitext(x)` unpacked at 1,
    `splitext(x)[1]` / `[-1]`, or `p.suffix` / `p.suffixes`."""
    if position is not None:
        return position == 1 and _is_splitext(value, index)
    if isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Constant):
        return value.slice.value in (1, -1) and _is_splitext(value.value, index)
    return isinstance(value, ast.Attribute) and value.attr in _SUFFIX_ATTRIBUTES


def _is_splitext(node: ast.expr, index: ModuleIndex) -> bool:
    return isinstance(node, ast.Call) and index.context.call_name(node) in _SPLITEXT
