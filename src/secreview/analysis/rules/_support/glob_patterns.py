"""Patterns built from a glob: escaped text whose `*` wildcards are turned back into `.*`.

A glob translated to a regular expression (`re.escape(glob).replace(r"\\*", ".*?")`) is safe from
injection, since every other character is escaped, but each `*` becomes an unbounded loop over any
character. `a*a*a*a*b` is then `a.*?a.*?a.*?a.*?b`: on a long run of `a` without the final `b` the
engine tries every way of sharing the run among the loops, O(n^k) for k wildcards, and whoever
writes the glob chooses k (a push rule, an ACL entry, a search filter). The pattern text is only
known at run time, so the constant-pattern reading of `regex_backtracking` never sees it; this
module recognises the construction instead, following the pattern back through local bindings,
`+`/`%` formatting and the calls it passes through (`GLOB.sub(..., r)`, `_word_boundary(r)`).
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from secreview.analysis.rules._support.value_sources import contributions
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_WILDCARDS = frozenset({"*", "\\*", b"*", b"\\*"})
"""The glob wildcard as written before and after `re.escape` (`\\*` on every Python version)."""
_UNBOUNDED_ANY = lazy_pattern(r"(?:\.|\])[*+]")
"""A replacement that opens a loop over many characters: `.*`, `.*?`, `.+`, `[^/]*`."""


class ReopenedGlob(NamedTuple):
    """The `.replace` that turned escaped wildcards into loops, and the text that was escaped."""

    replace: ast.Call
    glob: ast.expr


def reopened_glob(context: ModuleContext, pattern: ast.expr) -> ReopenedGlob | None:
    """How `pattern` was built from a run-time glob whose `*` became `.*`, if it was."""
    for expr in contributions(context, pattern):
        if not _opens_loops(context, expr):
            continue
        assert isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)
        for source in contributions(context, expr.func.value):
            escaped = _escaped_argument(context, source)
            if escaped is not None:
                return ReopenedGlob(expr, escaped)
    return None


def _opens_loops(context: ModuleContext, expr: ast.expr) -> bool:
    """`text.replace("\\*", ".*?")`: a wildcard replaced by an unbounded loop."""
    if not (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "replace"
        and len(expr.args) >= 2
    ):
        return False
    old, new = (context.constant_value(argument) for argument in expr.args[:2])
    if old not in _WILDCARDS or not isinstance(new, str | bytes):
        return False
    text = new.decode("latin-1") if isinstance(new, bytes) else new
    return _UNBOUNDED_ANY.search(text) is not None


def _escaped_argument(context: ModuleContext, expr: ast.expr) -> ast.expr | None:
    """The run-time text of `re.escape(text)` (a constant has no wildcards an attacker chose)."""
    if not isinstance(expr, ast.Call) or context.call_name(expr) != "re.escape" or not expr.args:
        return None
    return None if context.is_constant(expr.args[0]) else expr.args[0]
