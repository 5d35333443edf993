"""Which review the pre-commit hook runs for the files it is given (no pre-commit needed)."""

from __future__ import annotations

import pytest

from secreview.commands.precommit import review_arguments


@pytest.fixture(autouse=True)
def _no_refs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PRE_COMMIT_FROM_REF", raising=False)
    monkeypatch.delenv("PRE_COMMIT_TO_REF", raising=False)


def test_a_commit_reviews_the_staged_change_of_exactly_the_named_files() -> None:
    args = review_arguments(["a.py"], {"a.py", "b[1].py"}, ["--fail-on", "high"])
    assert args == ["review", "--staged", "--fail-on", "high", "--", "a.py"]


def test_all_files_reviews_the_named_files_whole() -> None:
    assert review_arguments(["a.py", "old.py"], {"a.py"}, []) == [
        "scan",
        "--no-progress",
        "--",
        "a.py",
        "old.py",
    ]
    assert review_arguments(["a.py"], set(), []) == ["scan", "--no-progress", "--", "a.py"]


def test_from_and_to_refs_review_the_change_between_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", "abc")
    monkeypatch.setenv("PRE_COMMIT_TO_REF", "def")
    assert review_arguments(["a.py"], set(), []) == ["review", "--base", "abc", "--head", "def"]
