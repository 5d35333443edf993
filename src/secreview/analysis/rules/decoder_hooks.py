"""CWE-502: a JSON or MessagePack decoder hook that runs the code a document names
(`unsafe-decoder-hook`).

`json.loads(text, object_hook=hook)` hands `hook` every object of the document as a dict, and
`msgpack.unpackb(data, ext_hook=hook)` hands it every extension's bytes. A hook that rebuilds
objects by evaluating or importing what the document names (`eval(d["__class__"])`,
`importlib.import_module(d["id"][0])`) turns a data format into a pickle: whoever writes the
document runs code when it is decoded (Wazuh's distributed API, LangGraph's checkpoints). The
data flow cannot tell where the decoded text comes from, so the rule judges the hook itself,
under every threat model: a decoder that runs named code is unsafe for any data not fully
trusted.

The document is followed through the hook's locals (`exc = d["__unhandled_exc__"]`, `[*module,
name] = value["id"]`, `tup = ormsgpack.unpackb(data)`) and into the module's own functions and
methods the hook hands it to, by position (`self._revive(value)`) or by keyword
(`_rebuild(mod_name=d["__module__"])`), two calls deep. A hook that tests the named value against
an allow-list (`if name not in ALLOWED: raise`) or a package prefix
(`d["__module__"].startswith("app.models")`), or hands the document to a check named for one
(`self._check_allowed_modules(value)`) before reaching the call is not reported,
nor is a hook whose call gets only text written in the source (`eval("1")`) or a literal parser
(`ast.literal_eval`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.rules._support.quoting import code
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of
from secreview.patterns import lazy_pattern

_HOOK_KEYWORDS: dict[str, int] = {"object_hook": 0, "object_pairs_hook": 0, "ext_hook": 1}
"""Keyword naming a decoder hook -> position of the document among the hook's parameters."""
_EXT_HOOK_MODULES = ("msgpack", "ormsgpack")
"""`ext_hook` is MessagePack's word; elsewhere the keyword may mean anything."""
_CODE_CALLS = frozenset(
    {
        "eval",
        "exec",
        "builtins.eval",
        "builtins.exec",
        "__import__",
        "builtins.__import__",
        "importlib.__import__",
        "importlib.import_module",
        "pydoc.locate",
        "pkgutil.resolve_name",
    }
)
_ALLOW_WORDS = ("allow", "whitelist")
_PACKAGE_PREFIX = lazy_pattern(r"[A-Za-z]\w*(?:\.[A-Za-z_]\w*)+\.?")
"""A dotted package name (`app.models`, `app.models.`); one word alone (`"_"`, `"data"`) says
nothing about which modules pass."""
_MAX_DEPTH = 2
_Function = ast.FunctionDef | ast.AsyncFunctionDef


class _Reach(NamedTuple):
    """A function the document reaches: the names holding it there, how it got there (the hook's
    name, the keyword, the registering call) and whether an allow-list check came first."""

    names: frozenset[str]
    hook: str
    keyword: str
    registration: ast.Call
    guarded: bool


def _mentions(node: ast.AST, names: frozenset[str] | set[str]) -> bool:
    """Whether `node` reads one of `names`."""
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _stored_names(target: ast.AST) -> set[str]:
    """The names an assignment target binds (`a`, `[*module, name]`, `(k, v)`)."""
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _bound_from(node: ast.AST, names: set[str]) -> set[str]:
    """The names `node` binds from a value that reads one of `names` (none when it binds none)."""
    if isinstance(node, ast.Assign):
        if not _mentions(node.value, names):
            return set()
        return set().union(*(_stored_names(t) for t in node.targets))
    if isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
        value: ast.AST | None = node.value
        target: ast.AST = node.target
    elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
        value, target = node.iter, node.target
    else:
        return set()
    return _stored_names(target) if value is not None and _mentions(value, names) else set()


def _holding(function: _Function, start: frozenset[str]) -> frozenset[str]:
    """`start` and the locals of `function` assigned from them, directly or through others."""
    names = set(start)
    changed = True
    while changed:
        changed = False
        for node in ast.walk(function):
            bound = _bound_from(node, names)
            if not bound <= names:
                names |= bound
                changed = True
    return frozenset(names)


def _is_membership_test(node: ast.AST, names: frozenset[str]) -> bool:
    """Whether `node` tests a value read from the document for membership (`name in ALLOWED`)."""
    return (
        isinstance(node, ast.Compare)
        and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops)
        and not isinstance(node.left, ast.Constant)
        and _mentions(node.left, names)
    )


def _is_allow_list_call(node: ast.AST, names: frozenset[str]) -> bool:
    """Whether `node` hands the document to a call named for an allow-list check."""
    if not isinstance(node, ast.Call):
        return False
    word = (last_name(node.func) or "").lower()
    arguments = (*node.args, *(k.value for k in node.keywords))
    return any(w in word for w in _ALLOW_WORDS) and any(_mentions(a, names) for a in arguments)


def _is_package_prefix(value: ast.expr) -> bool:
    """Whether `value` is a dotted package name written in the source (`"app.models"`), or a tuple
    of them: the module names a prefix test against it lets through are that package's only."""
    if isinstance(value, ast.Tuple):
        return bool(value.elts) and all(_is_package_prefix(e) for e in value.elts)
    return (
        isinstance(value, ast.Constant)
        and isinstance(value.value, str)
        and _PACKAGE_PREFIX.fullmatch(value.value) is not None
    )


def _is_prefix_test(node: ast.AST, names: frozenset[str]) -> bool:
    """Whether `node` tests a value read from the document against a package prefix
    (`d["__module__"].startswith("app.models")`): only that package's modules are imported, an
    allow-list by package rather than by name."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "startswith"
        and _mentions(node.func.value, names)
        and len(node.args) == 1
        and _is_package_prefix(node.args[0])
    )


def _checks_allow_list(function: _Function, names: frozenset[str]) -> bool:
    """Whether `function` tests the document against an allow-list: a membership test of a value
    read from it (`if name not in ALLOWED`), a package prefix test of one, or a call named for an
    allow-list check that is handed it."""
    return any(
        _is_membership_test(node, names)
        or _is_prefix_test(node, names)
        or _is_allow_list_call(node, names)
        for node in ast.walk(function)
    )


def _class_of(context: ModuleContext, function: _Function) -> ast.ClassDef | None:
    """The class whose body defines `function` directly, if any."""
    parent = context.parent(function)
    return parent if isinstance(parent, ast.ClassDef) else None


def _parameters(context: ModuleContext, function: _Function) -> list[str]:
    """`function`'s positional parameters, without `self`/`cls` for a method."""
    names = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    static = any(
        isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list
    )
    return names[1:] if _class_of(context, function) is not None and not static else names


def _handed_by_keyword(callee: _Function, call: ast.Call, names: frozenset[str]) -> set[str]:
    """The parameters of `callee` that `call` hands the document by keyword
    (`_rebuild(mod_name=d["__module__"])`): a keyword argument binds the parameter of its name,
    as a positional one binds the parameter at its place."""
    accepted = {a.arg for a in (*callee.args.args, *callee.args.kwonlyargs)}
    return {k.arg for k in call.keywords if k.arg in accepted and _mentions(k.value, names)}


def _named_function(context: ModuleContext, where: ast.AST, target: ast.expr) -> _Function | None:
    """The function of this module `target` names at `where`: a module-level function or one
    defined in the same function (`hook`), or a method of the enclosing class (`self.hook`)."""
    if isinstance(target, ast.Name):
        scope = context.enclosing_function(where)
        bodies = [context.tree.body, *([scope.body] if scope is not None else [])]
        for body in bodies:
            for statement in body:
                if isinstance(statement, _Function) and statement.name == target.id:
                    return statement
        return None
    if not (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id in {"self", "cls"}
    ):
        return None
    owner = next((a for a in context.ancestors(where) if isinstance(a, ast.ClassDef)), None)
    if owner is None:
        return None
    for statement in owner.body:
        if isinstance(statement, _Function) and statement.name == target.attr:
            return statement
    return None


def _hook_keyword(context: ModuleContext, call: ast.Call, keyword: ast.keyword) -> bool:
    """Whether `keyword` registers a decoder hook on `call`."""
    if keyword.arg not in _HOOK_KEYWORDS:
        return False
    if keyword.arg != "ext_hook":
        return True
    name = context.call_name(call) or ""
    return name.split(".")[0] in _EXT_HOOK_MODULES


def _follow(
    context: ModuleContext,
    function: _Function,
    start: frozenset[str],
    origin: _Reach,
    found: dict[int, _Reach],
    depth: int = 0,
) -> None:
    """Record the names holding the document in `function`, then follow it into the module's
    functions `function` hands it to."""
    names = _holding(function, start)
    guarded = origin.guarded or _checks_allow_list(function, names)
    reach = origin._replace(names=names, guarded=guarded)
    known = found.get(id(function))
    if known is not None and known.names >= names and known.guarded <= reach.guarded:
        return
    found[id(function)] = reach
    if depth >= _MAX_DEPTH:
        return
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        callee = _named_function(context, node, node.func)
        if callee is None or callee is function:
            continue
        parameters = _parameters(context, callee)
        handed = {
            parameters[i]
            for i, argument in enumerate(node.args)
            if i < len(parameters) and _mentions(argument, names)
        } | _handed_by_keyword(callee, node, names)
        if handed:
            _follow(context, callee, frozenset(handed), reach, found, depth + 1)


def _documents(context: ModuleContext) -> dict[int, _Reach]:
    """Every function of the module a decoder hook's document reaches, by `id` of its node."""
    found: dict[int, _Reach] = {}
    for node in nodes_of(context, ast.Call):
        for keyword in node.keywords:
            if not _hook_keyword(context, node, keyword):
                continue
            hook = _named_function(context, node, keyword.value)
            if hook is None:
                continue
            parameters = _parameters(context, hook)
            position = _HOOK_KEYWORDS[str(keyword.arg)]
            if position >= len(parameters):
                continue
            origin = _Reach(frozenset(), hook.name, str(keyword.arg), node, False)
            _follow(context, hook, frozenset({parameters[position]}), origin, found)
    return found


@rule(
    id="unsafe-decoder-hook",
    name="Decoder hook runs code the document names",
    cwe=502,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A json `object_hook` or msgpack `ext_hook` evaluates or imports what the decoded "
    "document names.",
    fix='Rebuild only the types of a fixed mapping (`DECODERS = {"datetime": '
    "datetime.fromisoformat}`; `DECODERS[tag](value)`), or check the named module or class "
    "against an allow-list before importing it; parse literal values with `ast.literal_eval`.",
    what_it_does="Reports `eval`, `exec`, `__import__`, `importlib.import_module`, "
    "`pydoc.locate` and `pkgutil.resolve_name` given a value read from the document a decoder "
    "hook is handed: the `object_hook`/`object_pairs_hook` of `json.loads`, `json.load` or a "
    "`JSONDecoder`, and the `ext_hook` of `msgpack`/`ormsgpack`, also in the module's functions "
    "the hook hands the document to. Not when the value is tested against an allow-list first.",
    why_bad="The hook runs on every object of every document decoded: "
    '`{"__class__": "__import__(\'os\').system(\'id\')"}` is code, and `{"id": ["os", '
    '"system"], "args": ["id"]}` a call, so decoding data from outside runs the sender\'s code, '
    "exactly as `pickle.loads` would (CVE-2025-24016, CVE-2025-64439).",
    example="def as_object(d):\n    if '__exc__' in d:\n        return eval(d['__exc__']['class'])"
    "(*d['__exc__']['args'])\n    return d\n\nmessage = json.loads(body, object_hook=as_object)",
    use_instead="EXCEPTIONS = {'KeyError': KeyError, 'ValueError': ValueError}\n\n"
    "def as_object(d):\n    if '__exc__' in d:\n        return EXCEPTIONS[d['__exc__']['class']]"
    "(*d['__exc__']['args'])\n    return d",
    references=(
        "https://docs.python.org/3/library/json.html#json.load",
        "https://github.com/msgpack/msgpack-python#extended-types",
        "https://cwe.mitre.org/data/definitions/502.html",
    ),
    calls=_CODE_CALLS,
    text_words=tuple(_HOOK_KEYWORDS),  # no hook is registered where none is spelled
)
def unsafe_decoder_hook(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report code calls given a value read from a decoder hook's document."""
    assert isinstance(node, ast.Call)
    if context.call_name(node) not in _CODE_CALLS or not node.args:
        return
    function = context.enclosing_function(node)
    if function is None:
        return
    reach = context.derived(_documents).get(id(function))
    if reach is None or reach.guarded or not _mentions(node.args[0], reach.names):
        return
    yield Hit(
        node=node,
        message=f"`{reach.hook}` is the `{reach.keyword}` of the decoder called on line "
        f"{reach.registration.lineno}, and the document it is handed reaches "
        f"`{code(context, node)}`: decoding runs the code or imports the module the document "
        "names, so decoding data from outside is as unsafe as unpickling it.",
    )
