"""Types after paths meet: one both agree on, the one a path knows, or a union of a few.

A value's `type` names a library type or the library name it aliases (`run = os.system`). Where
two paths bound different ones (`cls = HTTPFound if permanent else HTTPSeeOther`, `opener =
gzip.open if packed else open`), a call through the value may be either: the type becomes the
union `A|B` and the models of every alternative apply to it (`type_alternatives`).
"""

from __future__ import annotations

UNION = "|"
MAX_TYPE_ALTERNATIVES = 4
"""More alternatives than this are as good as unknown (and cost a model look-up each)."""


def joined_type(left: str | None, right: str | None) -> str | None:
    """The type a value may have after two paths meet: the one both agree on, or the one a
    path knows when the other knows none (`None` first, an object later; an object on one
    path and untyped data on the other), since a method called on it may run that type's
    code. Two different library types or names (`HTTPFound` on one branch, `HTTPSeeOther` on
    the other; `gzip.open` or `open`) give their union `A|B`, read by `type_alternatives`;
    a class of the module, or more than a few alternatives, leave it unknown."""
    if left is None or right is None or left == right:
        return left or right
    alternatives = sorted({*left.split(UNION), *right.split(UNION)})
    if len(alternatives) > MAX_TYPE_ALTERNATIVES or any(":" in a for a in alternatives):
        return None
    return UNION.join(alternatives)


def type_alternatives(type_name: str) -> list[str]:
    """The types (or aliased names) a value's `type` says it may be: one, or a union's."""
    return type_name.split(UNION)
