"""What a local name was bound to, looked up one binding at a time inside the same function.

A pattern rule sees one call. These helpers look back inside the same function, so that
`cmd = "ls -l"` above `os.system(cmd)` is the value `cmd` holds there, and `args = base + ["-v"]`
a list written in the source (how strings are built from such values is `built_strings`). This
is not a dataflow analysis: branches are merged, loops are ignored, and whatever is unclear counts
as a value known only at run time (so it can raise a finding, never hide one behind a guess).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Container, Iterator
from typing import NamedTuple

from secreview.analysis.rules._support.comprehension_names import generator_binds
from secreview.index.children import child_nodes
from secreview.index.context import ModuleContext

MAX_DEPTH = 12  # bindings followed through other bindings; deeper chains count as unknown
_NESTED_SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
    ast.ClassDef,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


class Binding(NamedTuple):
    """One place a scope binds a name, and where the binding takes effect.

    `value` is what a plain `name = value` (or `with value as name`, `name := value`) binds; it is
    None when the binding is opaque (a parameter, a loop variable, tuple unpacking, an import).
    `augmented_op` marks `name op= value`, which extends the previous value instead of replacing it.
    """

    node: ast.AST
    value: ast.expr | None
    end: tuple[int, int]
    augmented_op: ast.operator | None = None


def _end(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)


def _scope_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """Nodes that belong to `scope` itself, not to functions, classes or comprehensions in it."""
    pending = child_nodes(scope)
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, _NESTED_SCOPES):
            pending.extend(child_nodes(node))


def _name_binding(context: ModuleContext, name: ast.Name) -> Binding:
    """What storing into `name` binds, judged from the statement around it."""
    parent = context.parent(name)
    match parent:
        case ast.Assign(targets=targets, value=value) if any(t is name for t in targets):
            return Binding(parent, value, _end(parent))
        case ast.AnnAssign(target=target, value=value) if target is name and value is not None:
            return Binding(parent, value, _end(parent))
        case ast.AugAssign(target=target, op=op, value=value) if target is name:
            return Binding(parent, value, _end(parent), augmented_op=op)
        case ast.NamedExpr(target=target, value=value) if target is name:
            return Binding(parent, value, _end(parent))
        case ast.withitem(context_expr=value, optional_vars=target) if target is name:
            statement = context.parent(parent) or name
            return Binding(statement, value, _end(name))
        case ast.Tuple(elts=names) | ast.List(elts=names):
            return _unpacked_binding(context, name, parent, names)
    return Binding(name, None, _end(name))


def _unpacked_binding(
    context: ModuleContext, name: ast.Name, target: ast.AST, names: list[ast.expr]
) -> Binding:
    """`a, b = x, y`: `name` is bound to the element of a tuple written beside it, in the same
    position (no starred target); any other unpacking is opaque."""
    statement = context.parent(target)
    if (
        isinstance(statement, ast.Assign)
        and target in statement.targets
        and isinstance(statement.value, ast.Tuple | ast.List)
        and len(statement.value.elts) == len(names)
        and not any(isinstance(n, ast.Starred) for n in (*names, *statement.value.elts))
    ):
        value = statement.value.elts[names.index(name)]
        return Binding(statement, value, _end(statement))
    return Binding(name, None, _end(name))


def _new_bindings_table(context: ModuleContext) -> dict[int, dict[str, list[Binding]]]:
    """An empty table of bindings by scope id, filled as rules ask (one per module)."""
    return {}


def _collect_bindings(context: ModuleContext, scope: ast.AST) -> dict[str, list[Binding]]:
    found: dict[str, list[Binding]] = {}
    for node in _scope_nodes(scope):
        match node:
            case ast.Name(ctx=ast.Store()):
                found.setdefault(node.id, []).append(_name_binding(context, node))
            case ast.arg() | ast.Global() | ast.Nonlocal():
                # bound before the body runs, or by code elsewhere: opaque from the start
                names = [node.arg] if isinstance(node, ast.arg) else node.names
                for each in names:
                    found.setdefault(each, []).append(Binding(node, None, (0, 0)))
            case ast.FunctionDef() | ast.AsyncFunctionDef() | ast.ClassDef():
                found.setdefault(node.name, []).append(Binding(node, None, _end(node)))
            case ast.Import() | ast.ImportFrom():
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    found.setdefault(local, []).append(Binding(node, None, _end(node)))
            case ast.ExceptHandler(name=str() as caught):
                found.setdefault(caught, []).append(Binding(node, None, _end(node)))
            case ast.MatchAs(name=str() as captured) | ast.MatchStar(name=str() as captured):
                found.setdefault(captured, []).append(Binding(node, None, _end(node)))
    for bindings in found.values():
        bindings.sort(key=lambda b: b.end)
    return found


def _scope_bindings(context: ModuleContext, scope: ast.AST) -> dict[str, list[Binding]]:
    """Every binding in `scope`, by name; computed once per scope."""
    table = context.derived(_new_bindings_table)
    key = id(scope)
    if key not in table:
        table[key] = _collect_bindings(context, scope)
    return table[key]


def _statement_slot(context: ModuleContext, node: ast.AST) -> tuple[ast.AST, list[ast.AST], int]:
    """(owner, block, index) of the statement holding `node`: where it sits in a body list."""
    current: ast.AST | None = node
    while current is not None:
        owner = context.parent(current)
        if owner is None:
            break
        for field in ("body", "orelse", "finalbody"):
            block = getattr(owner, field, None)
            if isinstance(block, list):
                for index, statement in enumerate(block):
                    if statement is current:
                        return owner, block, index
        current = owner
    return context.tree, [], 0


def _always_precedes(context: ModuleContext, binding: ast.AST, use: ast.AST) -> bool:
    """Whether `binding` runs on every path to `use`: its statement sits in a block that also
    holds (a statement enclosing) the use, at or before it. Branches and loops elsewhere do not."""
    owner, block, index = _statement_slot(context, binding)
    current: ast.AST | None = use
    while current is not None and current is not owner:
        if context.parent(current) is owner:
            return any(s is current for s in block[index:])
        current = context.parent(current)
    return False


def bindings_before(context: ModuleContext, name: ast.Name) -> list[Binding] | None:
    """How `name` may have been bound in its own scope at this use, in source order.

    None when the scope never binds it (a global, an import or a builtin); an empty list when it
    is only bound later (a loop carries it round), which callers treat as unknown. A plain
    assignment that always runs before the use hides the bindings before it. A name a
    comprehension around the use binds is that comprehension's own, an opaque binding.
    """
    if generator_binds(context, name):  # the comprehension's own name, not the function's
        return [Binding(name, None, (0, 0))]
    scope: ast.AST = context.enclosing_function(name) or context.tree
    bound = _scope_bindings(context, scope).get(name.id)
    if not bound:
        return None
    position = (name.lineno, name.col_offset)
    before = [b for b in bound if b.end <= position]
    for index in range(len(before) - 1, 0, -1):
        binding = before[index]
        if (
            binding.value is not None
            and binding.augmented_op is None
            and _always_precedes(context, binding.node, name)
        ):
            return before[index:]
    return before


def every_binding_assigns(
    context: ModuleContext, name: ast.Name, holds: Callable[[ast.expr], bool]
) -> bool:
    """Whether `name` is bound before its use only by plain assignments whose values all satisfy
    `holds`: a parameter, a loop target or `+=` leaves what it holds unknown."""
    bindings = bindings_before(context, name)
    return bool(bindings) and all(
        b.value is not None and b.augmented_op is None and holds(b.value) for b in bindings or ()
    )


def scope_nodes_of(context: ModuleContext, node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of the function around `node` (or of the module), without nested scopes."""
    return _scope_nodes(context.enclosing_function(node) or context.tree)


def assigned_values(context: ModuleContext, expr: ast.expr) -> list[tuple[ast.expr, ast.AST]]:
    """The plain values a local name may hold here, each with its assignment; else `expr` itself.

    Augmented and opaque bindings are left out: they never make an object of a known kind.
    """
    if isinstance(expr, ast.Name):
        bindings = bindings_before(context, expr)
        if bindings:
            return [(b.value, b.node) for b in bindings if b.value and not b.augmented_op]
        if bindings is None and expr.id in context.module_constants:
            return [(context.module_constants[expr.id], expr)]
        return []
    return [(expr, expr)]


def origin_calls(context: ModuleContext, expr: ast.expr) -> list[ast.Call]:
    """Calls whose result `expr` may be: itself, or what a local name was assigned or bound to."""
    return [value for value, _ in assigned_values(context, expr) if isinstance(value, ast.Call)]


def made_by(context: ModuleContext, expr: ast.expr, factories: Container[str]) -> ast.Call | None:
    """The call to one of `factories` (qualified names) that built the object `expr` refers to,
    when it is visible: `expr` itself, or what a local was assigned or bound to with `with`."""
    for call in origin_calls(context, expr):
        if context.call_name(call) in factories:
            return call
    return None


def single_value(context: ModuleContext, expr: ast.expr) -> ast.expr:
    """What a local name holds when it was bound exactly once to a plain value, else `expr`."""
    if isinstance(expr, ast.Name):
        bindings = bindings_before(context, expr)
        if bindings and len(bindings) == 1:
            only = bindings[0]
            if only.value is not None and only.augmented_op is None:
                return only.value
    return expr


def sequence_elements(
    context: ModuleContext, expr: ast.expr, depth: int = 0
) -> list[ast.expr] | None:
    """The elements of a list/tuple built in the source (through locals and `+`), else None."""
    if depth > MAX_DEPTH:
        return None
    match expr:
        case ast.List(elts=elements) | ast.Tuple(elts=elements):
            result: list[ast.expr] = []
            for element in elements:
                if isinstance(element, ast.Starred):
                    inner = sequence_elements(context, element.value, depth + 1)
                    if inner is None:
                        return None
                    result.extend(inner)
                else:
                    result.append(element)
            return result
        case ast.BinOp(op=ast.Add(), left=left, right=right):
            first = sequence_elements(context, left, depth + 1)
            second = sequence_elements(context, right, depth + 1)
            return None if first is None or second is None else first + second
        case ast.Name():
            return _name_sequence(context, expr, depth)
    return None


def _name_sequence(context: ModuleContext, name: ast.Name, depth: int) -> list[ast.expr] | None:
    bindings = bindings_before(context, name)
    if bindings is None:
        value = context.module_constants.get(name.id)
        return None if value is None else sequence_elements(context, value, depth + 1)
    plain = [b for b in bindings if b.augmented_op is None]
    if len(plain) != 1 or plain[0].value is None or plain[0] is not bindings[0]:
        return None
    result = sequence_elements(context, plain[0].value, depth + 1)
    for extension in bindings[1:]:
        if (
            result is None
            or extension.value is None
            or not isinstance(extension.augmented_op, ast.Add)
        ):
            return None
        more = sequence_elements(context, extension.value, depth + 1)
        result = None if more is None else result + more
    return result


def mapping_values(context: ModuleContext, expr: ast.expr) -> list[ast.expr] | None:
    """The values of the dict written in the source that `expr` names: a dict literal, a local
    bound once to one, a module constant, or a class attribute assigned once in the class body
    and never stored through `self` (`self.SUPPORTED_GROUP_BY`); else None."""
    value: ast.expr | None = single_value(context, expr)
    if isinstance(value, ast.Name) and bindings_before(context, value) is None:
        value = context.module_constants.get(value.id)
    elif isinstance(value, ast.Attribute) and _is_self(value.value):
        value = _class_body_value(value, context)
    if not isinstance(value, ast.Dict) or None in value.keys or _grown(context, expr):
        return None
    return list(value.values)


def _grown(context: ModuleContext, table: ast.expr) -> bool:
    """Whether the module stores into the table (`TABLE[key] = value`, `TABLE.update(...)`),
    so it may hold more than its literal."""
    return ast.dump(table) in context.derived(_stored_tables)


def _stored_tables(context: ModuleContext) -> frozenset[str]:
    """The shapes of everything the module stores items into or updates, found in one walk
    (asked for every look-up in a constant table a built string holds)."""
    return frozenset(
        ast.dump(node.value)
        for node in ast.walk(context.tree)
        if (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del))
        or (isinstance(node, ast.Attribute) and node.attr in {"update", "setdefault"})
    )


def _class_body_value(node: ast.Attribute, context: ModuleContext) -> ast.expr | None:
    """What `self.<attr>` holds when the class body assigns it once and no method stores it."""
    owner = next((a for a in context.ancestors(node) if isinstance(a, ast.ClassDef)), None)
    if owner is None or self_attribute_values(node, context) != []:
        return None
    assigned = [
        statement.value
        for statement in owner.body
        if isinstance(statement, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == node.attr for t in statement.targets)
    ]
    return assigned[0] if len(assigned) == 1 else None


def self_attribute_values(node: ast.Attribute, context: ModuleContext) -> list[ast.expr] | None:
    """The values `self.<attr>` (or `cls.<attr>`) is assigned anywhere in its class, the class
    counterpart of a local name's bindings; None when it is not read off `self` in a class, or
    when any store of it is not a plain assignment (`self.path += os.sep`, a tuple or loop
    target), since such a store may change what it holds."""
    if not _is_self(node.value):
        return None
    owner = next((a for a in context.ancestors(node) if isinstance(a, ast.ClassDef)), None)
    if owner is None:
        return None
    values: list[ast.expr] = []
    for inner in ast.walk(owner):
        if not (
            isinstance(inner, ast.Attribute)
            and isinstance(inner.ctx, ast.Store)
            and inner.attr == node.attr
            and _is_self(inner.value)
        ):
            continue
        statement = context.parent(inner)
        if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None:
            values.append(statement.value)
        else:
            return None
    return values


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id in {"self", "cls"}
