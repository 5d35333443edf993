"""Speed of a whole-tree review, printed beside its floor and beside other tools.

The floor is reading and `ast.parse`-ing the same files in one process: no reviewer that parses
Python can beat it. Bandit and Semgrep run on the same tree in the same run when installed
(Semgrep only with a local rules file, since it has no network here).

Usage: python benchmarks/speed.py [TREE] [--jobs N] [--repeat N] [--semgrep-config RULES.yml]
TREE defaults to the running Python's standard library. Every tool runs as a child process, the
same way (`speed_targets.run_measured`): its wall and CPU seconds are printed, and with
`--repeat N` the median of N runs with the range of the wall times, since one run on a shared
machine can be off by a fifth.
       python benchmarks/speed.py --setup --targets   # issue 11's targets beside Bandit
       python benchmarks/speed.py [TREE] --incremental [--jobs N]
`--incremental` measures the scan cache instead: a cold run, a warm re-run, and a re-run after
editing one file of a copy of TREE.
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import statistics
import sys
import sysconfig
import tempfile
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

import speed_targets

from secreview.config import ScanConfig
from secreview.report.json_report import render_json
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


def timed_runs(command: Sequence[str], repeat: int) -> list[speed_targets.Measured]:
    """`repeat` runs of `command` as a child process, each measured alike."""
    return [speed_targets.run_measured(command) for _ in range(repeat)]


def row(name: str, runs: list[speed_targets.Measured], files: int, size: int, floor: float) -> str:
    """One tool's line: the median wall time, its rates and ratio to the floor, its CPU time,
    and the range of the wall times when there was more than one run."""
    seconds = statistics.median(r.wall for r in runs)
    cpu = statistics.median(r.cpu for r in runs)
    spread = (
        f"  (median of {len(runs)}: {min(r.wall for r in runs):.2f}-"
        f"{max(r.wall for r in runs):.2f} s)"
        if len(runs) > 1
        else ""
    )
    return (
        f"{name:<28} {seconds:8.2f} s {files / seconds:9.0f} files/s "
        f"{size / seconds / 1e6:7.2f} MB/s {seconds / floor:7.1f}x floor "
        f"{cpu:8.2f} s CPU{spread}"
    )


def report_counts(report: Path) -> str:
    """The findings, errors and parse fallbacks of a secreview JSON report."""
    payload = json.loads(report.read_text(encoding="utf-8"))
    return (
        f"{len(payload['findings'])} findings, {len(payload['errors'])} errors, "
        f"{payload['parse_fallbacks']} parse fallbacks"
    )


EDIT = "\n\ndef _secreview_benchmark_edit(value):\n    return value\n"
"""Appended to one file: a new function, so the file's summaries change and its importers are
reviewed again too, not just the file itself."""


def incremental(tree: str, jobs: int) -> None:
    """Cold, warm and one-file-edited runs with the scan cache, on a copy of `tree`; each run's
    time and its ratio to the cold one (target: the edited re-run at most 10 % of cold)."""
    with tempfile.TemporaryDirectory(prefix="secreview-speed-") as folder:
        copy = Path(folder) / "tree"
        shutil.copytree(tree, copy, ignore=shutil.ignore_patterns("__pycache__"), symlinks=True)
        config = ScanConfig(max_file_bytes=50 * 1024 * 1024, cache_dir=str(Path(folder) / "c"))
        sources, _ = discover([str(copy)], config.excludes)
        edited = sorted(sources, key=lambda source: source.shown_as)[len(sources) // 2]
        print(f"tree: {tree} copied ({len(sources)} Python files), -j {jobs}")

        def timed(label: str, run_config: ScanConfig, cold: float | None) -> tuple[float, str]:
            started = time.perf_counter()
            output = render_json(scan([str(copy)], run_config, jobs=jobs))
            elapsed = time.perf_counter() - started
            ratio = f"{elapsed / cold:7.1%} of cold" if cold else ""
            print(f"{label:<40} {elapsed:8.2f} s {ratio}")
            return elapsed, output

        cold, _ = timed("cold (empty cache)", config, None)
        timed("warm re-run (nothing changed)", config, cold)
        with edited.path.open("a", encoding="utf-8") as handle:
            handle.write(EDIT)
        _, cached = timed(f"re-run after editing {edited.path.relative_to(copy)}", config, cold)
        _, fresh = timed(
            "the same tree without the cache",
            ScanConfig(max_file_bytes=config.max_file_bytes),
            cold,
        )
        print(f"{'':40} cached output identical: {'yes' if cached == fresh else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--semgrep-config", help="a local Semgrep rules file or folder")
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool (median printed)")
    speed_targets.add_arguments(parser)
    parser.add_argument("--incremental", action="store_true", help="measure the scan cache")
    args = parser.parse_args()
    if args.incremental:
        incremental(args.tree, args.jobs)
        return
    if speed_targets.run_if_asked(args):
        return

    config = ScanConfig(max_file_bytes=50 * 1024 * 1024)
    sources, _ = discover([args.tree], config.excludes)
    paths = [s.path for s in sources]
    floor, size = parse_floor(paths)
    repeat = max(1, args.repeat)
    print(f"tree: {args.tree}  ({len(paths)} Python files, {size / 1e6:.1f} MB)")
    rate = f"{len(paths) / floor:9.0f} files/s {size / floor / 1e6:7.2f} MB/s"
    print(f"{'ast.parse (floor, 1 proc)':<28} {floor:8.2f} s {rate}")

    with tempfile.TemporaryDirectory(prefix="secreview-speed-") as folder:
        report = Path(folder) / "report.json"
        for jobs in sorted({1, args.jobs}):
            command = speed_targets.secreview_command([args.tree], jobs)
            command[command.index("--output") + 1] = str(report)
            runs = timed_runs(command, repeat)
            print(row(f"secreview scan -j {jobs}", runs, len(paths), size, floor))
            print(f"{'':28} {report_counts(report)}")

    bandit = speed_targets.bandit_command([args.tree])
    if bandit is None:
        print("bandit: not installed beside this Python (pip install bandit to compare)")
    else:
        print(row("bandit -r (1 proc)", timed_runs(bandit, repeat), len(paths), size, floor))
    if not args.semgrep_config:
        print("semgrep: skipped (pass --semgrep-config with a local rules file)")
    elif shutil.which("semgrep") is None:
        print("semgrep: not installed")
    else:
        semgrep = ["semgrep", "scan", "--metrics=off", "--config", args.semgrep_config, args.tree]
        print(row("semgrep scan", timed_runs(semgrep, repeat), len(paths), size, floor))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
