"""What a regular expression's match hands back: its groups, each holding only what it can match.

`re.match(r"^([ \\t]*)", line).group(1)` is the line's left margin, spaces and tabs whatever the
line held; `re.match(r"\\"\\"\\"|'''", text).group(0)` is one of two quotes. A match object is
kept as a value whose parts are its groups (0 the whole match), each made safe for the sink kinds
none of whose dangerous characters its group can capture (`matched_alphabets.group_alphabets`);
a group that can capture any other character keeps the text's taint as it was (Mako's
`adjust_whitespace` compiling the margin and the quote it found into its next patterns).
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.alphabets import kinds_safe_for
from secreview.analysis.taint.matched_alphabets import group_alphabets
from secreview.analysis.taint.values import CLEAN, Value

MATCHERS = frozenset(
    {"re.match", "re.search", "re.fullmatch", "regex.match", "regex.search", "regex.fullmatch"}
)
"""Functions that match a pattern (their first argument) against text (their second)."""
MATCH_METHODS = frozenset({"match", "search", "fullmatch"})
"""Methods of a compiled pattern that match it against their first argument."""


def is_match_call(call: ast.Call) -> bool:
    """`re.fullmatch(...)`, `PATTERN.match(...)`: a call whose result is a match object or None."""
    return isinstance(call.func, ast.Attribute) and call.func.attr in MATCH_METHODS


_NOTE = "a group of a fixed pattern: only the characters it can match"


def match_object(node: ast.expr, pattern: object, text: Value) -> Value:
    """The value of a match of the constant `pattern` against `text`: the text's taint, with
    each group that can capture only some characters as a part safe for what they allow."""
    flows = text.all_flows()
    if not flows:
        return CLEAN
    value = Value(flows=flows)
    for group, alphabet in sorted(group_alphabets(pattern).items()):
        kinds = kinds_safe_for(alphabet, ())
        if kinds is None:
            part = CLEAN
        elif kinds:
            part = Value(flows=flows).mapped(lambda f, k=kinds: f.then(node, _NOTE).sanitised(k))
        else:
            continue
        value = value.with_part(group, part)
    return value


def group_of(receiver: Value, method: str, args: list[Value]) -> Value | None:
    """`m.group(n)` (or `m.group()`) of a match object `match_object` built; None for any
    other call."""
    if method != "group" or len(args) > 1 or not receiver.parts:
        return None
    key = args[0].const if args else 0
    if not isinstance(key, int) or isinstance(key, bool) or key not in receiver.parts:
        return None
    return receiver.parts[key]
