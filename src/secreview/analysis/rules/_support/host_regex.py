"""What a regular expression that allows hosts lets through besides them.

A host allow-list written as a pattern (`re.match(r"https://example\\.com", url)`,
`HOSTS.search(host)`) has the text tests' gaps in regex form, the ones CodeQL's
`py/incomplete-hostname-regexp` and `py/regex/missing-regexp-anchor` look for:
- a `.` left unescaped between the labels of a domain matches any character, so
  `www.example\\.com` also matches `www-example.com`, a domain anyone can register;
- a pattern that stops after the domain, matched from the start only (`match`, or `search`
  from `^`), is a prefix test: `https://example.com.evil.net/` and `example.com.evil.net` pass;
- `search` with no `^` or `\\A` finds the domain anywhere: `https://evil.net/?example.com` and
  `evilexample.com` pass.
Only constant patterns are read (a literal, a module constant, `re.compile` of one); a pattern
from configuration says nothing the code can check.
"""

from __future__ import annotations

import ast
import re
from typing import NamedTuple

from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_MODULE_CALLS = {"re.match": "match", "re.search": "search", "re.fullmatch": "fullmatch"}
_METHODS = frozenset(_MODULE_CALLS.values())
_DOMAIN = lazy_pattern(
    r"(?<![\w-])(?P<domain>(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\\.|\.))+[a-z]{2,63})(?![\w-])",
    re.IGNORECASE,
)
"""A domain written in a pattern: two or more labels joined by `\\.` or a bare `.`, the last one
alphabetic (no IP address, no `localhost`)."""
_OPTIONAL_PIECE = lazy_pattern(
    r"\((?:\?:)?[^()]*\)[?*]|(?:\\.|\[[^\]]*\]|[^\\()])[?*]|:(?:\\d|\[0-9\])[+*]|\.[*+]|\\S[*+]"
)
"""A piece that may match nothing, or a port or a `.*` tail: after a domain, the pattern is
still open (`example\\.com(/)?`, `example\\.com:\\d+`, `example\\.com.*` are prefix tests)."""
_FILE_EXTENSIONS = frozenset({"json", "xml", "html", "htm", "txt", "csv", "py", "js", "css"})
"""Last labels that make a dotted pattern a file name (`data\\.json`), not a domain."""


class HostPattern(NamedTuple):
    """A constant pattern matched against a value, and how (`match`, `search`, `fullmatch`)."""

    pattern: str
    method: str
    subject: ast.expr


def host_pattern(call: ast.Call, context: ModuleContext) -> HostPattern | None:
    """The constant pattern `call` matches and its subject: `re.match(P, s)`, `re.compile(P)
    .search(s)`, or `NAME.match(s)` of a module constant `NAME = re.compile(P)`."""
    name = context.call_name(call)
    if name in _MODULE_CALLS and len(call.args) >= 2:
        pattern = context.constant_value(call.args[0])
        method, subject = _MODULE_CALLS[name], call.args[1]
    elif isinstance(call.func, ast.Attribute) and call.func.attr in _METHODS and call.args:
        compiled = call.func.value
        if isinstance(compiled, ast.Name) and not context.is_local_name(compiled):
            compiled = context.module_constants.get(compiled.id, compiled)
        if not (isinstance(compiled, ast.Call) and context.call_name(compiled) == "re.compile"):
            return None
        pattern = context.constant_value(compiled.args[0]) if compiled.args else None
        method, subject = call.func.attr, call.args[0]
    else:
        return None
    if not isinstance(pattern, str):
        return None
    return HostPattern(pattern, method, subject)


def _starts_anchored(pattern: str) -> bool:
    """A `^` or `\\A` anywhere (`(^|\\.)example\\.com$` is anchored by its group): generous,
    so that only patterns with no start anchor at all count as matched anywhere."""
    return "^" in pattern.replace("[^", "") or "\\A" in pattern


def _is_open_after(pattern: str, end: int) -> bool:
    """Whether the pattern can stop right after the domain ending at `end`: nothing after it
    but optional pieces, a port, a `.*` tail and the ends of groups (no `$`, `\\Z` or `/`)."""
    while True:
        piece = _OPTIONAL_PIECE.match(pattern, end)
        if piece is None:
            break
        end = piece.end()
    return not pattern[end:].replace(")?", "").replace(")", "")


_GROUP_BEFORE = lazy_pattern(r"\((?:\?:)?(?P<alternatives>[^()]*)\)(?P<dot>\.?)\??$", re.IGNORECASE)
"""A group right before a domain (`(www|api).example\\.com`, `(|stg.|dev.)?example\\.com`)."""
_LABELS = lazy_pattern(r"(?:[a-z0-9-]+\\\.)*(?P<label>[a-z0-9-]+)(?P<dot>\.?)", re.IGNORECASE)
"""One alternative of such a group: labels, and the bare `.` it may end with."""


def _group_look_alike(pattern: str, start: int, plain: str) -> str | None:
    """The look-alike a group of labels before the domain admits when a bare `.` joins them
    to it (after the group, or at the end of an alternative)."""
    group = _GROUP_BEFORE.search(pattern, 0, start)
    if group is None:
        return None
    for alternative in group["alternatives"].split("|"):
        labels = _LABELS.fullmatch(alternative)
        if labels is not None and (labels["dot"] or group["dot"]):
            return f"{labels['label']}-{plain}"
    return None


def _unescaped_dot(pattern: str, start: int, domain: str, plain: str) -> str | None:
    """The look-alike a bare `.` between two labels of `domain` (or between a group of labels
    and it) admits (`www-example.com`), if one is not the last dot (before the top-level label
    any character there makes no registrable name)."""
    look_alike = _group_look_alike(pattern, start, plain)
    if look_alike is not None:
        return look_alike
    labels = re.split(r"\\\.|\.", domain)
    separators = re.findall(r"\\\.|\.", domain)
    for index, separator in enumerate(separators[:-1]):
        if separator == ".":
            return ".".join(labels[: index + 1]) + "-" + ".".join(labels[index + 1 :])
    return None


_WILD_AUTHORITY = lazy_pattern(r"://(?:[^/]*?)(?:\.[*+]|\\S[*+])")
"""A scheme's `://` and a `.*`-like wildcard after it, before any `/`: in a URL it can match
`evil.net/` too, so the domain after it may be in the path."""


def host_regex_gap(found: HostPattern, whole_url: bool) -> str | None:
    """What the pattern also admits, as the end of a sentence, or None when it holds only the
    domains it names (or names none). `whole_url`: the subject is a URL, not a host."""
    pattern = found.pattern
    for match in _DOMAIN.finditer(pattern):
        domain = match["domain"]
        plain = re.sub(r"\\\.", ".", domain)
        if plain.rsplit(".", 1)[-1].lower() in _FILE_EXTENSIONS:
            continue
        if whole_url and _WILD_AUTHORITY.search(pattern, 0, match.start()):
            return (
                f"the wildcard before `{plain}` also matches `/`, so "
                f"`https://evil.net/.{plain}` passes too: match the host with `[^/@?#]*` or "
                "parse the URL and compare its host."
            )
        look_alike = _unescaped_dot(pattern, match.start(), domain, plain)
        if look_alike is not None:
            return (
                f"its unescaped `.` matches any character, so `{look_alike}` (a name anyone can "
                "register) passes too: escape every dot (`\\.`)."
            )
        if found.method == "search" and not _starts_anchored(pattern):
            return (
                f"`search` finds `{plain}` anywhere, so `evil{plain}` and "
                f"`https://evil.net/?{plain}` pass too: anchor the pattern (`^...$`) or parse the "
                "URL and compare its host."
            )
        if found.method != "fullmatch" and _is_open_after(pattern, match.end()):
            return (
                f"the pattern stops after `{plain}` with no `$`, so `{plain}.evil.net` passes "
                "too: end it with `$` (or `/` after the host), or use `re.fullmatch`."
            )
    return None
