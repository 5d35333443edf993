"""A host taken as the text before the first `:` of a URL's `netloc` (for `incomplete-host-check`).

`netloc` is the whole authority, `user:password@host:port`. Cutting it at its first `:` to drop
the port (`netloc.split(":")[0]`, `netloc.partition(":")[0]`) keeps the user name instead when
the URL carries credentials: `https://allowed.com:x@evil.net/` gives `allowed.com`, while the
browser, the HTTP client or the redirect goes to `evil.net`. An allow-list that compares that
text with its hosts, however exactly, lets every host through. `hostname` is the host alone.

Reported only when the cut text is tested like a host in a decision the caller judges an
allow-list (`==`, `in`, `endswith`), and quiet when the function looks at the credentials
itself (`"@" in netloc`, `.username`, `.password`), which closes the gap.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from secreview.analysis.rules._support.local_bindings import assigned_values
from secreview.analysis.rules._support.quoting import code
from secreview.analysis.rules._support.redirect_guards import refuses
from secreview.index.context import ModuleContext

CUTTING_METHODS = frozenset({"split", "partition"})
"""Methods that, with `":"` and `[0]`, keep the text before the first colon."""
_KEEPING_METHODS = frozenset({"lower", "casefold", "strip"})
"""Methods that leave a netloc the same netloc (`parsed.netloc.lower()`)."""
_CREDENTIAL_PARTS = frozenset({"username", "password"})
"""Attributes of a parsed URL that show the function looked at the credentials."""
_HOST_TESTS = (ast.Eq, ast.NotEq, ast.In, ast.NotIn)
"""Comparisons that test a host against allowed ones."""


def _is_netloc(node: ast.expr, context: ModuleContext, cut: ast.AST) -> bool:
    """A parsed URL's `netloc` (after `lower()`), or a local assigned only such values (the
    value that holds the cut itself, `domain = domain.split(":")[0]`, left aside)."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr not in _KEEPING_METHODS or node.args:
            return False
        node = node.func.value
    if isinstance(node, ast.Attribute):
        return node.attr == "netloc"
    if not isinstance(node, ast.Name):
        return False
    values = [
        value
        for value, _ in assigned_values(context, node)
        if value is not node and not any(inner is cut for inner in ast.walk(value))
    ]
    return bool(values) and all(_is_netloc(value, context, cut) for value in values)


def _cut_target(call: ast.Call, context: ModuleContext) -> str | None:
    """The local name `X.split(":")[0]` is stored into, when `call` is that cut."""
    if not (call.args and isinstance(call.args[0], ast.Constant) and call.args[0].value == ":"):
        return None
    subscript = context.parent(call)
    if not (
        isinstance(subscript, ast.Subscript)
        and isinstance(subscript.slice, ast.Constant)
        and subscript.slice.value == 0
    ):
        return None
    assign = context.parent(subscript)
    if isinstance(assign, ast.Assign) and len(assign.targets) == 1:
        target = assign.targets[0]
        return target.id if isinstance(target, ast.Name) else None
    return None


def _looks_at_credentials(function: ast.AST) -> bool:
    """Whether the function reads the credentials (`.username`, `"@" in netloc`)."""
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute) and node.attr in _CREDENTIAL_PARTS:
            return True
        if isinstance(node, ast.Constant) and node.value == "@":
            return True
    return False


def _host_tests(function: ast.AST, name: str) -> list[ast.expr]:
    """Tests of the local `name` as a host: `name == x`, `name in hosts`, `name.endswith(x)`."""
    tests: list[ast.expr] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            sides = [node.left, node.comparators[0]]
            named = any(isinstance(side, ast.Name) and side.id == name for side in sides)
            if named and isinstance(node.ops[0], _HOST_TESTS):
                tests.append(node)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "endswith"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name
        ):
            tests.append(node)
    return tests


def judged_test(test: ast.expr, context: ModuleContext) -> ast.expr:
    """What a test decides through: inside `any(... for ...)`/`all(...)`, the call."""
    node: ast.AST = test
    parent = context.parent(node)
    while isinstance(parent, ast.BoolOp | ast.UnaryOp):
        node, parent = parent, context.parent(parent)
    if isinstance(parent, ast.GeneratorExp) and parent.elt is node:
        call = context.parent(parent)
        if isinstance(call, ast.Call) and context.call_name(call) in ("any", "all"):
            return call
    return test


def _refused_when_absent(test: ast.expr, context: ModuleContext) -> bool:
    """`if host not in allowed: raise`: a negated test whose branch refuses (the rule's own
    judgement reads an `if` body as the branch that passed)."""
    parent = context.parent(test)
    negative = isinstance(test, ast.Compare) and isinstance(test.ops[0], ast.NotIn | ast.NotEq)
    return negative and isinstance(parent, ast.If) and parent.test is test and refuses(parent.body)


def port_cut_hit(
    call: ast.Call, context: ModuleContext, decides: Callable[[ast.expr, ModuleContext], bool]
) -> str | None:
    """The message for `netloc.split(":")[0]` kept as a host that an allow-list then tests."""
    target = _cut_target(call, context)
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if target is None or receiver is None or not _is_netloc(receiver, context, call):
        return None
    function = context.enclosing_function(call)
    if function is None or _looks_at_credentials(function):
        return None
    tests = _host_tests(function, target)
    if not any(
        _refused_when_absent(t, context) or decides(judged_test(t, context), context) for t in tests
    ):
        return None
    return (
        f"`{code(context, call)}[0]` keeps the text before the first `:` of the netloc, which "
        "for `https://allowed.com:x@evil.net/` is `allowed.com` (the user name) while the host "
        "is `evil.net`: compare the parsed URL's `hostname`, which holds the host alone."
    )
