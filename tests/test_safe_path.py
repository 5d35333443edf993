"""`python -m secreview` runs the installed secreview, never one of the folder under review."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import _secreview_safe_path
import pytest

import secreview


def _plant_package(folder: Path, marker: Path) -> None:
    """A `secreview` package that writes `marker` the moment it is imported or run."""
    package = folder / "secreview"
    package.mkdir()
    payload = f"open({str(marker)!r}, 'w').write('the reviewed code ran')\n"
    (package / "__init__.py").write_text(payload)
    (package / "__main__.py").write_text(payload)


def test_python_m_in_a_checkout_with_its_own_secreview_runs_ours(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    marker = tmp_path / "MARKER"
    _plant_package(checkout, marker)
    (checkout / "app.py").write_text("import os\nos.system(input())\n")
    completed = subprocess.run(
        [sys.executable, "-m", "secreview", "scan", ".", "--format", "json", "--no-progress"],
        cwd=checkout,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert not marker.exists()
    assert completed.returncode == 1, completed.stderr
    assert '"rule_id"' in completed.stdout


def test_the_finder_answers_only_for_secreview_and_never_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plant_package(tmp_path, tmp_path / "MARKER")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", ["", str(tmp_path), *sys.path])
    finder = _secreview_safe_path.InstalledSecreviewFinder
    spec = finder.find_spec("secreview")
    assert spec is not None and spec.origin is not None
    assert Path(spec.origin).resolve() == Path(secreview.__file__).resolve()
    assert finder.find_spec("json") is None
    assert finder.find_spec("secreview.cli", path=list(secreview.__path__)) is None
