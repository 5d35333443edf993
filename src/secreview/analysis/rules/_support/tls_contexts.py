"""What a TLS context a check is switched off on is: a server's, or one that trusts only the
certificates the program names, not the system's CAs.

On the server end, CERT_NONE or no host name check means "clients need present no
certificate", not "the peer is not verified" (`on_server_side`).

`ctx.check_hostname = False` lets any certificate the context trusts stand for any host. With
the system's store that is any public certificate, for any site: a certificate anyone can get
for their own domain. A context built with `ssl.create_default_context(cafile=...)` (or
`capath=`/`cadata=`) loads only that store (the standard library loads the default CAs only
when all three are None), and a bare `ssl.SSLContext(...)` trusts what its
`load_verify_locations(...)` loads, the system's CAs only after `load_default_certs()` or
`set_default_verify_paths()` (with nothing loaded it trusts no one; a `CERT_NONE` beside it is
reported on its own line). Then only what the named CA signed passes, and with one self-signed
certificate as the CA (a cluster's own, dask-gateway's) the check is a pin. Still worth a look
(a shared private CA signs other hosts), at low confidence.
"""

from __future__ import annotations

import ast
import re

from secreview.analysis.rules._support.assignments import assigned_value
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_DEFAULT_CONTEXTS = frozenset({"ssl.create_default_context"})
_BARE_CONTEXTS = frozenset({"ssl.SSLContext"})
_STORE_KEYWORDS = ("cafile", "capath", "cadata")
_SYSTEM_STORE_METHODS = frozenset({"load_default_certs", "set_default_verify_paths"})
_SERVER_SIDE_NAMES = frozenset({"ssl.PROTOCOL_TLS_SERVER", "ssl.Purpose.CLIENT_AUTH"})
_CLIENT_CERTIFICATE = lazy_pattern(r"\bclient(?:'s)?[ -]?cert", re.IGNORECASE)


def trusts_only_named_store(context_name: ast.expr, context: ModuleContext) -> str | None:
    """The store a context held in the local `context_name` trusts alone, shown as code (the
    `cafile=...` keyword, or "the CA it loads"); None when the system's CAs may be in it or
    the context is not built in sight."""
    if not isinstance(context_name, ast.Name):
        return None
    made = assigned_value(context_name, context)
    if not isinstance(made, ast.Call):
        return None
    called = context.call_name(made)
    if called in _DEFAULT_CONTEXTS:
        for name in _STORE_KEYWORDS:
            given = context.keyword(made, name)
            if given is not None and context.constant_value(given) is not None:
                return f"`{name}={context.one_line(given, 40)}`"
        return None
    loaded = _methods_called(context_name, context)
    if called in _BARE_CONTEXTS and "load_verify_locations" in loaded:
        return None if loaded & _SYSTEM_STORE_METHODS else "`load_verify_locations(...)`"
    return None


def _methods_called(context_name: ast.Name, context: ModuleContext) -> set[str]:
    """The methods the function holding `context_name` (or the module) calls on that name: a
    bare context trusts nothing until `load_verify_locations(...)`, and the system's CAs once
    `load_default_certs()` or `set_default_verify_paths()` runs."""
    scope = context.enclosing_function(context_name) or context.tree
    return {
        node.func.attr
        for node in ast.walk(scope)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == context_name.id
    }


def on_server_side(node: ast.AST, context: ModuleContext) -> bool:
    """Whether `node` configures the server end of TLS, where CERT_NONE or no host name check
    means "clients need present no certificate", not "the peer is not verified".

    A server context in the same statement or made for the configured object
    (`ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)`, `create_default_context(Purpose.CLIENT_AUTH)`),
    `wrap_socket(..., server_side=True)`, or, in the enclosing function or class, text that
    speaks of the client's certificate (a server option's help text).
    """
    statement = node if isinstance(node, ast.stmt) else None
    scope: ast.AST = node
    for ancestor in context.ancestors(node):
        if isinstance(ancestor, ast.stmt) and statement is None:
            statement = ancestor
        if isinstance(ancestor, ast.stmt):
            scope = ancestor  # the outermost statement, at module level
        if isinstance(ancestor, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            break
    made_from: list[ast.AST] = [statement or node]
    if isinstance(statement, ast.Assign):
        for target in statement.targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                made_from.append(assigned_value(target.value, context))
    for each in (n for part in made_from for n in ast.walk(part)):
        match each:
            case ast.Attribute() if context.resolve(each) in _SERVER_SIDE_NAMES:
                return True
            case ast.keyword(arg="server_side", value=value) if (
                context.constant_value(value) is True
            ):
                return True
    return any(
        isinstance(each, ast.Constant)
        and isinstance(each.value, str)
        and _CLIENT_CERTIFICATE.search(each.value) is not None
        for each in ast.walk(scope)
    )
