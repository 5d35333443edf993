"""Words, redaction and pointing inside literals, shared by the rules that reason about secrets.

Identifiers are split into lower-case words (`secreview.credentials.name_words`, re-exported for
the rules) so that `dbPassword`, `DB_PASSWORD` and `db-password` read the same; values are only
ever shown masked, because a report that prints the secret leaks it a second time.
"""

from __future__ import annotations

import ast

from secreview.credentials import name_words
from secreview.masking import mask_secret
from secreview.patterns import lazy_pattern

__all__ = ["constant_text", "literal_opening", "name_words", "redact", "schema_detail", "span_node"]
_OPENING_QUOTE = lazy_pattern(rb"[rRbBuU]{0,2}('''|\"\"\"|'|\")")


def redact(secret: str) -> str:
    """`secret` quoted for a message, masked exactly as every snippet masks it."""
    return f"'{mask_secret(secret)}'"


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


def schema_detail(record: ast.Tuple | ast.List | ast.Set, item: ast.AST) -> bool:
    """Whether `item` is a detail of a settings schema entry rather than the value named.

    A tuple that begins with a type or converter, `'DELUGE_PASSWORD': (str, 'Deluge', '')`, or
    with a type's name, `'NEWZBIN_PASS': ('str', 'Newzbin', '')`, declares a setting (type,
    section, default): its section or help text is not the password, and only its last item, the
    default, is the value the key names.
    """
    if not isinstance(record, ast.Tuple) or len(record.elts) < 2 or item is record.elts[-1]:
        return False
    kind = record.elts[0]
    return isinstance(kind, ast.Name) or (
        isinstance(kind, ast.Constant) and kind.value in _TYPE_NAMES
    )


_TYPE_NAMES = frozenset(
    {"str", "string", "int", "integer", "bool", "boolean", "float", "list", "dict", "path", "bytes"}
)
"""Names a settings schema spells its value types with (`('int', 'General', 0)`)."""


def constant_text(value: object) -> str | None:
    """The text of a str or bytes constant; raw binary bytes as hex, so entropy still applies."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        if all(32 <= b < 127 for b in value):
            return value.decode("ascii")
        return value.hex()
    return None
