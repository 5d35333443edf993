"""Regular expressions compiled on first use instead of at import.

Secreview's modules hold about a hundred patterns as module constants (secret shapes, suppression
comments, SQL and markup text, ...). Compiled at import, they cost about a tenth of the start-up of
a one-file scan (`re` parses and compiles each one in Python), although a given file needs only a
few of them. `lazy_pattern(...)` is written where `re.compile(...)` would be and behaves as the
compiled pattern: the first use of any of its attributes compiles it once (through `re`'s own
cache) and keeps the compiled pattern's attributes, so later uses cost what the compiled
pattern's do. The matching itself is `re`'s, so what matches is unchanged.
"""

from __future__ import annotations

import re
from typing import AnyStr, cast

_KEPT = (
    "search",
    "match",
    "fullmatch",
    "sub",
    "subn",
    "split",
    "findall",
    "finditer",
    "scanner",
    "pattern",
    "flags",
    "groups",
    "groupindex",
)
"""What `re.Pattern` offers, copied onto the stand-in at the first use."""


class _LazyPattern:
    """A stand-in for `re.compile(source, flags)` that compiles at the first attribute used."""

    def __init__(self, source: str | bytes, flags: int) -> None:
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str) -> object:
        # Called only for attributes the instance does not hold yet: the first use. Special
        # names are not the pattern's to answer (copy and pickle probe for them).
        if name.startswith("__") or name in ("_source", "_flags"):
            raise AttributeError(name)
        compiled = re.compile(self._source, self._flags)
        for kept in _KEPT:
            setattr(self, kept, getattr(compiled, kept))
        return getattr(compiled, name)

    def __reduce__(self) -> tuple[type[_LazyPattern], tuple[str | bytes, int]]:
        return (_LazyPattern, (self._source, self._flags))

    def __repr__(self) -> str:
        return f"lazy_pattern({self._source!r}, {self._flags!r})"


def lazy_pattern(source: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """`re.compile(source, flags)`, compiled when first used (see the module's docstring).

    Only for patterns used through their methods and attributes: `re.sub(pattern, ...)` and
    `isinstance(pattern, re.Pattern)` need the compiled pattern itself.
    """
    return cast("re.Pattern[AnyStr]", _LazyPattern(source, flags))
