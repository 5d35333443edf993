"""CWE-1327: servers listening on every network interface ('0.0.0.0', '::', '').

Listening everywhere is often what a container needs, so this is a low/medium finding meant to
make the choice deliberate: only addresses written as constants are reported, and an address read
from configuration is taken as a decision already made. A command-line option's default is a
constant too (`parser.add_argument("--host", default="0.0.0.0")` read as `uvicorn.run(app,
host=args.host)`): the parsed namespace holds it whenever the flag is left out, so everyone who
starts the server without `--host` listens everywhere. It is reported at the default, where the
address is chosen.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.assignments import assigned_value
from secreview.analysis.rules._support.options import OPTION_ADDERS, option_default, option_dest
from secreview.analysis.rules._support.port_probes import is_port_probe
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of

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
_NOT_OPTIONS = frozenset({"self", "cls"})


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
        argument, severity = _host_argument(call, name, context)
        host = _all_interfaces_host(argument, context)
        if host is None:  # '' is a host too, so no `or`
            host = _listen_string_host(context.keyword(call, "listen"), context)
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


def _host_argument(
    call: ast.Call, name: str, context: ModuleContext
) -> tuple[ast.expr | None, Severity]:
    """The host argument of a call of `_HOST_TAKERS` (a negative position: keyword only), and
    the severity of every interface there (low for production servers, usually in a container)."""
    position, keyword = _HOST_TAKERS[name]
    if position < 0:
        argument = context.keyword(call, keyword)
    else:
        argument = context.argument(call, position, keyword)
    return argument, Severity.LOW if name in _PRODUCTION_SERVERS else Severity.MEDIUM


def _host_given(call: ast.Call, context: ModuleContext) -> tuple[ast.expr, Severity] | None:
    """The expression `call` is handed as the host to listen on, as written (`args.host`), and
    the severity a constant all-interfaces host there would have; None if `call` binds nothing
    or its host is not an expression of its own (an address tuple held in a variable)."""
    name = context.call_name(call)
    address: ast.expr | None = None
    if name in _ADDRESS_TUPLE_TAKERS:
        address = context.argument(call, *_ADDRESS_TUPLE_TAKERS[name])
    elif name in _HOST_TAKERS:
        host, severity = _host_argument(call, name, context)
        return (host, severity) if host is not None else None
    elif name is None and isinstance(call.func, ast.Attribute):
        if call.func.attr == "bind" and len(call.args) == 1:
            address = call.args[0]
        elif call.func.attr in _SERVER_METHODS:
            host = context.keyword(call, "host")
            return (host, Severity.MEDIUM) if host is not None else None
    if isinstance(address, ast.Tuple) and len(address.elts) >= 2:
        return address.elts[0], Severity.MEDIUM
    return None


def _option_listeners(context: ModuleContext) -> dict[str, list[tuple[ast.Call, Severity]]]:
    """Option attribute -> the calls listening on the host `<name>.<attribute>` of a plain name
    other than `self`/`cls` (a parsed options namespace: `args.host`, directly or through one
    local name), with each call's severity. Built once per module, only for a module declaring
    an option whose default is an all-interfaces address."""
    found: dict[str, list[tuple[ast.Call, Severity]]] = {}
    for node in nodes_of(context, ast.Call):
        given = _host_given(node, context)
        if given is None:
            continue
        host = assigned_value(given[0], context)
        if (
            isinstance(host, ast.Attribute)
            and isinstance(host.value, ast.Name)
            and host.value.id not in _NOT_OPTIONS
        ):
            found.setdefault(host.attr, []).append((node, given[1]))
    return found


def _option_default_listened(call: ast.Call, context: ModuleContext) -> Hit | None:
    """`parser.add_argument("--host", default="0.0.0.0")` whose option the module listens on
    (`uvicorn.run(app, host=args.host)`): the finding at the default, where the address is
    chosen for everyone who leaves the flag out."""
    default = option_default(call)
    host = _all_interfaces_host(default, context)
    dest = option_dest(call, context) if host is not None else None
    listeners = context.derived(_option_listeners).get(dest) if dest else None
    if default is None or not listeners:
        return None
    here = context.enclosing_function(call)
    listener, severity = min(
        listeners, key=lambda f: (context.enclosing_function(f[0]) is not here, f[0].lineno)
    )
    return Hit(
        node=default,
        message=f"The option `{dest}` defaults to {host!r}, and `{context.one_line(listener)}` "
        "listens on it: whoever starts the service without choosing an address has it "
        "listening on every network interface, reachable from any network this machine is on.",
        evidence=((listener, "the service listens on the option's address here"),),
        severity=severity,
    )


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
    "A command-line option whose default is such an address (`add_argument('--host', "
    "default='0.0.0.0')`) is reported at the default when the module listens on that option. "
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
    methods=_BINDING_METHODS | OPTION_ADDERS,
)
def bind_all_interfaces(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report servers listening on a constant all-interfaces address."""
    assert isinstance(node, ast.Call)
    if isinstance(node.func, ast.Attribute) and node.func.attr in OPTION_ADDERS:
        option = _option_default_listened(node, context)
        if option is not None:
            yield option
        return
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
