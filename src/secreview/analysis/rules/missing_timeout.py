"""CWE-1088: network calls that wait for a remote peer with no time limit.

`requests` has no default timeout at all, and the standard-library clients wait as long as the
process-wide socket default, which is "forever" unless `socket.setdefaulttimeout` was called.
`httpx` defaults to five seconds, so it is only reported when the timeout is switched off.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

from secreview.analysis.rule import Hit, rule
from secreview.findings import Confidence, Severity
from secreview.index.children import walk
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of

_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
_REQUESTS_FUNCTIONS = frozenset(f"requests.{m}" for m in _HTTP_METHODS)
_REQUESTS_SESSIONS = frozenset(
    {"requests.Session", "requests.session", "requests.sessions.Session"}
)
_HTTPX_DISABLEABLE = frozenset(
    {f"httpx.{m}" for m in (*_HTTP_METHODS, "stream")} | {"httpx.Client", "httpx.AsyncClient"}
)


class _Connector(NamedTuple):
    """A standard-library client: where its timeout goes, and whether it connects at once."""

    timeout_position: int | None  # None: keyword-only (or moved between Python versions)
    idle_without_host: bool  # constructed without a host, it connects only on `.connect(...)`
    severity: Severity


_STDLIB_CONNECTORS = {
    "urllib.request.urlopen": _Connector(2, False, Severity.MEDIUM),
    "socket.create_connection": _Connector(1, False, Severity.MEDIUM),
    "http.client.HTTPConnection": _Connector(2, False, Severity.MEDIUM),
    "http.client.HTTPSConnection": _Connector(None, False, Severity.MEDIUM),
    "ftplib.FTP": _Connector(4, True, Severity.LOW),
    "ftplib.FTP_TLS": _Connector(None, True, Severity.LOW),
    "smtplib.SMTP": _Connector(3, True, Severity.LOW),
    "smtplib.SMTP_SSL": _Connector(None, True, Severity.LOW),
    "telnetlib.Telnet": _Connector(2, True, Severity.LOW),
    "poplib.POP3": _Connector(2, False, Severity.LOW),
    "poplib.POP3_SSL": _Connector(None, False, Severity.LOW),
    "imaplib.IMAP4": _Connector(2, False, Severity.LOW),
    "imaplib.IMAP4_SSL": _Connector(None, False, Severity.LOW),
}


def _timeout_missing(call: ast.Call, context: ModuleContext, position: int | None) -> bool:
    """No `timeout` argument, or `timeout=None`; unknowable with `**kwargs` or `*args`."""
    timeout = (
        context.argument(call, position, "timeout")
        if position is not None
        else context.keyword(call, "timeout")
    )
    if timeout is None:
        return not context.has_star_arguments(call)
    return context.constant_value(timeout) is None


def _socket_default_set(context: ModuleContext) -> bool:
    """Whether the module sets a process-wide socket timeout the stdlib clients inherit."""
    return context.derived(_sets_socket_default)


def _sets_socket_default(context: ModuleContext) -> bool:
    """`_socket_default_set`, computed (once per module)."""
    return any(
        context.call_name(node) == "socket.setdefaulttimeout"
        and context.constant_value(context.argument(node, 0, "timeout")) is not None
        for node in nodes_of(context, ast.Call)
    )


def _receiver_key(node: ast.AST) -> str | None:
    """`s` or `self.session`: the receivers whose origin this rule can follow."""
    if isinstance(node, ast.Name):
        return node.id
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in {"self", "cls"}
    ):
        return f"{node.value.id}.{node.attr}"
    return None


def _binding_scope(node: ast.AST, key: str, context: ModuleContext) -> ast.AST:
    """Where a binding of `key` at `node` lives: the class for `self.x`, else function or module."""
    if "." in key:
        for ancestor in context.ancestors(node):
            if isinstance(ancestor, ast.ClassDef):
                return ancestor
        return context.tree
    return context.enclosing_function(node) or context.tree


def _bound_value(target: ast.AST, context: ModuleContext) -> ast.AST | None:
    """The value a store target receives in `x = value`, `x: T = value`, `with value as x`."""
    parent = context.parent(target)
    if isinstance(parent, ast.Assign) and target in parent.targets:
        return parent.value
    if isinstance(parent, ast.AnnAssign | ast.NamedExpr) and target is parent.target:
        return parent.value
    if isinstance(parent, ast.withitem) and target is parent.optional_vars:
        return parent.context_expr
    return None


_SessionIndex = dict[tuple[int, str], ast.Call | None]


def _session_index(context: ModuleContext) -> _SessionIndex:
    """(scope, receiver) -> the `requests.Session()` it is bound to, or None when uncertain."""
    return context.derived(_index_sessions)


def _index_sessions(context: ModuleContext) -> _SessionIndex:
    """`_session_index`, built (once per module).

    A receiver is uncertain when it is also bound to anything else (a parameter, a loop
    variable, another call), when an adapter is mounted on it (`s.mount(...)`,
    often a `TimeoutHTTPAdapter`) or when a request method is patched (`s.request = partial(...)`).
    """
    index: _SessionIndex = {}
    for node in walk(context.tree):
        if isinstance(node, ast.arg):
            index[(id(_binding_scope(node, node.arg, context)), node.arg)] = None
            continue
        if not isinstance(getattr(node, "ctx", None), ast.Store):
            continue
        key = _receiver_key(node)
        if key is None:
            continue
        slot = (id(_binding_scope(node, key, context)), key)
        value = _bound_value(node, context)
        is_session = isinstance(value, ast.Call) and context.call_name(value) in _REQUESTS_SESSIONS
        known = slot not in index or index[slot] is not None
        index[slot] = value if is_session and known and isinstance(value, ast.Call) else None
    for node in walk(context.tree):
        if not isinstance(node, ast.Attribute):
            continue
        key = _receiver_key(node.value)
        patched = node.attr in _HTTP_METHODS | {"send"} and isinstance(node.ctx, ast.Store)
        if key is not None and (node.attr == "mount" or patched):
            changed = _lookup_slot(node.value, key, index, context)
            if changed is not None:
                index[changed] = None
    return index


def _lookup_slot(
    receiver: ast.AST, key: str, index: _SessionIndex, context: ModuleContext
) -> tuple[int, str] | None:
    """The index entry a receiver refers to: its own scope's binding, else the module's."""
    own = (id(_binding_scope(receiver, key, context)), key)
    if own in index:
        return own
    module = (id(context.tree), key)
    return module if module in index else None


def _session_origin(receiver: ast.expr, context: ModuleContext) -> ast.Call | None:
    """The `requests.Session()` call the receiver was bound to, if that is all it can be."""
    key = _receiver_key(receiver)
    if key is None:
        return None
    index = _session_index(context)
    slot = _lookup_slot(receiver, key, index, context)
    return index[slot] if slot is not None else None


def _requests_hit(
    call: ast.Call,
    name: str,
    context: ModuleContext,
    evidence: tuple[tuple[ast.AST, str], ...] = (),
) -> Hit:
    """The finding for a `requests` call (module function or session method) with no timeout."""
    return Hit(
        node=call,
        evidence=evidence,
        message=f"`{context.one_line(call)}` waits with no time limit (`{name}` has no default "
        "timeout), so a server that accepts the connection and then stops answering blocks "
        "this call, and the worker running it, forever.",
        fix="Pass `timeout=(connect_seconds, read_seconds)`, e.g. `timeout=(3.05, 30)`, and "
        "handle `requests.Timeout`.",
    )


@rule(
    id="missing-timeout",
    name="Remote call without a timeout",
    cwe=1088,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="An HTTP, socket, FTP or mail client call waits for a remote peer with no time limit.",
    fix="Pass an explicit `timeout=` (in seconds) and handle the timeout exception.",
    what_it_does="Reports `requests.get/post/put/patch/delete/head/options/request` and the same "
    "methods on a `requests.Session()` created in the same function, class or module without "
    "`timeout=` (or with `timeout=None`); `httpx` calls and clients with `timeout=None`; and "
    "`urllib.request.urlopen`, `socket.create_connection`, `http.client.HTTPConnection`, "
    "`ftplib.FTP`, `smtplib.SMTP`, `telnetlib.Telnet`, `poplib` and `imaplib` clients "
    "without a timeout, unless the module sets `socket.setdefaulttimeout`.",
    why_bad="A peer that accepts the connection and then sends nothing (a slow or hostile "
    "server, a dead load balancer, a firewall that drops packets) keeps the call waiting "
    "forever. Each such call pins a thread, process or connection-pool slot; a few of them "
    "exhaust the worker pool and the whole service stops answering.",
    example="import requests\nresponse = requests.get(url)",
    use_instead="import requests\nresponse = requests.get(url, timeout=(3.05, 30))",
    references=(
        "https://requests.readthedocs.io/en/latest/user/advanced/#timeouts",
        "https://www.python-httpx.org/advanced/timeouts/",
        "https://docs.python.org/3/library/urllib.request.html#urllib.request.urlopen",
        "https://docs.python.org/3/library/socket.html#socket.setdefaulttimeout",
        "https://cwe.mitre.org/data/definitions/1088.html",
    ),
    calls=_REQUESTS_FUNCTIONS | _HTTPX_DISABLEABLE | frozenset(_STDLIB_CONNECTORS),
    methods=_HTTP_METHODS,
)
def missing_timeout(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report client calls that can block forever on an unresponsive peer."""
    assert isinstance(node, ast.Call)
    name = context.call_name(node)
    if name in _REQUESTS_FUNCTIONS:
        if _timeout_missing(node, context, None):
            yield _requests_hit(node, "requests", context)
        return
    if name in _HTTPX_DISABLEABLE:
        timeout = context.keyword(node, "timeout")
        if timeout is not None and context.constant_value(timeout) is None:
            yield Hit(
                node=node,
                message=f"`{context.one_line(node)}` switches off httpx's default 5-second "
                "timeout, so an unresponsive server blocks this call forever.",
                fix="Drop `timeout=None`, or pass a bound such as "
                "`httpx.Timeout(10.0, connect=3.0)`.",
            )
        return
    connector = _STDLIB_CONNECTORS.get(name or "")
    if connector is not None:
        if connector.idle_without_host:
            host = context.argument(node, 0, "host")
            if host is None or context.constant_value(host) in ("", None):
                return  # no host: nothing connects until `.connect(host, timeout=...)`
        if _timeout_missing(node, context, connector.timeout_position) and not (
            _socket_default_set(context)
        ):
            yield Hit(
                node=node,
                message=f"`{context.one_line(node)}` sets no timeout of its own, so it waits as "
                "long as the process-wide socket default, which is forever unless "
                "`socket.setdefaulttimeout` was called; an unresponsive peer blocks it for good.",
                fix=f"Pass `timeout=` (seconds) to `{name}`.",
                severity=connector.severity,
                confidence=Confidence.MEDIUM,
            )
        return
    if (
        isinstance(node.func, ast.Attribute)
        and node.func.attr in _HTTP_METHODS
        and _timeout_missing(node, context, None)
        and context.imports_module("requests")
    ):
        origin = _session_origin(node.func.value, context)
        if origin is not None:
            created = ((origin, f"`{context.one_line(origin)}` creates the session"),)
            yield _requests_hit(node, "requests.Session", context, created)
