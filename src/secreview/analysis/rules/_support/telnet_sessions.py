"""Telnet sessions that carry no credential, for `cleartext-credentials`.

The rule's concern with Telnet is the login: the user name and password typed after the
server's prompt cross the network in clear. A session a function opens and uses only to see
that a port answers (`Telnet(host, port)` then `close()`, a service's health check), or to send
fixed commands to a device whose shell asks for no login (a media player's `cat /tmp/source`),
sends no credential. Anything else keeps the finding: a session handed on (returned, stored,
passed to a call), one the user drives (`interact()`), a write of a value the code computed, or
a prompt or command that names a login or a password.
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

_QUIET_METHODS = frozenset(
    {
        "close", "read_until", "read_all", "read_some", "read_eager", "read_very_eager",
        "read_lazy", "read_very_lazy", "expect", "set_debuglevel", "get_socket", "fileno",
        "write", "sock_avail",
    }
)  # fmt: skip
"""Methods of a session that neither hand it on nor let a person type into it."""
_SENT_TEXT_METHODS = frozenset({"write", "read_until", "expect"})
"""Methods whose arguments are text sent, or a prompt waited for, that must name no login."""
_CREDENTIAL_WORDS = ("pass", "login", "user", "token", "secret", "key", "auth")
"""Fragments of a prompt or a command that ask for, or send, a credential."""


def sends_no_credential(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the Telnet session `call` opens is used only locally and sends no credential."""
    name = _bound_name(call, context)
    function = context.enclosing_function(call)
    if name is None or function is None:
        return False
    for node in ast.walk(function):
        if not (isinstance(node, ast.Name) and node.id == name) or isinstance(node.ctx, ast.Store):
            continue
        method = context.parent(node)
        if not (isinstance(method, ast.Attribute) and method.attr in _QUIET_METHODS):
            return False  # returned, stored, passed on, or driven by a person
        used = context.parent(method)
        if not isinstance(used, ast.Call) or used.func is not method:
            return False
        if method.attr in _SENT_TEXT_METHODS and not all(
            _fixed_plain_text(argument, context) for argument in used.args
        ):
            return False
    return True


def _bound_name(call: ast.Call, context: ModuleContext) -> str | None:
    """`tn` in `tn = Telnet(...)` or `with Telnet(...) as tn:`."""
    parent = context.parent(call)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1:
        target = parent.targets[0]
        return target.id if isinstance(target, ast.Name) else None
    if isinstance(parent, ast.withitem) and isinstance(parent.optional_vars, ast.Name):
        return parent.optional_vars.id
    return None


def _fixed_plain_text(node: ast.expr, context: ModuleContext) -> bool:
    """A literal (perhaps `.encode()`-d, or a list of them) that names no login or password."""
    if isinstance(node, ast.List | ast.Tuple):
        return all(_fixed_plain_text(item, context) for item in node.elts)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "encode"
    ):
        node = node.func.value
    value = context.constant_value(node)
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return False
    lowered = value.lower()
    return not any(word in lowered for word in _CREDENTIAL_WORDS)
