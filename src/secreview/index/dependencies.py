"""FastAPI dependencies a project declares by name, across its modules.

FastAPI fills a view parameter by calling a dependency when the parameter's default is a
`Depends(...)`/`Security(...)` object or its annotation is `Annotated[T, Depends(...)]`; such a
parameter carries nothing of the request. Projects rarely write the marker in the view: they
keep it in a module-level name (`db_dependency = Depends(get_db)`, `DbSession = Annotated[...]`),
or in a function that builds one (`def depends_event_service(): return Depends(injector.depends)`,
tracecat's `RoleACL(...)`), called in the default (`role: Role = RoleACL(...)`), in an alias
(`WorkspaceRole = Annotated[Role, RoleACL(...)]`), or once at module level and then named
(`event_service_dependency = depends_event_service()`). Read as request data, every method such
an object answers was attacker text (a false `path-traversal` through OpenHands' event service).

Each module records what it declares (`dependency_entries`, kept among `choice_bases`); the
scanner resolves the spellings through the project's imports (`project_dependencies`), and the
names land in `ProjectIndex.choices` beside the fixed-value types, the set a view parameter is
judged by (`ChoiceTypes.fills_from_dependency`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator

DEPENDENCY = "<"
"""The `choice_bases` mark of a dependency: `Name:<` for one by itself (a function giving a
`Depends(...)`, a name bound to one, an `Annotated` alias naming one), `Name:<a b` for a name
bound to a call of `a` or an alias whose metadata calls `a` or `b`: a dependency when they are."""

MARKERS = frozenset({"Depends", "Security"})
"""FastAPI's declarations of a dependency."""

_MAX_ROUNDS = 8
"""How many links of names bound to calls of names are followed."""


def dependency_entries(tree: ast.Module) -> Iterator[str]:
    """The module's `Name:<...` entries (`DEPENDENCY`), module-level statements only."""
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            if _gives_dependency(statement):
                yield f"{statement.name}:{DEPENDENCY}"
            continue
        bound = bound_name(statement)
        if bound is None:
            continue
        name, value = bound
        if is_marker_call(value) or is_dependency(value):
            yield f"{name}:{DEPENDENCY}"
        elif callees := _callees(value):
            yield f"{name}:{DEPENDENCY}{' '.join(callees)}"


def project_dependencies(
    entries: Iterable[tuple[str, str, str]], defining_name: Callable[[str], str]
) -> set[str]:
    """Qualified names of the project's dependencies, from (module, name, spelled) entries of
    `choice_bases`: those marked by themselves, then names bound to calls of them (through
    `defining_name`, which follows imports and re-exports), a few links deep."""
    found: set[str] = set()
    pending: dict[str, list[str]] = {}
    for module, name, spelled in entries:
        if not spelled.startswith(DEPENDENCY):
            continue
        callees = spelled.removeprefix(DEPENDENCY).split()
        if not callees:
            found.add(f"{module}.{name}")
        else:
            pending[f"{module}.{name}"] = [defining_name(f"{module}.{c}") for c in callees]
    for _ in range(_MAX_ROUNDS):
        added = {name for name, callees in pending.items() if not found.isdisjoint(callees)}
        if not added:
            break
        found |= added
        pending = {name: callees for name, callees in pending.items() if name not in added}
    return found


def is_marker_call(node: ast.expr) -> bool:
    """Whether `node` is `Depends(f)`/`Security(f, ...)` (any spelling of the module): a bare
    `Depends()` names the parameter's own class, which FastAPI builds from the request."""
    return (
        isinstance(node, ast.Call)
        and dotted(node.func).rpartition(".")[2] in MARKERS
        and bool(node.args or node.keywords)
    )


def is_dependency(annotation: ast.expr) -> bool:
    """Whether `annotation` is spelled `Annotated[T, Depends(...)]` (or `Security(...)`): a
    type FastAPI fills by calling the dependency, not from the request."""
    return any(map(is_marker_call, annotated_metadata(annotation)))


def annotated_metadata(annotation: ast.expr) -> list[ast.expr]:
    """The metadata of an `Annotated[T, ...]` annotation (empty for any other)."""
    if (
        isinstance(annotation, ast.Subscript)
        and dotted(annotation.value).rpartition(".")[2] == "Annotated"
        and isinstance(annotation.slice, ast.Tuple)
    ):
        return annotation.slice.elts[1:]
    return []


def dotted(node: ast.expr) -> str:
    """`a.b.C` of a Name/Attribute chain, empty for anything else (a call, a subscript)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    return ".".join([node.id, *reversed(parts)])


def _gives_dependency(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether every value the function returns (its own `return`s, not a nested function's)
    is a dependency marker, either branch of a conditional one too, and it returns one."""
    returned = list(_own_returns(function.body))
    if not returned:
        return False
    branches = [v for r in returned for v in _branches(r)]
    return all(v is not None and is_marker_call(v) for v in branches)


def _own_returns(body: list[ast.stmt]) -> Iterator[ast.expr | None]:
    """The returned values of a function body's own `return` statements (None for a bare one)."""
    pending: list[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Return):
            yield node.value
        elif not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            pending.extend(ast.iter_child_nodes(node))


def _branches(value: ast.expr | None) -> list[ast.expr | None]:
    """Both values of `a if c else b`, nested ones too; the value itself otherwise."""
    if isinstance(value, ast.IfExp):
        return [*_branches(value.body), *_branches(value.orelse)]
    return [value]


def bound_name(statement: ast.stmt) -> tuple[str, ast.expr] | None:
    """(name, value) of a module-level `X = value` or `X: T = value`."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target, value = statement.targets[0], statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target, value = statement.target, statement.value
    else:
        return None
    return (target.id, value) if isinstance(target, ast.Name) else None


def _callees(value: ast.expr) -> list[str]:
    """The functions whose result makes `value` a dependency when they give one: the callee of
    `f(...)`, the callees of an `Annotated` alias's metadata calls (`Annotated[Role, ACL()]`)."""
    calls = [value] if isinstance(value, ast.Call) else annotated_metadata(value)
    return sorted(
        {name for call in calls if isinstance(call, ast.Call) and (name := dotted(call.func))}
    )
