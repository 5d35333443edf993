"""CWE-1333: constant regular expressions that backtrack catastrophically.

The pattern text is parsed with the standard library's own regex parser (`re._parser`, the module
`re.compile` uses; parsing only reads the pattern, nothing is matched or executed), so the rule
sees exactly the tree CPython's engine runs: `(\\d|\\w)+` is already merged into the character class
`[\\d\\w]+` and common prefixes of alternatives are factored out. Three shapes are reported:

* a repeated body that can split the same text into iterations in several ways (`(a+)+`,
  `(\\w+\\s?)*`, `(a{1,3})+`): exponential;
* a repeated alternation whose branches can start the same way (`(a|a?)+`, `(\\\\.|[^"])*`),
  or whose optional part can start like its next round (`(a([ a]+a)?)*`): exponential;
* two unbounded repeats over overlapping characters side by side, before something that can
  fail (`\\s*\\s*$`, `.*.*=`): polynomial. A loop of one character and optional parts
  (`(?:[a-z0-9]-?)*`) counts as a loop of that character; and where untrusted text is shown
  to reach the pattern, a single character that can be any of the run's (an unescaped `.` in
  `[0-9A-z.]+.[0-9A-z.]+`, meant as `\\.`) stands between two loops without separating them.

`regex-backtracking-separated-loops`, off by default, adds two wider readings of the last shape:
loops separated by characters both can take (`\\S+@\\S+\\.\\S+$`, `(.+?)::(.*)$`) and
loops put side by side by an optional group (`(?:\\s+(.*?))?:`). Both are measured polynomial,
but on mature code most of what they found matched template and documentation sources.

Possessive quantifiers and atomic groups (Python 3.11+) never give characters back and are safe.
Alternatives that match the same text are no problem when that text always lets the loop stop
before a character after which nothing can fail (`(\\\\]|[^\\]]|\\\\])*\\].*$` with DOTALL:
the loop takes the `\\` alone and the `]` ends the match; `(?:\\\\"|.)*?"` at the end of a
pattern: `.` takes the `\\` alone and the `"` ends it), since the first retry then succeeds.

Patterns are constants at the call (folded through `+`, f-strings, `.encode()`, `"|".join`,
slices, bytes helpers such as `six.b`, and `%(name)s` fields filled from `locals()` at module
level; `ModuleContext.constant_value`), or the rows of a table written in the source that a loop
compiles (`[re.compile(p) for p, kind in TOKENS]`, a lexer's token table, `ROUTES.items()`, a
class's own `cls.PATTERNS`): those are reported on the row, where the pattern is written
(`regex_tables`); a grammar of named pieces spliced with `% locals()` is reported on the piece
where the nested loop is written, once (`regex_pieces`). Patterns a module hands its own regex
helper (a lexer's `self.match(pattern, flags)` that compiles its parameter) are read at the
helper's calls (`regex_wrappers`). A pattern built at run time from a glob whose `*` wildcards
are turned back into `.*` after `re.escape` (`glob_patterns`) is reported too: its loops are as
many as the glob's wildcards, chosen by whoever writes the glob.

The cost is paid on the text matched, so a finding is rated by where that text comes from
(`data_origin`): the call's own text argument (`re.match(P, text)`), or, for `re.compile`, the text
of every use of the compiled pattern this module shows (`WORDS.match(text)` on a module constant,
a local or `self.<attribute>`; `pattern_uses`). Untrusted input from the network reaching a match
is high confidence, and the taint engine follows it into `re.Pattern` methods too; text nobody
can trace (a parameter, a pattern whose uses are elsewhere) is low, except for the mildest
shape: two loops sharing one run in a pattern tried from one start only (`re.match`,
`fullmatch`, a leading `\\A` or `^` without MULTILINE, or a compiled pattern whose every use is
`.match`) cost quadratic time, seconds only past some ten thousand characters, which only an
attacker sends; that is reported when untrusted input reaches it, not on untraced text (searched
from every start it is cubic, and so are three loops sharing the run from one start: reported);
text only the program made (its own constants, docstrings, identifiers) at every use is not
reported, since no one outside can craft it, and neither is a value of the program's
configuration (`self.cfg.statsd_prefix`, `settings.X`; `configuration_value`) that nothing else
traces: its operator writes it.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterator
from functools import partial
from typing import cast

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.configuration import configuration_value
from secreview.analysis.rules._support.data_origin import DataOrigin, Trust, data_origin
from secreview.analysis.rules._support.glob_patterns import reopened_glob
from secreview.analysis.rules._support.lexer_tables import (
    DEFAULT_FLAGS,
    lexer_flags,
    lexer_patterns,
)
from secreview.analysis.rules._support.regex_pieces import first_report, flawed_piece
from secreview.analysis.rules._support.regex_problem import exponential_alone, pattern_problem
from secreview.analysis.rules._support.regex_subject import (
    CAPPED,
    SETTING,
    capped_length,
    matched_from_start,
    text_origin,
)
from secreview.analysis.rules._support.regex_tables import table_patterns
from secreview.analysis.rules._support.regex_wrappers import wrapped_patterns
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
# Every `re.*`/`regex.*` function above: the only calls either rule judges.
_REGEX_CALLS = frozenset(
    f"{module}.{function}" for module in _REGEX_MODULES for function in _FLAG_POSITIONS
)
_MAX_SHOWN_PATTERN = 60


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
    "(`(a|a?)+`) or an optional part that can start like the next round (`(a([ a]+a)?)*`), "
    "and unbounded repeats over the same characters side by side before "
    "something that can fail (`\\s*\\s*$`, `.*.*=`, `(?:[a-z0-9]-?)*[a-z0-9]+\\.`), and, "
    "on text shown to be untrusted, when only a wildcard stands between them "
    "(`[0-9A-z.]+.[0-9A-z.]+`: an unescaped `.`). A pattern "
    'assembled from named pieces (`host = r"(?: %(IP_literal)s | ...)" % locals()`, a '
    "grammar written as regexes) is read whole and reported once, on the piece where the "
    "nested loop is written. Patterns "
    "in a token table that a loop compiles are judged on their rows, and constant patterns "
    "given to this module's own regex helper (`self.match(pattern, re.X)`, a function that "
    "passes its parameter to `re`) on the helper's calls, with the flags they pass (exponential "
    "shapes only: the helper hides the text matched), the rows of a Pygments lexer's `tokens` "
    "table (exponential shapes only), and a pattern built from a run-time glob "
    "escaped with `re.escape` whose `*` is then replaced by `.*`/`.*?`/`.+` (one loop per "
    "wildcard; rated by where the glob comes from). Text only the program "
    "made, or a value of its configuration, is not reported; nor are two loops sharing one "
    "run in a pattern tried at the start of the text only (`re.match`, `^` without "
    "MULTILINE), which costs quadratic time, unless untrusted input is shown to reach it. A "
    "loop after MULTILINE's `^` that takes line breaks and the text before it "
    "(`^[*]\\[[^\\\\]*?\\]:`) runs over the next lines again from each one's start before "
    "something that can fail: quadratic in the lines when searched, so reported, like the "
    "one-start pairs, when untrusted input reaches it. A loop of any character but a line "
    "break before MULTILINE's `$` (`(.*?)$`) always matches, so loops before it give nothing "
    "back.",
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
    uses_project_summaries=True,  # rated by where the text comes from (`data_origin`)
    calls=_REGEX_CALLS,
    visits=(ast.Call, ast.ClassDef),
)
def regex_catastrophic_backtracking(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report constant patterns whose parsed tree has a catastrophic backtracking shape."""
    if isinstance(node, ast.ClassDef):
        yield from _lexer_hits(node, context)
        return
    yield from _check(node, context, wide=False)


def _lexer_hits(cls: ast.ClassDef, context: ModuleContext) -> Iterator[Hit]:
    """Exponential shapes in a Pygments lexer's token table (`lexer_tables`): the text is
    whatever is highlighted, which the module does not show, so polynomial shapes are left."""
    given = lexer_flags(cls)
    flags = DEFAULT_FLAGS if given is None else _flags(given, context)
    for where, text in lexer_patterns(cls, context) if flags is not None else ():
        found = pattern_problem(text, flags, "match", wide=False)
        if found is not None and found.problem.exponential:
            yield Hit(
                node=where,
                message=f"The pattern `{_shown(text)}`, a row of the token table of the lexer "
                f"`{cls.name}`, {found.problem.description}, so highlighting a text that almost "
                "matches takes exponential time (ReDoS). Text matched: the document highlighted.",
                confidence=Confidence.LOW,
            )


@rule(
    id="regex-backtracking-separated-loops",
    name="Regular expression whose loops trade characters across a separator (ReDoS)",
    cwe=1333,
    severity=Severity.LOW,
    confidence=Confidence.LOW,
    summary="Two loops of a constant regular expression can share out a run of characters "
    "across a separator both can match, or through an optional group: polynomial time on "
    "inputs that almost match.",
    fix="Keep the separator out of the loops around it (`[^@\\s]+@[^@\\s]+` instead of "
    "`\\S+@\\S+`), make the group's loop disjoint from what follows it, or cap the input "
    "length first.",
    what_it_does="Reports, on the patterns `regex-catastrophic-backtracking` reads and where it "
    "finds nothing, two unbounded loops that can take the same run of characters when a "
    "single character both can match stands between them (`\\S+@\\S+\\.\\S+$`, "
    "`(.+?)::(.*)$`) or when an optional group puts them side by side (`(?:\\s+(.*?))?:`), "
    "before something that can fail. Off by default: on mature code (benchmarks/noise.py) 2 of "
    "its 9 findings were true (an HTTP request line, a Markdown document); the rest matched "
    "text only the developers write (template and documentation sources).",
    why_bad="On a run of the shared character the split between the loops can fall at any "
    "copy, and the engine tries each when the rest fails: quadratic time on one start, cubic "
    "when searched from every position. A request line of 10,000 characters can then keep a "
    "worker busy for seconds.",
    example="import re\nEMAIL = re.compile(r'^\\S+@\\S+\\.\\S+$')",
    use_instead="import re\nEMAIL = re.compile(r'^[^@\\s]+@[^@\\s.]+(?:\\.[^@\\s.]+)+$')",
    references=(
        "https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS",
        "https://cwe.mitre.org/data/definitions/1333.html",
    ),
    default_enabled=False,
    uses_project_summaries=True,  # rated by where the text comes from (`data_origin`)
    calls=_REGEX_CALLS,
)
def regex_backtracking_separated_loops(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report the wider polynomial shapes (`find_problem(..., wide=True)`) the default rule
    leaves out."""
    yield from _check(node, context, wide=True)


def _check(node: ast.AST, context: ModuleContext, wide: bool) -> Iterator[Hit]:
    """The findings of either rule on one call: the default shapes, or (`wide`) only those
    the wider reading adds."""
    assert isinstance(node, ast.Call)
    name = context.call_name(node)
    module, _, function = (name or "").rpartition(".")
    if module not in _REGEX_MODULES or function not in _FLAG_POSITIONS:
        return
    flags = _flags(_flags_argument(context, node), context)
    pattern_node = context.argument(node, 0, "pattern")
    pattern = context.constant_value(pattern_node)
    if isinstance(pattern, str | bytes):
        candidates: list[tuple[ast.AST, str | bytes, int | None]] = [(node, pattern, flags)]
    else:
        wrapped = wrapped_patterns(
            context,
            node,
            pattern_node,
            lambda call: _flags_argument(context, call),
            lambda call: _regex_function(context, call) is not None,
        )
        if wrapped is not None:
            candidates = [(w.site, w.text, _flags(w.flags, context)) for w in wrapped]
        else:
            candidates = [(w, text, flags) for w, text in table_patterns(context, pattern_node)]
        if not candidates and not wide and pattern_node is not None:
            yield from _glob_hits(context, node, pattern_node)
    origin: DataOrigin | None = None
    for where, text, text_flags in candidates:
        if text_flags is None:
            continue  # an unknown flag may be VERBOSE, which changes what the text means
        found = pattern_problem(text, text_flags, function, wide)
        if found is None:
            continue
        problem = found.problem
        if isinstance(where, ast.Call) and where is not node and not problem.exponential:
            continue  # a helper's text is unseen: only exponential shapes (`regex_wrappers`)
        origin = origin or text_origin(context, node, function)
        if origin.trust is Trust.PROGRAM_MADE or origin is SETTING:
            return
        if found.wildcard and wide == _attacker_text(origin):
            continue  # the other rule's (`_attacker_text`)
        if (
            origin is CAPPED
            and not problem.exponential
            and _cheap_when_capped(context, node, problem.loops, function)
        ):
            continue  # the text is refused past a short length first: the advice followed
        if not problem.exponential and problem.loops < 3:
            one_start = found.anchored or matched_from_start(context, node, function)
            degree = problem.loops + (not one_start)  # one more from every start
            if degree < 2 or (degree == 2 and origin.trust is Trust.UNTRACED):
                continue  # linear, or quadratic: only untrusted text is long enough to hurt
        exponential = partial(exponential_alone, text_flags, function)
        piece = where is node and problem.exponential and flawed_piece(context, node, exponential)
        if piece and not first_report(context, piece):
            continue
        if piece:
            text = cast("str | bytes", context.constant_value(piece))
        place = (
            f", a piece of the pattern used on line {node.lineno},"
            if piece
            else ""
            if where is node
            else ", given to this module's regex helper,"
            if isinstance(where, ast.Call)
            else ", a row of the table the loop compiles,"
        )
        cost = "exponential" if problem.exponential else "polynomial (quadratic or worse)"
        yield Hit(
            node=piece or where,
            message=f"The pattern `{_shown(text)}`{place} in `{context.one_line(node.func)}` "
            f"{problem.description}, so an input that almost matches takes {cost} time to "
            f"reject (ReDoS). Text matched: {origin.phrase}.",
            severity=None if problem.exponential else Severity.LOW,
            confidence=origin.confidence(Confidence.LOW),
        )


def _attacker_text(origin: DataOrigin) -> bool:
    """Whether loops that trade a run only across a wildcard (`[\\w.]+.[\\w.]+`,
    `Found.wildcard`) are the default rule's: on text shown to come from outside (network input,
    or a public function's parameter under `library`), as side-by-side loops are; on any other
    text they are left to `regex-backtracking-separated-loops`. The wildcard is mostly a `\\.`
    written as `.` in a version or host pattern, and on mature code those patterns read the
    output of the program's own tools (`re.search(r"\\d+.\\d+.\\d+", git_version)`), which no
    one outside can lengthen."""
    return origin.trust is Trust.UNTRUSTED and not origin.operator


_STEP_BUDGET = 10**8
"""Backtracking steps a match may take and still be cheap (about a second)."""


def _cheap_when_capped(context: ModuleContext, call: ast.Call, loops: int, function: str) -> bool:
    """Whether `loops` loops that can share characters, over text capped at the longest cap
    of the pattern's uses, try few enough ways to split it (`n` choose `loops`)."""
    return math.comb(capped_length(context, call, function), loops) <= _STEP_BUDGET


def _glob_hits(context: ModuleContext, call: ast.Call, pattern: ast.expr) -> Iterator[Hit]:
    """A pattern built from a run-time glob whose `*` became `.*` (`glob_patterns`): k
    wildcards are k loops over any character, O(n^k) on text that almost matches, and whoever
    writes the glob chooses k. Rated by where the glob comes from."""
    built = reopened_glob(context, pattern)
    if built is None:
        return
    origin = data_origin(context, call, built.glob)
    if origin.trust is Trust.PROGRAM_MADE or configuration_value(built.glob):
        return
    yield Hit(
        node=call,
        message=f"The pattern in `{context.one_line(call.func)}` is the glob "
        f"`{context.one_line(built.glob)}` escaped and then each `*` turned into a loop over any "
        f"character (`{context.one_line(built.replace)}`): a glob with many wildcards "
        "(`a*a*a*a*a*b`) makes as many nested loops, and matching text that almost fits takes "
        f"time growing with the length to that power (ReDoS). Glob: {origin.phrase}.",
        fix="Match globs with `fnmatch` (Python 3.9+ translates `*` so that the engine never "
        "gives characters back), or collapse each run of wildcards into one loop and cap the "
        "number of wildcards a glob may hold.",
        confidence=origin.confidence(Confidence.LOW),
    )


def _regex_function(context: ModuleContext, call: ast.Call) -> str | None:
    """`compile` for `re.compile(...)` (or `regex.compile`): the function of a regex call."""
    module, _, function = (context.call_name(call) or "").rpartition(".")
    return function if module in _REGEX_MODULES and function in _FLAG_POSITIONS else None


def _flags_argument(context: ModuleContext, call: ast.Call) -> ast.expr | None:
    """The flags argument of a regex call (`re.compile(p, flags)`), None when it has none."""
    function = _regex_function(context, call)
    return None if function is None else context.argument(call, _FLAG_POSITIONS[function], "flags")


def _shown(pattern: str | bytes) -> str:
    """The pattern as the message quotes it: on one line, cut to a readable length."""
    text = pattern.decode("latin-1") if isinstance(pattern, bytes) else pattern
    text = re.sub(r"\s*\n\s*", " ", text).strip()  # a VERBOSE pattern's lines, on one line
    if len(text) > _MAX_SHOWN_PATTERN:
        text = text[: _MAX_SHOWN_PATTERN - 1] + "…"
    return text
