"""The named piece of an assembled pattern where a backtracking flaw is written.

Grammars are often written as regexes in named pieces spliced together at module level (an RFC
3986 URI: `IPv6address = r"..."`, `host = r"(?: %(IP_literal)s | ...)" % locals()`, ...,
`URI = r"^ %(scheme)s : %(hier_part)s ..." % locals()`), and only the whole is compiled.
`ModuleContext.constant_value` folds the whole, so the ReDoS rule reads it at the call; but the
line to fix is the piece where the nested loop is written, not the `re.match(URI, ...)` that
uses a few hundred characters built from twenty names. This walks the names the pattern is
built from through `%(name)s` fields filled from `locals()`/`globals()`, innermost first, and
returns the first piece that shows the flaw on its own. Pieces joined with `+` or an f-string
are in sight at the call (`re.compile("[^" + SPECIALS + "]+=" + QUOTED)`), which stays where
the finding is reported.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from secreview.index.context import ModuleContext
from secreview.index.folded_calls import namespace_call
from secreview.patterns import lazy_pattern

_NAMED_FIELD = lazy_pattern(r"%\((\w+)\)")
_MAX_PIECES = 200
"""Enough for an RFC grammar; a bound on the walk for pathological modules."""


def flawed_piece(
    context: ModuleContext, call: ast.Call, shows_flaw: Callable[[str | bytes], bool]
) -> ast.expr | None:
    """The value of the innermost module constant the pattern of a `re` call is built from
    whose own text `shows_flaw`, or None (then the call is where to report).

    The name written at the call is never a piece (a pattern kept in one constant is reported
    where it is used, as before); only the pieces spliced into it are.
    """
    pattern = context.argument(call, 0, "pattern")
    if pattern is None:
        return None
    top = pattern.id if isinstance(pattern, ast.Name) else None
    seen: set[str] = set() if top is None else {top}
    start = context.module_constants.get(top) if top is not None else pattern
    if start is None:
        return None
    for name in _pieces(context, start, seen):
        value = context.module_constants[name]
        text = context.constant_value(value)
        if isinstance(text, str | bytes) and shows_flaw(text):
            return value
    return None


def first_report(context: ModuleContext, piece: ast.expr) -> bool:
    """Whether `piece` is reported for the first time in this module: a piece shared by the
    patterns of several calls (`is_uri`, `is_uri_reference`, ...) is one flaw, reported once."""
    reported = context.derived(_reported_pieces)
    first = id(piece) not in reported
    reported.add(id(piece))
    return first


def _reported_pieces(_context: ModuleContext) -> set[int]:
    """The pieces already reported in one module (kept by `ModuleContext.derived`)."""
    return set()


def _pieces(context: ModuleContext, node: ast.AST, seen: set[str]) -> Iterator[str]:
    """Names of module constants spliced into `node`, each after the pieces it is built from."""
    for name in _spliced_names(context, node):
        if name in seen or name not in context.module_constants or len(seen) >= _MAX_PIECES:
            continue
        seen.add(name)
        yield from _pieces(context, context.module_constants[name], seen)
        yield name


def _spliced_names(context: ModuleContext, node: ast.AST) -> Iterator[str]:
    """The names `node` reads its text from: itself, or the `%(name)s` fields it fills from the
    module's namespace."""
    match node:
        case ast.Name(id=name) if not context.is_local_name(node):
            yield name
        case ast.BinOp(left=left, op=ast.Mod(), right=right) if namespace_call(right, True):
            template = context.constant_value(left)
            if isinstance(template, str):
                yield from _NAMED_FIELD.findall(template)
            yield from _spliced_names(context, left)
