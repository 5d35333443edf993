"""Parameters every caller in the module fills with an object it builds from an imported class.

A parameter's name can give it a type (`request` is the framework's incoming request in a web
module: `models/web.toml`'s `[[parameter]]` names). The name is a guess, and the code can say
otherwise: nbviewer's client builds the request it sends (`request = HTTPRequest(url,
**kwargs)`, tornado.httpclient's outgoing request) and hands it to its own
`self.smart_fetch(request)`, whose `request.url` is the URL the application chose, not the URL a
browser asked for. When a function of the module (a method through `self`/`cls`) is only ever
called by name there, never handed around as a value, and every call passes for the parameter
an object it constructs (inline, or a local of the caller bound once to the construction) from
one imported class, the parameter holds an object of that class: what its name suggests is
not looked up. The constructions are read from the source alone, as `caller_urls` reads URLs.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence

from secreview.index.children import walk
from secreview.index.context import ModuleContext

_Function = ast.FunctionDef | ast.AsyncFunctionDef


def type_by_name(
    context: ModuleContext, function: _Function, name: str, types: Mapping[str, str]
) -> str | None:
    """The type `types` gives the parameter `name` of `function` by its name, unless every
    call of the function in the module constructs an object of a class `types` does not give
    that type."""
    by_name = types.get(name)
    built = context.derived(constructed_parameters).get(id(function), {}).get(name)
    if by_name is None or built is None:
        return by_name
    return by_name if types.get(built) == by_name else None


def constructed_parameters(context: ModuleContext) -> dict[int, dict[str, str]]:
    """`id` of a def -> parameter -> the qualified name of the imported class every call of the
    def in the module constructs for it. Computed once per module (`ModuleContext.derived`)."""
    found: dict[int, dict[str, str]] = {}
    scopes: list[tuple[bool, Sequence[ast.AST], list[_Function]]] = [
        (False, context.nodes, [s for s in context.tree.body if isinstance(s, _Function)])
    ]
    scopes.extend(
        (True, list(walk(s)), [i for i in s.body if isinstance(i, _Function)])
        for s in context.tree.body
        if isinstance(s, ast.ClassDef)
    )
    for method, nodes, functions in scopes:
        if not functions:
            continue
        calls = _calls_in(nodes, method, {f.name for f in functions})
        for function in functions:
            called = calls.get(function.name)
            classes = _constructed(context, function, called, method) if called else {}
            if classes:
                found[id(function)] = classes
    return found


def _calls_in(nodes: Sequence[ast.AST], method: bool, names: set[str]) -> dict[str, list[ast.Call]]:
    """Name -> every call of it among a scope's `nodes`, leaving out a name also read otherwise
    (handed around as a value: its calls cannot all be seen)."""
    calls: dict[str, list[ast.Call]] = {}
    called: set[int] = set()
    for node in nodes:
        if isinstance(node, ast.Call) and (name := _named(node.func, method)) in names:
            calls.setdefault(name, []).append(node)
            called.add(id(node.func))
    read = {
        name for node in nodes if id(node) not in called and (name := _named(node, method)) in names
    }
    return {name: found for name, found in calls.items() if name not in read}


def _named(node: ast.AST, method: bool) -> str:
    """The name `node` reads a function by: `self.name`/`cls.name` for methods, else `name`."""
    if method:
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("self", "cls")
        ):
            return node.attr
        return ""
    return node.id if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) else ""


def _constructed(
    context: ModuleContext, function: _Function, calls: list[ast.Call], method: bool
) -> dict[str, str]:
    """Each parameter every call fills with an object of one imported class -> that class."""
    arguments = function.args
    positional = [a.arg for a in (*arguments.posonlyargs, *arguments.args)][int(method) :]
    names = [*positional, *(a.arg for a in arguments.kwonlyargs)]
    found: dict[str, str] = {}
    for name in names:
        index = positional.index(name) if name in positional else None
        classes: set[str | None] = set()
        for call in calls:
            if any(isinstance(a, ast.Starred) for a in call.args):
                classes.add(None)
                break
            given = next((k.value for k in call.keywords if k.arg == name), None)
            if given is None and index is not None and index < len(call.args):
                given = call.args[index]
            classes.add(_class_built(context, given, call) if given is not None else None)
        if len(classes) == 1 and (built := classes.pop()) is not None:
            found[name] = built
    return found


def _class_built(context: ModuleContext, given: ast.expr, call: ast.Call) -> str | None:
    """The imported class `given` constructs: `HTTPRequest(url)`, or a local of the caller
    bound once, to such a construction."""
    if isinstance(given, ast.Name):
        scope = context.enclosing_function(call)
        bound = bound_once(scope, given.id) if scope is not None else None
        if bound is None:
            return None
        given = bound
    if not isinstance(given, ast.Call):
        return None
    name = context.resolve(given.func)
    if name is None or "." not in name:
        return None  # a builtin, or a function of the module: no class the imports name
    head = name.rsplit(".", 1)[-1]
    return name if head[:1].isupper() else None  # `HTTPRequest(...)`, not `make_request(...)`


def bound_once(scope: _Function, name: str) -> ast.expr | None:
    """The value of the one assignment to `name` in `scope`, when it is bound nowhere else
    (no other assignment, loop, `with`, parameter or augmented assignment)."""
    arguments = scope.args
    if any(a.arg == name for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)):
        return None
    value: ast.expr | None = None
    stores = 0
    for node in walk(scope):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            stores += 1
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == name
        ):
            value = node.value
    return value if stores == 1 else None
