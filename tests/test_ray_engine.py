"""`--engine ray`: the same review on a local Ray cluster, byte for byte, with the same isolation.

The cluster is started once for the module (`ray.init(num_cpus=2)`, about 20 s) and every test
runs on it; `ray_session` then joins it instead of starting another.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import cli
from secreview.distributed.ray_engine import run_on_ray
from secreview.workers import Budget, FailureKind, TaskFailure

ray = pytest.importorskip("ray", reason="Ray is not installed for this Python (the ray extra)")

VIEWS = """\
import subprocess
from flask import Flask, request
from app.db import run_query

app = Flask(__name__)

@app.route("/q")
def q():
    return str(run_query(request.args["name"]))

@app.route("/r")
def r():
    subprocess.call(request.args["cmd"], shell=True)
    return "ok"
"""
DB = """\
import sqlite3

def run_query(text):
    with sqlite3.connect("app.db") as connection:
        return connection.execute("SELECT * FROM t WHERE name = '%s'" % text).fetchall()
"""


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _tree(root: Path) -> Path:
    package = root / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "views.py").write_text(VIEWS)
    (package / "db.py").write_text(DB)
    for number in range(12):  # more files than CPUs, so several batches run
        (package / f"util{number}.py").write_text(f"import yaml\nyaml.load(open('{number}'))\n")
    return root


def _scan(root: Path, *options: str) -> tuple[int, str]:
    previous = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(cli, ["scan", ".", "--no-progress", *options])
    finally:
        os.chdir(previous)
    return result.exit_code, result.output


@pytest.mark.usefixtures("cluster")
@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_a_scan_on_ray_gives_the_local_engine_s_bytes(tmp_path: Path, output_format: str) -> None:
    root = _tree(tmp_path)
    local = _scan(root, "--format", output_format, "-j", "2")
    on_ray = _scan(root, "--format", output_format, "--engine", "ray")
    assert local[0] == on_ray[0] == 1
    assert on_ray[1] == local[1]
    assert "tainted-sql" in on_ray[1]  # the flow into app/db.py: the cross-module pass ran on Ray
    assert on_ray[1].count("unsafe-yaml-load") >= 12


@pytest.mark.usefixtures("cluster")
def test_a_task_that_crashes_or_raises_costs_only_itself_and_is_reported_on_the_driver() -> None:
    def work(offset: int, task: int) -> int:
        if task == 3:
            os._exit(9)  # the file's child process dies, as on a parser crash
        if task == 5:
            raise ValueError("bad input")
        return task + offset

    failures: list[tuple[int, FailureKind]] = []

    def on_failure(task: int, failure: TaskFailure) -> int:
        failures.append((task, failure.kind))  # runs here: the list is the driver's
        return -1

    results = run_on_ray(
        list(range(10)),
        work,
        100,
        jobs=2,
        budget=lambda _task: Budget(seconds=30),
        on_failure=on_failure,
    )
    assert results == [100, 101, 102, -1, 104, -1, 106, 107, 108, 109]
    assert sorted(failures) == [(3, FailureKind.CRASHED), (5, FailureKind.RAISED)]


def test_a_ray_address_without_the_ray_engine_is_a_usage_error(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    code, output = _scan(root, "--ray-address", "127.0.0.1:6379")
    assert code == 2
    assert "--ray-address needs --engine ray" in output
