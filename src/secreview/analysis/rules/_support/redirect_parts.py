"""The parts of a URL a redirect guard parsed, and how its tests of them read.

`incomplete-redirect-check` judges a guard that parses the URL by what it does with the parts:
whether it admits a URL without a host (`not parts.netloc`), whether it ever tests that a scheme
is there at all, and whether it compares the host of a URL it first joined to its own base
(`urljoin(request.host_url, target)`), which every relative-looking value gets, `/\\evil.net`
included. These helpers read those parts and tests; the rule decides what to report.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.rules._support.redirect_guards import DECIDING, string_texts
from secreview.index.context import ModuleContext

HOST_PARTS = frozenset({"netloc", "hostname"})
"""Attributes of a parsed URL that hold its host."""
_WEB = frozenset({"http", "https"})
_PARSING = frozenset({"urlparse", "urlsplit"})
_HOST_TESTS = (ast.Eq, ast.NotEq, ast.In, ast.NotIn)


def parsed_parts(
    call: ast.Call, context: ModuleContext, nodes: list[ast.AST]
) -> tuple[list[ast.expr], list[ast.expr]]:
    """(the reads of the host, the reads of the scheme) of the URL `call` parsed: its
    attributes (`urlparse(u).netloc`, `p.netloc` after `p = urlparse(u)`) or the names it was
    unpacked to (`scheme, host, path, *_ = urlparse(u)`)."""
    parent = context.parent(call)
    if isinstance(parent, ast.Attribute):
        return ([parent] if parent.attr in HOST_PARTS else []), []
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1):
        return [], []
    target = parent.targets[0]
    if isinstance(target, ast.Name):
        reads = [
            n
            for n in nodes
            if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name)
            and n.value.id == target.id
        ]
        return [n for n in reads if n.attr in HOST_PARTS], [n for n in reads if n.attr == "scheme"]
    if isinstance(target, ast.Tuple) and len(target.elts) >= 2:
        scheme, host = target.elts[0], target.elts[1]
        loads = [n for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
        hosts = [n for n in loads if isinstance(host, ast.Name) and n.id == host.id]
        return hosts, [n for n in loads if isinstance(scheme, ast.Name) and n.id == scheme.id]
    return [], []


def truth_of(part: ast.expr, context: ModuleContext) -> ast.expr:
    """`bool(part)` when `part` is wrapped in one (a test of it is the same test), else `part`."""
    call = context.parent(part)
    if isinstance(call, ast.Call) and context.call_name(call) == "bool" and call.args == [part]:
        return call
    return part


def empty_test(host: ast.expr, context: ModuleContext) -> ast.expr | None:
    """`not host`, `host == ""`, `host in ("", ours)`: the test that the URL has no host
    (`bool(host)` read as `host`)."""
    host = truth_of(host, context)
    parent = context.parent(host)
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return parent
    if isinstance(parent, ast.Compare) and len(parent.ops) == 1:
        other = parent.comparators[0] if parent.left is host else parent.left
        if isinstance(parent.ops[0], ast.Eq) and string_texts(other) == [""]:
            return parent
        if isinstance(parent.ops[0], ast.In) and parent.left is host and "" in string_texts(other):
            return parent
    return None


def tests_presence(scheme: ast.expr, context: ModuleContext) -> bool:
    """Whether the scheme is tested for being there at all (`if scheme`, `not scheme`,
    `scheme and not netloc`, `scheme == ""`), not only compared with allowed values
    (`scheme and scheme not in ALLOWED` lets `https:evil.net` through; see `_truth_of`)."""
    scheme = truth_of(scheme, context)
    parent = context.parent(scheme)
    if isinstance(parent, ast.Compare):
        return any(isinstance(op, ast.Eq | ast.NotEq) for op in parent.ops) and "" in [
            t for c in (parent.left, *parent.comparators) for t in string_texts(c)
        ]
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return True
    if isinstance(parent, ast.BoolOp):
        spelled = ast.dump(scheme)
        return not any(
            isinstance(sibling, ast.Compare)
            and any(ast.dump(n) == spelled for n in ast.walk(sibling))
            for sibling in parent.values
        )
    return isinstance(parent, DECIDING) and getattr(parent, "test", None) is scheme


def web_schemes_only(scheme: ast.expr, context: ModuleContext) -> bool:
    """`scheme not in {"http", "https"}` (then a refusal): `javascript:` is refused, and only
    `https:evil.net` from a page of the other scheme is left."""
    parent = context.parent(scheme)
    if not (isinstance(parent, ast.Compare) and parent.left is scheme and len(parent.ops) == 1):
        return False
    texts = string_texts(parent.comparators[0])
    return isinstance(parent.ops[0], ast.In | ast.NotIn) and bool(texts) and set(texts) <= _WEB


def joined_host_tests(nodes: list[ast.AST], context: ModuleContext) -> list[ast.Compare]:
    """The comparisons of the host of a URL parsed after it was joined to a base
    (`urlparse(urljoin(base, target)).netloc == ours`, directly or through a name the joined
    URL was assigned to), each with something other than the empty string.

    `urljoin` gives every value without a host of its own the base's host, so such a test
    admits `/\\evil.net` and `\\\\evil.net` (a path to Python, `//evil.net` to browsers) unless
    the guard replaces or refuses `\\` first: the caller asks that.
    """
    joined_names = {
        target.id
        for n in nodes
        if isinstance(n, ast.Assign) and _joins(n.value)
        for target in n.targets
        if isinstance(target, ast.Name)
    }
    tests: list[ast.Compare] = []
    for call in nodes:
        if not (isinstance(call, ast.Call) and last_name(call.func) in _PARSING and call.args):
            continue
        argument = call.args[0]
        if not (
            _joins(argument) or (isinstance(argument, ast.Name) and argument.id in joined_names)
        ):
            continue
        for host in parsed_parts(call, context, nodes)[0]:
            parent = context.parent(host)
            if not (isinstance(parent, ast.Compare) and len(parent.ops) == 1):
                continue
            other = parent.comparators[0] if parent.left is host else parent.left
            if isinstance(parent.ops[0], _HOST_TESTS) and "" not in string_texts(other):
                tests.append(parent)
    return tests


def _joins(node: ast.expr) -> bool:
    """`urljoin(base, url)`: a URL that has the base's host whenever it has none of its own."""
    return isinstance(node, ast.Call) and last_name(node.func) == "urljoin"
