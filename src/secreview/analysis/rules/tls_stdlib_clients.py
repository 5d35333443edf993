"""CWE-295: mail and file-transfer clients of the standard library given no TLS context
(`tls-client-without-context`).

`smtplib`, `imaplib`, `poplib` and `ftplib` wrap their sockets with
`ssl._create_stdlib_context()` when no `context=` is passed, and that context checks neither the
certificate nor the host name (only `http.client` and `urllib` verify by default, since PEP 476).
So `SMTP_SSL(host)` and `smtp.starttls()` encrypt the connection to whoever answers, and the
login that follows goes to an impostor as readily as to the server.

`imaplib` names its parameter `ssl_context` (`IMAP4_SSL(host, ssl_context=ctx)`,
`imap.starttls(ctx)`), where the others say `context`; `IMAP4.starttls` and `POP3.stls` take it
as their first positional argument, `SMTP.starttls` as its third (keyword-only since 3.12).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

# constructor -> how many positional arguments come before `context` can be passed positionally
_TLS_CONSTRUCTORS: dict[str, int] = {
    "smtplib.SMTP_SSL": 7,
    "imaplib.IMAP4_SSL": 4,
    "poplib.POP3_SSL": 5,
    "ftplib.FTP_TLS": 7,
}
_PLAIN_CLIENTS = frozenset({"smtplib.SMTP", "smtplib.LMTP", "imaplib.IMAP4", "poplib.POP3"})
_UPGRADE_METHODS = frozenset({"starttls", "stls"})
_MODULES = ("smtplib", "imaplib", "poplib", "ftplib")
_CONTEXT_KEYWORD = {"imaplib": "ssl_context"}
"""The name a module gives the context parameter where it is not `context`."""
_UPGRADE_POSITION = {"imaplib": 1, "poplib": 1}
"""How many positional arguments of a STARTTLS upgrade reach its context (`starttls(ctx)`),
where it is not the third (`SMTP.starttls(keyfile, certfile, context)`)."""


def _client_of(receiver: ast.expr, call: ast.Call, context: ModuleContext) -> str | None:
    """The stdlib client class a local name was created from in the same function."""
    if not isinstance(receiver, ast.Name):
        return None
    scope = context.enclosing_function(call) or context.tree
    for node in ast.walk(scope):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == receiver.id for t in node.targets)
            and isinstance(node.value, ast.Call)
        ):
            name = context.call_name(node.value)
            if name in _PLAIN_CLIENTS or name in _TLS_CONSTRUCTORS:
                return name
    return None


def _has_context(call: ast.Call, positional_limit: int, client: str) -> bool:
    """Whether the call passes a TLS context (or arguments we cannot see); `client` is the
    class whose constructor or upgrade it is, which says the parameter's name."""
    keyword = _CONTEXT_KEYWORD.get(client.partition(".")[0], "context")
    return (
        ModuleContext.keyword(call, keyword) is not None
        or ModuleContext.has_star_arguments(call)
        or len(call.args) >= positional_limit
    )


@rule(
    id="tls-client-without-context",
    name="Mail or FTP client over TLS without certificate verification",
    cwe=295,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="`smtplib`, `imaplib`, `poplib` or `ftplib` start TLS without a `context=`, and their "
    "default context verifies neither the certificate nor the host name.",
    fix="Pass `context=ssl.create_default_context()` to `SMTP_SSL`, `IMAP4_SSL`, `POP3_SSL`, "
    "`FTP_TLS`, `starttls()` and `stls()`.",
    what_it_does="Reports `smtplib.SMTP_SSL`, `imaplib.IMAP4_SSL`, `poplib.POP3_SSL` and "
    "`ftplib.FTP_TLS` created without `context=`, and `starttls()`/`stls()` without `context=` "
    "on an `SMTP`, `LMTP`, `IMAP4` or `POP3` client created in the same function "
    "(`imaplib` calls the parameter `ssl_context`).",
    why_bad="Without a context these modules use `ssl._create_stdlib_context()`, which accepts "
    "any certificate for any host: anyone on the network path can present their own, read the "
    "mail and the password sent by `login()` (CWE-295).",
    example="smtp = smtplib.SMTP(host, 587)\nsmtp.starttls()\nsmtp.login(user, password)",
    use_instead="smtp = smtplib.SMTP(host, 587)\n"
    "smtp.starttls(context=ssl.create_default_context())\nsmtp.login(user, password)",
    references=(
        "https://docs.python.org/3/library/ssl.html#security-considerations",
        "https://docs.python.org/3/library/smtplib.html#smtplib.SMTP.starttls",
        "https://cwe.mitre.org/data/definitions/295.html",
    ),
    calls=frozenset(_TLS_CONSTRUCTORS),  # and the STARTTLS upgrades of `_client_of` clients
    methods=_UPGRADE_METHODS,
)
def tls_client_without_context(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report stdlib mail/FTP TLS connections made with the unverified default context."""
    assert isinstance(node, ast.Call)
    if not context.imports_any(_MODULES):
        return
    name = context.call_name(node)
    if name in _TLS_CONSTRUCTORS:
        if not _has_context(node, _TLS_CONSTRUCTORS[name], name):
            yield Hit(
                node=node,
                message=f"`{context.one_line(node)}` connects over TLS without `context=`: the "
                "default context of this module accepts any certificate for any host.",
            )
        return
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in _UPGRADE_METHODS):
        return
    client = _client_of(func.value, node, context)
    if client is None:
        return
    if _has_context(node, _UPGRADE_POSITION.get(client.partition(".")[0], 3), client):
        return
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` upgrades the `{client}` connection to TLS without "
        "`context=`: the default context accepts any certificate for any host, so the login "
        "that follows can go to an impostor.",
    )
