"""Bandit test ids (B602) and the secreview rules they stand for, read from a published table.

The table (`secreview/data/bandit_map.toml`) is data so that anyone can check and correct it:
`# nosec B602` suppresses only the rules mapped from B602, and `secreview explain B602` prints
the mapping.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from secreview.package_files import package_folder
from secreview.patterns import lazy_pattern

BANDIT_ID = lazy_pattern(r"(?i)B\d{3}")


class BanditTest(NamedTuple):
    """One Bandit test: its id, its name, and the secreview rules that report what it does."""

    id: str
    name: str
    rules: tuple[str, ...]


@cache
def bandit_tests() -> dict[str, BanditTest]:
    """Every mapped Bandit test by id (upper case); tomllib is imported only when one is asked
    for (start-up time)."""
    import tomllib

    text = (package_folder("secreview.data") / "bandit_map.toml").read_text("utf-8")
    table = tomllib.loads(text)
    return {
        test_id: BanditTest(test_id, str(entry["name"]), tuple(entry["rules"]))
        for test_id, entry in table.items()
    }


def rules_for_bandit(test_ids: tuple[str, ...]) -> frozenset[str]:
    """The secreview rules the Bandit tests `test_ids` stand for (unknown ids add none)."""
    tests = bandit_tests()
    return frozenset(
        rule for test_id in test_ids if test_id in tests for rule in tests[test_id].rules
    )
