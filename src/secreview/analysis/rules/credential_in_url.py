"""CWE-598: a URL carrying a credential in its query string written to a log.

A token, password or API key sent as a query parameter (`?token=...`) is part of the URL, and URLs
are what services log: request lines, "fetching %s" debug messages, error reports with the URL that
failed. The credential then sits in every log store, backup and support ticket that holds the line.
The evidence is the query text itself: the parameter's name must be a credential by the
`credentials` vocabulary, and the value a run-time value (or a constant that is not a placeholder).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.built_strings import (
    Piece,
    assembly_evidence,
    string_pieces,
)
from secreview.analysis.rules._support.local_bindings import origin_calls, single_value
from secreview.analysis.rules._support.log_calls import LOG_METHODS, is_log_call
from secreview.analysis.rules._support.quoting import code
from secreview.credentials import is_placeholder, name_verdict
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

# The name of the query parameter that the next run-time value fills: `...?token=`, `&api_key=`.
_QUERY_KEY_BEFORE_VALUE = lazy_pattern(r"[?&;]([A-Za-z_][\w.\-]*)=$")
_URL_ENCODERS = frozenset({"urllib.parse.urlencode", "urllib.urlencode"})
_HTTP_CLIENTS = ("requests.", "httpx.")
_URL_ATTRIBUTES = frozenset({"url"})
_NOT_MESSAGE_KEYWORDS = frozenset({"exc_info", "stack_info", "stacklevel", "file", "sep", "end"})


def _is_credential_key(key: str) -> bool:
    """A parameter name that is a credential by the vocabulary alone (`token`, `api_key`)."""
    verdict = name_verdict(key)
    return verdict is not None and verdict.decisive


def _is_secret_value(value: ast.expr, context: ModuleContext) -> bool:
    """A value chosen at run time, or a constant that is not a placeholder (`'<token>'`, '')."""
    constant = context.constant_value(value)
    if isinstance(constant, str):
        return not is_placeholder(constant)
    return not context.is_constant(value)


def _credential_in_mapping(mapping: ast.expr, context: ModuleContext) -> str | None:
    """The credential key of a `{"api_key": key}` dict (directly or through a local name)."""
    mapping = single_value(context, mapping)
    if not isinstance(mapping, ast.Dict):
        return None
    for key, value in zip(mapping.keys, mapping.values, strict=True):
        name = context.constant_value(key) if key is not None else None
        if isinstance(name, str) and _is_credential_key(name) and _is_secret_value(value, context):
            return name
    return None


def _credential_from_value(node: ast.expr, context: ModuleContext) -> tuple[str, ast.AST] | None:
    """(key, where) when a run-time piece of the URL is itself a query with a credential.

    `urlencode({"token": t})`, and `resp.url` of a `requests`/`httpx` call given
    `params={"api_key": key}` (the client puts the parameters in that URL).
    """
    for call in origin_calls(context, node):
        if context.call_name(call) in _URL_ENCODERS and call.args:
            key = _credential_in_mapping(call.args[0], context)
            if key is not None:
                return key, call
    if isinstance(node, ast.Attribute) and node.attr in _URL_ATTRIBUTES:
        receiver = node.value
        if isinstance(receiver, ast.Attribute) and receiver.attr == "request":
            receiver = receiver.value  # `resp.request.url`
        for call in origin_calls(context, receiver):
            name = context.call_name(call) or ""
            params = context.keyword(call, "params")
            if name.startswith(_HTTP_CLIENTS) and params is not None:
                key = _credential_in_mapping(params, context)
                if key is not None:
                    return key, call
    return None


def _credentials_in(pieces: list[Piece], context: ModuleContext) -> Iterator[tuple[str, Piece]]:
    """(parameter name, the piece holding its value) for each credential in a built URL."""
    text = ""
    for piece in pieces:
        if piece.node is None:
            text += piece.text or ""
            continue
        match = _QUERY_KEY_BEFORE_VALUE.search(text)
        if (
            match
            and not piece.numeric
            and _is_credential_key(match[1])
            and _is_secret_value(piece.node, context)
        ):
            yield match[1], piece
        else:
            found = _credential_from_value(piece.node, context)
            if found is not None:
                yield found[0], piece
        text = ""


def _read_name(node: ast.AST) -> str | None:
    """The name a value is read under (`token`, `self.api_key`), for `secret-in-log`'s share."""
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def _reported_by_secret_in_log(piece: Piece) -> bool:
    """A secret-named value spliced inside the log call itself is `secret-in-log`'s finding."""
    name = _read_name(piece.node) if piece.node is not None else None
    return not piece.via and name is not None and name_verdict(name) is not None


@rule(
    id="credential-in-logged-url",
    name="Credential in a URL query string written to a log",
    cwe=598,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="A URL with a token, password or API key in its query string reaches a log call "
    "or print.",
    fix="Send the credential in a header (`Authorization: Bearer ...`, `X-Api-Key`) or the "
    "request body, not the query string; and log the URL without its query "
    "(`url.split('?', 1)[0]`) or with the credential redacted.",
    what_it_does="Reports `logging`/logger calls and `print` given a URL whose query string "
    "carries a credential: built with an f-string, `%`, `+` or `.format` (through local "
    "names) with `?token=`, `&api_key=`, `&password=` and the like before a run-time value; "
    "holding `urlencode({...})` of a dict with such a key; or the `.url` of a `requests`/"
    "`httpx` response fetched with `params={...}` holding one. The parameter name must be a "
    "credential by secreview's secret vocabulary (`page_token`, `next_token` are not), and the "
    "value a run-time value or a constant that is not a placeholder.",
    why_bad="Query strings are part of the URL, and URLs are logged everywhere: by the "
    "application, by proxies and load balancers, in browser history and `Referer` headers. "
    "A credential there is readable by everyone with access to any of those logs, is kept "
    "as long as they are, and stays valid until rotated (CWE-598, CWE-532).",
    example="url = f'{API}/report?api_key={api_key}'\nlog.info('fetching %s', url)\n"
    "requests.get(url, timeout=10)",
    use_instead="log.info('fetching %s/report', API)\n"
    "requests.get(f'{API}/report', headers={'X-Api-Key': api_key}, timeout=10)",
    references=(
        "https://cwe.mitre.org/data/definitions/598.html",
        "https://owasp.org/www-community/vulnerabilities/Information_exposure_through_query_strings_in_url",
        "https://datatracker.ietf.org/doc/html/rfc6750#section-5.3",
    ),
    calls=frozenset({"print"}),
    methods=LOG_METHODS,
)
def credential_in_logged_url(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report log calls whose arguments hold a URL with a credential in its query string."""
    assert isinstance(node, ast.Call)
    if not is_log_call(node, context):
        return
    arguments = [
        *node.args,
        *(k.value for k in node.keywords if k.arg not in _NOT_MESSAGE_KEYWORDS),
    ]
    for argument in arguments:
        pieces = string_pieces(context, argument)
        for key, piece in _credentials_in(pieces, context):
            if _reported_by_secret_in_log(piece):
                continue
            printed = context.call_name(node) == "print"
            assert piece.node is not None
            yield Hit(
                node=node,
                message=f"`{context.one_line(node)}` {'prints' if printed else 'logs'} a URL "
                f"whose query parameter `{key}` carries `{code(context, piece.node, 40)}`: "
                "the credential is kept in every log that holds the line.",
                evidence=assembly_evidence(context, pieces),
                confidence=Confidence.MEDIUM if printed else None,
            )
            return
