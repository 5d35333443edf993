"""Values of Python literals from their source text, decoded exactly as CPython decodes them.

The tree-sitter fallback sees literals only as text; the `ast` the analyses read must hold the same
values the host parser would have produced (`"\\x41"` is `"A"`, `0x_ff` is 255), or a constant
folded by one parser and not the other would change what a rule reports.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from secreview.patterns import lazy_pattern

# Every prefix Python 3.14 accepts, lower-cased: `t` (PEP 750) included, `ur` (Python 2) not.
_VALID_PREFIXES = frozenset(
    {"", "r", "u", "b", "br", "rb", "f", "fr", "rf", "t", "tr", "rt"},
)

# CPython turns non-ASCII characters into `\U` escapes before running the escape decoder, and a
# backslash that precedes one (or ends the text) into `\u005c`; matching escape pairs first keeps
# `\\` followed by a non-ASCII character apart from a backslash that escapes it.
_NON_ASCII_OR_LONE_BACKSLASH = lazy_pattern(r"\\[\x00-\x7f]|\\|[^\x00-\x7f]")


class LiteralError(ValueError):
    """The text is not a valid Python 3 literal (a Python 2 form, a bad escape, an overflow)."""


@dataclass(frozen=True, slots=True)
class StringPrefix:
    """What the letters before a string's opening quote say about how to read its body."""

    is_bytes: bool
    is_raw: bool
    is_template: bool  # f-string or t-string: the body holds `{expression}` interpolations
    is_format: bool  # an f-string (a template that is not a t-string)
    is_unicode_marked: bool  # begins with a lower-case `u`, which `ast` records as kind="u"


def read_prefix(prefix: str) -> StringPrefix:
    """Classify a string prefix such as `rb` or `f`; raise LiteralError for one Python 3 rejects."""
    lowered = prefix.lower()
    if lowered not in _VALID_PREFIXES:
        raise LiteralError(f"string prefix {prefix!r} is not valid in Python 3")
    return StringPrefix(
        is_bytes="b" in lowered,
        is_raw="r" in lowered,
        is_template="f" in lowered or "t" in lowered,
        is_format="f" in lowered,
        is_unicode_marked=prefix.startswith("u"),
    )


def _escape_non_ascii(match: re.Match[str]) -> str:
    found = match[0]
    if len(found) == 2:
        return found
    if found == "\\":
        return "\\u005c"
    return f"\\U{ord(found):08x}"


def decode_text(body: str, raw: bool) -> str:
    """The value of a str literal's body (between its quotes), as CPython decodes it."""
    if raw or "\\" not in body:
        return body
    if not body.isascii() or body.endswith("\\"):
        body = _NON_ASCII_OR_LONE_BACKSLASH.sub(_escape_non_ascii, body)
    try:
        return codecs.unicode_escape_decode(body.encode("ascii"))[0]
    except UnicodeDecodeError as error:
        raise LiteralError(f"invalid escape in string literal ({error.reason})") from None


def decode_bytes(body: str, raw: bool) -> bytes:
    """The value of a bytes literal's body; only ASCII characters may appear in its source."""
    if not body.isascii():
        raise LiteralError("bytes can only contain ASCII literal characters")
    data = body.encode("ascii")
    if raw or b"\\" not in data:
        return data
    try:
        return codecs.escape_decode(data)[0]
    except ValueError as error:
        raise LiteralError(f"invalid escape in bytes literal ({error})") from None


def number_value(text: str) -> int | float | complex:
    """The value of an integer, float or imaginary literal (underscores allowed, as in Python)."""
    try:
        if text[-1] in "jJ":
            return complex(text)
        if "." in text or (("e" in text or "E" in text) and not text.startswith(("0x", "0X"))):
            return float(text)
        return int(text, 0)
    except ValueError as error:
        # `0777`, `10L`, and decimal integers over the host's int_max_str_digits limit.
        raise LiteralError(f"invalid number literal {text[:40]!r}: {error}") from None


_PYTHON2_OCTAL = lazy_pattern(r"0[0-7]+")


def python2_integer_value(text: str) -> int | None:
    """The value of a Python 2 integer literal (`0600` octal, `10L` long), None for any other.

    Python 3 rejects both forms; their values are unchanged (`0600` is `0o600`), and a file
    mode written the old way must still be read as the mode it is.
    """
    body = text[:-1] if text[-1:] in ("l", "L") else text
    if _PYTHON2_OCTAL.fullmatch(body):
        return int(body, 8)
    if body is text:
        return None  # not a long, not an old octal: a real error
    try:
        return int(body, 0)
    except ValueError:
        return None
