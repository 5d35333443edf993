"""Sockets bound only to learn which port is free, never to serve anything.

`with socket.socket() as s: s.bind(("", 0)); return s.getsockname()[1]` asks the kernel for a
free port number (port 0 means "any"), and `try: sock.bind(("0.0.0.0", port)) ... finally:
sock.close()` tests whether a port is taken. Nobody can connect to such a socket in a way that
matters: it never accepts a connection (`accept`), never receives a datagram (`recv`,
`recvfrom`), and is closed before anything else gets it. Binding to every interface there is the
right way to ask whether a later server could bind there, not an exposed service.

So a bind is a probe when its receiver is a local name bound to `socket.socket(...)` in the
same function, the function closes it (a `with` block or `.close()`), and every other use of
that name is a method from the probing set below: the socket is not returned, stored, passed
to a server, or used to read or accept. A socket that escapes in any of those ways, or that the
function leaves open (it may be served later), is judged as before.
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

_SOCKET_FACTORIES = frozenset({"socket.socket", "socket.create_server"})
"""Calls that make a fresh socket object."""
_PROBE_METHODS = frozenset(
    {
        "bind",
        "listen",
        "getsockname",
        "close",
        "setsockopt",
        "settimeout",
        "setblocking",
        "__enter__",
        "__exit__",
    }
)
"""Methods that configure, bind or inspect a socket without accepting or receiving anything."""


def is_port_probe(call: ast.Call, context: ModuleContext) -> bool:
    """Whether `call` (`name.bind(address)`) binds a socket its function only uses to find or
    test a port: made by `socket.socket(...)` there, and used for nothing but probing methods."""
    if not isinstance(call.func, ast.Attribute) or not isinstance(call.func.value, ast.Name):
        return False
    name = call.func.value.id
    function = context.enclosing_function(call)
    if function is None:
        return False
    made_here = closed = False
    for node in ast.walk(function):
        if not isinstance(node, ast.Name) or node.id != name:
            continue
        parent = context.parent(node)
        if _binds_new_socket(node, parent, context):
            made_here = True
            closed = closed or isinstance(parent, ast.withitem)
        elif not _probing_use(node, parent, context):
            return False
        else:
            closed = closed or (isinstance(parent, ast.Attribute) and parent.attr == "close")
    return made_here and closed


def _binds_new_socket(node: ast.Name, parent: ast.AST | None, context: ModuleContext) -> bool:
    """Whether `node` is the target that receives a new socket (`s = socket.socket()`, `with
    socket.socket() as s`)."""
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and parent.targets[0] is node:
        value = parent.value
    elif isinstance(parent, ast.withitem) and parent.optional_vars is node:
        value = parent.context_expr
    else:
        return False
    return isinstance(value, ast.Call) and context.call_name(value) in _SOCKET_FACTORIES


def _probing_use(node: ast.Name, parent: ast.AST | None, context: ModuleContext) -> bool:
    """Whether `node` is the receiver of a probing method call (`s.getsockname()`)."""
    if not isinstance(parent, ast.Attribute) or parent.attr not in _PROBE_METHODS:
        return False
    call = context.parent(parent)
    return isinstance(call, ast.Call) and call.func is parent
