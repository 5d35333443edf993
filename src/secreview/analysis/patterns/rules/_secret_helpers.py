"""Words, entropy and redaction shared by the rules that reason about secrets.

Identifiers are split into lower-case words so that `dbPassword`, `DB_PASSWORD` and `db-password`
read the same; values are judged by how random they look (Shannon entropy) and are only ever shown
redacted, because a report that prints the secret leaks it a second time.
"""

from __future__ import annotations

import ast
import math
import re
from collections import Counter

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]+")
_WORD_LIKE_PART = re.compile(r"\d*(?:[a-z]+|[A-Z]+|[A-Z][a-z]+)?\d*")
_PART_SEPARATOR = re.compile(r"[-_.]+")
_OPENING_QUOTE = re.compile(rb"[rRbBuU]{0,2}('''|\"\"\"|'|\")")


def name_words(name: str) -> list[str]:
    """Lower-case words of an identifier or key: 'dbPassword' and 'DB_PASSWORD' -> ['db', ...]."""
    spaced = _CAMEL_BOUNDARY.sub("_", name)
    return [word.lower() for word in _NON_ALPHANUMERIC.split(spaced) if word]


def shannon_entropy(text: str) -> float:
    """Bits of information per character, estimated from the character frequencies of `text`."""
    if not text:
        return 0.0
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def looks_random(text: str) -> bool:
    """Whether `text` looks like generated key material rather than words a person typed.

    Hex needs less entropy per character than mixed-case text to look random, because it draws
    from 16 symbols only. Other text needs a digit and a second character class (joining words
    with '-' or '_' does not count), which keeps names of things such as 'correct_horse_battery'
    out: generated keys almost never lack digits at this length. Text made only of words joined
    by separators ('oauth2-authorization-code') is a name, however varied its letters.
    """
    if len(text) < 16 or any(c.isspace() for c in text):
        return False
    if all(_WORD_LIKE_PART.fullmatch(part) for part in _PART_SEPARATOR.split(text)):
        return False
    entropy = shannon_entropy(text)
    if re.fullmatch(r"[0-9a-fA-F]+", text):
        return len(text) >= 20 and entropy >= 3.0
    classes = sum(
        (
            any(c.islower() for c in text),
            any(c.isupper() for c in text),
            any(c.isdigit() for c in text),
            any(not c.isalnum() and c not in "-_" for c in text),
        )
    )
    return classes >= 2 and any(c.isdigit() for c in text) and entropy >= 3.0


def redact(secret: str) -> str:
    """A recognisable but useless form of `secret`: its first 2-4 characters and its length."""
    shown = 4 if len(secret) >= 20 else 3 if len(secret) >= 12 else 2
    return f"'{secret[:shown]}…' ({len(secret)} characters)"


def literal_opening(node: ast.Constant, lines: list[str]) -> ast.Name:
    """A node spanning only the opening of string literal `node` (its prefix and quotes).

    Findings show the source text of the node they point at; pointing at the opening keeps the
    location exact while the report never repeats the secret itself.
    """
    line = lines[node.lineno - 1].encode("utf-8") if node.lineno <= len(lines) else b""
    match = _OPENING_QUOTE.match(line, node.col_offset)
    width = match.end() - node.col_offset if match else 1
    return span_node(node.lineno, node.col_offset, width)


def span_node(line: int, column: int, width: int, text: str = "_") -> ast.Name:
    """A stand-in node covering `width` bytes of one line, for pointing inside a larger node."""
    node = ast.Name(id=text, ctx=ast.Load())
    node.lineno = node.end_lineno = line
    node.col_offset = column
    node.end_col_offset = column + width
    return node
