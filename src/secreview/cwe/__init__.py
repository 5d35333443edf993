"""The CWE catalog: official names and CWE-1000 pillars, generated from MITRE's data.

The data file is produced by `scripts/generate_cwe_catalog.py` from the `cwe2` package so that no
name or pillar is typed by hand; this module only loads it once and answers lookups.
"""

from __future__ import annotations

import json
from functools import cache
from typing import NamedTuple

from secreview.package_files import package_folder

PILLARS: tuple[int, ...] = (284, 435, 664, 682, 691, 693, 697, 703, 707, 710)


class Weakness(NamedTuple):
    """One CWE entry as a review needs it: its id, official name and CWE-1000 pillar."""

    cwe: int
    name: str
    pillar: int
    parent: int | None = None
    """Primary parent in the CWE-1000 view (None for pillars)."""

    @property
    def pillar_name(self) -> str:
        """Name of the pillar, e.g. 'Improper Neutralization' for CWE-707."""
        return lookup(self.pillar).name

    @property
    def label(self) -> str:
        """'CWE-89 Improper Neutralization of ...' as reviews print it."""
        return f"CWE-{self.cwe} {self.name}"


class UnknownCWEError(KeyError):
    """A CWE id that MITRE's view CWE-1000 does not contain."""


@cache
def _catalog() -> dict[int, tuple[str, int, int | None]]:
    text = (package_folder(__name__) / "catalog.json").read_text(encoding="utf-8")
    raw = json.loads(text)["weaknesses"]
    return {int(cwe): (name, pillar, parent) for cwe, (name, pillar, parent) in raw.items()}


def lookup(cwe: int) -> Weakness:
    """Return the catalog entry for `cwe`; raise UnknownCWEError when MITRE has no such id."""
    try:
        name, pillar, parent = _catalog()[cwe]
    except KeyError:
        raise UnknownCWEError(f"CWE-{cwe} is not in MITRE's CWE-1000 view") from None
    return Weakness(cwe=cwe, name=name, pillar=pillar, parent=parent)


@cache
def ancestors(cwe: int) -> frozenset[int]:
    """Every weakness above `cwe` along primary parents in the CWE-1000 view, up to its pillar."""
    found: list[int] = []
    parent = lookup(cwe).parent
    while parent is not None and parent not in found:
        found.append(parent)
        parent = lookup(parent).parent
    return frozenset(found)


def related(first: int, second: int) -> bool:
    """Same weakness, or one is a more specific kind of the other (CWE-95 is a CWE-94).

    Pillars are left out: every weakness descends from one, so they relate nothing.
    """
    if first == second:
        return True
    if first in ancestors(second):
        return lookup(first).parent is not None
    return second in ancestors(first) and lookup(second).parent is not None


def all_weaknesses() -> list[Weakness]:
    """Every weakness in the catalog, in id order."""
    return [lookup(cwe) for cwe in sorted(_catalog())]
