"""CWE-348: the client's address taken from a forwarding header with no trusted-proxy check.

`X-Forwarded-For`, `X-Real-IP`, `True-Client-IP` and their kin are request headers: any client
sends whatever it likes in them. Only a proxy the application sits behind makes them meaningful,
and then only the entries that proxy appended. Code that prefers such a header to the socket's
peer address whenever it is present hands the client the choice of its own address: per-IP rate
limits and lockouts are bypassed by sending a new value each time, IP allow-lists are passed by
naming an allowed address, and audit logs record a made-up one.

A function is judged to compute the client's address when it reads one of these headers and
either puts the value in a variable, attribute or key named like an address (`ip`, `addr`,
`client`, `remote`), or returns it from a function that also reads the peer address
(`REMOTE_ADDR`, `remote_addr`, `peername`) as the fallback. The use is trusted, and not reported,
when a condition around it, or an earlier early-exit check, names the proxy configuration or
checks the peer address (`if num_proxies:`, `if peer in TRUSTED_PROXIES:`): that is how code
says it only believes the header from its own proxies. An early exit that itself handles the
header (the trusted-proxy branch returns from inside) leaves the code after it untrusted.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_FORWARDING_HEADERS = frozenset(
    {
        "x-forwarded-for",
        "x-real-ip",
        "x-client-ip",
        "true-client-ip",
        "client-ip",
        "x-cluster-client-ip",
    }
)
"""Request headers that carry a client address set by whoever sent the request."""

_PEER_NAMES = frozenset(
    {"remote_addr", "client_addr", "peername", "peer_addr", "getpeername", "remote_ip"}
)
"""Names of the socket's peer address, which the client cannot choose."""

_ADDRESS_NAME = re.compile(r"(?:^|_)(?:ip|ips|addr|address|client|remote)(?:_|$)", re.IGNORECASE)
_TRUST_WORD = re.compile(r"trust|prox(?:y|ies)", re.IGNORECASE)
_HEADER_READERS = frozenset({"get", "getheader", "get_header", "getlist", "get_all"})


def _header_name(text: object) -> str | None:
    """`HTTP_X_FORWARDED_FOR` or `X-Forwarded-For` as `x-forwarded-for`, else None."""
    if not isinstance(text, str):
        return None
    name = text.lower().replace("_", "-")
    name = name.removeprefix("http-")
    return name if name in _FORWARDING_HEADERS else None


def _key_text(key: ast.expr, function: ast.AST, context: ModuleContext) -> object:
    """The string a header key names: a constant, a module constant, or a parameter default."""
    value = context.constant_value(key)
    if isinstance(value, str) or not isinstance(key, ast.Name):
        return value
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    with_defaults = positional[len(positional) - len(arguments.defaults) :]
    defaults = list(zip(with_defaults, arguments.defaults, strict=True))
    defaults += [
        (parameter, default)
        for parameter, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
        if default is not None
    ]
    for parameter, default in defaults:
        if parameter.arg == key.id:
            return context.constant_value(default)
    return None


def _header_read(node: ast.AST, function: ast.AST, context: ModuleContext) -> str | None:
    """The forwarding header `node` reads (`headers.get(...)`, `environ[...]`), else None."""
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
    return None if key is None else _header_name(_key_text(key, function, context))


def _identifiers(node: ast.AST) -> Iterator[str]:
    """Every name, attribute and string constant inside `node`."""
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            yield child.id
        elif isinstance(child, ast.Attribute):
            yield child.attr
        elif isinstance(child, ast.Constant) and isinstance(child.value, str):
            yield child.value


def _names_peer(node: ast.AST) -> bool:
    return any(
        word.lower() in _PEER_NAMES or word.upper() == "REMOTE_ADDR" for word in _identifiers(node)
    )


def _is_trust_check(test: ast.AST, holders: dict[str, str]) -> bool:
    """A condition that names the proxy configuration or checks the peer address.

    A variable holding the header itself (`proxy = environ.get(...)`; `if proxy:`) only tests
    that the client sent one, so its name does not count.
    """
    words = [word for word in _identifiers(test) if word not in holders]
    return _names_peer(test) or any(_TRUST_WORD.search(word) for word in words)


def _target_name(target: ast.AST) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
        return str(target.slice.value)
    return None


class _Reads:
    """The forwarding-header reads of one function and the local names holding their values."""

    def __init__(self, function: ast.AST, context: ModuleContext) -> None:
        self.headers: dict[int, str] = {}
        self.holders: dict[str, str] = {}
        for node in ast.walk(function):
            header = _header_read(node, function, context)
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
        """The forwarding header whose value `node` contains, else None."""
        for child in ast.walk(node):
            if id(child) in self.headers:
                return self.headers[id(child)]
            if isinstance(child, ast.Name) and child.id in self.holders:
                return self.holders[child.id]
        return None

    def reads_header(self, node: ast.AST) -> bool:
        return self.carried(node) is not None


def _exits(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], ast.Return | ast.Raise | ast.Continue)


def _guarded(use: ast.AST, function: ast.AST, reads: _Reads, context: ModuleContext) -> bool:
    """Whether a trust check decides that `use` runs: around it, or as an earlier early exit."""
    child: ast.AST = use
    for ancestor in context.ancestors(use):
        if (
            isinstance(ancestor, ast.If | ast.IfExp | ast.While)
            and child is not ancestor.test
            and _is_trust_check(ancestor.test, reads.holders)
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
                    and _is_trust_check(earlier.test, reads.holders)
                    and not any(reads.reads_header(statement) for statement in earlier.body)
                ):
                    return True
        if ancestor is function:
            return False
        child = ancestor
    return False


def _uses(function: ast.AST, reads: _Reads) -> Iterator[tuple[ast.stmt, str, str]]:
    """(statement, header, how) for each place the header's value becomes the client address."""
    falls_back_to_peer = _names_peer(function)
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and node.value is not None and falls_back_to_peer:
            if isinstance(node.value, ast.Name) and _ADDRESS_NAME.search(node.value.id):
                continue  # `return ip`: reported where `ip` was assigned
            header = reads.carried(node.value)
            if header is not None:
                yield node, header, "returned in place of the peer address"
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [_target_name(target) for target in targets]
            header = reads.carried(node.value)
            if header is not None and any(name and _ADDRESS_NAME.search(name) for name in names):
                yield node, header, f"stored as the client address `{names[0]}`"


@rule(
    id="spoofable-client-ip",
    name="Client address taken from a forwarding header without a trusted-proxy check",
    cwe=348,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="The client's IP address is read from X-Forwarded-For (or a similar header) that "
    "any client can set, with no check that a trusted proxy sent it.",
    fix="Use the socket's peer address (`REMOTE_ADDR`), or believe the header only from your "
    "own proxies: check the peer is one of them and take the entry they appended (the last "
    "one for one proxy, counting from the right), as Werkzeug's `ProxyFix(x_for=1)` does.",
    what_it_does="Reports where a function turns `X-Forwarded-For`, `X-Real-IP`, "
    "`X-Client-IP`, `True-Client-IP`, `Client-IP` or `X-Cluster-Client-IP` (read with "
    "`.get`, `[...]` or `getheader`, by constant, module constant or parameter default, in "
    "header or WSGI `HTTP_...` spelling) into the client's address: stored in a name, "
    "attribute or key named like an address (`ip`, `addr`, `client`, `remote`), or returned "
    "by a function that falls back to the peer address (`REMOTE_ADDR`, `remote_addr`, "
    "`peername`). A use under a condition naming the proxy configuration or the peer "
    "(`trust`, `proxy`/`proxies`, `REMOTE_ADDR in ...`), or after an early exit on such a "
    "condition that does not itself handle the header, is trusted and not reported.",
    why_bad="The header is whatever the client sent. Preferring it to the peer address lets a "
    "client pick its own IP: per-IP rate limits, login throttles and lockouts are bypassed "
    "with a new value per request, IP allow-lists are passed by naming an allowed address, and "
    "logs record a made-up origin (CWE-348). Even behind a proxy that appends to the header, "
    "the first entry is still the client's own.",
    example="def client_ip(request):\n"
    "    forwarded = request.META.get('HTTP_X_FORWARDED_FOR')\n"
    "    if forwarded:\n"
    "        return forwarded.split(',')[0]\n"
    "    return request.META['REMOTE_ADDR']",
    use_instead="def client_ip(request):\n"
    "    peer = request.META['REMOTE_ADDR']\n"
    "    forwarded = request.META.get('HTTP_X_FORWARDED_FOR')\n"
    "    if forwarded and peer in TRUSTED_PROXIES:\n"
    "        return forwarded.split(',')[-1].strip()\n"
    "    return peer",
    references=(
        "https://cwe.mitre.org/data/definitions/348.html",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Forwarded-For#security_and_privacy_concerns",
        "https://werkzeug.palletsprojects.com/en/latest/middleware/proxy_fix/",
    ),
    visits=(ast.FunctionDef, ast.AsyncFunctionDef),
)
def spoofable_client_ip(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report each use of a forwarding header as the client address that no trust check
    decides."""
    reads = _Reads(node, context)
    if not reads.headers:
        return
    for use, header, how in _uses(node, reads):
        if context.enclosing_function(use) is not node or _guarded(use, node, reads, context):
            continue
        yield Hit(
            use,
            f"The client address is the `{header}` request header, which any client sets "
            f"freely, {how} with no check that a trusted proxy sent it.",
        )
