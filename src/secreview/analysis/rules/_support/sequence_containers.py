"""Whether a container tested with `in` is a sequence (compared item by item with `==`).

`x in some_list` runs `==` against each item until one matches, so it leaks what `==` leaks; a
set or dict looks `x` up by its hash and compares only an item whose hash is equal, which says
nothing about a guess's prefix. The container's kind is read from what the code assigns to it:
a local name's values, or every `self.name = ...` in the enclosing class
(`self_attribute_values`: none when one of its stores is not a plain assignment).
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.local_bindings import (
    assigned_values,
    self_attribute_values,
)
from secreview.index.context import ModuleContext

_SEQUENCE_CALLS = frozenset({"list", "tuple", "sorted"})
_HASHED_CALLS = frozenset({"set", "frozenset", "dict", "collections.OrderedDict"})


def _kind(value: ast.expr, context: ModuleContext) -> str | None:
    """'sequence', 'hashed', or None when the value does not say."""
    if isinstance(value, ast.List | ast.Tuple | ast.ListComp):
        return "sequence"
    if isinstance(value, ast.Set | ast.Dict | ast.SetComp | ast.DictComp):
        return "hashed"
    if isinstance(value, ast.Call):
        name = context.call_name(value)
        if name in _SEQUENCE_CALLS:
            return "sequence"
        if name in _HASHED_CALLS:
            return "hashed"
    return None


def is_sequence(container: ast.expr, context: ModuleContext) -> bool:
    """Whether the code makes `container` a list or tuple somewhere, and never a set or dict.

    A literal of constants is not counted, written in place or bound to the name
    (`common_passwords = ["123456", "qwerty"]`, a deny list): what it holds is in the source for
    everyone to read. An empty one bound to the name is filled elsewhere (`self._nonces = []`,
    then `append(nonce)`), so it says nothing of what the list holds.
    """
    if isinstance(container, ast.Attribute):
        values = self_attribute_values(container, context) or []
    elif isinstance(container, ast.Name):
        values = [value for value, _ in assigned_values(context, container)]
    else:
        values = [container]
    kinds = {_kind(value, context) for value in values}
    if "hashed" in kinds or "sequence" not in kinds:
        return False
    return not all(_public_literal(v, container, context) for v in values)


def _public_literal(value: ast.expr, container: ast.expr, context: ModuleContext) -> bool:
    """A list or tuple of constants written in place, or bound to the name with something in
    it (an empty one bound to the name is filled elsewhere)."""
    return (
        isinstance(value, ast.List | ast.Tuple)
        and (bool(value.elts) or value is container)
        and context.is_constant(value)
    )
