"""Bad input is normal input: review a hostile corpus and the standard library, count crashes.

Writes a deterministic corpus of every shape of bad input (benchmarks/hostile/), reviews it with
the installed secreview as a user would (`python -m secreview scan DIR --format json -j N`, each
run under a wall-clock limit so a hang is measured, not waited on), then each shape alone to find
the slowest. Prints files reported, errors by kind and by message, crashes (an exit code other
than 0 or 1, a timeout, an internal error, a traceback on stderr, output that is not JSON — the
target is 0), whether `-j 1` and `-j 2` give the same bytes, time and peak memory. Then the same
for the running Python's standard library, and Bandit on the corpus with --compare.

Usage: python benchmarks/robustness.py [--out DIR] [--isolate shape|file|none] [--no-stdlib]
                                       [--compare] [--json REPORT.json]
Exits 1 when anything crashed or the two job counts disagree.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import sysconfig
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hostile.corpus import Corpus, generate
from hostile.measure import (
    Run,
    Summary,
    run_measured,
    secreview_command,
    summarise_bandit,
    summarise_secreview,
)

MEMORY_NOTE = "peak = largest single process of the tree (ru_maxrss), not the sum of workers"


def megabytes(peak: float | None) -> str:
    return "    n/a" if peak is None else f"{peak:7.1f}"


def describe(label: str, summary: Summary) -> list[str]:
    crash = "; ".join(summary.crash_reasons) or "none"
    return [
        f"{label:<34} {summary.seconds:8.2f} s  peak {megabytes(summary.peak_rss_mb)} MB  "
        f"exit {summary.exit_code}",
        f"{'':4}reviewed {summary.reviewed}, errors {summary.errors}, "
        f"findings {summary.findings}; crash: {crash}",
    ]


def counts(title: str, counter: dict[str, int], indent: int = 4) -> list[str]:
    if not counter:
        return [f"{'':{indent}}{title}: none"]
    return [f"{'':{indent}}{title}:"] + [
        f"{'':{indent + 2}}{count:5}  {key}" for key, count in counter.items()
    ]


def first_difference(left: bytes, right: bytes) -> list[str]:
    """The first line where two outputs differ, to show what changed with the job count."""
    left_lines, right_lines = left.splitlines(), right.splitlines()
    for number, (one, other) in enumerate(zip(left_lines, right_lines, strict=False), 1):
        if one != other:
            return [
                f"      line {number}: {one[:100]!r}",
                f"      {'':>{len(str(number)) + 5}} {other[:100]!r}",
            ]
    return [f"      {len(left_lines)} lines vs {len(right_lines)} lines"]


def review_twice(target: str, jobs: int, timeout: float) -> dict[str, Any]:
    """Review `target` with one worker and with `jobs`; compare the bytes of both outputs."""
    runs: dict[int, Run] = {}
    lines: list[str] = []
    summaries: dict[str, Summary] = {}
    for count in sorted({1, jobs}):
        runs[count] = run_measured(secreview_command(target, count), timeout)
        summaries[f"j{count}"] = summarise_secreview(runs[count], timeout)
        lines += describe(f"secreview scan -j {count}", summaries[f"j{count}"])
    first = summaries["j1"]
    lines += counts("errors by kind (-j 1)", first.errors_by_kind)
    lines += counts("errors by message (-j 1)", first.errors_by_prefix)
    for internal in first.internal_errors[:10]:
        lines.append(f"    internal: {internal[:160]}")
    identical = runs[1].stdout == runs[jobs].stdout and not any(r.timed_out for r in runs.values())
    lines.append(f"    -j 1 and -j {jobs} outputs byte-identical: {'yes' if identical else 'NO'}")
    if not identical:
        lines += first_difference(runs[1].stdout, runs[jobs].stdout)
    print("\n".join(lines), flush=True)
    return {"runs": {k: asdict(v) for k, v in summaries.items()}, "identical": identical}


def review_each(corpus: Corpus, isolate: str, timeout: float) -> list[dict[str, Any]]:
    """Review each shape's folder (or each entry) alone with one worker, slowest first."""
    targets: list[tuple[str, str | bytes]] = []
    for shape, paths in corpus.paths.items():
        if isolate == "shape":
            targets.append((shape, str(corpus.root / shape)))
        else:
            targets += [
                (f"{shape}: {name}", path)
                for name, path in zip(corpus.entries[shape], paths, strict=True)
            ]
    rows = []
    for label, target in targets:
        summary = summarise_secreview(run_measured(secreview_command(target, 1), timeout), timeout)
        rows.append({"target": label, **asdict(summary)})
    print(f"each {isolate} alone (-j 1, limit {timeout:g} s), slowest first:")
    return print_rows(rows)


def print_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per target reviewed alone, slowest first."""
    rows.sort(key=lambda row: -row["seconds"])
    print(f"    {'target':<40} {'seconds':>8} {'peak MB':>8} {'reviewed':>8} {'errors':>6}  crash")
    for row in rows:
        crash = "; ".join(row["crash_reasons"]) or "-"
        peak = megabytes(row["peak_rss_mb"])
        print(
            f"    {row['target'][:40]:<40} {row['seconds']:8.2f} {peak:>8} "
            f"{row['reviewed']:8} {row['errors']:6}  {crash[:90]}"
        )
    return rows


def compare_bandit(corpus: Corpus, isolate: str, timeouts: tuple[float, float]) -> dict[str, Any]:
    """Bandit on the same corpus, when installed (it is not a dependency): the whole corpus, then
    each shape alone, since one file that hangs it hides every other result."""
    if shutil.which("bandit") is None:
        print("bandit: not installed, no comparison (pip install bandit)")
        return {}
    whole, alone = timeouts
    run = run_measured(["bandit", "-r", str(corpus.root), "-f", "json", "-q"], whole)
    summary = summarise_bandit(run, whole)
    print("\n".join(describe("bandit -r (1 process)", summary)))
    print("\n".join(counts("errors by message", summary.errors_by_prefix)))
    report: dict[str, Any] = {"whole": asdict(summary), "isolated": []}
    if isolate == "none":
        return report
    print(f"bandit -r on each shape alone (limit {alone:g} s), slowest first:")
    rows = []
    for shape in corpus.paths:
        command = ["bandit", "-r", str(corpus.root / shape), "-f", "json", "-q"]
        rows.append(
            {"target": shape, **asdict(summarise_bandit(run_measured(command, alone), alone))}
        )
    report["isolated"] = print_rows(rows)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the corpus here and keep it")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--scale", type=float, default=1.0, help="sizes and depths (test: 0.01)")
    parser.add_argument("--generated", type=int, default=20, help="hypothesmith programs")
    parser.add_argument("--jobs", type=int, default=2, help="the second job count")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per corpus review")
    parser.add_argument("--stdlib-timeout", type=float, default=600)
    parser.add_argument("--isolate", choices=("shape", "file", "none"), default="shape")
    parser.add_argument("--isolate-timeout", type=float, default=60, help="seconds per target")
    parser.add_argument("--no-stdlib", dest="stdlib", action="store_false")
    parser.add_argument("--compare", action="store_true", help="also run Bandit on the corpus")
    parser.add_argument("--json", type=Path, help="also write the report here")
    options = parser.parse_args()

    corpus = generate(options.out, options.seed, options.scale, options.generated)
    report: dict[str, Any] = {
        "corpus": {
            "root": str(corpus.root),
            "seed": options.seed,
            "scale": options.scale,
            "digest": corpus.digest,
            "entries": {shape: len(names) for shape, names in corpus.entries.items()},
            "generated": corpus.generated_note,
        }
    }
    try:
        print(f"hostile corpus: {corpus.root}  (seed {options.seed}, scale {options.scale})")
        print(
            f"    {len(corpus.entries)} shapes, {corpus.size} entries (files, links, FIFOs), "
            f"digest {corpus.digest}; {corpus.generated_note}"
        )
        print(f"    {MEMORY_NOTE}", flush=True)
        report["hostile"] = review_twice(str(corpus.root), options.jobs, options.timeout)
        if options.isolate != "none":
            report["isolated"] = review_each(corpus, options.isolate, options.isolate_timeout)
        if options.compare:
            timeouts = (options.timeout, options.isolate_timeout)
            report["bandit"] = compare_bandit(corpus, options.isolate, timeouts)
    finally:
        if options.out is None:
            corpus.remove()
    if options.stdlib:
        stdlib = sysconfig.get_paths()["stdlib"]
        print(f"standard library: {stdlib} (site-packages excluded by default)", flush=True)
        report["stdlib"] = review_twice(stdlib, options.jobs, options.stdlib_timeout)

    sections = [report["hostile"], *([report["stdlib"]] if "stdlib" in report else [])]
    crashed = sum(bool(run["crash_reasons"]) for s in sections for run in s["runs"].values())
    crashed += sum(bool(row["crash_reasons"]) for row in report.get("isolated", []))
    differ = sum(not section["identical"] for section in sections)
    report["crashed_runs"] = crashed
    print(f"crashed runs: {crashed} (target 0); job counts disagreeing: {differ} (target 0)")
    if options.json:
        options.json.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    return 1 if crashed or differ else 0


if __name__ == "__main__":
    sys.exit(main())
