"""Entry-point models match function names by shell-style patterns (`on_*`, `do_[A-Z]*`): one
compiled pattern per list answers as `fnmatchcase` on each pattern would."""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest

from secreview.analysis.models.entries import any_of

NAMES = ("get", "getx", "post", "posted", "on_get_request", "on_request", "ax", "", "a\nb", "GET")


@pytest.mark.parametrize(
    "patterns", [(), ("get",), ("get", "post*", "on_*_request", "[a-z]x?"), ("*",), ("do_[A-Z]*",)]
)
def test_one_pattern_answers_as_each_pattern_would(patterns: tuple[str, ...]) -> None:
    for name in NAMES:
        expected = any(fnmatchcase(name, pattern) for pattern in patterns)
        assert bool(any_of(patterns).match(name)) is expected, (patterns, name)
