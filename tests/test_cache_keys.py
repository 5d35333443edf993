"""Cache keys change with everything a file's review depends on, and with nothing else."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from secreview.analysis.taint.summaries import ExternalSummary, ProjectIndex
from secreview.cache import keys
from secreview.cache.keys import IndexDigests, settings_digest
from secreview.config import ScanConfig
from secreview.config.llm import LlmSettings
from secreview.findings import Severity


def test_settings_that_change_findings_change_the_key() -> None:
    base = ScanConfig()
    for changed in (
        base._replace(threat_model="library"),
        base._replace(disabled_rules=frozenset({"weak-hash"})),
        base._replace(min_severity=Severity.HIGH),
        base._replace(test_paths=("tests/*",)),
        base._replace(severity_overrides=(("weak-hash", Severity.LOW),)),
    ):
        assert settings_digest(changed) != settings_digest(base)


def test_settings_that_only_decide_after_the_scan_do_not() -> None:
    base = ScanConfig()
    same = base._replace(
        cache_dir="/elsewhere",
        fail_on=Severity.HIGH,
        baseline="baseline.json",
        llm=LlmSettings(enabled=True),
        file_timeout_seconds=5.0,
        engine="ray",  # the Ray engine gives the local engine's bytes, so it shares its results
        ray_address="127.0.0.1:6379",
    )
    assert settings_digest(same) == settings_digest(base)


def test_an_edited_model_file_changes_the_key(tmp_path: Path) -> None:
    (tmp_path / "sinks.toml").write_text("# none yet\n")
    config = ScanConfig(model_dirs=(str(tmp_path),))
    before = settings_digest(config)
    (tmp_path / "sinks.toml").write_text("# one more\n")
    assert settings_digest(config) != before


def test_the_parser_packages_are_keyed_by_their_installed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upgraded fallback parser changes the key; a missing one is named, not an error; a
    single-file module counts alone, never the whole folder it is installed in."""
    package = tmp_path / "fake_parser"
    package.mkdir()
    (package / "__init__.py").write_text("# parser\n")
    (package / "__pycache__").mkdir()
    (tmp_path / "fake_single.py").write_text("# single\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    names = ("fake_parser", "fake_single", "no_such_parser_here")
    monkeypatch.setattr(keys, "PARSER_MODULES", names)

    def parsers() -> tuple[str, ...]:
        keys._parsers.cache_clear()
        return keys._parsers()

    before = parsers()
    assert before[-1] == "no_such_parser_here absent"
    (package / "__pycache__" / "x.pyc").write_bytes(b"byte code")
    (tmp_path / "unrelated.txt").write_text("beside the single-file module")
    assert parsers() == before
    (package / "binding.so").write_bytes(b"new build")
    upgraded = parsers()
    assert upgraded[2] != before[2] and upgraded[3] == before[3]
    os.utime(tmp_path / "fake_single.py", ns=(0, 0))
    assert parsers()[3] != upgraded[3]
    keys._parsers.cache_clear()
    assert "fake_parser" not in sys.modules  # found on disk, never imported


def test_a_module_sees_the_summaries_under_its_imports_and_its_own_name() -> None:
    helper = ExternalSummary("pkg.helpers.run", ("x",))
    index = ProjectIndex({"pkg.helpers.run": helper, "other.f": ExternalSummary("other.f", ())})
    changed_other = ProjectIndex({**index.summaries, "other.f": ExternalSummary("other.f", ("y",))})
    changed_helper = ProjectIndex(
        {**index.summaries, "pkg.helpers.run": ExternalSummary("pkg.helpers.run", ("y",))}
    )
    consults = ("app.views", ["pkg"])  # `import pkg` reaches pkg.helpers.run
    before = IndexDigests(index).for_module(*consults)
    assert IndexDigests(changed_other).for_module(*consults) == before
    assert IndexDigests(changed_helper).for_module(*consults) != before
    assert IndexDigests(changed_helper).for_module("pkg.helpers", []) != IndexDigests(
        index
    ).for_module("pkg.helpers", [])
    assert IndexDigests(ProjectIndex()).for_module("app.views", []) != IndexDigests(
        index
    ).for_module("app.views", [])  # an empty index runs fewer modules
