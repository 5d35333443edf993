"""Code quoted inside finding messages: one line, and short enough to read in a report row."""

from __future__ import annotations

import ast

from secreview.analysis.patterns.context import ModuleContext

_LIMIT = 80


def one_line(node: ast.AST, context: ModuleContext, limit: int = _LIMIT) -> str:
    """The source of `node` with its whitespace collapsed, cut to `limit` characters with '…'."""
    text = " ".join(context.segment(node).split())
    text = text.replace("( ", "(").replace(", )", ")").replace(",)", ")")
    return text if len(text) <= limit else text[: limit - 1] + "…"
