"""Line breaks removed by a regular expression: `re.sub(r"[\\r\\n]+", " ", text)`.

A project that strips line breaks before logging often does it with a pattern rather than
`.replace("\\n", "")`: `re.sub(r"[\\r\\n]+", " ", value)`, `re.sub(r"\\s+", " ", value)`, or a
module constant compiled once (`_NEWLINE_RE = re.compile(r"[\\r\\n]+")`, then
`_NEWLINE_RE.sub(" ", value)`, openreplay's `sanitize`). Such a call takes every line break the
pattern matches out of the text, wherever it is, so the result is what `.replace` leaves
(`semantics.without_line_breaks`: safe for a log once LF is gone, for a header once CR is too).

Only a pattern that is one character class or literal, possibly repeated, is read: anchored
(`^\\n`), sequenced (`\\r\\n`) or alternated patterns leave some line breaks where they were, and
a count (`re.sub(p, " ", text, 1)`) stops after the first. A replacement that can write a line
break itself (a backslash escape in the template, a line break, a function, a run-time value)
proves nothing. The pattern is read with CPython's own parser, as `matched_alphabets` does.
"""

from __future__ import annotations

import ast
from re import _constants as sre  # type: ignore[attr-defined]  # the parser's opcodes
from typing import Any

from secreview.analysis.taint.matched_alphabets import parsed_pattern

_BREAKS = "\n\r"
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))
_SPACE = (sre.CATEGORY_SPACE, getattr(sre, "CATEGORY_UNI_SPACE", sre.CATEGORY_SPACE))


def removed_line_breaks(pattern: object, replacement: object, call: ast.Call, count_at: int) -> str:
    """The line-break characters (LF, CR) `call`, a substitution of every match of `pattern` by
    the fixed `replacement`, takes out of its text ("" when none or not such a call).
    `count_at` is the position of the call's `count` argument, which must be absent."""
    if len(call.args) > count_at or any(k.arg in ("count", "flags") for k in call.keywords):
        return ""
    if not isinstance(replacement, str) or set(replacement) & set(_BREAKS + "\\"):
        return ""
    parsed = parsed_pattern(pattern)
    if parsed is None:
        return ""
    items: list[Any] = list(parsed)
    if len(items) != 1:
        return ""
    op, argument = items[0]
    if op in _REPEATS:
        inner = list(argument[2])
        if len(inner) != 1:
            return ""
        op, argument = inner[0]
    return "".join(c for c in _BREAKS if _matches_char(op, argument, c))


def _matches_char(op: Any, argument: Any, char: str) -> bool:
    """Whether the one-character item (`op`, `argument`) matches `char`: a literal, or a
    positive class of literals, ranges and the space category."""
    if op is sre.LITERAL:
        return bool(argument == ord(char))
    if op is not sre.IN:
        return False
    if argument and argument[0][0] is sre.NEGATE:
        return False
    for inner_op, inner in argument:
        if inner_op is sre.LITERAL and inner == ord(char):
            return True
        if inner_op is sre.RANGE and inner[0] <= ord(char) <= inner[1]:
            return True
        if inner_op is sre.CATEGORY and inner in _SPACE:
            return True
    return False
