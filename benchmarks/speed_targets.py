"""The speed targets of issue 11, each measured beside Bandit in one run and printed as a table.

Every tool runs as a child process of this one, so all are measured alike: wall time, CPU time
(user + system, from `resource.getrusage(RUSAGE_CHILDREN)` before and after the child, which
counts its worker processes too) and peak memory of the whole process tree (the resident sets of
the child and all its descendants, summed, sampled from /proc every few milliseconds; where
/proc is missing, the largest single process the kernel reports).

The project tree is a set of installed packages at pinned versions (`PINNED`), none of them
held out: `--setup` installs them into a scratch folder with `pip install --target --no-deps`.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.util
import os
import resource
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

# 1,159 Python files with internal imports and their own test suites (networkx ships its tests).
PINNED = ("sphinx==7.4.7", "docutils==0.21.2", "networkx==3.3", "pylint==3.2.7", "astroid==3.2.4")
DEFAULT_SCRATCH = Path(tempfile.gettempdir()) / "secreview-speed"
CURVE_SIZES = (1000, 2000, 4000, 8000)
_SAMPLE_SECONDS = 0.02
_SMALL_FILE = 'import subprocess\n\n\ndef run(name):\n    subprocess.run(["ls", name])\n'


@dataclass(frozen=True, slots=True)
class Measured:
    """One child run: seconds of wall and CPU time, and the peak memory of its process tree."""

    wall: float
    cpu: float
    peak_bytes: int


def setup_tree(scratch: Path) -> Path:
    """Install the pinned packages into `scratch/tree` (needs the network once); return it."""
    tree = scratch / "tree"
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile"]
    subprocess.run([*command, "--target", str(tree), *PINNED], check=True)
    return tree


def _children_of() -> dict[int, list[int]]:
    """Parent pid -> child pids, from /proc (empty where there is no /proc)."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        tree.setdefault(int(fields[1]), []).append(int(entry.parent.name))
    return tree


def _tree_rss(root: int) -> int:
    """Resident bytes of `root` and every descendant, summed (0 when /proc cannot say)."""
    children = _children_of()
    pending, total = [root], 0
    page = os.sysconf("SC_PAGE_SIZE")
    while pending:
        pid = pending.pop()
        with contextlib.suppress(OSError, IndexError, ValueError):  # it ended while we looked
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
        pending.extend(children.get(pid, ()))
    return total


def run_measured(command: Sequence[str], env: dict[str, str] | None = None) -> Measured:
    """Run `command` to its end with its output discarded; its wall, CPU and tree peak memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    ended: list[float] = []
    done = threading.Event()

    def wait_for_child() -> None:
        """Note the moment the child ends: the sampling loop below would add up to one sample
        (and one /proc walk) to the wall time, which is most of a start-up's difference."""
        child.wait()
        ended.append(time.perf_counter())
        done.set()

    waiter = threading.Thread(target=wait_for_child, daemon=True)
    waiter.start()
    peak = 0
    while not done.is_set():
        peak = max(peak, _tree_rss(child.pid))
        done.wait(_SAMPLE_SECONDS)
    waiter.join()
    wall = ended[0] - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    largest_process = after.ru_maxrss * 1024  # Linux reports kibibytes
    return Measured(wall, cpu, peak or largest_process)


def median_of(runs: int, command: Sequence[str], env: dict[str, str] | None = None) -> Measured:
    """The median wall, CPU and peak memory of `runs` runs of `command`."""
    results = [run_measured(command, env) for _ in range(runs)]
    return Measured(
        statistics.median(r.wall for r in results),
        statistics.median(r.cpu for r in results),
        int(statistics.median(r.peak_bytes for r in results)),
    )


def secreview_command(paths: Sequence[str], jobs: int) -> list[str]:
    """`secreview scan` of `paths` as a child process (JSON to nowhere, no progress bar), cold:
    without the scan cache, or the second run would only read what the first one stored.

    Run as users run it, by the console script installed beside this Python (as Bandit is);
    `python -m secreview` only where there is none (it also loads `runpy`, ~10 ms more)."""
    script = Path(sys.executable).with_name("secreview")
    program = [str(script)] if script.exists() else [sys.executable, "-m", "secreview"]
    return [
        *program,
        *("scan", "--no-progress", "--no-cache"),
        "--format",
        "json",
        *("--output", os.devnull, "--jobs", str(jobs), *paths),
    ]


def bandit_command(paths: Sequence[str]) -> list[str] | None:
    """Bandit on `paths` (None when it is not installed beside this Python)."""
    bandit = Path(sys.executable).with_name("bandit")
    if not bandit.exists():
        return None
    return [str(bandit), "-r", "-q", "-f", "json", "-o", os.devnull, *paths]


def python_files(tree: Path) -> list[Path]:
    """The Python files under `tree`, in a fixed order (so prefixes are the same every run)."""
    return sorted(p for p in tree.rglob("*.py") if p.is_file())


def parse_floor_cpu(paths: Sequence[Path]) -> float:
    """CPU seconds one process spends reading and `ast.parse`-ing `paths` (the floor)."""
    program = (
        "import ast, sys, time, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "for line in sys.stdin:\n"
        "    try:\n"
        "        ast.parse(open(line.rstrip('\\n'), 'rb').read())\n"
        "    except (OSError, SyntaxError, ValueError):\n"
        "        pass\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    listing = "".join(f"{p}\n" for p in paths)
    subprocess.run([sys.executable, "-c", program], input=listing, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


Row = tuple[str, str, str, bool | None]


def _row(target: str, goal: str, measured: str, met: bool | None) -> Row:
    return (target, goal, measured, met)


@functools.cache
def _with_bytecode() -> dict[str, str]:
    """An environment in which secreview starts from compiled bytecode, as an installed copy
    does (pip compiles it; Bandit's is): its modules are compiled once here, and the variable
    that stops Python writing or reading-through bytecode is left out. Compiled once per run:
    the start-up and whole-tree rows share it (callers do not change the mapping)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    package = importlib.util.find_spec("secreview")
    for folder in (package.submodule_search_locations or []) if package else []:
        command = [sys.executable, "-m", "compileall", "-q", folder]
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False)
    return env


def startup_rows(runs: int) -> list[Row]:
    """Start-up: `secreview scan` of one small file against Bandit on the same file, both from
    compiled bytecode."""
    env = _with_bytecode()
    with tempfile.TemporaryDirectory(prefix="secreview-startup-") as folder:
        small = Path(folder) / "one_small_file.py"
        small.write_text(_SMALL_FILE)
        ours = median_of(runs, secreview_command([str(small)], 1), env)
        bandit = bandit_command([str(small)])
        theirs = median_of(runs, bandit, env) if bandit else None
    rows = [
        _row(
            f"start-up, one file (median of {runs})",
            "<= 0.25 s wall",
            f"{ours.wall:.2f} s wall, {ours.cpu:.2f} s CPU",
            ours.wall <= 0.25,
        )
    ]
    if theirs is not None:  # for comparison: a loaded machine inflates wall time, not CPU time
        said = f"{theirs.wall:.2f} s wall, {theirs.cpu:.2f} s CPU"
        rows.append(_row("  Bandit, the same file", "(reference)", said, None))
    return rows


def tree_rows(tree: Path) -> list[Row]:
    """The whole-tree targets: CPU against Bandit and the parse floor, -j 2 against -j 1, memory.

    Every tool runs from compiled bytecode, as in `startup_rows`: Bandit's installed copy is
    compiled, and a run that compiled secreview's own modules first would charge it about a
    third of a second that no installed copy pays.
    """
    paths = python_files(tree)
    floor = parse_floor_cpu(paths)
    env = _with_bytecode()
    one = run_measured(secreview_command([str(tree)], 1), env)
    two = run_measured(secreview_command([str(tree)], 2), env)
    command = bandit_command([str(tree)])
    bandit = run_measured(command, env) if command else None
    print(f"tree: {tree} ({len(paths)} Python files); ast.parse floor {floor:.1f} s CPU")
    for name, measured in (("secreview -j 1", one), ("secreview -j 2", two), ("bandit", bandit)):
        if measured is not None:
            print(
                f"  {name:<16} {measured.wall:8.1f} s wall {measured.cpu:8.1f} s CPU "
                f"{measured.peak_bytes / 2**20:8.0f} MB peak (all processes)"
            )
    rows = [
        _row(
            "CPU vs the parse floor (-j 1)",
            "<= 6x",
            f"{one.cpu / floor:.1f}x",
            one.cpu <= 6 * floor,
        ),
        _row(
            "-j 2 wall vs -j 1 wall",
            "<= 0.6x",
            f"{two.wall / one.wall:.2f}x",
            two.wall <= 0.6 * one.wall,
        ),
        _row(
            "-j 2 CPU vs -j 1 CPU",
            "within 10 %",
            f"{(two.cpu / one.cpu - 1) * 100:+.0f} %",
            abs(two.cpu / one.cpu - 1) <= 0.10,
        ),
    ]
    if bandit is None:
        rows.append(_row("CPU vs Bandit", "<= 0.5x", "Bandit not installed", None))
        return rows
    extra = (max(one.peak_bytes, two.peak_bytes) - bandit.peak_bytes) / 2**20
    rows += [
        _row(
            "CPU vs Bandit (-j 1)",
            "<= 0.5x",
            f"{one.cpu / bandit.cpu:.2f}x",
            one.cpu <= 0.5 * bandit.cpu,
        ),
        _row("peak memory vs Bandit", "<= +200 MB", f"{extra:+.0f} MB", extra <= 200),
    ]
    return rows


def memory_curve_rows(tree: Path, sizes: Sequence[int], jobs: int) -> list[Row]:
    """Peak memory over growing prefixes of a large tree; growth should be linear in its size."""
    paths = python_files(tree)
    points: list[tuple[int, int]] = []
    print(f"memory curve: prefixes of {tree} ({len(paths)} Python files), -j {jobs}")
    for size in sizes:
        if size > len(paths):
            print(f"  {size:>6} files: the tree has only {len(paths)}")
            continue
        measured = run_measured(secreview_command([str(p) for p in paths[:size]], jobs))
        points.append((size, measured.peak_bytes))
        print(
            f"  {size:>6} files {measured.peak_bytes / 2**20:8.0f} MB peak "
            f"{measured.wall:8.1f} s wall {measured.cpu:8.1f} s CPU"
        )
    if len(points) < 2:
        return [_row("memory growth", "linear", "too few prefixes", None)]
    # Linear (or better): each doubling of the files at most doubles the memory above the first.
    (small, base), (large, peak) = points[0], points[-1]
    ratio = (peak / base) / (large / small)
    return [_row("memory growth over prefixes", "<= linear", f"{ratio:.2f}x of linear", ratio <= 1)]


def print_table(rows: Sequence[Row]) -> None:
    """Target, goal, measured value and verdict, one line each."""
    verdicts: dict[bool | None, str] = {True: "met", False: "MISSED", None: "n/a"}
    print(f"\n{'target':<36} {'goal':<14} {'measured':<30} verdict")
    for target, goal, measured, met in rows:
        print(f"{target:<36} {goal:<14} {measured:<30} {verdicts[met]}")


def run_targets(tree: Path, curve_tree: Path, sizes: Sequence[int], runs: int, jobs: int) -> None:
    """Measure every target and print the table (the start-up first: it is the quickest)."""
    steps: list[Callable[[], list[Row]]] = [
        lambda: startup_rows(runs),
        lambda: tree_rows(tree),
        lambda: memory_curve_rows(curve_tree, sizes, jobs),
    ]
    rows: list[Row] = []
    for step in steps:
        rows.extend(step())
        sys.stdout.flush()
    print_table(rows)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the targets mode of `benchmarks/speed.py`."""
    group = parser.add_argument_group("issue 11 targets (beside Bandit)")
    group.add_argument("--targets", action="store_true", help="measure and print the targets")
    group.add_argument("--setup", action="store_true", help="install the pinned project tree")
    group.add_argument("--scratch", type=Path, default=DEFAULT_SCRATCH)
    group.add_argument(
        "--targets-tree",
        type=Path,
        help="measure the targets on this tree instead of the pinned one (a web service's, "
        "where the cross-module pass has flows to follow)",
    )
    group.add_argument("--curve-tree", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    group.add_argument(
        "--curve-sizes", type=lambda text: [int(n) for n in text.split(",")], default=CURVE_SIZES
    )
    group.add_argument("--runs", type=int, default=10, help="start-up runs (median)")


def run_if_asked(args: argparse.Namespace) -> bool:
    """Run `--setup` and `--targets` when asked; whether either was (then nothing else runs)."""
    tree = args.targets_tree or args.scratch / "tree"
    if args.setup:
        tree = setup_tree(args.scratch)
        print(f"installed {', '.join(PINNED)} into {tree}")
    if args.targets:
        if not tree.is_dir():
            sys.exit(f"{tree} is missing: run with --setup first")
        run_targets(tree, args.curve_tree, args.curve_sizes, args.runs, args.jobs)
    return bool(args.setup or args.targets)
