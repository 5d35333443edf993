"""Speed of a whole-tree review, printed beside its floor and beside other tools.

The floor is reading and `ast.parse`-ing the same files in one process: no reviewer that parses
Python can beat it. Bandit and Semgrep run on the same tree in the same run when installed
(Semgrep only with a local rules file, since it has no network here).

Usage: python benchmarks/speed.py [TREE] [--jobs N] [--semgrep-config RULES.yml]
TREE defaults to the running Python's standard library.
       python benchmarks/speed.py --setup --targets   # issue 11's targets beside Bandit
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import sysconfig
import time
import warnings
from pathlib import Path

import speed_targets

from secreview.config import ScanConfig
from secreview.scanner import default_jobs, scan
from secreview.sources.discovery import discover


def parse_floor(paths: list[Path]) -> tuple[float, int]:
    """Seconds to read and parse every file in one process, and the bytes read."""
    started = time.perf_counter()
    total = 0
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        total += len(data)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(data)
        except (SyntaxError, ValueError):
            pass
    return time.perf_counter() - started, total


def time_command(command: list[str]) -> float | None:
    """Wall time of an external command (None when it is not installed)."""
    if shutil.which(command[0]) is None:
        return None
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def row(name: str, seconds: float, files: int, size: int, floor: float) -> str:
    return (
        f"{name:<28} {seconds:8.2f} s {files / seconds:9.0f} files/s "
        f"{size / seconds / 1e6:7.2f} MB/s {seconds / floor:7.1f}x floor"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--semgrep-config", help="a local Semgrep rules file or folder")
    speed_targets.add_arguments(parser)
    args = parser.parse_args()
    if speed_targets.run_if_asked(args):
        return

    config = ScanConfig(max_file_bytes=50 * 1024 * 1024)
    sources, _ = discover([args.tree], config.excludes)
    paths = [s.path for s in sources]
    floor, size = parse_floor(paths)
    print(f"tree: {args.tree}  ({len(paths)} Python files, {size / 1e6:.1f} MB)")
    print(row("ast.parse (floor, 1 proc)", floor, len(paths), size, floor))

    for jobs in sorted({1, args.jobs}):
        started = time.perf_counter()
        result = scan([args.tree], config, jobs=jobs)
        elapsed = time.perf_counter() - started
        print(row(f"secreview scan -j {jobs}", elapsed, len(paths), size, floor))
        print(
            f"{'':28} {len(result.findings)} findings, {len(result.errors)} errors, "
            f"{result.extra.get('parse_fallbacks', 0)} parse fallbacks"
        )

    bandit = time_command(["bandit", "-r", args.tree, "-q", "-f", "json", "-o", "/dev/null"])
    if bandit is None:
        print("bandit: not installed (pip install bandit to compare)")
    else:
        print(row("bandit -r (1 proc)", bandit, len(paths), size, floor))
    if args.semgrep_config:
        semgrep = time_command(
            ["semgrep", "scan", "--metrics=off", "--config", args.semgrep_config, args.tree]
        )
        if semgrep is None:
            print("semgrep: not installed")
        else:
            print(row("semgrep scan", semgrep, len(paths), size, floor))
    else:
        print("semgrep: skipped (pass --semgrep-config with a local rules file)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
