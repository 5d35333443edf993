"""The same input gives the same output, byte for byte, whatever the job count and hash seed.

Several flows of one origin reaching one sink (through different variables, sanitisers and
modules) used to be reduced to the first one met, and which one came first followed the
iteration order of sets of flows: the hash seed, and the memory addresses of AST nodes, which
differ from worker to worker.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from secreview.analysis.taint.values import Flow, merge_flows
from secreview.config import ScanConfig
from secreview.scanner import scan

APP = """\
import os
import subprocess

from flask import Flask, request

from .helpers import build_command, run_both
from .service import handle

app = Flask(__name__)


@app.route("/run")
def run():
    name = request.args.get("name", "")
    command = request.form["command"]
    one_line = name.replace("\\n", "")
    no_breaks = command.replace("\\r", "").replace("\\n", "")
    os.system(one_line + name + no_breaks + command)
    run_both(one_line, name)
    run_both(no_breaks, command)
    handle(one_line, no_breaks)
    subprocess.call(build_command(one_line, command), shell=True)
    return "ok"
"""
HELPERS = """\
import os


def run_both(first, second):
    os.system(first + " " + second)
    os.popen(second + first)


def build_command(prefix, rest):
    joined = prefix + rest
    return "echo " + joined
"""
SERVICE = """\
from .helpers import run_both


def handle(left, right):
    both = left + right
    run_both(both, left)
    run_both(right, both)
"""


def _project(root: Path) -> Path:
    package = root / "proj"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "app.py").write_text(APP)
    (package / "helpers.py").write_text(HELPERS)
    (package / "service.py").write_text(SERVICE)
    return package


def _scan(root: Path, seed: int, jobs: int) -> subprocess.Popen[bytes]:
    """`secreview scan proj --format json -j JOBS` under `PYTHONHASHSEED=SEED`, started."""
    command = [sys.executable, "-m", "secreview", "scan", "proj", "--format", "json"]
    return subprocess.Popen(
        [*command, "-j", str(jobs), "--no-progress"],
        cwd=root,
        env={**os.environ, "PYTHONHASHSEED": str(seed)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_scans_under_other_hash_seeds_and_job_counts_give_the_same_bytes(tmp_path: Path) -> None:
    _project(tmp_path)
    processes = [_scan(tmp_path, seed, jobs) for seed, jobs in ((1, 1), (2, 1), (3, 2), (4, 2))]
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 1, stderr.decode()
        assert stdout.count(b'"tainted-command"') >= 5
    assert {stdout for stdout, _ in outputs} == {outputs[0][0]}


def test_a_sink_reached_by_several_flows_shows_the_shortest_path(tmp_path: Path) -> None:
    """`os.system(one_line + name + no_breaks + command)`: four flows of remote input, the
    shortest is `name`'s (read, assigned, used); the others pass through `.replace` first."""
    package = _project(tmp_path)
    result = scan([str(package)], ScanConfig(), jobs=1)
    (finding,) = (f for f in result.findings if f.location.line == 18)
    notes = [step.note for step in finding.evidence]
    assert len(notes) == 3 and notes[1] == "assigned to `name`"


def _flow(*lines: int, origin: str = "remote") -> Flow:
    steps = tuple((ast.Name(id="x", lineno=line, col_offset=0), "step") for line in lines)
    return Flow(origin, steps)


def test_merging_keeps_the_shortest_flow_and_breaks_ties_by_position_not_order() -> None:
    short, early, late = _flow(9), _flow(3, 4), _flow(3, 8)
    for groups in ([[late], [early], [short]], [[short], [early, late]], [[late], [early]]):
        kept = merge_flows(*groups)
        assert len(kept) == 1
        expected = short if any(short in group for group in groups) else early
        assert kept == {expected}
