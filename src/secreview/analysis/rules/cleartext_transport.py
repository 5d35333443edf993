"""CWE-319: credentials sent over FTP, Telnet, SMTP/IMAP/POP3 without TLS, or plain HTTP."""

from __future__ import annotations

import ast
import ipaddress
from collections.abc import Iterator
from typing import NamedTuple

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.crypto_names import (
    Phrase,
    bound_values,
    method_calls,
    name_words,
    phrase_at_end,
    scope_of,
)
from secreview.analysis.rules._support.telnet_sessions import sends_no_credential
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext


class _Protocol(NamedTuple):
    """A cleartext protocol client: how it logs in and how it can switch to TLS first."""

    label: str
    login: str
    password_position: int
    password_keyword: str
    upgrade: str | None
    instead: str


_PROTOCOLS = {
    "ftplib.FTP": _Protocol(
        "FTP", "login", 1, "passwd", None, "use ftplib.FTP_TLS (it encrypts the login) or SFTP"
    ),
    "smtplib.SMTP": _Protocol(
        "SMTP",
        "login",
        1,
        "password",
        "starttls",
        "call .starttls() before .login(), or use smtplib.SMTP_SSL",
    ),
    "imaplib.IMAP4": _Protocol(
        "IMAP",
        "login",
        1,
        "password",
        "starttls",
        "call .starttls() before .login(), or use imaplib.IMAP4_SSL",
    ),
    "poplib.POP3": _Protocol(
        "POP3", "pass_", 0, "pswd", "stls", "call .stls() before .pass_(), or use poplib.POP3_SSL"
    ),
}
_LOGIN_METHODS = frozenset(protocol.login for protocol in _PROTOCOLS.values())
_ANONYMOUS_USERS = frozenset({"anonymous", "ftp"})

_HTTP_FUNCTIONS = {
    # qualified name -> position of the URL argument
    **{
        f"{library}.{method}": 0
        for library in ("requests", "httpx")
        for method in ("get", "post", "put", "patch", "delete", "head", "options")
    },
    "requests.request": 1,
    "httpx.request": 1,
    "httpx.stream": 1,
    "urllib.request.urlopen": 0,
    "urllib.request.Request": 0,
}
_PAYLOAD_KEYWORDS = ("data", "json", "params", "headers", "cookies")
_PAYLOAD_POSITIONS = {
    # the payload arguments these functions also take by position
    "requests.get": {"params": 1},
    "requests.post": {"data": 1, "json": 2},
    "requests.put": {"data": 1},
    "requests.patch": {"data": 1},
    "urllib.request.urlopen": {"data": 1},
    "urllib.request.Request": {"data": 1, "headers": 2},
}
_CREDENTIAL_PHRASES: tuple[Phrase, ...] = (
    ("apikey",),
    ("authorization",),
    ("credentials",),
    ("passphrase",),
    ("passwd",),
    ("password",),
    ("pwd",),
    ("secret",),
    ("token",),
    ("access", "key"),
    ("api", "key"),
    ("private", "key"),
    ("secret", "key"),
)
_LOCAL_HOSTS = frozenset({"localhost", "0.0.0.0", "::1"})
_MODULES = ("ftplib", "smtplib", "imaplib", "poplib", "telnetlib", "requests", "httpx", "urllib")


def _is_local_host(host: str) -> bool:
    """Whether traffic to `host` stays on this machine (localhost, 127.0.0.0/8, ::1)."""
    host = host.lower().strip("[]")
    if host in _LOCAL_HOSTS or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _constant_host_is_local(call: ast.Call, context: ModuleContext) -> bool:
    """Whether a client constructor's `host` argument is a constant loopback name."""
    host = context.constant_value(context.argument(call, 0, "host"))
    return isinstance(host, str) and _is_local_host(host)


# ----- FTP, SMTP, IMAP, POP3, Telnet -------------------------------------------------------------


def _session_of(login: ast.Call, context: ModuleContext) -> tuple[ast.Call, _Protocol] | None:
    """The constructor call and protocol of the object `login` is called on, when known."""
    assert isinstance(login.func, ast.Attribute)
    receiver = login.func.value
    if isinstance(receiver, ast.Call):
        candidates = [receiver]
    else:
        candidates = bound_values(scope_of(login, context), context).get(
            context.segment(receiver), []
        )
    protocols = {
        _PROTOCOLS.get(context.call_name(value) or "") if isinstance(value, ast.Call) else None
        for value in candidates
    }
    if len(protocols) != 1 or None in protocols:
        return None  # unknown, or bound to different things: do not guess
    protocol = protocols.pop()
    assert protocol is not None and isinstance(candidates[0], ast.Call)
    return candidates[0], protocol


def _sends_password(
    user: ast.expr | None, password: ast.expr | None, context: ModuleContext
) -> bool:
    """Whether a login passes a real password (not missing, empty, or an anonymous login)."""
    if password is None or context.constant_value(password) == "":
        return False
    user_name = context.constant_value(user)
    return not (isinstance(user_name, str) and user_name.lower() in _ANONYMOUS_USERS)


def _login_hits(call: ast.Call, context: ModuleContext) -> Iterator[Hit]:
    """`.login(user, password)` on an FTP/SMTP/IMAP/POP3 object that never switched to TLS."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in _LOGIN_METHODS):
        return
    session = _session_of(call, context)
    if session is None:
        return
    constructor, protocol = session
    if call.func.attr != protocol.login or _constant_host_is_local(constructor, context):
        return
    user = context.argument(call, 0, "user") if protocol.login == "login" else None
    password = context.argument(call, protocol.password_position, protocol.password_keyword)
    if not _sends_password(user, password, context):
        return
    receiver = context.segment(call.func.value)
    if protocol.upgrade and not isinstance(call.func.value, ast.Call):
        upgrades = method_calls(scope_of(call, context), receiver, protocol.upgrade, context)
        if any((u.lineno, u.col_offset) < (call.lineno, call.col_offset) for u in upgrades):
            return
    yield Hit(
        node=call,
        message=f"`{context.one_line(call)}` sends the password over the {protocol.label} "
        f"connection opened by `{context.one_line(constructor)}` without TLS, so anyone on "
        "the network path can read it.",
        fix=f"To protect the login, {protocol.instead}.",
        evidence=(
            (
                constructor,
                f"`{context.one_line(constructor)}` opens a cleartext {protocol.label} connection",
            ),
        ),
    )


def _constructor_hits(call: ast.Call, name: str, context: ModuleContext) -> Iterator[Hit]:
    """`ftplib.FTP(host, user, passwd)` (logs in at once) and `telnetlib.Telnet(...)`."""
    if _constant_host_is_local(call, context):
        return
    if name == "ftplib.FTP":
        user = context.argument(call, 1, "user")
        password = context.argument(call, 2, "passwd")
        if user is not None and _sends_password(user, password, context):
            yield Hit(
                node=call,
                message=f"`{context.one_line(call)}` logs in over plain FTP, so the password "
                "crosses the network unencrypted and anyone on the path can read it.",
                fix="Use ftplib.FTP_TLS(host, user, passwd), which encrypts the login and, after "
                ".prot_p(), the data, or switch to SFTP (paramiko).",
                confidence=Confidence.HIGH,
            )
    elif name == "telnetlib.Telnet" and not sends_no_credential(call, context):
        yield Hit(
            node=call,
            message=f"`{context.one_line(call)}` opens a Telnet session, which carries the "
            "login and everything typed after it unencrypted.",
            fix="Use SSH instead (paramiko, asyncssh, or the ssh command); telnetlib was removed "
            "from the standard library in Python 3.13.",
        )


# ----- plain HTTP --------------------------------------------------------------------------------


def _url_prefix(node: ast.expr | None, context: ModuleContext) -> tuple[str, bool] | None:
    """The part of a URL known before run time, and whether that is the whole URL."""
    if node is None:
        return None
    value = context.constant_value(node)
    if isinstance(value, str):
        return value, True
    match node:
        case ast.JoinedStr(values=values):
            prefix = ""
            for piece in values:
                known = context.constant_value(piece)
                if not isinstance(known, str):
                    break
                prefix += known
            return prefix, False
        case ast.BinOp(left=left, op=ast.Add()):
            start = _url_prefix(left, context)
            return (start[0], False) if start else None
        case ast.Call(func=ast.Attribute(value=template, attr="format")):
            known = context.constant_value(template)
            return (known.partition("{")[0], False) if isinstance(known, str) else None
    return None


def _plain_http_host(url: tuple[str, bool] | None) -> tuple[str, bool] | None:
    """(host, whether the URL itself holds a password) for an `http://` URL to another machine.

    None for https, for hosts not known before run time (`f"http://{host}/"`) and for loopback.
    """
    if url is None:
        return None
    text, complete = url
    if not text.lower().startswith("http://"):
        return None
    rest = text[len("http://") :]
    ends = [rest.find(c) for c in "/?#" if c in rest]
    if ends:
        return _host_parts(rest[: min(ends)])
    return _host_parts(rest) if complete else None


def _host_parts(netloc: str) -> tuple[str, bool] | None:
    """Split `user:password@host:port` into host and whether a password is present."""
    userinfo, _, hostport = netloc.rpartition("@")
    if hostport.startswith("["):  # IPv6 literal, [::1]:8080
        host = hostport[1:].partition("]")[0]
    else:
        host = hostport.partition(":")[0]
    if not host or _is_local_host(host):
        return None
    return host, ":" in userinfo


def _credential_key(expression: ast.expr, context: ModuleContext, depth: int = 0) -> str | None:
    """A key in the dicts built by `expression` that names a credential (`password`, `token`).

    Follows a name to the dict it was assigned (module constant or same function), and looks
    inside wrappers such as `urlencode({...}).encode()` and `dict(password=...)`.
    """
    if isinstance(expression, ast.Name) and depth == 0:
        values = bound_values(scope_of(expression, context), context).get(expression.id, [])
        if expression.id in context.module_constants:
            values = [*values, context.module_constants[expression.id]]
        for value in values:
            found = _credential_key(value, context, depth + 1)
            if found:
                return found
        return None
    for node in ast.walk(expression):
        keys: list[str] = []
        if isinstance(node, ast.Dict):
            keys = [
                k.value
                for k in node.keys
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            ]
        elif isinstance(node, ast.Call) and context.call_name(node) == "dict":
            keys = [k.arg for k in node.keywords if k.arg]
        for key in keys:
            if phrase_at_end(name_words(key), _CREDENTIAL_PHRASES):
                return key
    return None


def _http_hits(call: ast.Call, name: str, context: ModuleContext) -> Iterator[Hit]:
    """requests/httpx/urllib calls that send credentials to a constant `http://` URL."""
    position = _HTTP_FUNCTIONS.get(name)
    if position is None:
        return
    target = _plain_http_host(_url_prefix(context.argument(call, position, "url"), context))
    if target is None:
        return
    host, password_in_url = target
    auth = context.keyword(call, "auth")
    credential = None
    if password_in_url:
        credential = "a password in the URL"
    elif auth is not None and not (
        context.is_constant(auth) and context.constant_value(auth) is None
    ):
        credential = "`auth=` credentials"
    else:
        positions = _PAYLOAD_POSITIONS.get(name, {})
        for keyword in _PAYLOAD_KEYWORDS:
            position = positions.get(keyword)
            payload = (
                context.keyword(call, keyword)
                if position is None
                else context.argument(call, position, keyword)
            )
            found = _credential_key(payload, context) if payload is not None else None
            if found:
                credential = f"`{found}` (in `{keyword}`)"
                break
    if credential is None:
        return
    yield Hit(
        node=call,
        message=f"`{context.one_line(call)}` sends {credential} to {host} over plain HTTP, "
        "so anyone on the network path can read and replay it.",
        confidence=Confidence.HIGH,
    )


@rule(
    id="cleartext-credentials",
    name="Credentials sent over an unencrypted connection",
    cwe=319,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A password or token travels over FTP, Telnet, SMTP/IMAP/POP3 without TLS, or HTTP.",
    fix="Encrypt the connection before sending credentials: https:// URLs, ftplib.FTP_TLS or "
    "SFTP, SSH instead of Telnet, smtplib.SMTP_SSL (or .starttls() before .login()).",
    what_it_does="Reports `.login(user, password)` with a real password (not empty, not an "
    "anonymous FTP login) on an `ftplib.FTP`, `smtplib.SMTP` or `imaplib.IMAP4` object created "
    "in the same function, and `.pass_()` on `poplib.POP3`, unless `.starttls()`/`.stls()` was "
    "called on it first (FTP has no such upgrade; `FTP_TLS`, `SMTP_SSL`, `IMAP4_SSL` and "
    "`POP3_SSL` are fine); `ftplib.FTP(host, user, passwd)`, which logs in at once; every "
    "`telnetlib.Telnet` session; and `requests`, `httpx` and `urllib.request` calls to a "
    "constant `http://` URL that carry credentials: `auth=`, a password in the URL, or a "
    "`password`/`token`/`api_key`/`secret`/`Authorization` key in `data`, `json`, `params`, "
    "`headers` or `cookies`. Connections to localhost, 127.0.0.0/8 and ::1 never leave the "
    "machine and are not reported.",
    why_bad="FTP, Telnet, SMTP/IMAP/POP3 without TLS and HTTP send every byte as written. "
    "Anyone who can observe the traffic (shared Wi-Fi, a compromised router, a cloud neighbour, "
    "a corporate proxy) reads the password or token and reuses it; credentials are also often "
    "shared with other systems, so one sniffed login opens more than one door.",
    example="import smtplib\n\n"
    'server = smtplib.SMTP("mail.example.com", 587)\n'
    "server.login(user, password)",
    use_instead="import smtplib, ssl\n\n"
    'server = smtplib.SMTP("mail.example.com", 587)\n'
    "server.starttls(context=ssl.create_default_context())\n"
    "server.login(user, password)",
    references=(
        "https://docs.python.org/3/library/ftplib.html#ftplib.FTP_TLS",
        "https://docs.python.org/3/library/smtplib.html#smtplib.SMTP.starttls",
        "https://docs.python.org/3/library/imaplib.html#imaplib.IMAP4.starttls",
        "https://requests.readthedocs.io/en/latest/user/authentication/",
        "https://cwe.mitre.org/data/definitions/319.html",
    ),
    call_imports=_MODULES,
)
def cleartext_credentials(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report credentials handed to a connection that does not encrypt them."""
    assert isinstance(node, ast.Call)
    if not context.imports_any(_MODULES):
        return
    name = context.call_name(node)
    if name is None:
        yield from _login_hits(node, context)
    else:
        yield from _constructor_hits(node, name, context)
        yield from _http_hits(node, name, context)
