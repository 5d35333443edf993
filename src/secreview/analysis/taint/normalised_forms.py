"""A URL compared in a normalised form: `normalize_uri(redirect_uri) != normalize_uri(CALLBACK)`.

An OAuth server refuses a `redirect_uri` unless it is the registered callback, often comparing
both after normalising them (a default port dropped, the case of the scheme and host folded, a
trailing slash cut). Past the refusal the given URI names the callback's host, whatever else
the normalising forgave, so it no longer sends the user or the server anywhere the attacker
chose: the variable is safe for the host-sensitive kinds (`redirect`, `ssrf`), and only those.
A normaliser may drop characters (`urlsplit` strips line breaks and spaces), so the value is
not taken for the constant it was compared with, nor made safe for headers, logs or markup.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.taint.guard_shapes import reached_by_nothing
from secreview.analysis.taint.host_guards import Guard
from secreview.analysis.taint.name_words import words_of
from secreview.analysis.taint.semantics import HOST_SENSITIVE
from secreview.analysis.taint.values import Value

_KEEPING_METHODS = frozenset(
    {"lower", "upper", "casefold", "strip", "lstrip", "rstrip", "removeprefix", "removesuffix"}
)
"""String methods whose result is the receiver's text with its case or ends changed."""
_NORMALISER_WORDS = frozenset(
    {"normalize", "normalise", "normalized", "normalised", "canonical", "canonicalize"}
    | {"canonicalise", "canonicalized", "canonicalised"}
)
"""Words naming a function that puts its one argument into a canonical form."""


def normalised_guards(left: ast.expr, other: Value) -> Iterator[Guard]:
    """What `left == other` proves once it holds: a variable compared in a normalised form
    (`normalised_form`) with the program's own value (a constant, or one no input reaches) is
    safe for the host-sensitive kinds."""
    formed = normalised_form(left)
    if formed is not None and (other.is_constant or reached_by_nothing(other)):
        yield formed, tuple(sorted(HOST_SENSITIVE)), None


def normalised_form(node: ast.expr) -> str | None:
    """The variable `node` compares in a normalised form (`uri.lower()`, `uri.rstrip("/")`,
    `normalize_uri(uri)`, `self._canonical_url(uri)`), or None for any other expression."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in _KEEPING_METHODS:
        return func.value.id if isinstance(func.value, ast.Name) else None
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if not words_of(name) & _NORMALISER_WORDS or node.keywords or len(node.args) != 1:
        return None
    argument = node.args[0]
    return argument.id if isinstance(argument, ast.Name) else None
