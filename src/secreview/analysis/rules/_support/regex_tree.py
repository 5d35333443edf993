"""A regular expression as CPython's own parser reads it, reduced to what matters for backtracking.

The pattern text is parsed with the standard library's regex parser (`re._parser`, the module
`re.compile` uses; parsing only reads the pattern, nothing is matched or executed). Its items are
reduced to five kinds of node (characters, repeats, branches, zero-width tests and opaque parts),
and characters are kept as sets over a sample alphabet so overlaps are plain set arithmetic.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from re import _constants as sre  # type: ignore[attr-defined]  # the parser's opcodes
from re import _parser as sre_parse  # type: ignore[attr-defined]  # private, stable since 3.11
from typing import Any

_MAX_PATHS = 64  # alternatives multiply; beyond this many combinations the rest go unchecked
# Characters the set arithmetic looks at: Latin-1 and Latin Extended, plus a few from classes
# where Unicode `\d`, `\s` and `\w` differ from ASCII. Literals outside are added as they occur.
_SAMPLE = frozenset(chr(c) for c in range(0x250)) | frozenset(
    "\u0660\u2028\u3000\u4e00\uff10\u200b\U0001f600"
)
_ASCII_DIGITS = frozenset("0123456789")
_ASCII_SPACE = frozenset(" \t\n\r\f\v")
UNBOUNDED: int = sre.MAXREPEAT  # the parser's upper bound for `*`, `+` and `{n,}`
Item = tuple[Any, Any]
"""One item of the parser's tree: an opcode and an argument whose type depends on the opcode."""
REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


@dataclass(frozen=True, slots=True, eq=False)
class Chars:
    """Consumes exactly one character out of `chars`."""

    chars: frozenset[str]


@dataclass(frozen=True, slots=True, eq=False)
class Repeat:
    """`body{low,high}`; `source` is the parser's item, kept to quote it in the message."""

    low: int
    high: int
    body: tuple[Node, ...]
    possessive: bool
    source: Item

    @property
    def unbounded(self) -> bool:
        """Whether the repeat has no upper bound (`*`, `+`, `{n,}`)."""
        return self.high == UNBOUNDED


@dataclass(frozen=True, slots=True, eq=False)
class Branch:
    """`a|b|c`, after the parser has factored out common prefixes."""

    alternatives: tuple[tuple[Node, ...], ...]
    source: Item


@dataclass(frozen=True, slots=True, eq=False)
class ZeroWidth:
    """An anchor or lookaround: consumes nothing but can fail; `inner` is a lookaround's body.
    `at_end`: `$` or `\\Z`, which always hold once the whole text is consumed. `at_line_end`:
    `$` under MULTILINE, which holds before every line break too. `at_start`: `\\A`, or `^`
    without MULTILINE, which hold only where the text begins; `at_line_start`: `^` under
    MULTILINE, which holds at every line's start."""

    inner: tuple[Node, ...] = ()
    at_end: bool = False
    at_start: bool = False
    at_line_end: bool = False
    at_line_start: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class Opaque:
    """A backreference, conditional or atomic group: never analysed, never backtracked into."""


Node = Chars | Repeat | Branch | ZeroWidth | Opaque


@cache
def _category_chars(category: object, ascii_only: bool) -> frozenset[str]:
    """Characters of `\\d`, `\\s`, `\\w` and their negations, Unicode or ASCII."""
    digits = _ASCII_DIGITS if ascii_only else frozenset(c for c in _SAMPLE if c.isdecimal())
    spaces = _ASCII_SPACE if ascii_only else frozenset(c for c in _SAMPLE if c.isspace())
    words = frozenset(
        c for c in _SAMPLE if (c.isalnum() or c == "_") and (c.isascii() or not ascii_only)
    )
    table = {
        sre.CATEGORY_DIGIT: digits,
        sre.CATEGORY_NOT_DIGIT: _SAMPLE - digits,
        sre.CATEGORY_SPACE: spaces,
        sre.CATEGORY_NOT_SPACE: _SAMPLE - spaces,
        sre.CATEGORY_WORD: words,
        sre.CATEGORY_NOT_WORD: _SAMPLE - words,
    }
    return table.get(category, _SAMPLE)


def _class_chars(items: Sequence[Item], ascii_only: bool) -> frozenset[str]:
    """Characters of a `[...]` set as the parser gives it (`IN` items)."""
    chars: set[str] = set()
    negated = False
    for op, value in items:
        if op is sre.NEGATE:
            negated = True
        elif op is sre.LITERAL:
            chars.add(chr(value))
        elif op is sre.RANGE:
            low, high = value
            chars.update(c for c in _SAMPLE if low <= ord(c) <= high)
            chars.update((chr(low), chr(high)))
        elif op is sre.CATEGORY:
            chars.update(_category_chars(value, ascii_only))
    return _SAMPLE - chars if negated else frozenset(chars)


def _with_case(chars: frozenset[str], flags: int) -> frozenset[str]:
    """The characters and their other cases, when the pattern ignores case."""
    if not flags & re.IGNORECASE:
        return chars
    return chars | {s for c in chars for s in (c.lower(), c.upper()) if len(s) == 1}


def _reduce(items: Sequence[Item], flags: int) -> tuple[Node, ...]:
    """The parser's items as `Node`s; groups are inlined, they do not change what matches."""
    ascii_only = bool(flags & re.ASCII)
    nodes: list[Node] = []
    for op, value in items:
        if op is sre.LITERAL:
            nodes.append(Chars(_with_case(frozenset(chr(value)), flags)))
        elif op is sre.NOT_LITERAL:
            excluded = _with_case(frozenset(chr(value)), flags)
            nodes.append(Chars(_SAMPLE - excluded))
        elif op is sre.ANY:
            nodes.append(Chars(_SAMPLE if flags & re.DOTALL else _SAMPLE - {"\n"}))
        elif op is sre.IN:
            nodes.append(Chars(_with_case(_class_chars(value, ascii_only), flags)))
        elif op is sre.SUBPATTERN:
            _, add_flags, del_flags, body = value
            nodes.extend(_reduce(body, (flags | add_flags) & ~del_flags))
        elif op in REPEATS:
            low, high, body = value
            possessive = op is sre.POSSESSIVE_REPEAT
            nodes.append(Repeat(low, high, _reduce(body, flags), possessive, (op, value)))
        elif op is sre.BRANCH:
            alternatives = tuple(_reduce(a, flags) for a in value[1])
            nodes.append(Branch(alternatives, (op, value)))
        elif op is sre.AT:
            at_start = value == sre.AT_BEGINNING_STRING or (
                value == sre.AT_BEGINNING and not flags & re.MULTILINE
            )
            nodes.append(
                ZeroWidth(
                    at_end=value in (sre.AT_END, sre.AT_END_STRING),
                    at_start=at_start,
                    at_line_end=value == sre.AT_END and bool(flags & re.MULTILINE),
                    at_line_start=value == sre.AT_BEGINNING and bool(flags & re.MULTILINE),
                )
            )
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            nodes.append(ZeroWidth(_reduce(value[1], flags)))
        else:  # GROUPREF, GROUPREF_EXISTS, ATOMIC_GROUP, ...
            nodes.append(Opaque())
    return tuple(nodes)


def nullable(node: Node) -> bool:
    """Whether the node can match the empty string without any zero-width test."""
    if isinstance(node, Repeat):
        return node.low == 0 or all(nullable(n) for n in node.body)
    if isinstance(node, Branch):
        return any(all(nullable(n) for n in alt) for alt in node.alternatives)
    return False  # characters consume; anchors, lookarounds and opaque parts can fail


def takes_the_rest(node: Node) -> bool:
    """`.*` with DOTALL, `[\\s\\S]*`: a repeat that can consume whatever text is left."""
    return (
        isinstance(node, Repeat)
        and node.unbounded
        and len(node.body) == 1
        and isinstance(node.body[0], Chars)
        and node.body[0].chars >= _SAMPLE
    )


def can_fail(nodes: Sequence[Node]) -> bool:
    """Whether matching `nodes` (the rest of a pattern) can fail once reached.

    It cannot when every part can match empty, or when a repeat that takes any text (`.*` with
    DOTALL) is followed only by parts that can match empty and end anchors (`.*$`): it consumes
    the whole text and `$` then holds, so nothing after it ever makes the engine backtrack. So
    it is with a repeat of any character but a line break before MULTILINE's `$` (`.*?$`).
    """
    for index, node in enumerate(nodes):
        if nullable(node) and rest_always_matches(node, nodes[index + 1 :]):
            return False
        if not nullable(node):
            return True
    return False


def rest_always_matches(loop: Node, rest: Sequence[Node]) -> bool:
    """Whether `loop` followed by `rest` always finds a match: `loop` takes any text and `rest`
    holds at the text's end (`.*$` with DOTALL), or `loop` can match empty, takes any character
    but a line break, and `rest` holds at every line's end (`.*?$` under MULTILINE: `.` stops
    before the break, where `$` holds)."""
    if takes_the_rest(loop) and only_ends(rest):
        return True
    return (
        nullable(loop)
        and isinstance(loop, Repeat)
        and loop.unbounded
        and len(loop.body) == 1
        and isinstance(loop.body[0], Chars)
        and loop.body[0].chars >= _SAMPLE - {"\n"}
        and all(nullable(n) or (isinstance(n, ZeroWidth) and n.at_line_end) for n in rest)
    )


def only_ends(nodes: Sequence[Node]) -> bool:
    """Parts that always match at the end of the text: empty-matching ones and `$`, `\\Z`."""
    return all(nullable(n) or (isinstance(n, ZeroWidth) and n.at_end) for n in nodes)


def chars_of(node: Node) -> frozenset[str]:
    """Every character the node can consume."""
    if isinstance(node, Chars):
        return node.chars
    if isinstance(node, Repeat):
        return frozenset().union(*(chars_of(n) for n in node.body))
    if isinstance(node, Branch):
        return frozenset().union(*(chars_of(n) for alt in node.alternatives for n in alt))
    return frozenset()


def first_chars(nodes: Sequence[Node], follow: frozenset[str]) -> frozenset[str]:
    """Characters a match of `nodes` can start with; `follow` when all of them can be empty."""
    first: set[str] = set()
    for node in nodes:
        if isinstance(node, Chars):
            return frozenset(first | node.chars)
        if isinstance(node, Repeat) and node.high > 0:
            first |= first_chars(node.body, frozenset())
        elif isinstance(node, Branch):
            for alt in node.alternatives:
                first |= first_chars(alt, frozenset())
        elif isinstance(node, Opaque):
            return frozenset(first)
        if not (nullable(node) or isinstance(node, ZeroWidth)):
            return frozenset(first)
    return frozenset(first | follow)


def absorbs(node: Node, chars: frozenset[str] | None) -> bool:
    """Whether the node can match empty, or (with `chars`) some text made of those characters."""
    if nullable(node):
        return True
    if chars is None:
        return False
    if isinstance(node, Chars):
        return bool(node.chars & chars)
    if isinstance(node, Repeat):
        return all(absorbs(n, chars) for n in node.body)
    if isinstance(node, Branch):
        return any(all(absorbs(n, chars) for n in alt) for alt in node.alternatives)
    return False


def alternative_paths(nodes: Sequence[Node], optional: bool = False) -> list[list[Node]]:
    """The node sequences a match can go through, one alternative of each branch at a time.

    With `optional`, an optional group (`(?::\\S*)?`) is also two ways through: left out, or
    its parts in line (themselves expanded the same way)."""
    paths: list[list[Node]] = [[]]
    for node in nodes:
        if isinstance(node, Branch):
            expanded = [p + a for p in paths for a in map(list, node.alternatives)]
            paths = expanded[:_MAX_PATHS]
        elif optional and _optional_group(node):
            assert isinstance(node, Repeat)
            inline = alternative_paths(node.body, optional=True)
            paths = [p + q for p in paths for q in [[], *inline]][:_MAX_PATHS]
        else:
            for path in paths:
                path.append(node)
    return paths


def _optional_group(node: Node) -> bool:
    """`(?:...)?` around more than one part: a backtracking repeat of at most one iteration."""
    return (
        isinstance(node, Repeat)
        and node.low == 0
        and node.high == 1
        and not node.possessive
        and len(node.body) > 1
    )


def sure_exit_chars(rest: Sequence[Node], tail_can_fail: bool) -> frozenset[str]:
    """Characters that end the match in success when a repeat stops right before one of them.

    That is when the rest of the pattern is one character of a set and then only parts that
    cannot fail (`\\].*$` with DOTALL), and nothing after the rest can fail either. Empty when
    there are no such characters.
    """
    if tail_can_fail or not rest or not isinstance(rest[0], Chars) or can_fail(rest[1:]):
        return frozenset()
    return rest[0].chars


def all_repeats(
    nodes: Sequence[Node], tail_can_fail: bool, nested: bool = False
) -> Iterator[tuple[Repeat, bool, frozenset[str]]]:
    """Every backtracking repeat, outermost first, whether the match can fail after it, and the
    characters that end the match in success when it stops before one (`sure_exit_chars`).

    Backtracking only starts when something later fails: a repeat at the very end of a pattern
    used with `search` or `match` succeeds with its first, greedy attempt. Possessive repeats
    and atomic groups are skipped; lookarounds are atomic too, so only their own tail counts.
    A repeat inside another (`nested`) is followed by the outer one's next iterations too, so it
    gets no sure characters.
    """
    for index, node in enumerate(nodes):
        rest = nodes[index + 1 :]
        after = tail_can_fail or can_fail(rest)
        if isinstance(node, Repeat) and not node.possessive:
            yield node, after, frozenset() if nested else sure_exit_chars(rest, tail_can_fail)
            yield from all_repeats(node.body, after, nested=True)
        elif isinstance(node, Branch):
            for alt in node.alternatives:
                yield from all_repeats(alt, after, nested)
        elif isinstance(node, ZeroWidth):
            yield from all_repeats(node.inner, False, nested=True)


def parse_pattern(pattern: str | bytes, flags: int) -> tuple[Node, ...] | None:
    """The reduced tree of a pattern, or None when the standard parser rejects it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the code's escape and set warnings are not ours
            parsed = sre_parse.parse(pattern, flags & ~re.DEBUG)  # DEBUG would print the tree
    except (re.error, OverflowError, RecursionError, ValueError, TypeError, IndexError):
        return None  # `regex`-only syntax or a broken pattern: nothing to say
    return _reduce(list(parsed), parsed.state.flags)


def starts_at_beginning(tree: Sequence[Node]) -> bool:
    """Whether every match must start where the text begins (`\\A…`, `^…` without MULTILINE, or
    a branch whose every alternative does): the engine then tries one start, not every one."""
    if not tree:
        return False
    first = tree[0]
    if isinstance(first, ZeroWidth):
        return first.at_start
    if isinstance(first, Branch):
        return all(starts_at_beginning(alternative) for alternative in first.alternatives)
    return False
