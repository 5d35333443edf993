"""The scan cache gives the same output as no cache, and skips only what did not change."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.analysis.taint.project import ModuleRound
from secreview.analysis.taint.summaries import ExternalSummary, ProjectIndex
from secreview.cache import IncrementalCache, ScanCache
from secreview.cli import cli
from secreview.config import ScanConfig
from secreview.findings import FileReport
from secreview.report.json_report import render_json
from secreview.scanner import scan
from secreview.sources.discovery import SourceFile

HELPERS = """\
import subprocess


def run_report(name):
    return subprocess.check_output("report " + name, shell=True)
"""
SAFE_HELPERS = """\
import subprocess


def run_report(name):
    return subprocess.check_output(["report", name])
"""
VIEWS = """\
from flask import Flask, request

from .helpers import run_report

app = Flask(__name__)


@app.route("/report")
def report():
    return run_report(request.args["name"])
"""
OTHER = "import hashlib\n\n\ndef digest(data):\n    return hashlib.md5(data).hexdigest()\n"


def _project(root: Path) -> Path:
    package = root / "app"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text(HELPERS)
    (package / "views.py").write_text(VIEWS)
    (package / "other.py").write_text(OTHER)
    return root


def _json(root: Path, cache: Path | None) -> str:
    config = ScanConfig(cache_dir=str(cache) if cache else None)
    return render_json(scan([str(root)], config, jobs=1))


def test_a_cached_scan_is_byte_identical_to_an_uncached_one(tmp_path: Path) -> None:
    root = _project(tmp_path / "tree")
    cache = tmp_path / "cache"
    fresh = _json(root, None)
    assert "tainted-command" in fresh
    assert _json(root, cache) == fresh
    assert (cache / "scan-cache-v2.sqlite3").is_file()
    assert _json(root, cache) == fresh  # now from the cache


def test_editing_a_callee_invalidates_the_module_that_consults_its_summary(tmp_path: Path) -> None:
    """The caller's text is unchanged, but the helper's summary is not: its cached re-review
    must not be reused, or the fixed flow would still be reported."""
    root = _project(tmp_path / "tree")
    cache = tmp_path / "cache"
    before = _json(root, cache)
    assert "tainted-command" in before
    (root / "app" / "helpers.py").write_text(SAFE_HELPERS)
    after = _json(root, cache)
    assert after == _json(root, None)
    assert "tainted-command" not in after
    (root / "app" / "helpers.py").write_text(HELPERS)
    assert _json(root, cache) == before


def test_a_caller_that_starts_calling_another_helper_gets_its_summary(tmp_path: Path) -> None:
    """Only the functions other modules spell are summarised; when the caller starts calling a
    helper no module called before, the helper module's stored summaries (its text unchanged)
    must not be reused without it."""
    root = _project(tmp_path / "tree")
    helpers = root / "app" / "helpers.py"
    helpers.write_text(
        SAFE_HELPERS
        + HELPERS.replace("import subprocess\n", "").replace("run_report", "run_legacy_report")
    )
    cache = tmp_path / "cache"
    before = _json(root, cache)
    assert "tainted-command" not in before
    views = root / "app" / "views.py"
    views.write_text(VIEWS.replace("run_report", "run_legacy_report"))
    after = _json(root, cache)
    assert "tainted-command" in after
    assert after == _json(root, None)


def test_a_changed_setting_is_a_different_key(tmp_path: Path) -> None:
    root = _project(tmp_path / "tree")
    cache = str(tmp_path / "cache")
    scan([str(root)], ScanConfig(cache_dir=cache), jobs=1)
    narrowed = ScanConfig(cache_dir=cache, disabled_rules=frozenset({"tainted-command"}))
    cached = render_json(scan([str(root)], narrowed, jobs=1))
    assert cached == render_json(
        scan([str(root)], ScanConfig(disabled_rules=narrowed.disabled_rules))
    )
    assert "tainted-command" not in cached


def _sources(root: Path) -> list[SourceFile]:
    return [
        SourceFile(path.relative_to(root).as_posix(), path, path.stem)
        for path in sorted(root.glob("*.py"))
    ]


def test_only_the_edited_file_is_reviewed_again(tmp_path: Path) -> None:
    for number in range(5):
        (tmp_path / f"m{number}.py").write_text(f"x = {number}\n")
    reviewed: list[str] = []

    def review(misses: list[SourceFile]) -> list[FileReport]:
        reviewed.extend(source.shown_as for source in misses)
        return [FileReport(path=source.shown_as) for source in reversed(misses)]

    def run() -> list[FileReport]:
        store = ScanCache(tmp_path / "cache")
        try:
            return IncrementalCache(store, ScanConfig()).reports(_sources(tmp_path), review)
        finally:
            store.close()

    first = run()
    assert reviewed == [f"m{n}.py" for n in range(5)]
    assert [r.path for r in first] == reviewed  # in the order of the sources
    reviewed.clear()
    assert run() == first and reviewed == []
    (tmp_path / "m3.py").write_text("x = 33\n")
    run()
    assert reviewed == ["m3.py"]


def test_a_new_script_reviews_only_the_files_whose_role_changed(tmp_path: Path) -> None:
    """Which modules are scripts beside the package is per file in the key: a second script
    added beside the package is reviewed, the other files are not reviewed again."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "core.py").write_text("x = 1\n")
    (tmp_path / "setup.py").write_text("x = 2\n")
    reviewed: list[str] = []

    def review(misses: list[SourceFile]) -> list[FileReport]:
        reviewed.extend(source.shown_as for source in misses)
        return [FileReport(path=source.shown_as) for source in misses]

    def run(scripts: frozenset[str]) -> None:
        store = ScanCache(tmp_path / "cache")
        try:
            config = ScanConfig(project_scripts=scripts)
            IncrementalCache(store, config).reports(_sources(tmp_path), review)
        finally:
            store.close()

    run(frozenset({"setup.py"}))
    reviewed.clear()
    (tmp_path / "release.py").write_text("x = 3\n")
    run(frozenset({"setup.py", "release.py"}))
    assert reviewed == ["release.py"]
    reviewed.clear()
    run(frozenset({"release.py"}))  # setup.py's role changed: its report may differ
    assert reviewed == ["setup.py"]


def test_a_round_is_summarised_again_only_where_a_consulted_summary_changed(
    tmp_path: Path,
) -> None:
    """`a` imports `b`; `c` imports nothing. A new summary of `b` reaches `a` only."""
    for name in "abc":
        (tmp_path / f"{name}.py").write_text(f"# {name}\n")
    imports = {"a": frozenset({"b"}), "b": frozenset(), "c": frozenset()}
    summarised: list[str] = []

    def summarise(misses: list[SourceFile]) -> list[ModuleRound | None]:
        summarised.extend(source.module for source in misses)
        return [
            ModuleRound({}, frozenset({f"{source.module}.Thing"}), frozenset({"b.f"}))
            for source in misses
        ]

    def round_after(index: ProjectIndex) -> list[ModuleRound | None]:
        store = ScanCache(tmp_path / "cache")
        try:
            cache = IncrementalCache(store, ScanConfig())
            return cache.summaries(_sources(tmp_path), index, imports, summarise, lambda _s: False)
        finally:
            store.close()

    summary = ExternalSummary("b.f", ("x",))
    round_after(ProjectIndex({"b.f": summary}))
    assert summarised == ["a", "b", "c"]
    summarised.clear()
    stored = round_after(ProjectIndex({"b.f": summary}))
    assert summarised == []
    assert [r.asked if r else None for r in stored] == [frozenset({"b.f"})] * 3  # worklist needs it
    round_after(ProjectIndex({"b.f": ExternalSummary("b.f", ("y",))}))
    assert summarised == ["a", "b"]


def test_a_corrupt_cache_file_is_ignored_with_one_warning(tmp_path: Path) -> None:
    root = _project(tmp_path / "tree")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "scan-cache-v2.sqlite3").write_bytes(b"not a database at all " * 100)
    result = CliRunner().invoke(
        cli, ["scan", str(root), "--format", "json", "--cache-dir", str(cache), "--no-progress"]
    )
    assert result.exit_code == 1, result.output
    assert result.stdout == _cli_json(root, "--no-cache")
    assert result.stderr.count("warning: the scan cache") == 1
    assert "cannot be used" in result.stderr


def _cli_json(root: Path, *options: str) -> str:
    result = CliRunner().invoke(
        cli, ["scan", str(root), "--format", "json", "--no-progress", *options]
    )
    return result.stdout


def test_the_reviewed_trees_configuration_never_chooses_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path / "tree")
    planted = tmp_path / "planted"
    (root / "pyproject.toml").write_text(f'[tool.secreview]\ncache-dir = "{planted.as_posix()}"\n')
    monkeypatch.delenv("SECREVIEW_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user"))
    _cli_json(root)
    assert not planted.exists()
    assert (tmp_path / "user" / "secreview" / "scan-cache-v2.sqlite3").is_file()
    _cli_json(root, "--config", str(root / "pyproject.toml"))  # the user's own choice
    assert (planted / "scan-cache-v2.sqlite3").is_file()


def test_no_cache_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "tree")
    monkeypatch.setenv("SECREVIEW_CACHE_DIR", str(tmp_path / "cache"))
    _cli_json(root, "--no-cache")
    assert not (tmp_path / "cache").exists()
    _cli_json(root)
    assert (tmp_path / "cache").exists()


def test_scans_at_once_share_the_cache_without_failing(tmp_path: Path) -> None:
    """Three runs start on an empty cache (all create it and write), then three read it."""
    root = _project(tmp_path / "tree")
    for number in range(12):
        (root / f"module_{number}.py").write_text(OTHER + f"\nVALUE = {number}\n")
    expected = _cli_json(root, "--no-cache")
    command = [sys.executable, "-m", "secreview", "scan", str(root), "--format", "json"]
    command += ["--no-progress", "-j", "1", "--cache-dir", str(tmp_path / "cache")]
    for _ in range(2):
        runs = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(3)
        ]
        for run in runs:
            out, err = run.communicate(timeout=300)
            assert out.decode() == expected
            assert b"warning" not in err
