"""Code quoted in messages: on one line, shortened, and lists of values in words."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_WHITESPACE = lazy_pattern(r"\s+")


def short(text: str, limit: int = 60) -> str:
    """`text` on one line, cut to `limit` characters, for messages."""
    flat = _WHITESPACE.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def code(context: ModuleContext, node: ast.AST, limit: int = 60) -> str:
    """The source of `node` on one line, shortened, for messages."""
    return short(context.segment(node), limit)


def name_values(context: ModuleContext, nodes: Iterable[ast.expr], limit: int = 3) -> str:
    """'`a`, `b` and 2 more' for the run-time values a message talks about."""
    names: list[str] = []
    for node in nodes:
        text = f"`{code(context, node, 40)}`"
        if text not in names:
            names.append(text)
    shown = names[:limit]
    rest = len(names) - len(shown)
    if rest:
        return ", ".join(shown) + f" and {rest} more"
    if len(shown) > 1:
        return ", ".join(shown[:-1]) + " and " + shown[-1]
    return shown[0] if shown else "a run-time value"
