"""Parser items written back as pattern text, to quote the offending part of a pattern.

The text is normalised: prefixes the parser factored out of alternatives show as the parser has
them (`(a|ab)` reads `a(?:|b)`, shown as `ab?`), which is the shape the engine actually runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from re import _constants as sre  # type: ignore[attr-defined]  # the parser's opcodes

from secreview.analysis.rules._support.regex_tree import REPEATS, UNBOUNDED, Item

_ANCHORS = {
    sre.AT_BEGINNING: "^",
    sre.AT_BEGINNING_STRING: r"\A",
    sre.AT_END: "$",
    sre.AT_END_STRING: r"\Z",
    sre.AT_BOUNDARY: r"\b",
    sre.AT_NON_BOUNDARY: r"\B",
}
_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
}
_METACHARACTERS = frozenset(".^$*+?{}[]\\|()")


def _render_char(code: int, in_class: bool = False) -> str:
    """One literal character as pattern text, escaped where the syntax needs it. Codes 0x80 to
    0xff are escaped: in a bytes pattern they are bytes, not the Latin-1 letters they would show
    as (`\\xff`, not `ÿ`)."""
    char = chr(code)
    if char in _METACHARACTERS or (in_class and char in "^-"):
        return "\\" + char
    if char.isprintable() and (char != " " or not in_class) and not 0x80 <= code <= 0xFF:
        return char
    return {"\n": r"\n", "\t": r"\t", "\r": r"\r"}.get(char, f"\\x{code:02x}")


def _render_class(items: Sequence[Item]) -> str:
    """A `[...]` set as pattern text; a lone `\\d`, `\\s` or `\\w` without brackets."""
    if len(items) == 1 and items[0][0] is sre.CATEGORY:
        return _CATEGORIES.get(items[0][1], "[…]")
    parts: list[str] = []
    for op, value in items:
        if op is sre.NEGATE:
            parts.append("^")
        elif op is sre.LITERAL:
            parts.append(_render_char(value, in_class=True))
        elif op is sre.RANGE:
            low, high = value
            parts.append(f"{_render_char(low, True)}-{_render_char(high, True)}")
        elif op is sre.CATEGORY:
            parts.append(_CATEGORIES.get(value, "…"))
    return "[" + "".join(parts) + "]"


def _quantifier(op: object, low: int, high: int) -> str:
    """`*`, `+?`, `{2,}`, `++`: the quantifier text for a repeat opcode and its bounds."""
    if high == UNBOUNDED:
        text = {0: "*", 1: "+"}.get(low, f"{{{low},}}")
    elif (low, high) == (0, 1):
        text = "?"
    else:
        text = f"{{{low}}}" if low == high else f"{{{low},{high}}}"
    return text + {sre.MIN_REPEAT: "?", sre.POSSESSIVE_REPEAT: "+"}.get(op, "")


def _render_branch(alternatives: Sequence[Sequence[Item]], alone: bool) -> str:
    """`a|b`; after prefix factoring (`(a|ab)` parses as `a(?:|b)`) empty ones read as `?`."""
    written = [render(alt) for alt in alternatives if alt]
    if not written or len(written) == len(alternatives):
        joined = "|".join(render(alt) for alt in alternatives)
        return joined if alone else f"(?:{joined})"
    single = (
        len(written) == 1 and len(alternatives[[bool(a) for a in alternatives].index(True)]) == 1
    )
    return (written[0] if single else "(?:" + "|".join(written) + ")") + "?"


def render(items: Sequence[Item]) -> str:
    """Pattern text for parser items (normalised: factored prefixes show as the parser has them)."""
    text: list[str] = []
    for op, value in items:
        if op is sre.LITERAL:
            text.append(_render_char(value))
        elif op is sre.NOT_LITERAL:
            text.append(f"[^{_render_char(value, in_class=True)}]")
        elif op is sre.ANY:
            text.append(".")
        elif op is sre.IN:
            text.append(_render_class(value))
        elif op is sre.AT:
            text.append(_ANCHORS.get(value, ""))
        elif op is sre.SUBPATTERN:
            group, _, _, body = value
            text.append(f"({render(body)})" if group else f"(?:{render(body)})")
        elif op in REPEATS:
            low, high, body = value
            single = len(body) == 1 and body[0][0] not in (*REPEATS, sre.BRANCH)
            inner = render(body)
            text.append((inner if single else f"(?:{inner})") + _quantifier(op, low, high))
        elif op is sre.BRANCH:
            text.append(_render_branch(value[1], alone=len(items) == 1))
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            direction, body = value
            kind = ("<" if direction < 0 else "") + ("=" if op is sre.ASSERT else "!")
            text.append(f"(?{kind}{render(body)})")
        elif op is sre.ATOMIC_GROUP:
            text.append(f"(?>{render(value)})")
        elif op is sre.GROUPREF:
            text.append(f"\\{value}")
        else:
            text.append("(?(…)…)")
    return "".join(text)
