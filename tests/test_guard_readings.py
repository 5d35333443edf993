"""What a regex allow-list and a checking helper's name prove, read without running anything."""

from __future__ import annotations

import pytest

from secreview.analysis.taint.guard_shapes import SINGLE_NAME, url_check_kinds
from secreview.analysis.taint.matched_alphabets import checked_kinds, finite_groups


def test_letters_and_digits_checked_whole_are_safe_everywhere() -> None:
    assert checked_kinds(r"[A-Za-z0-9_]+", True) is None
    assert checked_kinds(r"\A\w+\Z", False) is None
    assert checked_kinds(r"(?i)^[a-f0-9]{32}\Z", False) is None


def test_dollar_lets_a_trailing_line_break_through_match_but_not_fullmatch() -> None:
    kinds = checked_kinds(r"^[a-z0-9]+$", False)
    assert isinstance(kinds, frozenset)
    assert "path" in kinds and "html" in kinds
    assert not kinds & {"command", "log", "header"}
    assert checked_kinds(r"^[a-z0-9]+$", True) is None


def test_dots_leave_a_single_name_not_a_safe_path() -> None:
    kinds = checked_kinds(r"^[A-Za-z0-9_.+-]+\Z", False)
    assert isinstance(kinds, frozenset)
    assert "path" not in kinds and SINGLE_NAME in kinds
    assert "command" in kinds
    slash = checked_kinds(r"[a-z./]+", True)
    assert isinstance(slash, frozenset) and SINGLE_NAME not in slash and "path" not in slash


@pytest.mark.parametrize(
    "pattern, whole",
    [
        (r"[a-z]+", False),  # `re.match` without an end anchor accepts any tail
        (r"^.+$", False),
        (r"^[^/]+$", False),  # a negated class lets everything else through
        (r"(?m)^[a-z]+$", False),
        (r"^[a-z]+(?=x)", False),
        (b"^[a-z]+$", False),
    ],
)
def test_checks_that_prove_nothing(pattern: object, whole: bool) -> None:
    assert checked_kinds(pattern, whole) is False


@pytest.mark.parametrize(
    "name, kinds",
    [
        ("is_safe_url", {"redirect", "ssrf"}),
        ("archive.helpers.is_safe_redirect_url", {"redirect", "ssrf"}),
        ("django.utils.http.url_has_allowed_host_and_scheme", {"redirect", "ssrf"}),
        ("isAllowedHost", {"redirect", "ssrf"}),
        ("is_local_url", {"redirect"}),
        ("is_same_origin", {"redirect"}),
        ("is_valid_redirect", {"redirect"}),
        ("is_valid_url", set()),
        ("is_external_url", set()),
        ("is_not_allowed_host", set()),
        ("is_unsafe_url", set()),
        ("is_safe_path", set()),
    ],
)
def test_url_checks_read_from_names(name: str, kinds: set[str]) -> None:
    assert url_check_kinds(name) == kinds


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (
            r"\A(before |after |[<>]=?)(.+)\Z",
            (2, {1: {"before ", "after ", "<", ">", "<=", ">="}}),
        ),
        (r"(a|b)(c{1,2})", (2, {0: {"ac", "bc", "acc", "bcc"}, 1: {"a", "b"}, 2: {"c", "cc"}})),
        (r"(\d{1,3})-(x)", (2, {2: {"x"}})),  # a thousand numbers are no enumeration
        (r"(?i)(ab)", (1, {})),  # each letter doubles the strings: left out
        (r"(a{0,40})", (1, {})),
        (r"([", (0, {})),  # not a pattern
    ],
)
def test_groups_that_match_only_a_few_strings_are_enumerated(
    pattern: str, expected: tuple[int, dict[int, set[str]]]
) -> None:
    count, groups = finite_groups(pattern)
    assert (count, {g: set(s) for g, s in groups.items()}) == expected
