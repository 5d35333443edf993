"""How two values' plain fields meet where paths join: the few constants a value may be, and
the fixed text both may start with (kept apart from `values.py`, whose `join` walks parts and
flows; these never look inside a value)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from secreview.analysis.taint.url_text import common_url_prefix
from secreview.index.context import UNKNOWN

if TYPE_CHECKING:
    from secreview.analysis.taint.values import Value

MAX_CHOICES = 8
_CHOICE_TYPES = (str, bytes, int, float, bool, type(None))


def _options(value: Value) -> frozenset[object] | None:
    """The constants `value` may be, or None when it may be something else too."""
    if value.choices:
        return value.choices
    if value.const is not UNKNOWN and isinstance(value.const, _CHOICE_TYPES):
        return frozenset({value.const})
    return None


def joined_choices(left: Value, right: Value) -> frozenset[object]:
    """The constants a join of `left` and `right` may be, when both are among a few."""
    ours, theirs = _options(left), _options(right)
    if ours is None or theirs is None or len(ours | theirs) > MAX_CHOICES:
        return frozenset()
    return ours | theirs


def joined_prefix(left: str, right: str) -> str:
    """The fixed text two values both start with (a configured base only one of them is
    leaves what follows it unknown: `common_url_prefix`)."""
    if left == right:  # the usual cases: both the same, or neither known
        return left
    # Character by character is what is meant: the fixed text both may start with.
    common = os.path.commonprefix([left, right]) if left and right else ""  # noqa: RUF071
    return common_url_prefix(common, left, right)
