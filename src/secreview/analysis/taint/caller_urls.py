"""Parameters of a module's private helpers that every caller fills with a fixed-host URL.

A service client often sends through one helper (`def _send(self, url, payload)`,
`def _fetch(url)`) that its methods call with the service's own URLs
(`self._send(self.notify_url.format("pushes"), payload)`, `_fetch(API + "/v1/items")`). Inside
the helper, the URL is a parameter like any other, so the reply of `requests.post(url)` would
count as any server's. When the helper is private (`_name`, not a dunder), is only ever called
by name in its module (a method through `self`/`cls`), never handed around as a value, and each
call passes for the parameter text whose host the code fixes, the parameter starts with their
common prefix (`Value.prefix`): a request to it reaches that host only, as a request written
with the constant itself does. The prefixes are read from the source alone: literals, module
constants, class constants no method replaces, `.format`, `%`, `+` and f-strings whose fixed
text comes first, and a caller's local bound once to such text.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import NamedTuple, TypeGuard

from secreview.analysis.taint.semantics import fixes_host
from secreview.index.children import walk
from secreview.index.context import ModuleContext

_CLIENTS = ("import requests", "from requests", "httpx", "urlopen", "urllib3", "aiohttp")
"""Text an HTTP request the models type by its URL needs (`requests` imported, `urlopen`)."""

_MAX_DEPTH = 6
"""How many bindings and nested expressions a URL's prefix is followed through."""


class CallerUrl(NamedTuple):
    """What every caller passes for a helper's parameter: the text each URL starts with, and
    when each is a whole constant, those constants (`Value.choices`: one of several hosts)."""

    prefix: str = ""
    choices: frozenset[object] = frozenset()


NO_URL = CallerUrl()


def fixed_url_parameters(context: ModuleContext) -> dict[int, dict[str, CallerUrl]]:
    """`id` of a helper's def -> parameter -> the fixed-host URLs its callers pass.
    Computed once per module (`ModuleContext.derived`); the cheap test first: no `def _`, no
    private helper; no `http` text, no fixed host; no HTTP client imported, no reply to type.
    One walk per scope (the module for its functions, a class for its methods) finds every
    helper's calls."""
    text = context.text
    if "def _" not in text or "http" not in text or not any(c in text for c in _CLIENTS):
        return {}
    found: dict[int, dict[str, CallerUrl]] = {}
    scopes: list[tuple[ast.ClassDef | None, list[ast.FunctionDef | ast.AsyncFunctionDef]]] = [
        (None, [s for s in context.tree.body if _is_private(s)])
    ]
    scopes.extend(
        (s, [item for item in s.body if _is_private(item)])
        for s in context.tree.body
        if isinstance(s, ast.ClassDef)
    )
    for cls, functions in scopes:
        if not functions:
            continue
        nodes = context.nodes if cls is None else list(walk(cls))  # the module's: indexed
        calls = _calls_in(nodes, cls is not None)
        reader = _Prefixes(context, cls)
        for function in functions:
            called = calls.get(function.name)
            if called:
                prefixes = _parameter_prefixes(function, called, cls is not None, reader)
                if prefixes:
                    found[id(function)] = prefixes
    return found


def _is_private(node: ast.stmt) -> TypeGuard[ast.FunctionDef | ast.AsyncFunctionDef]:
    """A private function or method (`_send`, not a dunder)."""
    return (
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("_")
        and not node.name.endswith("__")
    )


def _calls_in(nodes: Sequence[ast.AST], method: bool) -> dict[str, list[ast.Call]]:
    """Name -> every call of it among a scope's `nodes` (`self.name(...)`/`cls.name(...)` for
    methods), leaving out a name also read otherwise (handed around as a value: its calls
    cannot all be seen)."""
    calls: dict[str, list[ast.Call]] = {}
    called: set[int] = set()
    read: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Call) and (name := _named(node.func, method)):
            calls.setdefault(name, []).append(node)
            called.add(id(node.func))
    for node in nodes:
        if (name := _named(node, method)) and id(node) not in called:
            read.add(name)
    return {name: found for name, found in calls.items() if name not in read}


def _named(node: ast.AST, method: bool) -> str:
    """The private name `node` reads a function by: `self.name`/`cls.name`, or `name`."""
    if method:
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and isinstance(node.value, ast.Name)
            and node.value.id in ("self", "cls")
        ):
            return node.attr
        return ""
    return node.id if isinstance(node, ast.Name) and node.id.startswith("_") else ""


def _parameter_prefixes(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    calls: list[ast.Call],
    method: bool,
    reader: _Prefixes,
) -> dict[str, CallerUrl]:
    """Each positional parameter every call fills with a fixed-host URL -> their common prefix,
    or the URLs themselves when each call passes a whole constant of its own host."""
    arguments = function.args
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args)][1 if method else 0 :]
    found: dict[str, CallerUrl] = {}
    for index, name in enumerate(names):
        prefixes: list[str] = []
        wholes: set[object] = set()
        for call in calls:
            if any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
                break
            given = call.args[index] if index < len(call.args) else None
            if given is None:
                given = next((k.value for k in call.keywords if k.arg == name), None)
            scope = reader.context.enclosing_function(call)
            prefix = reader.prefix(given, scope, 0) if given is not None else ""
            if not fixes_host(prefix):
                break
            prefixes.append(prefix)
            whole = reader.whole(given, scope, 0) if given is not None else None
            wholes.add(whole)
        else:
            common = _common_prefix(prefixes)
            if prefixes and fixes_host(common):
                found[name] = CallerUrl(common)
            elif prefixes and None not in wholes:
                found[name] = CallerUrl(common, frozenset(wholes))
    return found


def fixed_start(context: ModuleContext, node: ast.expr) -> str:
    """The text `node`'s value starts with, read from the expression alone (a constant, the left
    of `+` or `%`, an f-string's or a `.format` template's leading text), or ''."""
    return _Prefixes(context, None).prefix(node, None, 0)


class _Prefixes:
    """The fixed text a URL expression starts with, read from the source alone."""

    def __init__(self, context: ModuleContext, cls: ast.ClassDef | None) -> None:
        self.context = context
        self.cls = cls

    def prefix(self, node: ast.expr, scope: ast.AST | None, depth: int) -> str:
        """The text `node`'s value starts with whatever runs ('' when nothing is fixed)."""
        constant = self.context.constant_value(node)
        if isinstance(constant, str):
            return constant
        if depth > _MAX_DEPTH:
            return ""
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return self._class_constant(node.value.id, node.attr)
        if isinstance(node, ast.Name) and scope is not None:
            return self._local(node.id, scope, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
            left = self.prefix(node.left, scope, depth + 1)
            return left.split("%", 1)[0] if isinstance(node.op, ast.Mod) else left
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
        ):
            return self.prefix(node.func.value, scope, depth + 1).split("{", 1)[0]
        if isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                return first.value
            if isinstance(first, ast.FormattedValue) and first.format_spec is None:
                return self.prefix(first.value, scope, depth + 1)
        return ""

    def _class_constant(self, owner: str, attribute: str) -> str:
        """`self.X`/`cls.X`/`Class.X` of the helper's class: a constant its body binds that no
        method (nor a `setattr`) replaces."""
        cls = self.cls
        if cls is None or owner not in ("self", "cls", cls.name):
            return ""
        value = ""
        for item in cls.body:
            if isinstance(item, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == attribute for t in item.targets
            ):
                constant = self.context.constant_value(item.value)
                value = constant if isinstance(constant, str) else ""
        if not value:
            return ""
        for node in walk(cls):
            if (isinstance(node, ast.Name) and node.id == "setattr") or (
                isinstance(node, ast.Attribute)
                and node.attr == attribute
                and isinstance(node.ctx, ast.Store | ast.Del)
            ):
                return ""
        return value

    def whole(self, node: ast.expr, scope: ast.AST | None, depth: int) -> str | None:
        """The whole text of `node` when the source fixes all of it (a constant, a class
        constant, a local bound only to one), else None."""
        constant = self.context.constant_value(node)
        if isinstance(constant, str):
            return constant
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return self._class_constant(node.value.id, node.attr) or None
        if isinstance(node, ast.Name) and scope is not None and depth < _MAX_DEPTH:
            texts = {self.whole(v, scope, depth + 1) for v in self._bindings(node.id, scope)}
            return texts.pop() if len(texts) == 1 else None
        return None

    def _local(self, name: str, scope: ast.AST, depth: int) -> str:
        """A caller's local bound only to fixed-host text (every binding in its function)."""
        bound = self._bindings(name, scope)
        prefixes = [self.prefix(value, scope, depth + 1) for value in bound]
        common = _common_prefix(prefixes)
        return common if all(prefixes) else ""

    def _bindings(self, name: str, scope: ast.AST) -> list[ast.expr]:
        """What the plain assignments in `scope` bind `name` to; empty when anything else binds
        it too (a parameter, a loop, unpacking), so its value is not read from the source."""
        bound: list[ast.expr] = []
        for node in walk(scope):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets
            ):
                bound.append(node.value)
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name
                for target in node.targets
                for t in walk(target)
            ):
                return []  # unpacked (`url, data = ...`): not read here
            elif _binds(node, name):
                return []
        return bound


def _common_prefix(texts: list[str]) -> str:
    """The text every one of `texts` starts with, character by character ('' for none)."""
    if not texts:
        return ""
    first, last = min(texts), max(texts)
    pairs = enumerate(zip(first, last, strict=False))
    length = next((i for i, (a, b) in pairs if a != b), len(first))
    return first[:length]


def _binds(node: ast.AST, name: str) -> bool:
    """Whether a statement other than a plain assignment (or a parameter) binds `name`."""
    if isinstance(node, ast.arg):
        return node.arg == name
    targets: list[ast.expr] = []
    if isinstance(node, ast.AugAssign | ast.AnnAssign | ast.For):
        targets = [node.target]
    elif isinstance(node, ast.With):
        targets = [item.optional_vars for item in node.items if item.optional_vars]
    return any(isinstance(t, ast.Name) and t.id == name for target in targets for t in walk(target))
