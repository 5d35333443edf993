"""URL bases the operator configured: text after one and a `/` is a path on its server.

Server-side request forgery needs the attacker to choose the server. `f"{settings.ES_URL}/
{path}"`, `settings.API + "/api/" + name` and `f"{os.environ['BASE']}/{key}"` reach the server
the operator configured, whatever the request puts in the path (Tube Archivist's Elasticsearch
wrapper, `f"{EnvironmentSettings.ES_URL}/{path}"`, built from every view's ids). A read of the
configuration is a read whose base says so: an attribute, item or `get` of a name or attribute
made of a configuration word (`settings`, `config`, `conf`, `cfg`, `environ`, `env`:
`django.conf.settings`, `app.config`, `EnvironmentSettings`, `self.config`) or `os.getenv`.
Its value is given the prefix `CONFIGURED_BASE`, which `fixes_host` accepts once fixed text
starting a path, a query or a fragment follows it; text joined straight after it (`base +
name`, where `name` may be `@evil.example`) or a base read from data that is not the
operator's (a parameter, the request: `request.environ["HTTP_HOST"]`) fixes nothing.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import replace

from secreview.analysis.taint.formats import formatted
from secreview.analysis.taint.semantics import HOST_SENSITIVE, fixes_host
from secreview.analysis.taint.url_text import (
    CONFIGURED_BASE,
    PAST_HOST,
    PATH_START,
    UNKNOWN_TEXT,
    as_url_text,
    starts_a_path,
)
from secreview.analysis.taint.values import Value
from secreview.patterns import lazy_pattern

_CONFIG_WORDS = frozenset(
    {"settings", "setting", "config", "configuration", "conf", "cfg", "environ", "env"}
)
_NAME_WORDS = lazy_pattern(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_ENV_CALLS = frozenset({"os.getenv", "os.environ.get"})
SERVER_REQUEST = frozenset({"ssrf"})
"""The sink kind text past a non-fixed base's host is safe for (not a redirect: an empty base
leaves `//evil.net`)."""
_OPERATOR_ORIGINS = frozenset({"env"})
"""Flows a configured value may carry: the environment is the operator's (in the `all` threat
model, which reports it, a sink keeps these flows: `configuring_flows`)."""


def configured_base(node: ast.expr, value: Value, qualified: str | None) -> Value:
    """`value` (what `node` reads) marked as a configured URL base when `node` reads the
    configuration (see the module docstring) and holds no data but the operator's."""
    if value.prefix or value.is_constant or value.shape or value.parts:
        return value
    if any(flow.origin not in _OPERATOR_ORIGINS for flow in value.flows):
        return value  # a parameter's or the request's (`param:N` flows are not the operator's)
    if not (qualified in _ENV_CALLS or _reads_configuration(node)):
        return value
    return replace(value, prefix=CONFIGURED_BASE)


def _reads_configuration(node: ast.expr) -> bool:
    """Whether `node` is an attribute, item or `.get(...)` of a configuration name."""
    if isinstance(node, ast.Call):
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "get"):
            return False
        current: ast.expr = func.value
    elif isinstance(node, ast.Attribute | ast.Subscript):
        current = node.value
    else:
        return False
    while True:
        if isinstance(current, ast.Name):
            return _says_configuration(current.id)
        if not isinstance(current, ast.Attribute | ast.Subscript):
            return False
        if isinstance(current, ast.Attribute) and _says_configuration(current.attr):
            return True
        current = current.value


@functools.lru_cache(maxsize=4096)
def _says_configuration(name: str) -> bool:
    """Whether a word of `name` says configuration (asked of every attribute chain the taint
    pass reads, so answered once per name)."""
    return any(word.lower() in _CONFIG_WORDS for word in _NAME_WORDS.findall(name))


def joined_prefix(left: Value, right: Value) -> str:
    """The prefix of `left + right`: a constant `left` and what `right` starts with, a whole
    configured base and what `right` starts with (`UNKNOWN_TEXT` when nothing), else `left`'s."""
    if isinstance(left.const, str):
        return left.const + (as_url_text(right.prefix) if left.const else right.prefix)
    if left.prefix != CONFIGURED_BASE:
        return left.prefix
    if isinstance(right.const, str):
        return CONFIGURED_BASE + right.const
    return CONFIGURED_BASE + (as_url_text(right.prefix) or UNKNOWN_TEXT)


def fstring_prefix(pieces: list[Value]) -> str:
    """The fixed text an f-string of these pieces starts with: its constant pieces up to the
    first other one, and that one's prefix; a whole configured base first is followed by the
    constant pieces after it, up to the next other piece."""
    prefix = ""
    for piece in pieces:
        if piece.is_constant:
            prefix += str(piece.const)
        elif not prefix and piece.prefix == CONFIGURED_BASE:
            prefix = CONFIGURED_BASE
        elif prefix == CONFIGURED_BASE:
            return prefix + (as_url_text(piece.prefix) or UNKNOWN_TEXT)
        else:
            return prefix + (as_url_text(piece.prefix) if prefix else piece.prefix)
    return prefix


def after_a_base(base: Value, text: str) -> bool:
    """Whether text starting with `text` follows `base` in a URL past the base's host: `base`
    is text not fixed in the source (a URL the program or the operator holds, or one input
    chose, whose own flows stay reported) and `text` starts with `/`. Whatever host `base`
    holds, the `/` ends it, so what follows it is a path there; an empty `base` leaves a URL
    with no scheme, which a server's request refuses (only `ssrf`: a redirect to `//evil.net`
    leaves the site). `base + "@evil.net"` is not so, nor a constant base (its text decides:
    `"http://api.example.com" + path`, `fixes_host`)."""
    if base.prefix[:1] == PAST_HOST:
        return True
    return not base.is_constant and not base.shape and starts_a_path(text)


def past_the_host(base: Value, appended: Value, node: ast.AST) -> Value | None:
    """`appended` as it goes on after `base` in a URL, its flows made safe for a server's
    request when it is past the base's host (`after_a_base`); None when it is not."""
    text = appended.const if isinstance(appended.const, str) else appended.prefix
    if not after_a_base(base, text):
        return None
    return formatted(appended, SERVER_REQUEST, node)


def caller_fixes_host(kind: str, callee_prefix: str, given: Value) -> bool:
    """Whether a callee's sink of `kind` that takes a parameter as its whole URL (no prefix of
    its own) is handed, in `given`, a URL whose host is fixed."""
    return kind in HOST_SENSITIVE and not callee_prefix and fixes_host(given.prefix, kind == "ssrf")


def configuring_flows(value: Value) -> Value:
    """What a host-sensitive sink still reports of a URL whose host is fixed: for a configured
    base, the operator's own flows (reported only by the `all` threat model); else nothing."""
    if value.prefix[:1] != CONFIGURED_BASE:
        return Value()
    return Value(flows=frozenset(f for f in value.all_flows() if f.origin in _OPERATOR_ORIGINS))


def _is_attribute(node: ast.expr, owner: str, attr: str) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == attr
        and isinstance(node.value, ast.Name)
        and node.value.id == owner
    )


def extends_itself(target: ast.expr, stored: ast.AST) -> bool:
    """Whether `stored` (the value assigned to `target`, or the augmented assignment itself)
    only adds text after what `self.<name>` held: `self.url = f"{self.url}/?refresh=true"`,
    `self.url = self.url + "/x" + more`, `self.url += "/x"`. A URL extended so keeps the host its
    first text fixed."""
    if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
        return False
    owner, attr = target.value.id, target.attr
    if isinstance(stored, ast.AugAssign):
        return stored.target is target and isinstance(stored.op, ast.Add)
    if isinstance(stored, ast.BinOp) and isinstance(stored.op, ast.Add):
        first = stored.left
        while isinstance(first, ast.BinOp) and isinstance(first.op, ast.Add):
            first = first.left  # `self.url + "/_search?q=" + query`
        return _is_attribute(first, owner, attr)
    if isinstance(stored, ast.JoinedStr) and stored.values:
        first = stored.values[0]
        return (
            isinstance(first, ast.FormattedValue)
            and first.conversion == -1
            and first.format_spec is None
            and _is_attribute(first.value, owner, attr)
        )
    return False


def extending_stores(method: ast.AST) -> set[int]:
    """The `self.<name>` targets (by id) in `method` that only extend what they held
    (`extends_itself`), where any other store in a later method replaces what the class knows
    of the attribute."""
    found: set[int] = set()
    for node in ast.walk(method):
        if isinstance(node, ast.AugAssign) and extends_itself(node.target, node):
            found.add(id(node.target))
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and extends_itself(node.targets[0], node.value)
        ):
            found.add(id(node.targets[0]))
    return found


def keeps_path_start(encoded: Value, args: list[Value]) -> Value:
    """`encoded`, what a percent-encoder that keeps `/` (`quote(text)`) made of `args[0]`,
    still starting a path when that did: the `/` it started with is left as it was."""
    if not args or not starts_a_path(args[0].prefix) or encoded.prefix:
        return encoded
    return replace(encoded, prefix=PATH_START)
