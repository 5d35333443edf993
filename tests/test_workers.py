"""One file must never take the scan down: crashes, hangs and memory blow-ups cost that file only.

Crashes are real (the worker sends itself SIGSEGV or exits), budgets are real (a sleep, an
allocation), only their trigger is chosen by the test: the work function is a parameter, or
the reviewer a worker inherits is replaced with monkeypatch before the workers are forked.
"""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview import summary_rounds, tasks
from secreview.analysis.rules import RULES_BY_ID
from secreview.cli import cli
from secreview.config import ScanConfig
from secreview.findings import ErrorKind, FileReport
from secreview.pipeline import review_file, review_source
from secreview.scanner import review_files
from secreview.sources.discovery import SourceFile, discover
from secreview.summary_rounds import project_index, summarise_source_file
from secreview.tasks import ReviewShared, budget_of, review_source_file
from secreview.workers import Budget, TaskFailure, cpu_seconds, run_isolated

VULNERABLE = "def run(cmd):\n    return eval(cmd)\n"
SHORT = Budget(seconds=1.0, memory_bytes=100 * 2**20)


def short(_task: str) -> Budget:
    return SHORT


linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="memory is watched on Linux only"
)


def segfault() -> None:
    """Die as a C extension's crash would (pytest's faulthandler would print a traceback)."""
    faulthandler.disable()
    os.kill(os.getpid(), signal.SIGSEGV)


def _spin(seconds: float) -> None:
    """Compute for `seconds` of CPU time."""
    deadline = time.process_time() + seconds
    while time.process_time() < deadline:
        pass


def misbehave(_shared: None, task: str) -> str:
    """What a worker does with a test task: the task's name says how it should go wrong."""
    if task == "segfault":
        segfault()
    if task == "exit":
        os._exit(3)
    if task == "hang":
        time.sleep(60)
    if task == "spin":
        _spin(60)
    if task == "nap":  # over its budget in wall-clock time, not in CPU time nor waiting
        for _ in range(4):
            _spin(0.05)
            time.sleep(0.4)
    if task == "hog":
        hoard = [b"x" * 2**20 for _ in range(1024)]  # 1 GB, touched, so resident
        time.sleep(60)
        return str(len(hoard))
    if task == "raise":
        raise ValueError("boom")
    if task == "unpicklable":
        return threading.Lock()  # type: ignore[return-value]
    return task.upper()


def as_text(task: str, failure: TaskFailure) -> str:
    return f"{task}: {failure.kind.value} ({failure.detail})"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_crashing_task_costs_only_itself(jobs: int) -> None:
    tasks = ["a", "segfault", "b", "exit", "c", "raise", "unpicklable", "d"]
    results = run_isolated(tasks, misbehave, None, jobs=jobs, budget=short, on_failure=as_text)
    assert results == [
        "A",
        "segfault: crashed (signal SIGSEGV)",
        "B",
        "exit: crashed (exit code 3)",
        "C",
        "raise: raised (ValueError: boom)",
        results[6],
        "D",
    ]
    assert results[6].startswith("unpicklable: raised (its result could not be sent back")


def test_a_task_over_its_time_budget_is_stopped_and_the_rest_done() -> None:
    started = time.monotonic()
    results = run_isolated(
        ["a", "hang", "b"], misbehave, None, jobs=1, budget=short, on_failure=as_text
    )
    assert results == ["A", "hang: timed-out (1 s of waiting)", "B"]
    assert time.monotonic() - started < 30  # the sleeping worker was killed, not waited for


@linux_only
def test_the_time_budget_is_cpu_time() -> None:
    """A task that computes past its budget is stopped by its CPU time; one that took longer
    than its budget in wall-clock time while computing now and then (as a review does on a busy
    machine) is not."""
    results = run_isolated(
        ["spin", "nap", "b"], misbehave, None, jobs=1, budget=short, on_failure=as_text
    )
    assert results == ["spin: timed-out (1 s of CPU time)", "NAP", "B"]


@linux_only
def test_cpu_seconds_counts_this_process_work() -> None:
    before = cpu_seconds(os.getpid())
    _spin(0.3)
    after = cpu_seconds(os.getpid())
    assert before is not None and after is not None
    assert 0.2 <= after - before <= 5
    assert cpu_seconds(2**22 + 12345) is None  # no such process


def roomy(_task: str) -> Budget:
    """`SHORT`'s memory with time to spare: on a loaded machine (CI, a scan beside the
    tests) filling 100 MB took over a second and the time limit struck first."""
    return Budget(seconds=30.0, memory_bytes=SHORT.memory_bytes)


@linux_only
def test_a_task_over_its_memory_budget_is_stopped_and_the_rest_done() -> None:
    results = run_isolated(
        ["a", "hog", "b"], misbehave, None, jobs=2, budget=roomy, on_failure=as_text
    )
    assert results == ["A", "hog: out-of-memory (100 MB)", "B"]


def test_progress_counts_every_task_including_failed_ones() -> None:
    seen: list[tuple[int, int]] = []
    run_isolated(
        ["a", "exit", "b"],
        misbehave,
        None,
        jobs=2,
        budget=short,
        on_failure=as_text,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]


def crash_on_crash_py(shared: ReviewShared, source: SourceFile) -> FileReport:
    """The real review, except that a file named crash.py kills its worker with SIGSEGV."""
    if source.path.name == "crash.py":
        segfault()
    return review_source_file(shared, source)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("a.py", "crash.py", "m.py", "z.py"):
        (tmp_path / name).write_text(VULNERABLE)
    return tmp_path


def test_a_file_crashing_its_worker_is_one_internal_error_and_the_others_are_reviewed(
    project: Path,
) -> None:
    sources, _ = discover([str(project)], ScanConfig().excludes)
    serial = review_files(sources, ScanConfig(), 1, review=crash_on_crash_py)
    assert serial == review_files(sources, ScanConfig(), 2, review=crash_on_crash_py)
    by_name = {Path(r.path).name: r for r in serial}
    crashed = by_name.pop("crash.py")
    assert not crashed.reviewed and crashed.error is not None
    assert crashed.error.kind is ErrorKind.INTERNAL
    assert crashed.error.message == (
        "crashed the worker process trying to review it (signal SIGSEGV); the file was not reviewed"
    )
    assert all(r.reviewed and r.error is None and r.findings for r in by_name.values())


def scan_json(*args: str) -> tuple[int, dict, str]:
    result = CliRunner().invoke(cli, ["scan", "--format", "json", "--no-progress", *args])
    return result.exit_code, json.loads(result.stdout), result.stdout


def review_misbehaving(
    behaviour: Callable[[], None],
) -> Callable[..., FileReport]:
    """`review_file`, but `behaviour` happens first for a file whose name starts with "bad"."""

    def review(path: Path, *args: object, **kwargs: object) -> FileReport:
        if path.name.startswith("bad"):
            behaviour()
        return review_file(path, *args, **kwargs)  # type: ignore[arg-type]

    return review


def test_scan_exits_2_on_a_crash_with_the_same_output_for_any_jobs(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "crash.py").rename(project / "bad.py")
    monkeypatch.setattr(tasks, "review_file", review_misbehaving(segfault))
    code, payload, serial = scan_json(str(project), "-j", "1")
    assert code == 2
    assert [(Path(e["path"]).name, e["kind"]) for e in payload["errors"]] == [
        ("bad.py", "internal")
    ]
    assert sorted(Path(f["path"]).name for f in payload["findings"]) == ["a.py", "m.py", "z.py"]
    assert scan_json(str(project), "-j", "2")[2] == serial


def test_a_file_over_its_time_budget_is_a_budget_error_not_an_internal_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bad.py").write_text("x = 1\n")
    (tmp_path / "good.py").write_text("x = 1\n")
    monkeypatch.setattr(tasks, "review_file", review_misbehaving(lambda: _spin(60)))
    code, payload, _ = scan_json(str(tmp_path), "--file-timeout", "0.5", "-j", "1")
    assert code == 0  # the input's problem, like a syntax error: exit 2 only with --strict
    budget = "0.5 s of CPU time" if sys.platform.startswith("linux") else "0.5 s"
    assert payload["errors"] == [
        {
            "path": payload["errors"][0]["path"],
            "message": f"took longer than {budget} to review it (the limit); the file was not "
            "reviewed",
            "kind": "budget",
        }
    ]
    assert payload["files_scanned"] == 1


def failing_rule_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the eval-injection rule raise on every node it is given."""

    def explode(_node: object, _context: object) -> None:
        raise KeyError("surprise")

    broken = RULES_BY_ID["eval-injection"]._replace(check=explode)
    import secreview.pipeline as pipeline

    monkeypatch.setattr(
        pipeline,
        "ALL_RULES",
        tuple(broken if r.id == broken.id else r for r in pipeline.ALL_RULES),
    )


def test_a_rule_that_raises_leaves_the_file_partly_reviewed_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_rule_config(monkeypatch)
    report = review_source(VULNERABLE + "import os\nos.system(input())\n", "x.py")
    assert report.error is not None and report.error.kind is ErrorKind.INTERNAL
    assert report.error.message.startswith("was only partly reviewed (a rule failed")
    assert "rule eval-injection failed at line 2: KeyError('surprise')" in report.error.message
    assert report.findings  # the other rules still report
    (tmp_path / "x.py").write_text(VULNERABLE)
    result = CliRunner().invoke(cli, ["scan", "--no-progress", "-j", "1", str(tmp_path)])
    assert result.exit_code == 2
    assert "was only partly reviewed" in result.stdout


def test_any_unexpected_exception_reviewing_a_file_is_an_internal_error_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_review(*_args: object, **_kwargs: object) -> FileReport:
        raise AttributeError("'NoneType' object has no attribute 'body'")

    import secreview.pipeline as pipeline

    monkeypatch.setattr(pipeline, "review_source", broken_review)
    (tmp_path / "x.py").write_text("x = 1\n")
    report = review_file(tmp_path / "x.py", "x.py", ScanConfig())
    assert not report.reviewed and report.error is not None
    assert report.error.kind is ErrorKind.INTERNAL
    assert "AttributeError: 'NoneType' object has no attribute 'body'" in report.error.message


@pytest.mark.parametrize(
    ("raised", "said"),
    [
        (
            RuntimeError("[bold]boom[/]"),
            "internal error: RuntimeError: [bold]boom[/] (a secreview defect)",
        ),
        (KeyboardInterrupt(), "interrupted; nothing was reported"),
    ],
)
def test_an_unexpected_exception_in_the_command_exits_2_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raised: BaseException, said: str
) -> None:
    """Click's own default would be a traceback (or "Aborted!") and exit 1, "findings found"."""

    def broken_scan(*_args: object, **_kwargs: object) -> None:
        raise raised

    import secreview.commands.scan as scan_command_module

    monkeypatch.setattr(scan_command_module, "scan", broken_scan)
    result = CliRunner().invoke(cli, ["scan", "--no-progress", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {said}\n"


HELPERS = (
    "import subprocess\n\ndef run(name):\n    return subprocess.check_output(name, shell=True)\n"
)
VIEWS = (
    "from flask import request\n\nfrom app.helpers import run\n\n"
    "def view():\n    return run(request.args['n'])\n"
)


def crash_on_helpers(shared: tuple[ScanConfig, object], source: SourceFile) -> object:
    if source.module.endswith("helpers"):
        segfault()
    return summarise_source_file(shared, source)  # type: ignore[arg-type]


def test_a_module_whose_summary_crashes_is_left_out_of_the_index(tmp_path: Path) -> None:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text(HELPERS)
    (package / "util.py").write_text("def ident(x):\n    return x\n")
    sources, _ = discover([str(tmp_path)], ScanConfig().excludes)
    index, failed = project_index(sources, ScanConfig(), 2, summarise=crash_on_helpers)
    assert "app.util.ident" in index.summaries
    assert not any(name.startswith("app.helpers") for name in index.summaries)
    assert list(failed) == ["app.helpers"]
    assert failed["app.helpers"].kind is ErrorKind.INTERNAL
    assert "signal SIGSEGV" in failed["app.helpers"].message


def test_a_crashing_summary_is_recorded_once_on_its_file_and_the_scan_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text(HELPERS)
    (package / "views.py").write_text(VIEWS)
    real = summary_rounds.summarise_module

    def crash_on_helpers_tree(name: str, *args: object) -> object:
        if name == "app.helpers":
            segfault()
        return real(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(summary_rounds, "summarise_module", crash_on_helpers_tree)
    code, payload, _ = scan_json(str(tmp_path), "-j", "2")
    assert code == 2
    assert [(Path(e["path"]).name, e["kind"]) for e in payload["errors"]] == [
        ("helpers.py", "internal")
    ]
    assert (
        "summarise it for the cross-module pass (signal SIGSEGV)" in payload["errors"][0]["message"]
    )
    # helpers.py itself was reviewed in the first pass: its own finding stays.
    assert any(Path(f["path"]).name == "helpers.py" for f in payload["findings"])


def test_a_file_may_use_more_memory_the_larger_it_is(tmp_path: Path) -> None:
    (tmp_path / "small.py").write_text("x = 1\n")
    (tmp_path / "large.py").write_text("x = 1\n" * 100_000)
    sources, _ = discover([str(tmp_path)], ScanConfig().excludes)
    budget = budget_of(ScanConfig(file_timeout_seconds=5, file_memory_bytes=2**20))
    limits = {s.path.name: budget(s) for s in sources}
    assert limits["small.py"] == Budget(seconds=5, memory_bytes=2**20 + 600 * 6)
    assert limits["large.py"] == Budget(seconds=5, memory_bytes=2**20 + 600 * 600_000)
    assert budget_of(ScanConfig(file_memory_bytes=None))(sources[0]).memory_bytes is None
