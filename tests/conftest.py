"""Shared test helpers."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from llm_server import APP as LLM_APP
from side_file_cases import GOOD_DIFF

from secreview.cache import ENVIRONMENT_VARIABLE

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def side_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project a side-file test runs in: a file to scan, a valid diff, a models folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text("x = 1\n")
    (tmp_path / "good.diff").write_text(GOOD_DIFF)
    (tmp_path / "models").mkdir()
    return tmp_path


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail (rather than block the suite) when a command waits on a pipe: SIGALRM interrupts
    a blocking open or read with TimeoutError."""

    def interrupt(_signal: int, _frame: object) -> None:
        raise TimeoutError("the command blocked on a side file")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def llm_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the app and a cache folder of its own (never the user's)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("SECREVIEW_LLM_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "app.py").write_text(LLM_APP)
    # The scripted answers claim the timing defect of LLM_APP, which no rule may find first.
    (tmp_path / "pyproject.toml").write_text(
        '[tool.secreview]\nignore = ["timing-unsafe-comparison"]\n\n'
        '[tool.secreview.llm]\nmodel = "scripted"\nretries = 2\ntimeout = 2\n'
    )
    return tmp_path


@pytest.fixture(autouse=True, scope="session")
def scan_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every scan the suite runs keeps its cache in a temporary folder, never the user's.

    Session-wide (so fixtures of any scope and the subprocesses the tests start inherit it):
    the command line reads `$SECREVIEW_CACHE_DIR` before any default, and CI sets nothing."""
    folder = tmp_path_factory.mktemp("scan-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENVIRONMENT_VARIABLE, str(folder))
        yield folder
