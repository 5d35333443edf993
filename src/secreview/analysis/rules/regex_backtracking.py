"""CWE-1333: constant regular expressions that backtrack catastrophically.

The pattern text is parsed with the standard library's own regex parser (`re._parser`, the module
`re.compile` uses; parsing only reads the pattern, nothing is matched or executed), so the rule
sees exactly the tree CPython's engine runs: `(\\d|\\w)+` is already merged into the character class
`[\\d\\w]+` and common prefixes of alternatives are factored out. Three shapes are reported:

* a repeated body that can split the same text into iterations in several ways (`(a+)+`,
  `(\\w+\\s?)*`, `(a{1,3})+`): exponential;
* a repeated alternation whose branches can start the same way (`(a|a?)+`, `(\\\\.|[^"])*`):
  exponential;
* two unbounded repeats over overlapping characters side by side, before something that can
  fail (`\\s*\\s*$`, `.*.*=`): polynomial.

Possessive quantifiers and atomic groups (Python 3.11+) never give characters back and are safe.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from re import _constants as sre  # type: ignore[attr-defined]  # the parser's opcodes
from re import _parser as sre_parse  # type: ignore[attr-defined]  # private, stable since 3.11
from typing import Any

from secreview.analysis.rule import Hit, rule
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

# Function -> position of its `flags` argument; the pattern is always argument 0.
_FLAG_POSITIONS = {
    "compile": 1,
    "match": 2,
    "search": 2,
    "fullmatch": 2,
    "findall": 2,
    "finditer": 2,
    "sub": 4,
    "subn": 4,
    "split": 3,
}
_REGEX_MODULES = ("re", "regex")
_MAX_PATTERN_LENGTH = 10_000  # longer constants are data, not hand-written patterns
_MAX_PATHS = 64  # alternatives multiply; beyond this many combinations the rest go unchecked
_MAX_SHOWN_PATTERN = 60
# Characters the set arithmetic looks at: Latin-1 and Latin Extended, plus a few from classes
# where Unicode `\d`, `\s` and `\w` differ from ASCII. Literals outside are added as they occur.
_SAMPLE = frozenset(chr(c) for c in range(0x250)) | frozenset(
    "\u0660\u2028\u3000\u4e00\uff10\u200b\U0001f600"
)
_ASCII_DIGITS = frozenset("0123456789")
_ASCII_SPACE = frozenset(" \t\n\r\f\v")
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
_UNBOUNDED: int = sre.MAXREPEAT  # the parser's upper bound for `*`, `+` and `{n,}`
_Item = tuple[Any, Any]
"""One item of the parser's tree: an opcode and an argument whose type depends on the opcode."""
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_METACHARACTERS = frozenset(".^$*+?{}[]\\|()")


# ----- the parsed pattern, reduced to what matters for backtracking ------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class _Chars:
    """Consumes exactly one character out of `chars`."""

    chars: frozenset[str]


@dataclass(frozen=True, slots=True, eq=False)
class _Repeat:
    """`body{low,high}`; `source` is the parser's item, kept to quote it in the message."""

    low: int
    high: int
    body: tuple[_Node, ...]
    possessive: bool
    source: _Item

    @property
    def unbounded(self) -> bool:
        """Whether the repeat has no upper bound (`*`, `+`, `{n,}`)."""
        return self.high == _UNBOUNDED


@dataclass(frozen=True, slots=True, eq=False)
class _Branch:
    """`a|b|c`, after the parser has factored out common prefixes."""

    alternatives: tuple[tuple[_Node, ...], ...]
    source: _Item


@dataclass(frozen=True, slots=True, eq=False)
class _ZeroWidth:
    """An anchor or lookaround: consumes nothing but can fail; `inner` is a lookaround's body."""

    inner: tuple[_Node, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class _Opaque:
    """A backreference, conditional or atomic group: never analysed, never backtracked into."""


_Node = _Chars | _Repeat | _Branch | _ZeroWidth | _Opaque


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


def _class_chars(items: Sequence[_Item], ascii_only: bool) -> frozenset[str]:
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


def _reduce(items: Sequence[_Item], flags: int) -> tuple[_Node, ...]:
    """The parser's items as `_Node`s; groups are inlined, they do not change what matches."""
    ascii_only = bool(flags & re.ASCII)
    nodes: list[_Node] = []
    for op, value in items:
        if op is sre.LITERAL:
            nodes.append(_Chars(_with_case(frozenset(chr(value)), flags)))
        elif op is sre.NOT_LITERAL:
            excluded = _with_case(frozenset(chr(value)), flags)
            nodes.append(_Chars(_SAMPLE - excluded))
        elif op is sre.ANY:
            nodes.append(_Chars(_SAMPLE if flags & re.DOTALL else _SAMPLE - {"\n"}))
        elif op is sre.IN:
            nodes.append(_Chars(_with_case(_class_chars(value, ascii_only), flags)))
        elif op is sre.SUBPATTERN:
            _, add_flags, del_flags, body = value
            nodes.extend(_reduce(body, (flags | add_flags) & ~del_flags))
        elif op in _REPEATS:
            low, high, body = value
            possessive = op is sre.POSSESSIVE_REPEAT
            nodes.append(_Repeat(low, high, _reduce(body, flags), possessive, (op, value)))
        elif op is sre.BRANCH:
            alternatives = tuple(_reduce(a, flags) for a in value[1])
            nodes.append(_Branch(alternatives, (op, value)))
        elif op is sre.AT:
            nodes.append(_ZeroWidth())
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            nodes.append(_ZeroWidth(_reduce(value[1], flags)))
        else:  # GROUPREF, GROUPREF_EXISTS, ATOMIC_GROUP, ...
            nodes.append(_Opaque())
    return tuple(nodes)


# ----- properties of nodes -----------------------------------------------------------------------
def _nullable(node: _Node) -> bool:
    """Whether the node can match the empty string without any zero-width test."""
    if isinstance(node, _Repeat):
        return node.low == 0 or all(_nullable(n) for n in node.body)
    if isinstance(node, _Branch):
        return any(all(_nullable(n) for n in alt) for alt in node.alternatives)
    return False  # characters consume; anchors, lookarounds and opaque parts can fail


def _chars_of(node: _Node) -> frozenset[str]:
    """Every character the node can consume."""
    if isinstance(node, _Chars):
        return node.chars
    if isinstance(node, _Repeat):
        return frozenset().union(*(_chars_of(n) for n in node.body))
    if isinstance(node, _Branch):
        return frozenset().union(*(_chars_of(n) for alt in node.alternatives for n in alt))
    return frozenset()


def _first(nodes: Sequence[_Node], follow: frozenset[str]) -> frozenset[str]:
    """Characters a match of `nodes` can start with; `follow` when all of them can be empty."""
    first: set[str] = set()
    for node in nodes:
        if isinstance(node, _Chars):
            return frozenset(first | node.chars)
        if isinstance(node, _Repeat) and node.high > 0:
            first |= _first(node.body, frozenset())
        elif isinstance(node, _Branch):
            for alt in node.alternatives:
                first |= _first(alt, frozenset())
        elif isinstance(node, _Opaque):
            return frozenset(first)
        if not (_nullable(node) or isinstance(node, _ZeroWidth)):
            return frozenset(first)
    return frozenset(first | follow)


def _absorbs(node: _Node, chars: frozenset[str] | None) -> bool:
    """Whether the node can match empty, or (with `chars`) some text made of those characters."""
    if _nullable(node):
        return True
    if chars is None:
        return False
    if isinstance(node, _Chars):
        return bool(node.chars & chars)
    if isinstance(node, _Repeat):
        return all(_absorbs(n, chars) for n in node.body)
    if isinstance(node, _Branch):
        return any(all(_absorbs(n, chars) for n in alt) for alt in node.alternatives)
    return False


def _paths(nodes: Sequence[_Node]) -> list[list[_Node]]:
    """The node sequences a match can go through, one alternative of each branch at a time."""
    paths: list[list[_Node]] = [[]]
    for node in nodes:
        if isinstance(node, _Branch):
            expanded = [p + a for p in paths for a in map(list, node.alternatives)]
            paths = expanded[:_MAX_PATHS]
        else:
            for path in paths:
                path.append(node)
    return paths


def _all_repeats(nodes: Sequence[_Node], tail_can_fail: bool) -> Iterator[tuple[_Repeat, bool]]:
    """Every backtracking repeat, outermost first, and whether the match can fail after it.

    Backtracking only starts when something later fails: a repeat at the very end of a pattern
    used with `search` or `match` succeeds with its first, greedy attempt. Possessive repeats
    and atomic groups are skipped; lookarounds are atomic too, so only their own tail counts.
    """
    for index, node in enumerate(nodes):
        after = tail_can_fail or not all(_nullable(n) for n in nodes[index + 1 :])
        if isinstance(node, _Repeat) and not node.possessive:
            yield node, after
            yield from _all_repeats(node.body, after)
        elif isinstance(node, _Branch):
            for alt in node.alternatives:
                yield from _all_repeats(alt, after)
        elif isinstance(node, _ZeroWidth):
            yield from _all_repeats(node.inner, False)


# ----- the three shapes --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Problem:
    """What was found (the offending parts, quoted as pattern text) and how bad it is."""

    description: str
    exponential: bool


def _variable(node: _Node) -> bool:
    """A backtracking repeat that can match different numbers of times (`a+`, `a{1,3}`, `a?`)."""
    return isinstance(node, _Repeat) and not node.possessive and node.high > node.low


def _ambiguous_split(outer: _Repeat) -> _Problem | None:
    """`(a+)+`, `(\\w+\\s?)*`: one iteration's text can also be matched by several iterations.

    Needs a variable-length part `inner` whose neighbours in the body can all match empty or
    the same characters, and one of the two repeats unbounded. When `inner` repeats more than
    one character (`(?:ab)+`), its neighbours must be able to match empty.
    """
    if outer.high < 2:
        return None
    for path in _paths(outer.body):
        for index, inner in enumerate(path):
            if not isinstance(inner, _Repeat) or not _variable(inner):
                continue
            if not (outer.unbounded or inner.unbounded):
                continue
            others = path[:index] + path[index + 1 :]
            single = len(inner.body) == 1 and isinstance(inner.body[0], _Chars)
            chars = _chars_of(inner) if single else None
            lengths_vary = inner.high >= 2 or any(
                _variable(o) and chars is not None and _chars_of(o) & chars for o in others
            )
            if lengths_vary and all(_absorbs(o, chars) for o in others):
                return _Problem(
                    f"repeats `{_render([outer.source])}`, and `{_render([inner.source])}` "
                    "inside it can match the same text in one iteration or split across several",
                    exponential=outer.unbounded,
                )
    return None


def _may_match_alike(
    first: Sequence[_Node],
    second: Sequence[_Node],
    follow: frozenset[str],
    at_start: frozenset[str],
) -> bool:
    """Whether two alternatives (then what follows) can start by matching the same characters.

    Compares them character by character while both are plain characters (so `short|signed`
    differ at their second letter), then falls back to the sets of characters each can start
    with. `at_start` is what follows an alternative that matched nothing, `follow` the rest.
    """
    for index, (one, other) in enumerate(zip(first, second, strict=False)):
        if not (isinstance(one, _Chars) and isinstance(other, _Chars)):
            after = follow if index else at_start
            return bool(_first(first[index:], after) & _first(second[index:], after))
        if not one.chars & other.chars:
            return False
    shortest = min(len(first), len(second))
    after = follow if shortest else at_start
    return bool(_first(first[shortest:], after) & _first(second[shortest:], after))


def _overlapping_alternatives(outer: _Repeat) -> _Problem | None:
    """`(a|a?)+`, `(\\\\.|[^"])*`: an unbounded repeated choice whose branches can match alike."""
    if not outer.unbounded:
        return None  # a bounded number of choices costs a bounded amount of work

    def search(nodes: Sequence[_Node], follow: frozenset[str], consumed: bool) -> _Branch | None:
        for index, node in enumerate(nodes):
            consumed = consumed or any(not _nullable(n) for n in nodes[:index])
            rest = _first(nodes[index + 1 :], follow)
            # An iteration that matched nothing ends the loop: then the next one cannot follow.
            at_start = rest if consumed else _first(nodes[index + 1 :], frozenset())
            if not isinstance(node, _Branch):
                continue
            alternatives = node.alternatives
            for i, alt in enumerate(alternatives):
                if any(_may_match_alike(alt, o, rest, at_start) for o in alternatives[i + 1 :]):
                    return node
            for alt in alternatives:
                found = search(alt, rest, consumed)
                if found is not None:
                    return found
        return None

    branch = search(outer.body, _first(outer.body, frozenset()), False)
    if branch is None:
        return None
    if all(branch.alternatives):
        choice = f"whose alternatives `{_render([branch.source])}` can match the same characters"
    else:
        choice = "in which the choice after the common prefix can match the same characters"
    return _Problem(f"repeats `{_render([outer.source])}`, {choice}", exponential=True)


def _single_char_loop(node: _Node) -> bool:
    """`\\s*`, `.+`, `[a-z]{2,}`: an unbounded, backtracking repeat of one character class."""
    return (
        isinstance(node, _Repeat)
        and node.unbounded
        and not node.possessive
        and len(node.body) == 1
        and isinstance(node.body[0], _Chars)
    )


def _trading_pair(path: list[_Node], end_can_fail: bool, wraps: bool) -> tuple[_Node, _Node] | None:
    """Two single-character loops that can share out one run of characters in many ways.

    Side by side (only empty-matching parts between them) they trade when something after them
    can fail. With `wraps`, the path is a loop body: the last loop of one iteration also trades
    with the first loop of the next (`(\\s*,\\s*)*`).
    """
    loops = [i for i, node in enumerate(path) if _single_char_loop(node)]
    for i in loops:
        for j in range(i + 1, len(path)):
            trades = j in loops and bool(_chars_of(path[i]) & _chars_of(path[j]))
            if trades and (end_can_fail or not all(_nullable(n) for n in path[j + 1 :])):
                return path[i], path[j]
            if not _nullable(path[j]):
                break
    if wraps:
        trailing = [i for i in loops if all(_nullable(n) for n in path[i + 1 :])]
        leading = [j for j in loops if all(_nullable(n) for n in path[:j])]
        for i in trailing:
            for j in leading:
                if j < i and _chars_of(path[i]) & _chars_of(path[j]):
                    return path[i], path[j]
    return None


def _competing_loops(nodes: Sequence[_Node], whole_match: bool) -> _Problem | None:
    """`\\s*\\s*$`, `.*.*=`: polynomial at the top level of the pattern."""
    for path in _paths(nodes):
        pair = _trading_pair(path, whole_match, wraps=False)
        if pair is not None:
            first, second = (_render([p.source]) for p in pair if isinstance(p, _Repeat))
            return _Problem(
                f"has `{first}` and `{second}` competing for the same characters before "
                "something that can fail",
                exponential=False,
            )
    return None


def _competing_loops_in_body(outer: _Repeat) -> _Problem | None:
    """Loops that trade characters inside a repeated body: the choices multiply per iteration."""
    if outer.high < 2:
        return None
    for path in _paths(outer.body):
        pair = _trading_pair(path, True, wraps=True)
        if pair is not None:
            first, second = (_render([p.source]) for p in pair if isinstance(p, _Repeat))
            return _Problem(
                f"repeats `{_render([outer.source])}`, in which `{first}` and `{second}` compete "
                "for the same characters in every iteration",
                exponential=outer.unbounded,
            )
    return None


def _find_problem(tree: tuple[_Node, ...], whole_match: bool) -> _Problem | None:
    """The worst backtracking problem in the pattern: exponential ones first."""
    found: list[_Problem] = []
    for repeat, tail_can_fail in _all_repeats(tree, whole_match):
        if not tail_can_fail:
            continue
        problem = (
            _ambiguous_split(repeat)
            or _overlapping_alternatives(repeat)
            or _competing_loops_in_body(repeat)
        )
        if problem is not None:
            found.append(problem)
    problem = _competing_loops(tree, whole_match)
    if problem is not None:
        found.append(problem)
    ranked = sorted(found, key=lambda p: not p.exponential)  # stable: first exponential one
    return ranked[0] if ranked else None


# ----- showing parser items as pattern text ------------------------------------------------------
def _render_char(code: int, in_class: bool = False) -> str:
    """One literal character as pattern text, escaped where the syntax needs it."""
    char = chr(code)
    if char in _METACHARACTERS or (in_class and char in "^-"):
        return "\\" + char
    if char.isprintable() and (char != " " or not in_class):
        return char
    return {"\n": r"\n", "\t": r"\t", "\r": r"\r"}.get(char, f"\\x{code:02x}")


def _render_class(items: Sequence[_Item]) -> str:
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
    if high == _UNBOUNDED:
        text = {0: "*", 1: "+"}.get(low, f"{{{low},}}")
    elif (low, high) == (0, 1):
        text = "?"
    else:
        text = f"{{{low}}}" if low == high else f"{{{low},{high}}}"
    return text + {sre.MIN_REPEAT: "?", sre.POSSESSIVE_REPEAT: "+"}.get(op, "")


def _render_branch(alternatives: Sequence[Sequence[_Item]], alone: bool) -> str:
    """`a|b`; after prefix factoring (`(a|ab)` parses as `a(?:|b)`) empty ones read as `?`."""
    written = [_render(alt) for alt in alternatives if alt]
    if not written or len(written) == len(alternatives):
        joined = "|".join(_render(alt) for alt in alternatives)
        return joined if alone else f"(?:{joined})"
    single = (
        len(written) == 1 and len(alternatives[[bool(a) for a in alternatives].index(True)]) == 1
    )
    return (written[0] if single else "(?:" + "|".join(written) + ")") + "?"


def _render(items: Sequence[_Item]) -> str:
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
            text.append(f"({_render(body)})" if group else f"(?:{_render(body)})")
        elif op in _REPEATS:
            low, high, body = value
            single = len(body) == 1 and body[0][0] not in (*_REPEATS, sre.BRANCH)
            inner = _render(body)
            text.append((inner if single else f"(?:{inner})") + _quantifier(op, low, high))
        elif op is sre.BRANCH:
            text.append(_render_branch(value[1], alone=len(items) == 1))
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            direction, body = value
            kind = ("<" if direction < 0 else "") + ("=" if op is sre.ASSERT else "!")
            text.append(f"(?{kind}{_render(body)})")
        elif op is sre.ATOMIC_GROUP:
            text.append(f"(?>{_render(value)})")
        elif op is sre.GROUPREF:
            text.append(f"\\{value}")
        else:
            text.append("(?(…)…)")
    return "".join(text)


# ----- reading the call --------------------------------------------------------------------------
def _flags(node: ast.expr | None, context: ModuleContext) -> int | None:
    """The value of a flags argument (`re.I | re.X`, `0`), or None when it is not known."""
    if node is None:
        return 0
    value = context.constant_value(node)
    if isinstance(value, int):
        return value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr | ast.Add):
        left, right = _flags(node.left, context), _flags(node.right, context)
        return None if left is None or right is None else left | right
    module, _, name = (context.resolve(node) or "").rpartition(".")
    flag = (
        getattr(re.RegexFlag, name, None) if module in (*_REGEX_MODULES, "re.RegexFlag") else None
    )
    return int(flag) if isinstance(flag, re.RegexFlag) else None


def _parse(pattern: str | bytes, flags: int) -> tuple[_Node, ...] | None:
    """The reduced tree of a pattern, or None when the standard parser rejects it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the code's escape and set warnings are not ours
            parsed = sre_parse.parse(pattern, flags & ~re.DEBUG)  # DEBUG would print the tree
    except (re.error, OverflowError, RecursionError, ValueError, TypeError, IndexError):
        return None  # `regex`-only syntax or a broken pattern: nothing to say
    return _reduce(list(parsed), parsed.state.flags)


@rule(
    id="regex-catastrophic-backtracking",
    name="Regular expression with catastrophic backtracking (ReDoS)",
    cwe=1333,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A constant regular expression can take exponential or polynomial time on inputs "
    "that almost match.",
    fix="Make each part of the input matchable in one way only: keep repeated parts and their "
    "neighbours disjoint (`(\\w+\\s)*\\w+` instead of `(\\w+\\s?)*`), use a possessive "
    "quantifier or atomic group (`(?:\\w+\\s?)*+`, Python 3.11+), or cap the input length first.",
    what_it_does="Parses constant patterns given to `re` and `regex` (`compile`, `match`, "
    "`search`, `fullmatch`, `findall`, `finditer`, `sub`, `subn`, `split`) with the standard "
    "regex parser and reports nested repeats that can split the same text in several ways "
    "(`(a+)+`, `(\\w+\\s?)*`), repeated alternatives that can match the same characters "
    "(`(a|a?)+`), and unbounded repeats over the same characters side by side before something "
    "that can fail (`\\s*\\s*$`, `.*.*=`).",
    why_bad="Python's regex engine backtracks: when a match fails it tries every other way the "
    "pattern could have matched. For these shapes the number of ways grows exponentially (or as "
    "a high power) with the input length, so a request carrying a few dozen crafted characters "
    "keeps a worker busy for minutes; a handful of such requests takes the service down (ReDoS).",
    example="import re\nWORDS = re.compile(r'^(\\w+\\s?)*$')",
    use_instead="import re\nWORDS = re.compile(r'^\\w+(?:\\s\\w+)*\\s?$')",
    references=(
        "https://docs.python.org/3/library/re.html#regular-expression-syntax",
        "https://docs.python.org/3/whatsnew/3.11.html#re",
        "https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS",
        "https://cwe.mitre.org/data/definitions/1333.html",
    ),
)
def regex_catastrophic_backtracking(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report constant patterns whose parsed tree has a catastrophic backtracking shape."""
    assert isinstance(node, ast.Call)
    name = context.call_name(node)
    module, _, function = (name or "").rpartition(".")
    if module not in _REGEX_MODULES or function not in _FLAG_POSITIONS:
        return
    pattern_node = context.argument(node, 0, "pattern")
    pattern = context.constant_value(pattern_node)
    if not isinstance(pattern, str | bytes) or len(pattern) > _MAX_PATTERN_LENGTH:
        return
    flags = _flags(context.argument(node, _FLAG_POSITIONS[function], "flags"), context)
    if flags is None:
        return  # an unknown flag may be VERBOSE, which changes what the text means
    tree = _parse(pattern, flags)
    if tree is None:
        return
    problem = _find_problem(tree, whole_match=function == "fullmatch")
    if problem is None:
        return
    text = pattern.decode("latin-1") if isinstance(pattern, bytes) else pattern
    text = re.sub(r"\s*\n\s*", " ", text).strip()  # a VERBOSE pattern's lines, on one line
    if len(text) > _MAX_SHOWN_PATTERN:
        text = text[: _MAX_SHOWN_PATTERN - 1] + "…"
    cost = "exponential" if problem.exponential else "polynomial (quadratic or worse)"
    yield Hit(
        node=node,
        message=f"The pattern `{text}` in `{context.one_line(node.func)}` {problem.description}, "
        f"so an input that almost matches takes {cost} time to reject (ReDoS).",
        severity=None if problem.exponential else Severity.LOW,
        confidence=None if problem.exponential else Confidence.LOW,
    )
