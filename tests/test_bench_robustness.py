"""The robustness benchmark's corpus has every shape, and its measurements say what happened.

Not a timing test: the corpus is written at a tiny scale and only its shapes and the report's
structure are checked; the numbers live in benchmarks/robustness.py's output.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
TINY = 0.01


@pytest.fixture(scope="module")
def hostile() -> Iterator[tuple[ModuleType, ModuleType]]:
    """The benchmark's package, imported the way the script imports it (benchmarks/ on the path)."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from hostile import corpus, measure

        yield corpus, measure
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_corpus_has_every_shape_and_is_deterministic(
    hostile: tuple[ModuleType, ModuleType], tmp_path: Path
) -> None:
    corpus_module, _ = hostile
    corpus = corpus_module.generate(tmp_path / "a", seed=7, scale=TINY, generated=0)
    try:
        assert set(corpus_module.SHAPES) <= set(corpus.entries)
        assert all(corpus.entries[shape] for shape in corpus_module.SHAPES)
        for shape in corpus_module.SHAPES:
            assert os.listdir(corpus.root / shape), shape
        root = corpus.root
        assert stat.S_ISFIFO(os.lstat(root / "fifo" / "pipe.py").st_mode)
        assert not (root / "dangling-symlink" / "dangling.py").exists()
        assert os.readlink(root / "outside-symlink" / "outside.py") == "/etc/hostname"
        assert os.path.realpath(root / "symlink-loop" / "a" / "to_b" / "to_a") == str(
            (root / "symlink-loop" / "a").resolve()
        )
        assert b"bad\xff.py" in os.listdir(os.fsencode(root / "bad-names"))
        assert "new\nline.py" in os.listdir(root / "bad-names")
        assert stat.S_IMODE(os.lstat(root / "unreadable" / "locked").st_mode) == 0
        assert (root / "too-large" / "big_10mb.py").stat().st_size > 2 * 1024 * 1024
        assert (root / "bom-only" / "bom_only.py").read_bytes() == b"\xef\xbb\xbf"
        (long_path,) = corpus.paths["long-path"]
        assert len(long_path) > 4096
        for codec in ("punycode", "undefined", "hex"):
            assert (
                f"coding: {codec}".encode()
                in (root / "bad-coding" / f"coding_{codec}.py").read_bytes()
            )

        again = corpus_module.generate(tmp_path / "b", seed=7, scale=TINY, generated=0)
        other_seed = corpus_module.generate(tmp_path / "c", seed=8, scale=TINY, generated=0)
        try:
            assert again.digest == corpus.digest
            assert other_seed.digest != corpus.digest
        finally:
            again.remove()
            other_seed.remove()
    finally:
        corpus.remove()
    assert not corpus.root.exists()


def test_a_hang_is_cut_at_the_limit_and_counted(hostile: tuple[ModuleType, ModuleType]) -> None:
    _, measure = hostile
    run = measure.run_measured([sys.executable, "-c", "import time; time.sleep(60)"], 0.5)
    assert run.timed_out and run.peak_rss_mb is None and run.exit_code == -9
    assert run.seconds < 30
    summary = measure.summarise_secreview(run, 0.5)
    assert summary.crash_reasons == ["timed out after 0.5 s"]


def test_crashes_are_counted_from_exit_code_traceback_internal_errors_and_output(
    hostile: tuple[ModuleType, ModuleType],
) -> None:
    _, measure = hostile
    payload = {
        "files_scanned": 3,
        "findings": [],
        "errors": [
            {"path": "a.py", "message": "syntax error at line 3: invalid syntax", "kind": "syntax"},
            {"path": "b.py", "message": "syntax error at line 9: x", "kind": "syntax"},
            {
                "path": "bad\udcff.py",
                "message": "internal error: rule x failed",
                "kind": "internal",
            },
        ],
    }
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogateescape")
    traceback = "Traceback (most recent call last):\n  File 'x'\nUnicodeError: bad\nline two\n"
    run = measure.Run(1.0, 50.0, 2, False, False, body, traceback)
    summary = measure.summarise_secreview(run, 600)
    assert summary.reviewed == 3 and summary.errors == 3
    assert summary.errors_by_kind == {"syntax": 2, "internal": 1}
    assert summary.errors_by_prefix["syntax error at line N"] == 2
    assert summary.crash_reasons == [
        "exit code 2",
        "traceback on stderr (UnicodeError: bad line two)",
        "output is JSON but not valid UTF-8",
        "1 internal errors",
    ]
    payload["errors"] = payload["errors"][:2]
    clean = measure.Run(1.0, 50.0, 1, False, False, json.dumps(payload).encode(), "")
    assert not measure.summarise_secreview(clean, 600).crashed
    garbage = measure.Run(1.0, 50.0, 0, False, False, b"{not json", "")
    assert measure.summarise_secreview(garbage, 600).crash_reasons == ["output is not JSON"]


def test_the_script_reviews_a_tiny_corpus_and_writes_a_report(tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"
    completed = subprocess.run(
        [
            *(sys.executable, str(BENCHMARKS / "robustness.py")),
            *("--scale", str(TINY), "--generated", "0", "--isolate", "none", "--no-stdlib"),
            *("--timeout", "120", "--json", str(report_path)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr
    assert "crashed runs:" in completed.stdout
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["corpus"]["scale"] == TINY
    assert all(count > 0 for count in report["corpus"]["entries"].values())
    runs = report["hostile"]["runs"]
    assert set(runs) == {"j1", "j2"}
    for run in runs.values():
        assert run["seconds"] > 0 and run["peak_rss_mb"] > 0
        assert isinstance(run["errors_by_kind"], dict)
    assert isinstance(report["hostile"]["identical"], bool)
    assert report["crashed_runs"] == sum(bool(r["crash_reasons"]) for r in runs.values())
    assert not Path(report["corpus"]["root"]).exists()
