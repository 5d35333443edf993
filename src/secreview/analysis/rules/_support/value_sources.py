"""The expressions a value is built from, as far as one function and its module show.

Rules that recognise how a value was made (a glob turned into a pattern, bytes checked against
an HMAC before they are unpickled) follow it backwards: a local name to what it was bound to
before the use, `a + b` and `"%s" % a` to both sides, an f-string to its parts, a call to its
receiver and arguments (a helper or a `str` method passes its text on). This over-approximates
on purpose, since the rules ask whether some ingredient has a given shape; it never evaluates
anything, and stops after a fixed number of steps.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rules._support.local_bindings import bindings_before
from secreview.index.context import ModuleContext

_MAX_STEPS = 200
"""Expressions visited per value: the chains rules follow (a converter's rebindings) are short."""


def contributions(context: ModuleContext, start: ast.expr) -> Iterator[ast.expr]:
    """`start` and every expression its value is built from, as far as the source shows:
    local bindings before each use, both sides of `+` and `%`, f-string parts, and the receiver
    and arguments of calls (a helper or a `str` method passes its text on)."""
    pending: list[ast.expr] = [start]
    seen: set[int] = set()
    while pending and len(seen) < _MAX_STEPS:
        expr = pending.pop()
        if id(expr) in seen:
            continue
        seen.add(id(expr))
        yield expr
        match expr:
            case ast.Name():
                for binding in bindings_before(context, expr) or []:
                    if binding.value is not None:
                        pending.append(binding.value)
            case ast.BinOp(left=left, right=right):
                pending.extend((left, right))
            case ast.JoinedStr(values=values):
                pending.extend(values)
            case ast.FormattedValue(value=value):
                pending.append(value)
            case ast.Tuple(elts=elements):
                pending.extend(elements)
            case ast.Call(func=func, args=arguments):
                if isinstance(func, ast.Attribute):
                    pending.append(func.value)
                pending.extend(a for a in arguments if not isinstance(a, ast.Starred))
