"""CWE-1327: servers listening on every network interface ('0.0.0.0', '::', '').

Listening everywhere is often what a container needs, so this is a low/medium finding meant to
make the choice deliberate: only addresses written as constants are reported, and an address read
from configuration is taken as a decision already made.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.assignments import assigned_value
from secreview.analysis.rules._support.port_probes import is_port_probe
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_ALL_INTERFACES = frozenset({"0.0.0.0", "::", "", "*", "::0", "0:0:0:0:0:0:0:0"})

# Calls taking an (host, port) address tuple: qualified name -> (position, keyword).
_ADDRESS_TUPLE_TAKERS = {
    "socket.create_server": (0, "address"),
    "http.server.HTTPServer": (0, "server_address"),
    "http.server.ThreadingHTTPServer": (0, "server_address"),
    "socketserver.TCPServer": (0, "server_address"),
    "socketserver.ThreadingTCPServer": (0, "server_address"),
    "socketserver.ForkingTCPServer": (0, "server_address"),
    "socketserver.UDPServer": (0, "server_address"),
    "socketserver.ThreadingUDPServer": (0, "server_address"),
    "xmlrpc.server.SimpleXMLRPCServer": (0, "addr"),
    "xmlrpc.server.DocXMLRPCServer": (0, "addr"),
    "gevent.pywsgi.WSGIServer": (0, "listener"),
    "gevent.server.StreamServer": (0, "listener"),
}
# Calls taking the host on its own: qualified name -> (position, keyword).
_HOST_TAKERS = {
    "werkzeug.serving.run_simple": (0, "hostname"),
    "werkzeug.run_simple": (0, "hostname"),
    "wsgiref.simple_server.make_server": (0, "host"),
    "asyncio.start_server": (1, "host"),
    "asyncio.start_unix_server": (1, "host"),
    "uvicorn.run": (-1, "host"),
    "aiohttp.web.run_app": (-1, "host"),
    "waitress.serve": (-1, "host"),
    "bottle.run": (-1, "host"),
}
# Production servers, where listening everywhere behind a proxy or in a container is the norm.
_PRODUCTION_SERVERS = frozenset({"uvicorn.run", "aiohttp.web.run_app", "waitress.serve"})
# Methods that start a server whatever their receiver (Flask/Sanic/Dash apps, asyncio loops).
_SERVER_METHODS = frozenset({"run", "run_server", "run_app", "serve", "create_server", "listen"})
_ZMQ_BIND_PREFIXES = ("tcp://*:", "tcp://0.0.0.0:", "tcp://[::]:")
_GRPC_PORT_METHODS = frozenset({"add_insecure_port", "add_secure_port"})
"""gRPC servers' (`grpc.server()`, `grpc.aio.server()`) listening calls, whose `address` is one
"host:port" string: `"[::]:50051"`, the form gRPC's own examples use, is every interface."""
# The only calls `_bound_host` judges: the tabled functions, and `.bind`/server methods of
# objects whose type is unknown.
_BINDING_CALLS = frozenset({*_ADDRESS_TUPLE_TAKERS, *_HOST_TAKERS})
_BINDING_METHODS = _SERVER_METHODS | _GRPC_PORT_METHODS | {"bind"}


def _all_interfaces_host(node: ast.expr | None, context: ModuleContext) -> str | None:
    """The constant all-interfaces host `node` holds, e.g. '0.0.0.0'; None for anything else."""
    if node is None:
        return None
    value = context.constant_value(assigned_value(node, context))
    if isinstance(value, str) and value.strip("[]") in _ALL_INTERFACES:
        return value
    return None


def _address_tuple_host(node: ast.expr | None, context: ModuleContext) -> str | None:
    """The all-interfaces host of an address tuple `(host, port)`, written or named."""
    if node is None:
        return None
    node = assigned_value(node, context)
    if isinstance(node, ast.Tuple) and len(node.elts) >= 2:
        return _all_interfaces_host(node.elts[0], context)
    value = context.constant_value(node)
    if isinstance(value, tuple) and len(value) >= 2 and isinstance(value[0], str):
        return value[0] if value[0].strip("[]") in _ALL_INTERFACES else None
    return None


def _listen_string_host(node: ast.expr | None, context: ModuleContext) -> str | None:
    """'0.0.0.0:8080' or '*:8080' (waitress `listen=`), as the all-interfaces host it names."""
    value = context.constant_value(node) if node is not None else None
    if not isinstance(value, str):
        return None
    for address in value.split():
        host = address.rpartition(":")[0].strip("[]")
        if host in _ALL_INTERFACES:
            return address
    return None


def _bound_host(call: ast.Call, context: ModuleContext) -> tuple[str, Severity] | None:
    """(all-interfaces address, severity) when `call` starts listening on every interface."""
    name = context.call_name(call)
    if name in _ADDRESS_TUPLE_TAKERS:
        position, keyword = _ADDRESS_TUPLE_TAKERS[name]
        host = _address_tuple_host(context.argument(call, position, keyword), context)
        return (host, Severity.MEDIUM) if host is not None else None
    if name in _HOST_TAKERS:
        position, keyword = _HOST_TAKERS[name]
        argument = (
            context.keyword(call, keyword)
            if position < 0
            else context.argument(call, position, keyword)
        )
        host = _all_interfaces_host(argument, context)
        if host is None:  # '' is a host too, so no `or`
            host = _listen_string_host(context.keyword(call, "listen"), context)
        severity = Severity.LOW if name in _PRODUCTION_SERVERS else Severity.MEDIUM
        return (host, severity) if host is not None else None
    if name is not None or not isinstance(call.func, ast.Attribute):
        return None
    method = call.func.attr
    if method == "bind" and len(call.args) == 1:
        if is_port_probe(call, context):
            return None  # bound to learn or test a port number, then closed: nothing served
        host = _address_tuple_host(call.args[0], context)
        if host is None and context.imports_module("zmq"):
            value = context.constant_value(call.args[0])
            if isinstance(value, str) and value.startswith(_ZMQ_BIND_PREFIXES):
                host = value
        return (host, Severity.MEDIUM) if host is not None else None
    if method in _GRPC_PORT_METHODS and context.imports_module("grpc"):
        host = _listen_string_host(context.argument(call, 0, "address"), context)
        return (host, Severity.MEDIUM) if host is not None else None
    if method in _SERVER_METHODS:
        host = _all_interfaces_host(context.keyword(call, "host"), context)
        return (host, Severity.MEDIUM) if host is not None else None
    return None


@rule(
    id="bind-all-interfaces",
    name="Server bound to all network interfaces",
    cwe=1327,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A server listens on 0.0.0.0, :: or '' (every interface) instead of one address.",
    fix="Listen on 127.0.0.1 (or one specific interface) unless other machines must reach the "
    "service. Where every interface is intended, as in most containers, read the address from "
    "configuration (`host=os.environ.get('HOST', '127.0.0.1')`) and restrict who can connect "
    "with the container network, a firewall or a security group.",
    what_it_does="Reports constant all-interfaces addresses (`'0.0.0.0'`, `'::'`, `''`, `'*'`) "
    "given to `.bind((host, port))` on any object, `socket.create_server`, `http.server` and "
    "`socketserver` servers, `xmlrpc.server`, `wsgiref.simple_server.make_server`, "
    "`werkzeug.serving.run_simple`, `asyncio.start_server`, gevent servers, "
    "`uvicorn.run`/`aiohttp.web.run_app`/`waitress.serve` (low severity: these production "
    "servers usually sit in a container or behind a proxy), `host=` of `.run()`, `.serve()` "
    "and similar methods (Flask, Sanic, Dash, asyncio loops), ZeroMQ `tcp://*:port` binds, "
    'and the `"[::]:port"` or `"0.0.0.0:port"` address of a gRPC server\'s '
    "`add_insecure_port`/`add_secure_port`. "
    "Addresses read from the environment or configuration are not reported, nor is a socket "
    "made in the same function and only bound, inspected and closed there (a free-port probe).",
    why_bad="A service listening on every interface is reachable from every network the "
    "machine is attached to: the office LAN, a public cloud interface, a VPN. Development "
    "servers, debug endpoints and internal APIs without authentication end up exposed to "
    "whoever can route to the host, often without anyone deciding so.",
    example='app.run(host="0.0.0.0", port=8000)',
    use_instead='import os\n\napp.run(host=os.environ.get("HOST", "127.0.0.1"), port=8000)',
    references=(
        "https://docs.python.org/3/library/socket.html#socket.socket.bind",
        "https://docs.python.org/3/library/http.server.html",
        "https://flask.palletsprojects.com/en/stable/api/#flask.Flask.run",
        "https://www.uvicorn.org/settings/#socket-binding",
        "https://cwe.mitre.org/data/definitions/1327.html",
    ),
    calls=_BINDING_CALLS,
    methods=_BINDING_METHODS,
)
def bind_all_interfaces(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report servers listening on a constant all-interfaces address."""
    assert isinstance(node, ast.Call)
    found = _bound_host(node, context)
    if found is None:
        return
    host, severity = found
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` listens on every network interface ({host!r}), so "
        "the service is reachable from any network this machine is on, not just from itself.",
        severity=severity,
    )
