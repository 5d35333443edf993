"""The three shapes of catastrophic backtracking, looked for in a reduced pattern tree.

`regex_backtracking.py` lists the shapes with examples; each function here finds one of them and
says, as pattern text, which parts of the pattern compete. The worst problem found is reported:
an exponential one before a polynomial one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from secreview.analysis.rules._support.regex_text import render
from secreview.analysis.rules._support.regex_tree import (
    Branch,
    Chars,
    Node,
    Repeat,
    ZeroWidth,
    absorbs,
    all_repeats,
    alternative_paths,
    can_fail,
    chars_of,
    first_chars,
    nullable,
    rest_always_matches,
)


class Problem(NamedTuple):
    """What was found (the offending parts, quoted as pattern text) and how bad it is."""

    description: str
    exponential: bool
    loops: int = 2
    """For a polynomial problem: how many loops share out one run of characters (the degree of
    the time on one start; `\\s*\\t+\\s*` is 3, cubic)."""


def _variable(node: Node) -> bool:
    """A backtracking repeat that can match different numbers of times (`a+`, `a{1,3}`, `a?`)."""
    return isinstance(node, Repeat) and not node.possessive and node.high > node.low


def _ambiguous_split(outer: Repeat) -> Problem | None:
    """`(a+)+`, `(\\w+\\s?)*`: one iteration's text can also be matched by several iterations.

    Needs a variable-length part `inner` whose neighbours in the body can all match empty or
    the same characters, and one of the two repeats unbounded. When `inner` repeats more than
    one character (`(?:ab)+`), its neighbours must be able to match empty.
    """
    if outer.high < 2:
        return None
    for path in alternative_paths(outer.body):
        for index, inner in enumerate(path):
            if not isinstance(inner, Repeat) or not _variable(inner):
                continue
            if not (outer.unbounded or inner.unbounded):
                continue
            others = path[:index] + path[index + 1 :]
            single = len(inner.body) == 1 and isinstance(inner.body[0], Chars)
            chars = chars_of(inner) if single else None
            lengths_vary = inner.high >= 2 or any(
                _variable(o) and chars is not None and chars_of(o) & chars for o in others
            )
            if lengths_vary and all(absorbs(o, chars) for o in others):
                return Problem(
                    f"repeats `{render([outer.source])}`, and `{render([inner.source])}` "
                    "inside it can match the same text in one iteration or split across several",
                    exponential=outer.unbounded,
                )
    return None


def _may_match_alike(
    first: Sequence[Node],
    second: Sequence[Node],
    follow: frozenset[str],
    at_start: frozenset[str],
) -> bool:
    """Whether two alternatives (then what follows) can start by matching the same characters.

    Compares them character by character while both are plain characters (so `short|signed`
    differ at their second letter), then falls back to the sets of characters each can start
    with. `at_start` is what follows an alternative that matched nothing, `follow` the rest.
    """
    for index, (one, other) in enumerate(zip(first, second, strict=False)):
        if not (isinstance(one, Chars) and isinstance(other, Chars)):
            after = follow if index else at_start
            return bool(first_chars(first[index:], after) & first_chars(second[index:], after))
        if not one.chars & other.chars:
            return False
    shortest = min(len(first), len(second))
    after = follow if shortest else at_start
    return bool(first_chars(first[shortest:], after) & first_chars(second[shortest:], after))


def _exit_succeeds_inside(
    first: Sequence[Node], second: Sequence[Node], branch: Branch, sure: frozenset[str]
) -> bool:
    r"""Whether any text both alternatives match gives the loop a way out that surely succeeds.

    `(\\]|[^\]]|\\])*\].*$` with DOTALL: the two `\\]` alternatives match the same `\]`, but
    the loop can also take its `\` alone (one-character alternative `[^\]]`) and stop before the
    `]`, which ends the match in success (`sure`). So whenever the duplicated text occurs, the
    match succeeds, found by the first backtracking step; the choices never multiply on a failing
    input. Decided for alternatives of single characters, position by position: the shared
    characters before the sure one must each be a whole iteration of the loop. When one
    alternative is longer (`(?:\\"|.)*?"`), the shorter one ends an iteration where the longer
    goes on, so the longer one's next characters are read the same way: `\\` taken by `.` alone,
    the loop stops before the `"`, and the match succeeds.
    """
    if not sure:
        return False
    singles = [alt[0] for alt in branch.alternatives if len(alt) == 1]
    single = frozenset().union(*(node.chars for node in singles if isinstance(node, Chars)))
    shorter, longer = sorted((first, second), key=len)
    for index, one in enumerate(longer):
        other = shorter[index] if index < len(shorter) else one  # past it: the longer one alone
        if not (isinstance(one, Chars) and isinstance(other, Chars)):
            return False
        shared = one.chars & other.chars
        if shared <= sure:
            return True
        if not shared <= single:
            return False
    return False


def _overlapping_alternatives(outer: Repeat, sure: frozenset[str]) -> Problem | None:
    """`(a|a?)+`, `(\\\\.|[^"])*`: an unbounded repeated choice whose branches can match alike.

    `sure`: the characters that end the match in success when the loop stops before one
    (`sure_exit_chars`); alternatives whose shared text always offers such a way out are no
    problem (`_exit_succeeds_inside`)."""
    if not outer.unbounded:
        return None  # a bounded number of choices costs a bounded amount of work
    whole_body = len(outer.body) == 1 and outer.low <= 1

    def search(nodes: Sequence[Node], follow: frozenset[str], consumed: bool) -> Branch | None:
        for index, node in enumerate(nodes):
            consumed = consumed or any(not nullable(n) for n in nodes[:index])
            rest = first_chars(nodes[index + 1 :], follow)
            # An iteration that matched nothing ends the loop: then the next one cannot follow.
            at_start = rest if consumed else first_chars(nodes[index + 1 :], frozenset())
            if (
                isinstance(node, Repeat)
                and node.low == 0
                and node.high == 1
                and not node.possessive
            ):
                node = Branch((node.body, ()), node.source)  # `(b)?` chooses `b` or nothing
            if not isinstance(node, Branch):
                continue
            alternatives = node.alternatives
            exits = sure if whole_body and nodes is outer.body else frozenset()
            for i, alt in enumerate(alternatives):
                if any(
                    _may_match_alike(alt, o, rest, at_start)
                    and not _exit_succeeds_inside(alt, o, node, exits)
                    for o in alternatives[i + 1 :]
                ):
                    return node
            for alt in alternatives:
                found = search(alt, rest, consumed)
                if found is not None:
                    return found
        return None

    branch = search(outer.body, first_chars(outer.body, frozenset()), False)
    if branch is None:
        return None
    if all(branch.alternatives):
        choice = f"whose alternatives `{render([branch.source])}` can match the same characters"
    elif len(branch.alternatives) == 2 and not branch.alternatives[1]:
        choice = f"whose optional `{render([branch.source])}` can match what the next round does"
    else:
        choice = "in which the choice after the common prefix can match the same characters"
    return Problem(f"repeats `{render([outer.source])}`, {choice}", exponential=True)


def _run_chars(node: Node) -> frozenset[str]:
    """The characters an unbounded, backtracking loop can take one per iteration, in a run of
    any length: `\\s*` takes `\\s`; `(?:[a-z0-9]-?)*` takes `[a-z0-9]`, its `-` left out (so
    it trades a run of letters with a `[a-z0-9]+` beside it like a plain loop); a loop over a
    choice takes the characters of its one-character alternatives (`(?:\\s|&nbsp;)*` takes
    `\\s`, which a lazy `.*?` beside it can take too). Empty for any other node."""
    if not isinstance(node, Repeat) or not node.unbounded or node.possessive:
        return frozenset()
    return _one_character(node.body)


def _one_character(nodes: Sequence[Node]) -> frozenset[str]:
    """The characters `nodes` can match as a single character, the rest left empty."""
    needed = [part for part in nodes if not nullable(part)]
    if len(needed) != 1:
        return frozenset()
    if isinstance(needed[0], Chars):
        return needed[0].chars
    if isinstance(needed[0], Branch):
        return frozenset().union(*(_one_character(alt) for alt in needed[0].alternatives))
    return frozenset()


class _Trade(NamedTuple):
    """Two loops that trade characters, and how many loops share the run in all."""

    first: Node
    second: Node
    loops: int = 2


def _takes_any_of(node: Node, run: frozenset[str]) -> bool:
    """Whether `node` is one character that can be any character of `run`: an unescaped `.`
    between two loops of host-name characters (`[0-9A-z.]+.[0-9A-z.]+`, meant as `\\.`), or
    `\\w` between two `[a-z]+`. It does not separate the loops: on a plain run of their
    characters it takes one of them wherever the split falls, so the loops trade that run as
    if side by side, and ordinary text of those characters (a long host name) is the slow
    input. A literal separator (`\\S+@\\S+`, `(.+?)::(.*)`) is left to the wider reading: there
    the slow input must repeat the separator itself."""
    return isinstance(node, Chars) and bool(run) and run <= node.chars


def _chain_length(
    path: list[Node], last: int, shared: frozenset[str], wide: bool, wildcards: bool
) -> int:
    """How many loops share out one run: the pair, plus each further loop beside the last that
    can take a character of the run too (`\\s*\\t+\\s*` shares a run of tabs three ways);
    with `wide`, also past a separator that can take it (`[\\w.]+.[\\w.]+.[a-z]+` shares a run
    of letters three ways, cubic from one start, as the pair's separator is read); with
    `wildcards`, past a single character that can be any of the run's (`_takes_any_of`)."""
    count = 2
    for node in path[last + 1 :]:
        run = _run_chars(node)
        if run & shared:
            shared &= run
            count += 1
        elif wildcards and _takes_any_of(node, shared):
            continue  # `[\w.]+.[\w.]+.[a-z]+`: the `.` separates nothing
        elif wide and isinstance(node, Chars) and node.chars & shared:
            shared &= node.chars
        elif not nullable(node):
            break
    return count


def _next_character_decides(rest: Sequence[Node], given_back: frozenset[str]) -> bool:
    r"""Whether `rest`, after two loops side by side, succeeds as soon as the character after the
    second loop's first one is a character the first loop can give back, and can fail nowhere
    else: its first part is one character (or a `+` loop of one) of a class holding all of
    `given_back`, and nothing after it can fail (`^alter\s+table\s+(.+?)\s+` with
    `re.match`). Then of the splits of a run, only the last two can cost a scan: any earlier one
    hands the second loop a character of the run with another after it, which `rest` takes, so
    the match succeeds (or the second loop cannot take the character, and the split fails at
    once). Linear, not the quadratic trade of `\s+.+?\s+x`."""
    if not rest:
        return False
    first = rest[0]
    if isinstance(first, Repeat) and first.low == 1 and len(first.body) == 1:
        first = first.body[0]
    return isinstance(first, Chars) and given_back <= first.chars and not can_fail(rest[1:])


def _trading_pair(
    path: list[Node], end_can_fail: bool, wraps: bool, wide: bool, wildcards: bool
) -> _Trade | None:
    """Two loops that can share out one run of characters in many ways.

    Side by side (only parts that match empty between them) they trade when something after
    them can fail. With `wide`, single characters that both loops can take may stand between
    them too (`\\w+_\\w+`, `\\S+:\\S*`): in a run of that character the split can fall at any
    of its copies. With `wraps`, the path is a loop body: the last loop of one iteration also
    trades with the first loop of the next (`(\\s*,\\s*)*`). With `wildcards`, a single
    character that can be any of the run's stands between them too (`_takes_any_of`).
    """
    loops = [i for i, node in enumerate(path) if _run_chars(node)]
    for i in loops:
        shared = _run_chars(path[i])
        for j in range(i + 1, len(path)):
            trades = j in loops and bool(shared & _run_chars(path[j]))
            rest = path[j + 1 :]
            fails_after = can_fail(rest) and not rest_always_matches(path[j], rest)
            if fails_after and j == i + 1 and _next_character_decides(rest, shared):
                fails_after = False  # `\s+(.+?)\s+` and nothing more: see the function
            if trades and (end_can_fail or fails_after):
                run = shared & _run_chars(path[j])
                return _Trade(path[i], path[j], _chain_length(path, j, run, wide, wildcards))
            if wildcards and _takes_any_of(path[j], shared):
                continue  # a wildcard between the loops (`[\w.]+.[\w.]+`) separates nothing
            if wide and isinstance(path[j], Chars) and path[j].chars & shared:
                shared &= path[j].chars  # a separator both loops can take
            elif not nullable(path[j]):
                break
    if wraps:
        trailing = [i for i in loops if all(nullable(n) for n in path[i + 1 :])]
        leading = [j for j in loops if all(nullable(n) for n in path[:j])]
        for i in trailing:
            for j in leading:
                if j < i and _run_chars(path[i]) & _run_chars(path[j]):
                    return _Trade(path[i], path[j])
    return None


def _trading_loops(
    nodes: Sequence[Node], end_can_fail: bool, wraps: bool, wide: bool, wildcards: bool = False
) -> tuple[str, str, int] | None:
    """The first two loops on any path through `nodes` that trade characters, as pattern text,
    and how many loops share that run; with `wide`, also through separators and optional groups
    read with their parts."""
    for path in alternative_paths(nodes, optional=wide):
        trade = _trading_pair(path, end_can_fail, wraps, wide, wildcards)
        if trade is not None:
            first, second = (
                render([p.source]) for p in (trade.first, trade.second) if isinstance(p, Repeat)
            )
            return first, second, trade.loops
    return None


def _competing_loops(
    nodes: Sequence[Node], whole_match: bool, wide: bool, wildcards: bool
) -> Problem | None:
    """`\\s*\\s*$`, `.*.*=`: polynomial at the top level of the pattern."""
    loops = _trading_loops(nodes, whole_match, wraps=False, wide=wide, wildcards=wildcards)
    if loops is None:
        return None
    first, second, count = loops
    return Problem(
        f"has `{first}` and `{second}` competing for the same characters before "
        "something that can fail",
        exponential=False,
        loops=count,
    )


def _competing_loops_in_body(outer: Repeat, wide: bool, wildcards: bool) -> Problem | None:
    """Loops that trade characters inside a repeated body: the choices multiply per iteration."""
    if outer.high < 2:
        return None
    loops = _trading_loops(outer.body, True, wraps=True, wide=wide, wildcards=wildcards)
    if loops is None:
        return None
    first, second, _ = loops
    return Problem(
        f"repeats `{render([outer.source])}`, in which `{first}` and `{second}` compete "
        "for the same characters in every iteration",
        exponential=outer.unbounded,
    )


def _loop_across_lines(nodes: Sequence[Node]) -> Problem | None:
    """`^\\s+:x`, `^[*]\\[[^\\\\]*?\\]:` under MULTILINE: a loop after `^` taking line breaks
    and the text before it runs over the next lines again from each one's start before a
    character that can fail: quadratic in the lines (markdown's: 36 s on 20,000 lines)."""
    for index, node in enumerate(nodes):
        loops = [p for p, n in enumerate(nodes) if p > index and _run_chars(n)][:1]
        if not (isinstance(node, ZeroWidth) and node.at_line_start and loops):
            continue
        loop, prefix, rest = nodes[loops[0]], nodes[index + 1 : loops[0]], nodes[loops[0] + 1 :]
        stopper = next((n for n in rest if not nullable(n)), None)
        if (
            "\n" in _run_chars(loop)
            and all(isinstance(n, Chars | Repeat) and chars_of(n) <= chars_of(loop) for n in prefix)
            and isinstance(stopper, Chars)
            and not rest_always_matches(loop, rest)
        ):
            return Problem(
                f"has `{render([loop.source])}` after a MULTILINE `^`: it runs over the next "
                "lines again from the start of each before something that can fail",
                exponential=False,
                loops=1,
            )
    return None


def find_problem(
    tree: tuple[Node, ...], whole_match: bool, wide: bool = False, wildcards: bool = False
) -> Problem | None:
    """The worst backtracking problem in the pattern: exponential ones first. `wide` also
    looks for loops that trade characters across a separator or an optional group;
    `wildcards` only across a single character that can be any of theirs (`_takes_any_of`)."""
    found: list[Problem] = []
    for repeat, tail_can_fail, sure in all_repeats(tree, whole_match):
        if not tail_can_fail:
            continue
        problem = (
            _ambiguous_split(repeat)
            or _overlapping_alternatives(repeat, sure)
            or _competing_loops_in_body(repeat, wide, wildcards)
        )
        if problem is not None:
            found.append(problem)
    problem = _competing_loops(tree, whole_match, wide, wildcards) or _loop_across_lines(tree)
    if problem is not None:
        found.append(problem)
    ranked = sorted(found, key=lambda p: not p.exponential)  # stable: first exponential one
    return ranked[0] if ranked else None
