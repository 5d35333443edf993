"""Workers end when the scan that started them is killed.

A scan killed from outside (`timeout`, a cancelled CI job, the OOM killer) cannot stop its
workers. Each worker waits on its pipe and leaves when the pipe ends; but a forked worker kept
its own copy of the parent's end, so the pipe never ended and the worker waited for ever (seen:
workers of a scan killed 90 minutes earlier still sleeping), holding the caller's output open.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

KILLED_SCAN = """
import os, signal
from secreview.workers import Budget, WorkerPool

def work(shared, task):
    return task

pool = WorkerPool(work, 2)
pool.run([1, 2, 3, 4], None, budget=lambda t: Budget(seconds=30), on_failure=lambda t, f: None)
print(" ".join(str(worker.process.pid) for worker in pool._slots if worker), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _alive(pid: int) -> bool:
    """Whether process `pid` still runs (a zombie waiting for its new parent to reap it has
    ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; workers fork")
def test_workers_leave_once_their_parent_is_killed() -> None:
    with subprocess.Popen(
        [sys.executable, "-c", KILLED_SCAN], stdout=subprocess.PIPE, text=True
    ) as killed:
        assert killed.stdout is not None
        pids = [int(pid) for pid in killed.stdout.readline().split()]
        assert killed.wait(timeout=120) == -9
    assert len(pids) == 2
    deadline = time.monotonic() + 20
    while any(map(_alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in pids if _alive(pid)]
    for pid in left:  # do not leave them behind (their copy of our stdout too)
        os.kill(pid, 9)
    assert left == []
