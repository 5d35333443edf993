"""Instructions a whole scan executes, counted by callgrind: the speed measure load cannot move.

This machine's CPU timings swing by a fifth from run to run, so two versions of the engine are
compared by the instructions their scan of the same tree executes (`valgrind --tool=callgrind`,
every process: the scanner and each worker it forks), run back to back with compiled `.pyc`
files (`python -m compileall SRC` first; an uncompiled tree counts the compiler too).

A forked child starts with its parent's counters, so summing what each process reports counts
the parent's start-up (imports, discovery) once more for every worker pool, and a change that
adds or removes a pool looks a billion instructions dearer or cheaper than it is. The parent
therefore dumps and zeroes its counters just before each fork (`--dump-before=PyOS_BeforeFork`):
every process's parts then add up to the work done, each instruction counted once. The hash seed
is fixed (`PYTHONHASHSEED=0`) so that two versions iterate their sets in the same order. The
parent's part still moves with the machine's load (it polls its workers while it waits: 1.207
and 1.291 G for the same source on docutils' parsers, where the worker's 2.679 G did not move),
so compare versions by the workers' parts.

Usage: python benchmarks/instructions.py TREE SRC [SRC ...]   (SRC: a `src` folder to import
secreview from; several are run one after the other and printed side by side)
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

_TOTAL = re.compile(r"^(?:summary|totals):\s*(\d+)", re.MULTILINE)
_PID = re.compile(r"^pid:\s*(\d+)", re.MULTILINE)


def count(tree: Path, src: Path) -> dict[int, int]:
    """Instructions per process id of one `-j 1` scan of `tree` with secreview from `src`."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.%p"
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            "--trace-children=yes",
            "--dump-before=PyOS_BeforeFork",
            sys.executable,
            "-m",
            "secreview",
            "scan",
            str(tree),
            "--format",
            "json",
            "--no-cache",
            "-j",
            "1",
            "--file-timeout",
            "100000",
        ]
        # One hash seed for every run, so that two versions iterate their sets in one order.
        environment = {**os.environ, "PYTHONPATH": str(src), "PYTHONHASHSEED": "0"}
        subprocess.run(
            command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        per_process: dict[int, int] = {}
        for part in Path(folder).iterdir():
            text = part.read_text(errors="replace")
            total, pid = _TOTAL.search(text), _PID.search(text)
            if total and pid:
                per_process[int(pid[1])] = per_process.get(int(pid[1]), 0) + int(total[1])
        return per_process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("src", type=Path, nargs="+")
    arguments = parser.parse_args()
    for src in arguments.src:
        per_process = count(arguments.tree, src.resolve())
        if not per_process:
            raise SystemExit(f"{src}: callgrind wrote no counts (is valgrind installed?)")
        parts = " + ".join(f"{n / 1e9:.3f}" for _, n in sorted(per_process.items()))
        print(f"{src}: {sum(per_process.values()) / 1e9:.3f} G instructions ({parts} by process)")


if __name__ == "__main__":
    main()
