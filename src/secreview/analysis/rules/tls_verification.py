"""CWE-295: TLS connections that accept any certificate or any host name."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.tls_contexts import on_server_side, trusts_only_named_store
from secreview.analysis.rules._support.verify_mode_choices import (
    chosen_among_modes,
    server_certificate_demand,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_HTTP_CLIENTS = ("requests", "httpx")
_VERIFY_KEYWORDS = {
    # library -> keywords whose False turns certificate checks off
    "requests": ("verify",),
    "httpx": ("verify",),
    "boto3": ("verify",),
    "aiohttp": ("ssl", "verify_ssl"),
    "urllib3": ("assert_hostname",),
}
_URLLIB3_NO_VERIFICATION = frozenset({"CERT_NONE", "NONE"})
_UNVERIFIED_CONTEXT = "ssl._create_unverified_context"
_CERT_NONE = frozenset({"ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE"})
_OTHER_VERIFY_MODES = frozenset(
    {
        "ssl.CERT_OPTIONAL",
        "ssl.CERT_REQUIRED",
        "ssl.VerifyMode.CERT_OPTIONAL",
        "ssl.VerifyMode.CERT_REQUIRED",
    }
)
_TLS_CLIENT_MODULES = (
    "ssl",
    "requests",
    "httpx",
    "aiohttp",
    "urllib3",
    "boto3",
    "pycurl",
    "OpenSSL",
)
_PYOPENSSL_VERIFY_NONE = "OpenSSL.SSL.VERIFY_NONE"
_SERVER_SIDE_WORDS = frozenset({"set_accept_state", "TLS_SERVER_METHOD", "accept", "listen"})
"""A function that accepts connections is a server, where not asking for client certificates
is the normal case, not a missing check."""
_PYCURL_VERIFY_OPTIONS = frozenset({"pycurl.SSL_VERIFYPEER", "pycurl.SSL_VERIFYHOST"})
_WATCHED_NAMES = frozenset({"CERT_NONE", "_create_unverified_context"})
_SWITCHES = frozenset({"check_hostname", "verify"})
"""Attributes whose assignment to false turns a check off (`ctx.check_hostname = False`)."""

_IMPERSONATION = (
    "anyone on the network path can impersonate the server and read or alter the traffic"
)


def _is_false(node: ast.expr | None, context: ModuleContext) -> bool:
    """Whether `node` is the constant False (or 0, which the same APIs accept)."""
    value = context.constant_value(node)
    return value is False or (type(value) is int and value == 0)


def _keyword_hits(call: ast.Call, context: ModuleContext) -> Iterator[Hit]:
    """`verify=False` / `ssl=False` / `cert_reqs="CERT_NONE"` on HTTP and TLS client calls."""
    name = context.call_name(call)
    library = name.split(".")[0] if name else None
    for keyword in call.keywords:
        if keyword.arg == "cert_reqs":
            value = context.constant_value(keyword.value)
            if isinstance(value, str) and value.upper() in _URLLIB3_NO_VERIFICATION:
                yield Hit(
                    node=call,
                    message=f'`{context.one_line(call)}` passes cert_reqs="{value}": '
                    f"certificates are not verified, so {_IMPERSONATION}.",
                )
            continue
        if keyword.arg is None or not _is_false(keyword.value, context):
            continue
        if library is not None and keyword.arg in _VERIFY_KEYWORDS.get(library, ()):
            confidence = None
        elif name is None and any(
            keyword.arg in _VERIFY_KEYWORDS[module] and context.imports_any((module,))
            for module in (*_HTTP_CLIENTS, "aiohttp", "urllib3")
        ):
            # a method on a session/client object whose type we cannot see
            confidence = Confidence.MEDIUM
        else:
            continue
        setting = f"{keyword.arg}={context.one_line(keyword.value)}"
        if setting != f"{keyword.arg}=False":
            setting += " (False)"
        checked = (
            "the certificate is not matched to the host name"
            if keyword.arg == "assert_hostname"
            else "the server's TLS certificate is not checked"
        )
        yield Hit(
            node=call,
            message=f"`{context.one_line(call)}` sets {setting}, so {checked} and "
            f"{_IMPERSONATION}.",
            confidence=confidence,
        )


def _is_server_side(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the function (or class) around `call` accepts TLS connections."""
    scope: ast.AST = context.enclosing_function(call) or context.tree
    for ancestor in context.ancestors(call):
        if isinstance(ancestor, ast.ClassDef):
            scope = ancestor
            break
    return any(
        (isinstance(node, ast.Attribute) and node.attr in _SERVER_SIDE_WORDS)
        or (isinstance(node, ast.Name) and node.id in _SERVER_SIDE_WORDS)
        for node in ast.walk(scope)
    )


def _pyopenssl_hits(call: ast.Call, context: ModuleContext) -> Iterator[Hit]:
    """pyOpenSSL's `context.set_verify(SSL.VERIFY_NONE, ...)` on the client side."""
    if (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "set_verify"
        and call.args
        and context.resolve(call.args[0]) == _PYOPENSSL_VERIFY_NONE
        and not _is_server_side(call, context)
    ):
        yield Hit(
            node=call,
            message=f"`{context.one_line(call)}` tells pyOpenSSL not to verify the peer's "
            f"certificate, so {_IMPERSONATION}.",
            fix="Call ctx.set_verify(SSL.VERIFY_PEER) with trusted roots loaded "
            "(ctx.set_default_verify_paths() or ctx.load_verify_locations(cafile)), and check the "
            "host name (service_identity.pyopenssl.verify_hostname).",
            confidence=Confidence.MEDIUM,
        )


_PYOPENSSL_CONTEXT = "OpenSSL.SSL.Context"
_PYOPENSSL_CONNECTION = "OpenSSL.SSL.Connection"
_CLIENT_SIDE_METHODS = frozenset({"set_connect_state", "connect", "connect_ex"})


def _pyopenssl_default_hits(call: ast.Call, context: ModuleContext) -> Iterator[Hit]:
    """`SSL.Connection(ctx, sock)` used as a client, where `ctx` is a pyOpenSSL context made in
    the same function and nothing there calls `set_verify`: pyOpenSSL verifies nothing unless
    told to (its default mode is `VERIFY_NONE`)."""
    if context.call_name(call) != _PYOPENSSL_CONNECTION or not call.args:
        return
    function = context.enclosing_function(call)
    if function is None or _is_server_side(call, context):
        return
    made_here = {
        target.id
        for node in ast.walk(function)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and context.call_name(node.value) == _PYOPENSSL_CONTEXT
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    given = call.args[0]
    inline = isinstance(given, ast.Call) and context.call_name(given) == _PYOPENSSL_CONTEXT
    if not (inline or (isinstance(given, ast.Name) and given.id in made_here)):
        return
    calls = [n for n in ast.walk(function) if isinstance(n, ast.Call)]
    methods = {n.func.attr for n in calls if isinstance(n.func, ast.Attribute)}
    if "set_verify" in methods or methods.isdisjoint(_CLIENT_SIDE_METHODS):
        return
    yield Hit(
        node=call,
        message=f"`{context.one_line(call)}` connects with a pyOpenSSL context on which "
        "`set_verify` is never called: pyOpenSSL verifies no certificate by default, so "
        f"{_IMPERSONATION}.",
        fix="Call ctx.set_verify(SSL.VERIFY_PEER) with trusted roots loaded "
        "(ctx.set_default_verify_paths()) before connecting, and check the host name "
        "(service_identity.pyopenssl.verify_hostname).",
        confidence=Confidence.MEDIUM,
    )


def _call_hits(call: ast.Call, context: ModuleContext) -> Iterator[Hit]:
    """pycurl options and `ssl.wrap_socket` without certificate checks."""
    name = context.call_name(call)
    if (
        name is None
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "setopt"
        and len(call.args) == 2
        and context.resolve(call.args[0]) in _PYCURL_VERIFY_OPTIONS
        and _is_false(call.args[1], context)
    ):
        yield Hit(
            node=call,
            message=f"`{context.one_line(call)}` turns off curl's certificate or host name "
            f"check, so {_IMPERSONATION}.",
        )
    elif (
        name == "ssl.wrap_socket"
        and context.keyword(call, "cert_reqs") is None
        and context.constant_value(context.keyword(call, "server_side")) is not True
        and not context.has_star_arguments(call)
    ):
        yield Hit(
            node=call,
            message=f"`{context.one_line(call)}` leaves cert_reqs at its default, CERT_NONE: "
            f"the client accepts any certificate, so {_IMPERSONATION}.",
            fix="Use ssl.create_default_context().wrap_socket(sock, server_hostname=host), which "
            "verifies the certificate and the host name (ssl.wrap_socket is gone in Python 3.12).",
            confidence=Confidence.MEDIUM,
        )


def _reference_hits(node: ast.Attribute | ast.Name, context: ModuleContext) -> Iterator[Hit]:
    """`ssl.CERT_NONE` used as a setting, and `ssl._create_unverified_context` anywhere."""
    resolved = context.resolve(node)
    parent = context.parent(node)
    if resolved == _UNVERIFIED_CONTEXT:
        if isinstance(parent, ast.Call) and parent.func is node:
            yield Hit(
                node=parent,
                message=f"`{context.one_line(parent)}` builds an SSL context that checks "
                f"neither certificates nor host names, so {_IMPERSONATION}.",
            )
        elif isinstance(parent, ast.Assign) and any(
            context.resolve(t) == "ssl._create_default_https_context" for t in parent.targets
        ):
            yield Hit(
                node=parent,
                message=f"`{context.one_line(parent)}` turns certificate checks off for every "
                f"HTTPS connection urllib and http.client make in this process, so "
                f"{_IMPERSONATION}.",
            )
        else:
            yield Hit(
                node=node,
                message=f"`{context.one_line(node)}` hands out SSL contexts that check neither "
                f"certificates nor host names, so {_IMPERSONATION}.",
            )
        return
    if resolved not in _CERT_NONE or on_server_side(node, context):
        return
    if chosen_among_modes(node, context) or server_certificate_demand(node, context):
        return  # a `match`/`if` mapping a setting to modes; uvicorn's client-certificate demand
    for ancestor in context.ancestors(node):
        if isinstance(ancestor, ast.Compare):
            return  # checking for CERT_NONE is not setting it
        if isinstance(
            ancestor, ast.IfExp | ast.BoolOp | ast.Dict | ast.Tuple | ast.List | ast.Set
        ) and any(context.resolve(each) in _OTHER_VERIFY_MODES for each in ast.walk(ancestor)):
            return  # a choice between modes (`CERT_REQUIRED if verify else CERT_NONE`), or a table
        if isinstance(ancestor, ast.stmt):
            break
    shown = parent if isinstance(parent, ast.keyword | ast.Assign) else node
    yield Hit(
        node=node,
        message=f"`{context.one_line(shown)}` turns certificate verification off: any "
        f"certificate is accepted, so {_IMPERSONATION}.",
    )


def _assignment_hits(node: ast.Assign, context: ModuleContext) -> Iterator[Hit]:
    """`ctx.check_hostname = False`, and `session.verify = False` in requests/httpx code."""
    watched = [t for t in node.targets if isinstance(t, ast.Attribute) and t.attr in _SWITCHES]
    if not watched or not _is_false(node.value, context):
        return  # the targets first: far cheaper than evaluating every assigned value
    for target in watched:
        if target.attr == "check_hostname" and not on_server_side(node, context):
            store = trusts_only_named_store(target.value, context)
            accepted = (
                f"any valid certificate, for any site, is accepted, so {_IMPERSONATION}"
                if store is None
                else f"a certificate the CA of {store} (its only trust store) signed passes "
                "for any host: a pin if that CA is one self-signed certificate"
            )
            yield Hit(
                node=node,
                message=f"`{context.one_line(node)}` stops matching the certificate to the "
                f"host name: {accepted}.",
                confidence=None if store is None else Confidence.LOW,
            )
        elif target.attr == "verify" and context.imports_any(_HTTP_CLIENTS):
            yield Hit(
                node=node,
                message=f"`{context.one_line(node)}` turns certificate checks off for every "
                f"request made through `{context.one_line(target.value)}`, so "
                f"{_IMPERSONATION}.",
                confidence=Confidence.MEDIUM,
            )


@rule(
    id="tls-verification-disabled",
    name="TLS certificate or host name verification disabled",
    cwe=295,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="An HTTPS/TLS client is told to accept any certificate or any host name.",
    fix="Remove verify=False (verification is on by default); to trust a private CA, pass "
    "verify='/path/to/ca-bundle.pem' (requests, httpx) or an "
    "ssl.create_default_context(cafile=...) context (aiohttp, urllib, http.client).",
    what_it_does="Reports `verify=False` on `requests` and `httpx` calls and clients (and on "
    "methods of any object, such as a `Session`, in a module that imports them), `session.verify "
    "= False`, aiohttp's `ssl=False`/`verify_ssl=False` (also on `TCPConnector`), boto3's "
    '`verify=False`, urllib3\'s `cert_reqs="CERT_NONE"` and `assert_hostname=False`, '
    "`ssl._create_unverified_context` (called, or installed as "
    "`ssl._create_default_https_context`), `ssl.CERT_NONE` used as a setting (`cert_reqs=`, "
    "`ctx.verify_mode = ...`; comparisons, tables of modes and `CERT_REQUIRED if verify else "
    "CERT_NONE` choices, also as `if`/`match` branches naming another mode, are ignored), "
    "except on the server side (a `PROTOCOL_TLS_SERVER` or `Purpose.CLIENT_AUTH` context, "
    "`server_side=True`, uvicorn's `ssl_cert_reqs`, a server option documented as about client "
    "certificates), where "
    "CERT_NONE means clients need not present a certificate; "
    "`ctx.check_hostname = False`, `ssl.wrap_socket` on the client side without `cert_reqs` "
    "(its default is CERT_NONE), pycurl's `SSL_VERIFYPEER`/`SSL_VERIFYHOST` set to 0, and "
    "pyOpenSSL's `ctx.set_verify(SSL.VERIFY_NONE, ...)` outside code that accepts connections "
    "(a server that asks for no client certificate is the normal case), and a pyOpenSSL client "
    "connection (`set_connect_state`, `connect`) over a context made in the same function "
    "that never calls `set_verify` (pyOpenSSL's default is to verify nothing). "
    "`urllib3.disable_warnings()` is not reported: it only hides the warning that the "
    "`verify=False` this rule already reports would print.",
    why_bad="TLS only protects a connection if the client checks that the certificate is "
    "signed by a trusted authority and names the host it meant to reach. Without that check, "
    "anyone who can intercept traffic (public Wi-Fi, a compromised router, a malicious proxy, "
    "DNS spoofing) presents their own certificate and reads or rewrites everything, including "
    "credentials and API tokens, while the code believes it is talking to the real server.",
    example="import requests\n\nresponse = requests.get(url, verify=False)",
    use_instead="import requests\n\nresponse = requests.get(url)  # verified by default\n"
    "# private CA:\n"
    'response = requests.get(url, verify="/etc/ssl/certs/internal-ca.pem")',
    references=(
        "https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification",
        "https://www.python-httpx.org/advanced/ssl/",
        "https://docs.aiohttp.org/en/stable/client_advanced.html#ssl-control-for-tcp-sockets",
        "https://docs.python.org/3/library/ssl.html#security-considerations",
        "https://cwe.mitre.org/data/definitions/295.html",
    ),
    visits=(ast.Call, ast.Attribute, ast.Name, ast.Assign),
    call_imports=_TLS_CLIENT_MODULES,
    names=_WATCHED_NAMES,
)
def tls_verification_disabled(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report TLS clients configured to skip certificate or host name checks."""
    if isinstance(node, ast.Call):
        if not context.imports_any(_TLS_CLIENT_MODULES):
            return
        yield from _keyword_hits(node, context)
        yield from _call_hits(node, context)
        yield from _pyopenssl_hits(node, context)
        yield from _pyopenssl_default_hits(node, context)
    elif isinstance(node, ast.Assign):
        yield from _assignment_hits(node, context)
    elif isinstance(node, ast.Attribute | ast.Name) and isinstance(node.ctx, ast.Load):
        watched = node.attr if isinstance(node, ast.Attribute) else node.id
        if watched in _WATCHED_NAMES and context.imports_any(("ssl",)):
            yield from _reference_hits(node, context)
