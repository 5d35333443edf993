"""Guards on where a URL points, and the parts of variables any guard can clean.

A check decides the server a URL points to when it holds of the parsed host: compared with a
fixed set (`urlparse(u).netloc in ALLOWED`), or with the host this request came to
(`urlparse(u).netloc != request.host` then a return, or an `else:`). The browser that follows a
redirect sent that host, so the target stays on the site; a server's own fetch is another matter
(whoever sends the request chooses the Host header), so that comparison clears redirects only.
A guard cleans a variable, or a part of a local variable read by constant keys and read again
after the check (`state["next"][0]`). Kept apart from `guards.py`, which reads conditions for
what they prove and uses these.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from secreview.analysis.models import ALL_KINDS
from secreview.analysis.taint.definitions import FLAG_CONSTANTS, definition_in, snapshot_of
from secreview.analysis.taint.frame_state import FrameState
from secreview.analysis.taint.guard_shapes import (
    HEADER_MAPS,
    HOST_PARTS,
    OWN_HOST_KEYS,
    OWN_HOSTS,
    OWN_URLS,
    URL_PARSERS,
)
from secreview.analysis.taint.matched_alphabets import checked_kinds
from secreview.analysis.taint.semantics import HOST_SENSITIVE, truthy
from secreview.analysis.taint.values import Value
from secreview.patterns import lazy_pattern

PartOf = tuple[str, tuple[object, ...]]
"""A part of a variable read by constant keys: `state["next"][0]` is ('state', ('next', 0))."""
Target = str | PartOf
Guard = tuple[Target, tuple[str, ...], Value | None]
"""(variable or part, sink kinds or markers it is now safe for, its exact value if the check
fixes it)."""
EMPTY = "empty-value"
"""A marker: the variable is empty (None, "", an empty container), which carries no text."""
EMPTY_KINDS = (ALL_KINDS, EMPTY)

_ANCHORED_SUFFIX = lazy_pattern(r"\.(?:[a-z0-9-]+\.)*[a-z]{2,63}", re.IGNORECASE)
"""`.example.com`: a suffix that starts at a label, so only that domain's hosts end with it
(`evilexample.com` does not; `incomplete-host-check` reports the suffix without the dot)."""
_ANCHORED_URL_PREFIX = lazy_pattern(r"https?://[^/?#@\s]+/.*", re.IGNORECASE | re.DOTALL)
"""`https://example.com/`: a prefix whose host ends at a `/`, so it fixes the host."""


def common_guards(alternatives: list[list[Guard]]) -> Iterator[Guard]:
    """What `a or b` holding proves: for each variable every alternative guards, the kinds
    every one of them clears (`host == "example.com" or host.endswith(".example.com")` fixes
    the server `host` was parsed from). An exact value is lost: it differs between them. Tests
    that each clear every kind (`c.isalnum() or c in " .-"`) prove nothing here: they judge one
    character, and what the characters make together is the escaper analysis' to judge. Empty
    in every alternative (`x is None or x == ""`) is still empty: no character at all."""
    common: dict[Target, frozenset[str]] | None = None
    for guards in alternatives:
        found: dict[Target, frozenset[str]] = {}
        for target, kinds, _ in guards:
            found[target] = found.get(target, frozenset()) | frozenset(kinds)
        if common is None:
            common = found
            continue
        shared = (target for target in common if target in found)
        common = {target: _both(common[target], found[target]) for target in shared}
    for target, kinds in sorted((common or {}).items(), key=str):
        if kinds and (ALL_KINDS not in kinds or EMPTY in kinds):  # not a test per character
            yield target, tuple(sorted(kinds)), None


def matched(target: Target, pattern: object, whole: bool) -> Iterator[Guard]:
    """What a regex check that held proves: the value holds only the pattern's alphabet, so it
    is safe for the sink kinds none of whose dangerous characters are in it."""
    kinds = checked_kinds(pattern, whole)
    if kinds is None:
        yield target, (ALL_KINDS,), None
    elif kinds:
        yield target, tuple(sorted(kinds)), None


def _both(first: frozenset[str], second: frozenset[str]) -> frozenset[str]:
    """The kinds two guards both clear, `ALL_KINDS` clearing any; empty only if both are."""
    if ALL_KINDS in first:
        kept = second
    elif ALL_KINDS in second:
        kept = first
    else:
        kept = first & second
    return kept if EMPTY in first and EMPTY in second else kept - {EMPTY}


class HostGuards(FrameState):
    """Guard targets and host checks, shared by the guard rules."""

    def remember_definition(self, name: str, node: ast.expr) -> None:
        """Keep `name = node` (a check, a parsed URL, a flag's constant or choice) so a later
        `if name:` reads as `node`, while neither `name` nor the variables `node` reads have
        changed since; `definitions.py` joins what the branches of an `if` gave it."""
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
            node = node.value  # `row = await Model.get(key)`: what a test of `row` reads
        host_part = isinstance(node, ast.Attribute) and node.attr in HOST_PARTS
        flag = isinstance(node, ast.Constant) and node.value in FLAG_CONSTANTS
        if self.env is None or not (
            host_part
            or flag
            or isinstance(node, ast.Call | ast.Compare | ast.BoolOp | ast.UnaryOp | ast.IfExp)
        ):
            return
        self.definitions[name] = (node, self.env.get(name), snapshot_of(self.env, node))

    def defined_as(self, name: str) -> ast.expr | None:
        """The expression `name` still holds (see `remember_definition`), or None."""
        return None if self.env is None else definition_in(self.env, self.definitions, name)

    def _clean_part(self, part: PartOf, kinds: tuple[str, ...], test: ast.expr) -> None:
        """Make the part of a variable a check tested (`state["next"][0]`) safe for `kinds`,
        so a later read of the same part sees the check; the rest of the variable is unchanged."""
        name, keys = part
        if self.env is None or name not in self.env:
            return

        def cleaned(value: Value, depth: int) -> Value:
            if depth == len(keys):
                return value.mapped(
                    lambda f: f.then(test, "checked by this condition").sanitised(kinds)
                )
            return value.with_part(keys[depth], cleaned(value.part(keys[depth]), depth + 1))

        self.env[name] = cleaned(self.env[name], 0)

    def _target(self, node: ast.expr) -> Target | None:
        """What a check on `node` can clean: a variable, or a part of a local variable read by
        constant keys (`state["next"][0]`), or a read spelled the same way each time
        (`environments.py`)."""
        if isinstance(node, ast.Name):
            return node.id
        original = node
        keys: list[object] = []
        while isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
            key = self.expr(node.slice)
            if not key.is_constant:
                return None
            keys.insert(0, key.const)
            node = node.value
        if keys and isinstance(node, ast.Name) and self.env is not None and node.id in self.env:
            return node.id, tuple(keys)
        return self.checked_read(original)

    def _own_host(self, node: ast.expr) -> bool:
        """Whether `node` is the host this request came to (`request.host`,
        `request.get_host()`, `request.headers["Host"]`, `urlparse(request.host_url).netloc`):
        the browser that follows a redirect sent it, so a target on that host stays on the
        site. (A server's own fetch is another matter: whoever sends the request chooses it.)"""
        if isinstance(node, ast.Name):
            node = self.defined_as(node.id) or node
        match node:
            case ast.Call(func=ast.Attribute(value=receiver, attr="get_host")):
                return self.is_request(self.expr(receiver))
            case ast.Attribute(value=receiver, attr=attr) if attr in OWN_HOSTS | HOST_PARTS:
                served = attr in OWN_HOSTS and self.is_request(self.expr(receiver))
                return served or self._own_url(receiver)
            case ast.Subscript(value=ast.Attribute(value=receiver, attr=held), slice=key):
                named = held in HEADER_MAPS and self.expr(key).const in OWN_HOST_KEYS
                return named and self.is_request(self.expr(receiver))
        return False

    def _own_url(self, node: ast.expr) -> bool:
        """Whether `node` is this request's own URL (`request.url`, `request.host_url`), as is
        or parsed (`urlparse(request.host_url)`)."""
        if isinstance(node, ast.Name):
            node = self.defined_as(node.id) or node
        if isinstance(node, ast.Call) and node.args:
            if (self.qualified(node.func) or "") not in URL_PARSERS:
                return False
            node = node.args[0]
        return (
            isinstance(node, ast.Attribute)
            and node.attr in OWN_URLS
            and self.is_request(self.expr(node.value))
        )

    def _host_guard(
        self, part: ast.expr, kinds: frozenset[str] = HOST_SENSITIVE
    ) -> Iterator[Guard]:
        """`urlparse(u).netloc in ALLOWED` (or `parsed.hostname == HOST` with `parsed =
        urlparse(u)`, or a check holding of it) fixes the server `u` points to, and the server
        `parsed` points to: `parsed.geturl()` is that URL again, whatever `u` was built from
        (`parsed = urlparse(urljoin(request.url, nxt))`)."""
        if isinstance(part, ast.Name):  # `host = urlparse(u).netloc`
            part = self.defined_as(part.id) or part
        if not (isinstance(part, ast.Attribute) and part.attr in HOST_PARTS):
            return
        parsed = part.value
        held = parsed.id if isinstance(parsed, ast.Name) else None
        if held is not None:
            defined = self.defined_as(held)
            parsed = defined if defined is not None else parsed
        if not (isinstance(parsed, ast.Call) and parsed.args):
            return
        if (self.qualified(parsed.func) or "") not in URL_PARSERS:
            return
        target = self._target(parsed.args[0])
        if target is not None:
            yield target, tuple(sorted(kinds)), None
        if held is not None and parsed is not part.value:
            yield held, tuple(sorted(kinds)), None

    def _host_text_guard(self, test: ast.Call) -> Iterator[Guard]:
        """`urlparse(u).hostname.endswith(".example.com")` fixes the server `u` points to, as
        does `u.startswith("https://example.com/")`; without the dot or the `/` they do not."""
        func = test.func
        if not (isinstance(func, ast.Attribute) and len(test.args) == 1):
            return
        texts = self.expr(test.args[0]).const
        texts = texts if isinstance(texts, tuple) else (texts,)
        if not texts or not all(isinstance(t, str) for t in texts):
            return
        if func.attr == "endswith" and all(_ANCHORED_SUFFIX.fullmatch(t) for t in texts):
            yield from self._host_guard(func.value)
        elif func.attr == "startswith" and all(_ANCHORED_URL_PREFIX.fullmatch(t) for t in texts):
            target = self._target(func.value)
            if target is not None:
                yield target, tuple(sorted(HOST_SENSITIVE)), None


def exactly(value: object) -> tuple[str, ...]:
    """What a variable equal to the constant `value` is safe for: everything, and an empty
    value (None, "") stays so when alternatives meet (`x is None or x == ""`)."""
    return EMPTY_KINDS if not truthy(value) else (ALL_KINDS,)
