"""View parameters a decorator of the project fills itself, across a project.

Django views are called with the request and the URL's captured values, so a view's
parameters after `request` are request data. A project's own decorator can add keywords of its
own before calling the view: omero-web's `@login_required()` opens a connection and passes it as
`conn` (`kwargs["conn"] = conn`, then `f(request, *args, **kwargs)`); SecureDrop's looks the
logged-in user up and passes it beside the view's own keywords (`f(*args, **kwargs,
logged_in_source=user)`); IRIS's Flask decorators look the case up and check the user's access,
then `kwargs.update({"caseid": caseid})` (a name unpacked from the call's answer, `redir,
caseid, has_access = get_case_access(request, ...)`, is bound to that call). Such a parameter
holds what the decorator built (a connection, a row it looked up), not the request's text, when
the value is built by a call the decorator makes (`ctx.get_connection(server_id, request)`,
`get_user(request)`), a constant, an attribute of an object it reaches itself (ragflow's
`kwargs["tenant_id"] = current_user.id`, Flask-Login's signed-in user), or a name bound only so.
A value read off the wrapper's own parameters or Flask's `request` (`request.GET.get("url")`,
`request.get_full_path()`) or converted by a builtin (`str(request.GET["q"])`) still carries the
request, so that keyword is not recorded.

Each module records, for each module-level function and class (the wrapper may sit in any
method, `__call__` most often), the keywords its wrappers fill so (`decorator_fills`, kept in
`ModuleFacts`); `project_fills` adds what a class inherits from the project's classes.
"""

from __future__ import annotations

import ast
import builtins
import itertools
from collections.abc import Callable, Mapping

from secreview.index.choices import class_bases
from secreview.patterns import lazy_pattern

_BUILTINS = frozenset(dir(builtins))
"""Builtin names: a call of one (`str(...)`, `getattr(request, ...)`) keeps its argument's data."""

_KEYWORDS_NAME = lazy_pattern(r"\*\*(\w+)")
"""The name a `**kwargs` parameter (or argument) spells: the dict a wrapper stores into."""

_KEYWORD_BESIDE_SPLAT = lazy_pattern(r"\*\*\w+\s*,|,\s*\*\*\w+\s*\)")
"""A `**` dict with more arguments after it, or last after others: a call that may pass a
keyword beside it (`f(**kwargs, user=user)`, `f(request, user=get_user(request), **kwargs)`)."""

_REQUEST_GLOBALS = frozenset({"request", "flask_request"})
"""Names a Flask or Quart wrapper reads the request through without taking it as a parameter:
`request.args.get("next")` read there is the request's text, as it is off a Django wrapper's
`request` parameter."""

_MAX_DEPTH = 4
"""How many name bindings a filled value is followed through."""


def decorator_fills(tree: ast.Module, text: str | None = None) -> tuple[str, ...]:
    """`Name:keyword keyword` for each module-level function or class whose nested wrappers fill
    those keywords with values they build (see the module docstring); `text`, the module's
    source when at hand, is a cheap test first (no `**` or no `"] = `, no filled keyword)."""
    if text is not None and not _stores_keywords(text):
        return ()
    found: list[str] = []
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            keywords = sorted(_filled(statement))
            if keywords:
                found.append(f"{statement.name}:{' '.join(keywords)}")
    return tuple(found)


def _stores_keywords(text: str) -> bool:
    """The cheap test: whether the source stores a constant key into a `**` dict it names
    (`kwargs["conn"] = `, `kwargs.update(`), or passes a keyword beside one (`**kwargs,
    user=user`), by text only."""
    if "**" not in text:
        return False
    if _KEYWORD_BESIDE_SPLAT.search(text):
        return True
    names = set(_KEYWORDS_NAME.findall(text))
    if any(f"{name}.update(" in text for name in names):
        return True
    if '"] = ' not in text and "'] = " not in text:
        return False
    return any(f'{name}["' in text or f"{name}['" in text for name in names)


def project_fills(
    fills_by_module: Mapping[str, tuple[str, ...]],
    bases_by_module: Mapping[str, tuple[str, ...]],
    defining_name: Callable[[str], str],
) -> dict[str, frozenset[str]]:
    """Qualified name of each decorator of the project -> the keywords it fills, its own and
    those of the project classes it derives from (`bases_by_module`: `choices.choice_bases`)."""
    own: dict[str, frozenset[str]] = {}
    for module in sorted(fills_by_module):
        for entry in fills_by_module[module]:
            name, _, keywords = entry.partition(":")
            own[f"{module}.{name}"] = frozenset(keywords.split())
    if not own:
        return {}
    classes = class_bases(bases_by_module, defining_name)
    found = dict(own)
    for name in classes:
        inherited = _inherited(name, classes, own, 0)
        if inherited:
            found[name] = inherited
    return found


def _inherited(
    name: str,
    classes: Mapping[str, tuple[str, ...]],
    own: Mapping[str, frozenset[str]],
    depth: int,
) -> frozenset[str]:
    """The keywords `name` fills itself or through its project bases."""
    keywords = set(own.get(name, ()))
    if depth < _MAX_DEPTH:
        for base in classes.get(name, ()):
            keywords |= _inherited(base, classes, own, depth + 1)
    return frozenset(keywords)


def _filled(owner: ast.AST) -> set[str]:
    """Keywords the wrappers nested in `owner` fill with values they build."""
    keywords: set[str] = set()
    functions = [
        n
        for n in [owner, *_statements(owner)]
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    for node in functions:
        if node is not owner and node.args.kwarg is not None:
            wrapped = {a.arg for f in functions if f is not node for a in f.args.args}
            keywords |= _wrapper_fills(node, node.args.kwarg.arg, wrapped)
    return keywords


def _statements(owner: ast.AST) -> list[ast.AST]:
    """Every statement inside `owner`, nested blocks too (defs sit in statements only: a walk
    of the expressions would cost several times more)."""
    found: list[ast.AST] = []
    blocks: list[list[ast.AST]] = [getattr(owner, "body", [])]
    while blocks:
        for statement in blocks.pop():
            found.append(statement)
            for name in ("body", "orelse", "finalbody", "handlers", "cases"):
                block = getattr(statement, name, None)
                if isinstance(block, list):
                    blocks.append(block)
    return found


def _wrapper_fills(
    wrapper: ast.FunctionDef | ast.AsyncFunctionDef, kwarg: str, wrapped: set[str]
) -> set[str]:
    """Keywords `wrapper` stores into its `**kwarg` dict, each with a value it builds, and the
    places (`#1`) of the positional arguments it builds before handing `**kwarg` on to the view
    it wraps (`wrapped`: the enclosing functions' parameters, `route` of `def
    package_required(route)`). Flask calls a view with its URL values as keywords only, Django
    with the request first: `route(copr, package, **kwargs)` after `package =
    get_package(copr, kwargs.pop("package_name"))` gives the view's second parameter a row the
    wrapper looked up, not the URL's text. Positions after a `*args` are unknown."""
    arguments = wrapper.args
    parameters = {
        a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
    } | {kwarg}
    if arguments.vararg is not None:
        parameters.add(arguments.vararg.arg)
    bound: dict[str, list[ast.expr]] = {}
    stored: dict[str, list[ast.expr]] = {}
    for node in _statements(wrapper):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            for key, value in _updated(node.value, kwarg):  # `kwargs.update({"caseid": cid})`
                stored.setdefault(key, []).append(value)
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name):
                bound.setdefault(target.id, []).append(node.value)
            elif isinstance(target, ast.Tuple):  # `redir, caseid, ok = get_case_access(...)`
                for element in target.elts:
                    if isinstance(element, ast.Name):
                        bound.setdefault(element.id, []).append(node.value)
            elif (key := _is_key_of(target, kwarg)) is not None:
                stored.setdefault(key, []).append(node.value)
    places: dict[str, list[ast.expr]] = {}
    for call in _calls_passing(wrapper, kwarg):  # `f(*args, **kwargs, user=user)`
        for keyword in call.keywords:
            if keyword.arg is not None:
                stored.setdefault(keyword.arg, []).append(keyword.value)
        if isinstance(call.func, ast.Name) and call.func.id in wrapped:
            for index, given in enumerate(itertools.takewhile(_not_starred, call.args)):
                places.setdefault(f"#{index}", []).append(given)
    builds = _Builds(parameters, kwarg, bound)
    filled = {key for key, values in stored.items() if all(builds(v, key, 0) for v in values)}
    return filled | {key for key, values in places.items() if all(builds(v, "", 0) for v in values)}


def _not_starred(argument: ast.expr) -> bool:
    """Whether a call's argument sits at a known place (none after a `*args` does)."""
    return not isinstance(argument, ast.Starred)


def _calls_passing(wrapper: ast.FunctionDef | ast.AsyncFunctionDef, kwarg: str) -> list[ast.Call]:
    """The calls in `wrapper` that hand its `**kwarg` on (`f(*args, **kwargs, user=user)`):
    the wrapped view's call, whose other keywords are the wrapper's own fills."""
    return [
        node
        for node in ast.walk(wrapper)
        if isinstance(node, ast.Call)
        and any(
            k.arg is None and isinstance(k.value, ast.Name) and k.value.id == kwarg
            for k in node.keywords
        )
    ]


def _updated(call: ast.Call, kwarg: str) -> list[tuple[str, ast.expr]]:
    """The constant keys and values `kwarg.update({"key": value})` or `kwarg.update(key=value)`
    stores: the same fill as `kwarg["key"] = value`, spelled as a method call."""
    func = call.func
    if not (
        isinstance(func, ast.Attribute)
        and func.attr == "update"
        and isinstance(func.value, ast.Name)
        and func.value.id == kwarg
    ):
        return []
    found = [(k.arg, k.value) for k in call.keywords if k.arg is not None]
    for given in call.args:
        if isinstance(given, ast.Dict):
            found.extend(
                (key.value, value)
                for key, value in zip(given.keys, given.values, strict=True)
                if isinstance(key, ast.Constant) and isinstance(key.value, str)
            )
    return found


def _is_key_of(node: ast.expr, kwarg: str) -> str | None:
    """The constant key of a store into `kwarg["key"]`, else None."""
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == kwarg
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
    ):
        return node.slice.value
    return None


class _Builds:
    """Whether a wrapper builds a value itself (the module docstring's rule)."""

    def __init__(self, parameters: set[str], kwarg: str, bound: dict[str, list[ast.expr]]) -> None:
        self.parameters = parameters
        self.kwarg = kwarg
        self.bound = bound

    def __call__(self, value: ast.expr, key: str, depth: int) -> bool:
        """Whether `value`, stored as `key`, is built by the wrapper, not read off its input."""
        if isinstance(value, ast.Constant):
            return True
        if isinstance(value, ast.Name):
            if value.id in self.parameters or depth >= _MAX_DEPTH:
                return False
            return all(self(v, key, depth + 1) for v in self.bound.get(value.id, ()))
        if isinstance(value, ast.Attribute):
            return self._read_off_own_object(value, key, depth)
        if not isinstance(value, ast.Call):
            return False
        if self._own_value(value, key):
            return True  # `kwargs.get("conn")`: the keyword the view was called with, kept
        root = value.func
        while isinstance(root, ast.Attribute | ast.Call | ast.Subscript):
            root = root.func if isinstance(root, ast.Call) else root.value
        return (
            isinstance(root, ast.Name)
            and root.id not in self.parameters
            and root.id not in _BUILTINS
            and root.id not in _REQUEST_GLOBALS
        )

    def _read_off_own_object(self, value: ast.Attribute, key: str, depth: int) -> bool:
        """`current_user.id`, `g.user.tenant_id`: an attribute read off an object the wrapper
        reaches by itself (Flask-Login's signed-in user proxy, an imported module's object, a
        name it bound to a value it built), as a call rooted there is. An attribute of the
        wrapper's own parameters (`request.GET`, `self.x`) or of the request (`flask.request.
        args`) still carries the request, and a builtin's (`str.join`) is no value of its own."""
        root: ast.expr = value
        while isinstance(root, ast.Attribute):
            if root.attr in _REQUEST_GLOBALS:
                return False
            root = root.value
        if not isinstance(root, ast.Name) or root.id in _BUILTINS or root.id in _REQUEST_GLOBALS:
            return False
        if root.id in self.parameters or depth >= _MAX_DEPTH:
            return False
        return all(self(v, key, depth + 1) for v in self.bound.get(root.id, ()))

    def _own_value(self, call: ast.Call, key: str) -> bool:
        """`kwargs.get("key", ...)`: the value the same keyword already had."""
        func = call.func
        return (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and isinstance(func.value, ast.Name)
            and func.value.id == self.kwarg
            and bool(call.args)
            and isinstance(call.args[0], ast.Constant)
            and call.args[0].value == key
        )
