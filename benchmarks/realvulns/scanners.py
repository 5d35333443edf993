"""The two tools run.py measures (secreview, and Bandit beside it), started and read the same way
in file mode (the case's two files) and in project mode (each side's package tree).

Each tool is started in its own subprocess under a time limit, in a given folder, on given
targets, and its JSON report is reduced to (path as the tool shows it, Finding) pairs plus the
paths it could not review in full. Both tools only read the files as text.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from realvulns_corpus import FIXED, VULNERABLE, Case, Finding, ToolResult, judge

Related = Callable[[int, int], bool]
_SINK_NAMED = re.compile(r"\bat ([^\s`'\"]+\.py):(\d+)\b")
"""How secreview's evidence names a sink inside another module's function
(`passed to `m.f`, which uses it as `open` at storage/files.py:57`)."""


@dataclass(frozen=True, slots=True)
class Reported:
    """A finding, the path the tool reported it in (relative to the folder it ran in), and the
    sinks in other files its evidence names (path relative to the scanned folder, line)."""

    path: str
    finding: Finding
    sinks: tuple[tuple[str, int], ...] = ()


Located = list[Reported]
Raw = tuple[Located, list[str], str | None]
"""One run's findings, the paths it could not review in full, and why the run failed (or None)."""
Outcome = tuple[dict[str, list[Finding]], list[str], str | None]
"""Findings per side (vulnerable.py, fixed.py), the sides not reviewed in full, a run failure."""


@dataclass(frozen=True, slots=True)
class Tool:
    """How to start a tool on some targets and read what it reported."""

    name: str
    command: Callable[[Sequence[str]], list[str]]
    read: Callable[[dict[str, Any]], tuple[Located, list[str]]]


def related_rule() -> tuple[Related | None, str]:
    """secreview's CWE relation when it can be imported, else exact ids only; and its name."""
    try:
        from secreview.cwe import related
    except ImportError:
        return None, "exact CWE id only (secreview.cwe not importable)"
    return related, "exact CWE id, or related by secreview.cwe.related (CWE-1000 ancestors)"


def bandit_command() -> list[str] | None:
    """How to start Bandit here, or None when it is not installed."""
    if importlib.util.find_spec("bandit") is not None:
        return [sys.executable, "-m", "bandit"]
    found = shutil.which("bandit")
    return [found] if found else None


def read_secreview(report: dict[str, Any]) -> tuple[Located, list[str]]:
    """secreview's JSON findings (with the sinks their evidence names in other files) and the
    paths it could not review in full."""
    located = [
        Reported(
            item["path"],
            Finding(line=item["line"], cwe=item.get("cwe"), rule=item["rule_id"]),
            tuple(
                (match[1], int(match[2]))
                for step in item.get("evidence", [])
                for match in _SINK_NAMED.finditer(str(step.get("note", "")))
            ),
        )
        for item in report.get("findings", [])
    ]
    return located, [str(error.get("path", "?")) for error in report.get("errors", [])]


def _read_bandit(report: dict[str, Any]) -> tuple[Located, list[str]]:
    located = [
        Reported(
            item["filename"],
            Finding(
                line=item["line_number"],
                cwe=(item.get("issue_cwe") or {}).get("id"),
                rule=item["test_id"],
            ),
        )
        for item in report.get("results", [])
    ]
    return located, [str(error.get("filename", "?")) for error in report.get("errors", [])]


def secreview_tool(threat_model: str = "web") -> Tool:
    """secreview under `threat_model` (`web`, its default: request data is the attacker's;
    `library`: so are the parameters of a package's public functions)."""
    return Tool(
        name="secreview",
        command=lambda targets: [
            *[sys.executable, "-m", "secreview", "scan", *targets],
            *["--format", "json", "--no-progress", "--isolated", "-j", "1"],
            *["--threat-model", threat_model],
        ],
        read=read_secreview,
    )


def bandit_tool(start: list[str]) -> Tool:
    """Bandit started by `start`; `-r` so that a folder is searched (a file is read as is)."""
    return Tool(
        name="bandit",
        command=lambda targets: [*start, "-f", "json", "-q", "-r", *targets],
        read=_read_bandit,
    )


def _absolute_python_path() -> dict[str, str]:
    """This environment with `PYTHONPATH`'s relative entries made absolute: the tool starts in
    the case's folder, where `PYTHONPATH=src` (a worktree's own code) would name nothing and the
    installed copy would be measured instead, silently."""
    environment = dict(os.environ)
    entries = environment.get("PYTHONPATH", "")
    if entries:
        absolute = [str(Path(e).resolve()) if e else e for e in entries.split(os.pathsep)]
        environment["PYTHONPATH"] = os.pathsep.join(absolute)
    return environment


WALL_FACTOR = 10
"""How many times its CPU budget a tool may take on the wall clock before it is stopped anyway:
the same allowance secreview gives a file (`workers.py`), so that a loaded machine (helpers,
Bandit beside us) does not decide which cases are measured."""


def _limit_cpu(pid: int, seconds: float) -> bool:
    """Give the started tool `seconds` of CPU time (its own workers inherit the limit); False where
    the platform cannot (outside Linux), and the wall clock alone then bounds it."""
    try:
        import resource  # POSIX only; Windows has no such module
    except ImportError:
        return False
    if not hasattr(resource, "prlimit"):
        return False
    budget = max(1, math.ceil(seconds))
    try:
        resource.prlimit(pid, resource.RLIMIT_CPU, (budget, budget + 5))
    except (OSError, ValueError):
        return False
    return True


def run_tool(tool: Tool, folder: Path, targets: Sequence[str], timeout: float) -> Raw:
    """Start `tool` in `folder` on `targets` and read its JSON report. `timeout` is CPU time where
    the platform lets us limit it, and wall-clock time otherwise."""
    with subprocess.Popen(
        tool.command(targets),
        cwd=folder,
        env=_absolute_python_path(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as started:
        on_cpu = _limit_cpu(started.pid, timeout)
        wall = timeout * WALL_FACTOR if on_cpu else timeout
        try:
            stdout, stderr = started.communicate(timeout=wall)
        except subprocess.TimeoutExpired:
            started.kill()
            started.communicate()
            return [], [], f"timeout after {wall:.0f} s"
    if on_cpu and started.returncode == -signal.SIGXCPU:
        return [], [], f"timeout after {timeout:.0f} s of CPU time"
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        tail = (stderr.strip().splitlines() or ["no output"])[-1]
        return [], [], f"exit {started.returncode}: {tail[:120]}"
    located, failed = tool.read(report)
    return located, failed, None


def judge_outcome(case: Case, outcome: Outcome, related: Related | None) -> ToolResult:
    """Judge the vulnerable side at the expected lines and the fixed side at the fixed lines."""
    findings, failed, failure = outcome
    found = judge(findings.get(VULNERABLE, []), case.cwe, case.lines, related)
    after = judge(findings.get(FIXED, []), case.cwe, case.fixed_lines, related)
    error = failure or (f"errors in {', '.join(failed)}" if failed else None)
    reviewed = failure is None and FIXED not in failed
    return ToolResult(found=found, after_fix=after, error=error, fixed_reviewed=reviewed)
