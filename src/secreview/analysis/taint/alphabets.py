"""Sanitising by alphabet: what text that can hold only some characters is still dangerous for.

`re.sub(r"[^A-Za-z0-9_-]", "", name)` leaves a value that cannot hold `/`, a quote or a line
break, so it is safe in a path, an HTML page, a header or a log line whatever it came from. Each
sink kind is dangerous through a few characters; a filter that leaves none of them makes the
value safe for that kind and only that kind (`[^\\w.-]` still allows `..`, so a path stays
unsafe). A value filtered to letters and digits alone is clean for every kind, as before.
"""

from __future__ import annotations

import string
from collections.abc import Iterable

from secreview.analysis.taint.guard_shapes import SINGLE_NAME
from secreview.patterns import lazy_pattern

_LETTERS_AND_DIGITS = frozenset(string.ascii_letters + string.digits + "_")
_CLASS_ESCAPES = {
    r"\w": _LETTERS_AND_DIGITS,
    r"\d": frozenset(string.digits),
    r"\-": frozenset("-"),
    r"\.": frozenset("."),
    r"\_": frozenset("_"),
    r"\ ": frozenset(" "),
}
_SEPARATORS = frozenset("/\\\x00")
"""Characters that end a path name (NUL ends the path itself)."""
_ENTITY = lazy_pattern(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
DANGEROUS: dict[str, frozenset[str]] = {
    "path": frozenset("/\\.\x00"),
    "html": frozenset("<>&\"'`"),
    "sql": frozenset("'\"\\;` =()%-#/*\n\r"),
    "command": frozenset(";|&$`()<>\n\r\t '\"\\*?[]{}!#~="),
    "log": frozenset("\n\r"),
    "header": frozenset("\n\r"),
    "redirect": frozenset("/\\:"),
    "ldap": frozenset("*()\\\x00&|=!<>~,+\"'#;/"),
    "xpath": frozenset("'\"[]()/=<>|@*:"),
    "regex": frozenset(".^$*+?{}[]\\|()"),
    "template": frozenset("{}%$<#"),
    "spreadsheet": frozenset("=+-@\t\r"),
    # KQL: a pipe or a semicolon starts another operator or statement, quotes end a literal, a
    # space or bracket separates tokens, `//` comments out the rest; a dot (`db.table`) is a name.
    "kql": frozenset("|;'\"\\` \t\n\r()[]{}=<>!,*/"),
}
"""Per sink kind, the characters through which a value can change what the sink does."""


def negated_class(pattern: str) -> frozenset[str] | None:
    """The characters `[^...]` (optionally followed by `+` or `*`) leaves alone, or None when
    the pattern is anything else or uses a class part this reading does not know."""
    body = pattern.removesuffix("+").removesuffix("*")
    if not (body.startswith("[^") and body.endswith("]")) or len(body) < 4:
        return None
    inner, allowed, index = body[2:-1], set[str](), 0
    while index < len(inner):
        two = inner[index : index + 2]
        if two in _CLASS_ESCAPES:
            allowed |= _CLASS_ESCAPES[two]
            index += 2
        elif inner[index] == "\\" or inner[index] in "[]^":
            return None  # another escape or a nested class: not read here
        elif index + 2 < len(inner) and inner[index + 1] == "-":
            low, high = inner[index], inner[index + 2]
            if low > high or high == "\\":
                return None
            allowed |= {chr(c) for c in range(ord(low), ord(high) + 1)}
            index += 3
        else:
            allowed.add(inner[index])  # a literal, including `-` first or last
            index += 1
    return frozenset(allowed)


def kinds_safe_after_filter(pattern: object, replacement: object) -> frozenset[str] | None:
    """The sink kinds a `re.sub(pattern, replacement, text)` makes `text` safe for: every kind
    (None) when only letters and digits survive, else those none of whose dangerous characters
    survive, and one name (`SINGLE_NAME`) when no path separator does; an empty set when the
    call is not such a filter."""
    if not isinstance(pattern, str) or not isinstance(replacement, str):
        return frozenset()
    allowed = negated_class(pattern)
    if allowed is None:
        return frozenset()
    kinds = kinds_safe_for(allowed, (replacement,))
    if kinds is None or "path" in kinds or (allowed | set(replacement)) & _SEPARATORS:
        return kinds
    return kinds | {SINGLE_NAME}  # `re.sub(r"[^\w.-]", "_", name)`: one name, maybe `..`


def kinds_safe_for(allowed: Iterable[str], written: Iterable[str]) -> frozenset[str] | None:
    """The sink kinds text is safe for when it holds only `allowed` characters of its input and
    the fixed strings `written` by the program: every kind (None) when that is letters and
    digits alone, else those none of whose dangerous characters can appear. In HTML a complete
    character reference the program writes (`&#60;`, `&lt;`) is no markup, so its `&` counts
    only there."""
    texts = tuple(written)
    characters = frozenset(allowed).union(*texts)
    if characters <= _LETTERS_AND_DIGITS:
        return None
    kinds = {kind for kind, bad in DANGEROUS.items() if not characters & bad}
    plain = frozenset(allowed).union(*(_ENTITY.sub("", text) for text in texts))
    if not plain & DANGEROUS["html"]:
        kinds.add("html")
    return frozenset(kinds)


def as_text(constant: object) -> object:
    """A bytes constant as the characters it stands for (`b"<"` is `"<"`, a header name
    `b"content-type"` is `"content-type"`), latin-1 as HTTP reads them; anything else as is."""
    return constant.decode("latin-1") if isinstance(constant, bytes) else constant
