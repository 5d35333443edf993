"""Request headers a proxy is meant to set, used by code that never asks whether one did.

`X-Forwarded-For`, `X-Forwarded-Host` and their kin are ordinary request headers: any client
sends whatever it likes in them. They mean something only when the application sits behind a
proxy of its own, and then only the entries that proxy wrote. Code that prefers such a header to
what the connection itself says (the peer address, the `Host` header the front proxy routed on)
whenever it is present hands the client the choice. Two rules read the same shape
(`spoofable-client-ip`, `spoofable-forwarded-host`); a `HeaderFamily` says which headers, which
trustworthy value they replace, and what a variable holding the result is called.

A use is a value of the header stored in a name, attribute or key named for what it replaces
(`ip`, `addr`, `host`, `domain`), or returned by a function that also reads the trustworthy value
as its fallback. The use is trusted, and not reported, when a condition around it, or an earlier
early-exit check, names the proxy configuration or checks the peer address (`if num_proxies:`,
`if peer in TRUSTED_PROXIES:`), which is how code says it only believes its own proxies. An early
exit that itself handles the header (the trusted branch returns from inside) leaves the code
after it untrusted. A function named for the header (`forwarded_host`) is an accessor that hands
the header to its caller under its own name, so it is not judged. An entry counted from the right
by the configured number of trusted proxies (`ips[-(settings.TRUSTED_PROXY_COUNT + 1)]`) is the one
the nearest trusted proxy appended, as Werkzeug's `ProxyFix(x_for=N)` takes it: it carries no
client choice, and a list of entries read only that way (and by `len`) is no client address yet.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from secreview.index.context import ModuleContext
from secreview.index.facts import parameter_defaults
from secreview.patterns import lazy_pattern

_PEER_WORDS = frozenset(
    {"remote_addr", "client_addr", "peername", "peer_addr", "getpeername", "remote_ip"}
)
"""Names of the socket's peer address, which the client cannot choose (compared lower-cased)."""

_TRUST_WORD = lazy_pattern(r"trust|prox(?:y|ies)", re.IGNORECASE)
_HEADER_READERS = frozenset({"get", "getheader", "get_header", "getlist", "get_all"})


@dataclass(frozen=True)
class HeaderFamily:
    """Headers that stand in for one value the connection itself provides."""

    headers: frozenset[str]
    """Header names, lower case with dashes (`x-forwarded-for`)."""
    fallback_words: frozenset[str]
    """Lower-cased names or keys of the trustworthy value (`remote_addr`, `http_host`)."""
    target: re.Pattern[str]
    """What a variable, attribute or key holding the value is called."""
    replaces: str
    """The trustworthy value, as a message names it."""

    def header_name(self, text: object) -> str | None:
        """`HTTP_X_FORWARDED_FOR` or `X-Forwarded-For` as `x-forwarded-for`, else None."""
        if not isinstance(text, str):
            return None
        name = text.lower().replace("_", "-").removeprefix("http-")
        return name if name in self.headers else None

    def names_fallback(self, node: ast.AST) -> bool:
        return any(word.lower() in self.fallback_words for word in _identifiers(node))


class Use(NamedTuple):
    """One place a forwarding header's value becomes the value it stands in for."""

    statement: ast.stmt
    header: str
    how: str


def untrusted_uses(function: ast.AST, family: HeaderFamily, context: ModuleContext) -> list[Use]:
    """The uses of `family`'s headers in `function` that no trust check decides."""
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return []
    if "forwarded" in function.name.lower() or not _may_name(family, context):
        return []
    reads = _Reads(function, family, context)
    if not reads.headers:
        return []
    stored, returned = (
        [
            use
            for use in uses
            if context.enclosing_function(use.statement) is function
            and not _guarded(use.statement, function, reads, context)
        ]
        for uses in _uses(function, family, reads)
    )
    # An assignment to a variable named for the value is where the header becomes it; the
    # function's return is reported only when there is none, so one value is reported once.
    if stored or not family.names_fallback(function):
        return stored
    return returned


def _may_name(family: HeaderFamily, context: ModuleContext) -> bool:
    """Whether the module's text spells one of `family`'s headers in any of the forms
    `header_name` reads (`X-Forwarded-For`, `HTTP_X_FORWARDED_FOR`): a header name the rule can
    know is a literal of this module, so most modules are settled before any function is read."""
    if not context.text:
        return True
    answers = context.derived(_named_families)
    if family.headers not in answers:
        spelled = context.text.lower().replace("_", "-")  # as `header_name` reads names
        answers[family.headers] = any(header in spelled for header in family.headers)
    return answers[family.headers]


def _named_families(context: ModuleContext) -> dict[frozenset[str], bool]:
    """The memo of `_may_name`: a family's headers -> whether the module spells one."""
    return {}


def _known_value(
    key: ast.expr, function: ast.FunctionDef | ast.AsyncFunctionDef, context: ModuleContext
) -> object:
    """What `key` is known to hold: a constant, a module constant, or a parameter default."""
    value = context.constant_value(key)
    if isinstance(value, str) or not isinstance(key, ast.Name):
        return value
    for parameter, default in parameter_defaults(function.args):
        if parameter.arg == key.id:
            return context.constant_value(default)
    return None


def _header_read(
    node: ast.AST,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    family: HeaderFamily,
    context: ModuleContext,
) -> str | None:
    """The header of `family` that `node` reads (`headers.get(...)`, `environ[...]`), else None."""
    key: ast.expr | None = None
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
        key = node.slice
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _HEADER_READERS
        and node.args
    ):
        key = node.args[0]
    return None if key is None else family.header_name(_known_value(key, function, context))


def _identifiers(node: ast.AST) -> Iterator[str]:
    """Every name, attribute and string constant inside `node`."""
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            yield child.id
        elif isinstance(child, ast.Attribute):
            yield child.attr
        elif isinstance(child, ast.Constant) and isinstance(child.value, str):
            yield child.value


def _is_trust_check(test: ast.AST, reads: _Reads, context: ModuleContext) -> bool:
    """A condition that names the proxy configuration, checks the peer address, or asks an
    opt-in setting for forwarded headers (`if settings.USE_X_FORWARDED_HOST:`).

    A variable holding the header itself (`proxy = environ.get(...)`; `if proxy:`) only tests
    that the client sent one, so its name does not count; nor does a flag the class's own
    constructor turns on by default (`use_x_forwarded_host=True`), which is no opt-in.
    """
    words = [word for word in _identifiers(test) if word not in reads.holders]
    if any(
        word.lower() in _PEER_WORDS or word.upper() == "REMOTE_ADDR" or _TRUST_WORD.search(word)
        for word in words
    ):
        return True
    return _names_opt_in(test, reads, context) and not _on_by_default(test, context)


def _names_opt_in(test: ast.AST, reads: _Reads, context: ModuleContext) -> bool:
    """Whether `test` reads a setting named for forwarded headers: a variable or attribute,
    not the header's name itself (a string, or a constant holding one) nor its value."""
    for node in ast.walk(test):
        if isinstance(node, ast.Attribute):
            word = node.attr
        elif isinstance(node, ast.Name) and node.id not in reads.holders:
            if isinstance(context.constant_value(node), str):
                continue
            word = node.id
        else:
            continue
        if "forwarded" in word.lower():
            return True
    return False


def _on_by_default(test: ast.AST, context: ModuleContext) -> bool:
    """Whether `test` reads `self.flag` that the class's `__init__` sets from a parameter
    whose default is True."""
    flags = {
        node.attr
        for node in ast.walk(test)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    }
    owner = next((a for a in context.ancestors(test) if isinstance(a, ast.ClassDef)), None)
    if not flags or owner is None:
        return False
    for init in owner.body:
        if not (isinstance(init, ast.FunctionDef) and init.name == "__init__"):
            continue
        for statement in ast.walk(init):
            if (
                isinstance(statement, ast.Assign)
                and isinstance(statement.value, ast.Name)
                and any(_self_attribute(target) in flags for target in statement.targets)
                and _known_value(statement.value, init, context) is True
            ):
                return True
    return False


def _self_attribute(target: ast.AST) -> str | None:
    if (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
    ):
        return target.attr
    return None


def _target_name(target: ast.AST) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
        return str(target.slice.value)
    return None


class _Reads:
    """The header reads of one function and the local names holding their values."""

    def __init__(
        self,
        function: ast.FunctionDef | ast.AsyncFunctionDef,
        family: HeaderFamily,
        context: ModuleContext,
    ) -> None:
        self.headers: dict[int, str] = {}
        self.holders: dict[str, str] = {}
        for node in ast.walk(function):
            header = _header_read(node, function, family, context)
            if header is not None:
                self.headers[id(node)] = header
        # Assignments in source order, twice, so `addrs = xff.split(',')` then `ip = addrs[0]`
        # is followed whatever order ast.walk visits them in.
        assignments = sorted(
            (node for node in ast.walk(function) if isinstance(node, ast.Assign)),
            key=lambda node: (node.lineno, node.col_offset),
        )
        for _ in range(2):
            for assignment in assignments:
                header = self.carried(assignment.value)
                if header is None:
                    continue
                for target in assignment.targets:
                    if isinstance(target, ast.Name):
                        self.holders.setdefault(target.id, header)

    def carried(self, node: ast.AST) -> str | None:
        """The header whose value `node` contains, else None (an entry counted from the right
        by the trusted proxies contains none)."""
        pending = [node]
        while pending:
            child = pending.pop()
            if id(child) in self.headers:
                return self.headers[id(child)]
            if isinstance(child, ast.Name) and child.id in self.holders:
                return self.holders[child.id]
            if not _counted_from_the_right(child):
                pending.extend(reversed(list(ast.iter_child_nodes(child))))
        return None


def _counted_from_the_right(node: ast.AST) -> bool:
    """`entries[-(settings.TRUSTED_PROXY_COUNT + 1)]`, `parts[-num_proxies]`: a negative index
    naming the proxy configuration picks what the nearest trusted proxy wrote."""
    if not isinstance(node, ast.Subscript):
        return False
    index = node.slice
    return (
        isinstance(index, ast.UnaryOp)
        and isinstance(index.op, ast.USub)
        and any(_TRUST_WORD.search(word) for word in _identifiers(index))
    )


def _read_only_from_the_right(name: str, function: ast.AST) -> bool:
    """Whether every read of the local `name` counts its entries (`len(ips)`) or takes one
    counted from the right by the trusted proxies: the list itself is never the address."""
    allowed: set[int] = set()
    reads: list[ast.Name] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            if _counted_from_the_right(node):
                allowed.add(id(node.value))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            if node.func.id == "len":
                allowed.add(id(node.args[0]))
        elif isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            reads.append(node)
    return bool(reads) and all(id(read) in allowed for read in reads)


def _exits(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], ast.Return | ast.Raise | ast.Continue)


def _guarded(use: ast.AST, function: ast.AST, reads: _Reads, context: ModuleContext) -> bool:
    """Whether a trust check decides that `use` runs: around it, or as an earlier early exit."""
    child: ast.AST = use
    for ancestor in context.ancestors(use):
        if (
            isinstance(ancestor, ast.If | ast.IfExp | ast.While)
            and child is not ancestor.test
            and _is_trust_check(ancestor.test, reads, context)
        ):
            return True
        for field in ("body", "orelse"):
            block = getattr(ancestor, field, None)
            if not isinstance(block, list) or child not in block:
                continue
            for earlier in block[: block.index(child)]:
                if (
                    isinstance(earlier, ast.If)
                    and _exits(earlier.body)
                    and _is_trust_check(earlier.test, reads, context)
                    and not any(reads.carried(statement) for statement in earlier.body)
                ):
                    return True
        if ancestor is function:
            return False
        child = ancestor
    return False


def _uses(function: ast.AST, family: HeaderFamily, reads: _Reads) -> tuple[list[Use], list[Use]]:
    """The assignments of the header's value to a variable named for what it stands in for, and
    the returns of a value carrying it."""
    stored: list[Use] = []
    returned: list[Use] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and node.value is not None:
            header = reads.carried(node.value)
            if header is not None:
                returned.append(Use(node, header, f"returned in place of {family.replaces}"))
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [_target_name(target) for target in targets]
            header = reads.carried(node.value)
            if all(
                isinstance(target, ast.Name) and _read_only_from_the_right(target.id, function)
                for target in targets
            ):
                continue
            if header is not None and any(name and family.target.search(name) for name in names):
                stored.append(Use(node, header, f"stored as `{names[0]}`"))
    return stored, returned
