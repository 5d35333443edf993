"""Run a command under a wall-clock limit and say what it cost and whether it crashed.

Peak memory comes from `os.wait4` on the command: the kernel's `ru_maxrss` of that process and
of every descendant it waited for, which is the largest *single* process of the tree, not the sum
of workers alive at the same time. A worker killed with the tree on a timeout is not counted.

Linux carries a process's high-water mark across `exec`, so a command forked straight from this
(large) benchmark would report at least this process's size. The command is therefore started by
a small `python -I -S` launcher that waits for it and writes its usage to a file.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

TRACEBACK = "Traceback (most recent call last)"
LAUNCHER = (
    "import os, sys\n"
    "child = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)\n"
    "_, status, usage = os.wait4(child, 0)\n"
    "with open(sys.argv[1], 'w') as report:\n"
    "    report.write(f'{usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}')\n"
)
CLEAN_EXITS = (0, 1)


@dataclass
class Run:
    """One command's outcome: exit status, cost and output."""

    seconds: float
    peak_rss_mb: float | None
    """None when the command was killed on its time limit before its usage could be read."""
    exit_code: int
    timed_out: bool
    stray_processes: bool
    stdout: bytes
    stderr: str


def _kill_tree(group: int) -> bool:
    """Kill the process group the command leads; True when some member was still there."""
    try:
        os.killpg(group, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _left_behind(group: int, grace: float = 1.0) -> bool:
    """Whether members of the command's group outlive it by more than `grace` seconds (helpers
    such as multiprocessing's resource tracker take a moment to notice); they are then killed."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except (ProcessLookupError, PermissionError):
            return False
        time.sleep(0.05)
    return _kill_tree(group)


def run_measured(command: Sequence[str | bytes], timeout: float) -> Run:
    """Run `command` in its own session, kill its whole tree after `timeout` seconds."""
    fired = threading.Event()

    def expire(group: int) -> None:
        fired.set()
        _kill_tree(group)

    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as usage,
    ):
        started = time.perf_counter()
        launcher = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", LAUNCHER, usage.name, *command],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        timer = threading.Timer(timeout, expire, (launcher.pid,))
        timer.start()
        try:
            launcher.wait()
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        stray = not fired.is_set() and _left_behind(launcher.pid)
        written = usage.read().split()  # nothing when the launcher was killed on a timeout
        peak_kb, exit_code = map(int, written) if written else (None, launcher.returncode)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds=seconds,
            peak_rss_mb=None if peak_kb is None else peak_kb / 1024,
            exit_code=exit_code,
            timed_out=fired.is_set(),
            stray_processes=stray,
            stdout=out.read(),
            stderr=err.read().decode("utf-8", "replace"),
        )


def secreview_command(target: str | bytes, jobs: int) -> list[str | bytes]:
    """The installed secreview, as a user runs it."""
    return [
        *(sys.executable, "-m", "secreview", "scan", target),
        *("--format", "json", "--no-progress", "-j", str(jobs)),
    ]


def message_prefix(message: str) -> str:
    """The message without its details: numbers and quoted parts blanked, cut at a colon."""
    prefix = message.split(":", 1)[0]
    prefix = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "'…'", prefix)
    return re.sub(r"\d[\d,.]*", "N", prefix)[:70]


@dataclass
class Summary:
    """What a reviewer's run reported, and how it failed if it did."""

    seconds: float
    peak_rss_mb: float | None
    exit_code: int
    reviewed: int = 0
    findings: int = 0
    errors: int = 0
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    errors_by_prefix: dict[str, int] = field(default_factory=dict)
    internal_errors: list[str] = field(default_factory=list)
    crash_reasons: list[str] = field(default_factory=list)

    @property
    def crashed(self) -> bool:
        return bool(self.crash_reasons)


def last_exception(stderr: str) -> str:
    """The exception line of the last traceback, on one line (messages may hold newlines)."""
    tail = stderr.rsplit(TRACEBACK, 1)[-1].splitlines()
    for index, line in enumerate(tail):
        if line and not line[0].isspace() and ("Error" in line or "Exception" in line):
            return " ".join([line, *tail[index + 1 :]])[:120]
    return tail[-1][:120] if tail else "?"


def _crash_reasons(run: Run, timeout: float) -> list[str]:
    reasons: list[str] = []
    if run.timed_out:
        reasons.append(f"timed out after {timeout:g} s")
    elif run.exit_code not in CLEAN_EXITS:
        reasons.append(f"exit code {run.exit_code}")
    if TRACEBACK in run.stderr:
        reasons.append(f"traceback on stderr ({last_exception(run.stderr)})")
    if run.stray_processes:
        reasons.append("left processes running after it exited")
    return reasons


def _payload(run: Run, summary: Summary) -> dict[str, Any] | None:
    """The JSON report; output that is not UTF-8 JSON is a crash, but is still counted when
    decoding it leniently (undecodable file names escaped) makes it JSON."""
    if run.timed_out and not run.stdout:
        return None
    try:
        payload = json.loads(run.stdout)
    except ValueError:
        try:
            payload = json.loads(run.stdout.decode("utf-8", "surrogateescape"))
        except ValueError:
            summary.crash_reasons.append("output is not JSON")
            return None
        summary.crash_reasons.append("output is JSON but not valid UTF-8")
    return payload if isinstance(payload, dict) else None


def summarise_secreview(run: Run, timeout: float) -> Summary:
    """Read secreview's JSON; anything unparsable is a crash too."""
    summary = Summary(
        run.seconds, run.peak_rss_mb, run.exit_code, crash_reasons=_crash_reasons(run, timeout)
    )
    payload = _payload(run, summary)
    if payload is None:
        return summary
    errors = payload.get("errors", [])
    summary.reviewed = payload.get("files_scanned", 0)
    summary.findings = len(payload.get("findings", []))
    summary.errors = len(errors)
    summary.errors_by_kind = dict(Counter(e.get("kind", "?") for e in errors).most_common())
    summary.errors_by_prefix = dict(
        Counter(message_prefix(e.get("message", "")) for e in errors).most_common()
    )
    summary.internal_errors = [
        f"{e.get('path')}: {e.get('message')}" for e in errors if e.get("kind") == "internal"
    ]
    if summary.internal_errors:
        summary.crash_reasons.append(f"{len(summary.internal_errors)} internal errors")
    return summary


def summarise_bandit(run: Run, timeout: float) -> Summary:
    """Read Bandit's JSON report: its `errors` are the files it could not analyse."""
    summary = Summary(
        run.seconds, run.peak_rss_mb, run.exit_code, crash_reasons=_crash_reasons(run, timeout)
    )
    payload = _payload(run, summary)
    if payload is None:
        return summary
    errors = payload.get("errors", [])
    totals = payload.get("metrics", {})
    summary.reviewed = max(0, len(totals) - 1 - len(errors))  # one entry per file + "_totals"
    summary.findings = len(payload.get("results", []))
    summary.errors = len(errors)
    summary.errors_by_prefix = dict(
        Counter(message_prefix(e.get("reason", "")) for e in errors).most_common()
    )
    return summary
