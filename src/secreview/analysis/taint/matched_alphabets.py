"""Checking by alphabet: what a value a regular expression accepted whole can still hold.

`if not re.match(r"^[A-Za-z0-9_.+-]+$", name): abort(400)` leaves a `name` made of those
characters only, so it is safe wherever none of them is dangerous (`alphabets.DANGEROUS`): in a
shell command or an HTML page here, not in a path (`..` is still possible). The pattern is read
with CPython's own regex parser (it only reads the pattern; nothing is matched), and accepted
only when every character it can consume comes from literals and positive classes and it is
anchored at both ends. `$` also matches before a final line break, so a `$`-anchored check read
by `re.match` or `re.search` lets a trailing LF through: the value is then not safe where a line
break is dangerous (a command, a log line, a header), and safe elsewhere. An alphabet without a
path separator that still allows `..` leaves the value one name (`guard_shapes.SINGLE_NAME`).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from re import _constants as sre  # type: ignore[attr-defined]  # the parser's opcodes
from re import _parser as sre_parse  # type: ignore[attr-defined]  # private, stable since 3.11
from typing import Any

from secreview.analysis.taint.alphabets import DANGEROUS, kinds_safe_for
from secreview.analysis.taint.guard_shapes import SINGLE_NAME

_ASCII = tuple(chr(code) for code in range(128))
"""Every dangerous character of every sink kind is ASCII: the alphabet is read over these."""
_CATEGORIES = {
    sre.CATEGORY_DIGIT: frozenset(c for c in _ASCII if c.isdigit()),
    sre.CATEGORY_WORD: frozenset(c for c in _ASCII if c.isalnum() or c == "_"),
    sre.CATEGORY_SPACE: frozenset(" \t\n\r\f\v"),
}
_STARTS = ((sre.AT, sre.AT_BEGINNING), (sre.AT, sre.AT_BEGINNING_STRING))
_SEPARATORS = frozenset("/\\\x00")
_LINE_BREAK_KINDS = frozenset({"command", "log", "header"})
"""Sink kinds where a trailing line break still changes what the sink does."""
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))
Item = tuple[Any, Any]


def parsed_pattern(pattern: object) -> Any:
    """`pattern` as the `re` parser reads it (its items and flags), or None when it is no text
    or does not compile (warnings about it are not ours to show)."""
    if not isinstance(pattern, str):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None


def checked_kinds(
    pattern: object, whole: bool, end_of_text: bool = False
) -> frozenset[str] | bool | None:
    """The sink kinds a value is safe for once `pattern` matched it: None for every kind,
    False when the check proves nothing. `whole` is True for `fullmatch`, which needs no
    anchors; `re.match` needs `$` or `\\Z` at the end (it is anchored at the start already).
    `end_of_text` is for an engine whose `$` is the end of the text only (Rust's `regex`, which
    pydantic 2 checks `pattern=` with): no trailing line break gets past it."""
    parsed = parsed_pattern(pattern)
    if parsed is None:
        return False
    if parsed.state.flags & (sre.SRE_FLAG_MULTILINE | sre.SRE_FLAG_VERBOSE):
        return False  # `$` at every line end; a verbose pattern is not read here
    items: list[Item] = list(parsed)
    while items and items[0] in _STARTS:
        items = items[1:]
    trailing_break = False
    if items and items[-1] == (sre.AT, sre.AT_END_STRING):
        items, whole = items[:-1], True
    elif items and items[-1] == (sre.AT, sre.AT_END):
        items, trailing_break = items[:-1], not (whole or end_of_text)
        whole = True
    if not whole:
        return False
    alphabet = _alphabet(items, bool(parsed.state.flags & sre.SRE_FLAG_IGNORECASE))
    if alphabet is None:
        return False
    kinds = kinds_safe_for(alphabet, ())
    if kinds is None and not trailing_break:
        return None
    alone = set(kinds) if kinds is not None else set(DANGEROUS)
    if trailing_break:
        with_break = kinds_safe_for(alphabet | {"\n"}, ())
        alone = (alone - _LINE_BREAK_KINDS) | set(with_break or ())
    if "path" not in alone and not alphabet & _SEPARATORS:
        alone.add(SINGLE_NAME)
    return frozenset(alone)


def alphabet_kinds(alphabet: frozenset[str]) -> frozenset[str] | None:
    """The sink kinds text made only of `alphabet` is safe for (None: every kind), one name
    (`SINGLE_NAME`) too when no path separator is among them, as `checked_kinds` reads a
    pattern's (a URL route's group, `(?P<kind>[\\w.]+)`, is read the same way)."""
    kinds = kinds_safe_for(alphabet, ())
    if kinds is None or "path" in kinds or alphabet & _SEPARATORS:
        return kinds
    return kinds | {SINGLE_NAME}


def searched_kinds(pattern: object, end_of_text: bool) -> frozenset[str] | bool | None:
    """`checked_kinds` for a pattern searched anywhere in the value (pydantic's `pattern=`): it
    proves something only when it is anchored at the start as well as the end."""
    parsed = parsed_pattern(pattern)
    items: list[Item] = list(parsed) if parsed is not None else []
    if not items or items[0] not in _STARTS:
        return False
    return checked_kinds(pattern, False, end_of_text)


def _alphabet(items: Sequence[Item], ignore_case: bool) -> frozenset[str] | None:
    """The ASCII characters `items` can consume, or None when they can consume any other kind
    of thing (`.`, a negated class, a back reference, a look-around, an inner anchor)."""
    found: set[str] = set()
    for op, argument in items:
        if op is sre.LITERAL:
            found.add(chr(argument))
        elif op is sre.IN:
            chars = _class(argument)
            if chars is None:
                return None
            found |= chars
        elif op in _REPEATS:
            inner = _alphabet(argument[2], ignore_case)
            if inner is None:
                return None
            found |= inner
        elif op is sre.SUBPATTERN:
            inner = _alphabet(argument[-1], ignore_case)
            if inner is None:
                return None
            found |= inner
        elif op is sre.BRANCH:
            for alternative in argument[1]:
                inner = _alphabet(alternative, ignore_case)
                if inner is None:
                    return None
                found |= inner
        else:
            return None
    if ignore_case:
        found |= {c.swapcase() for c in found}
    return frozenset(c for c in found if c.isascii())


def _class(items: Sequence[Item]) -> frozenset[str] | None:
    """The ASCII characters of a positive character class, or None for a negated one."""
    chars: set[str] = set()
    for op, argument in items:
        if op is sre.NEGATE:
            return None
        if op is sre.LITERAL:
            chars.add(chr(argument))
        elif op is sre.RANGE:
            low, high = argument
            chars |= {chr(c) for c in range(low, min(high, 127) + 1)}
        elif op is sre.CATEGORY and argument in _CATEGORIES:
            chars |= _CATEGORIES[argument]
        else:
            return None
    return frozenset(c for c in chars if c.isascii())


_ZERO_WIDTH = frozenset({sre.AT, sre.ASSERT, sre.ASSERT_NOT})
"""Opcodes that consume no character (anchors, look-arounds): they add nothing to what a
match's text can hold."""


def group_alphabets(pattern: object) -> dict[int, frozenset[str]]:
    """The characters each group of `pattern` can capture, for the groups made only of
    literals and positive classes (0: the whole match). `re.match(r'^([ \\t]*)', line).group(1)`
    holds spaces and tabs whatever `line` was; `re.match('\"\"\"|\\'\\'\\'', t).group(0)` one of
    two quotes. Groups that can take any other character are left out."""
    parsed = parsed_pattern(pattern)
    if parsed is None or parsed.state.flags & sre.SRE_FLAG_VERBOSE:
        return {}
    ignore_case = bool(parsed.state.flags & sre.SRE_FLAG_IGNORECASE)
    found: dict[int, frozenset[str]] = {}
    whole = _alphabet([item for item in parsed if item[0] not in _ZERO_WIDTH], ignore_case)
    if whole is not None:
        found[0] = whole
    _collect_groups(list(parsed), ignore_case, found)
    return found


def _collect_groups(
    items: Sequence[Item], ignore_case: bool, found: dict[int, frozenset[str]]
) -> None:
    """Add to `found` the alphabet of every numbered group among `items`, at any depth."""
    for op, argument in items:
        if op is sre.SUBPATTERN:
            group, inner = argument[0], argument[-1]
            alphabet = _alphabet(inner, ignore_case)
            if group is not None and alphabet is not None:
                found[group] = alphabet
            _collect_groups(inner, ignore_case, found)
        elif op in _REPEATS:
            _collect_groups(argument[2], ignore_case, found)
        elif op is sre.BRANCH:
            for alternative in argument[1]:
                _collect_groups(alternative, ignore_case, found)


_MAX_CHOICES = 32
"""How many strings a group may match and still be read as the pattern's enumeration."""


def finite_groups(pattern: object) -> tuple[int, dict[int, frozenset[str]]]:
    """How many groups `pattern` has, and the strings of each group that can match only a few
    (`(before |after |[<>]=?)`: six operators), at most `_MAX_CHOICES` (0: the whole match).
    Such a group holds one of the strings the program wrote into its pattern, whatever the text
    was, as a `Literal` parameter holds one of its values. Patterns ignoring case are left out
    (each letter doubles the strings)."""
    parsed = parsed_pattern(pattern)
    if parsed is None or parsed.state.flags & (sre.SRE_FLAG_VERBOSE | sre.SRE_FLAG_IGNORECASE):
        return (0, {}) if parsed is None else (parsed.state.groups - 1, {})
    found: dict[int, frozenset[str]] = {}
    whole = _strings(list(parsed))
    if whole is not None:
        found[0] = whole
    pending: list[Sequence[Item]] = [list(parsed)]
    while pending:
        for op, argument in pending.pop():
            if op is sre.SUBPATTERN:
                strings = _strings(argument[-1])
                if argument[0] is not None and strings is not None:
                    found[argument[0]] = strings
                pending.append(argument[-1])
            elif op in _REPEATS:
                pending.append(argument[2])
            elif op is sre.BRANCH:
                pending.extend(argument[1])
    return parsed.state.groups - 1, found


def _strings(items: Sequence[Item]) -> frozenset[str] | None:
    """Every string `items` can match, when they are at most `_MAX_CHOICES`; else None."""
    found = {""}
    for op, argument in items:
        if op is sre.LITERAL:
            options: frozenset[str] | None = frozenset(chr(argument))
        elif op is sre.IN:
            options = _class(argument)
        elif op is sre.SUBPATTERN:
            options = _strings(argument[-1])
        elif op is sre.BRANCH:
            branches = [_strings(alternative) for alternative in argument[1]]
            options = None if None in branches else frozenset().union(*branches)  # type: ignore[arg-type]
        elif op in _REPEATS:
            options = _repeated(argument)
        elif op is sre.AT:
            options = frozenset({""})
        else:
            return None
        if options is None or len(found) * len(options) > _MAX_CHOICES:
            return None
        found = {before + after for before in found for after in options}
    return frozenset(found)


def _repeated(argument: tuple[int, int, Sequence[Item]]) -> frozenset[str] | None:
    """The strings of `body{low,high}` with a small `high`."""
    low, high, body = argument
    inner = _strings(body)
    if inner is None or high > _MAX_CHOICES:
        return None
    found: set[str] = set()
    level = {""}
    for count in range(high + 1):
        if count >= low:
            found |= level
        if count < high:
            level = {before + after for before in level for after in inner}
        if len(found) > _MAX_CHOICES or len(level) > _MAX_CHOICES:
            return None
    return frozenset(found)
