"""Review each real vulnerability's fix commit as a reviewer would: file by file, and --project.

A fix commit is the change a reviewer sees. For each case whose repository is mirrored locally
(materialise.py's layout), `secreview review --commit <fix_commit>` runs on the mirror (git
objects only; bare mirrors are fine) twice: each changed file reviewed alone, and the change
reviewed inside its whole project (`--project`). Counted per mode:

- *recognised*: the review lists as **resolved** a finding of the case's CWE (or a related one,
  as run.py judges) within ±2 lines of an expected line of the vulnerable file: in the case's
  file, or, for a flow reported where the data enters, in another file whose evidence names a
  sink in the case's file;
- *new*: findings the review says the fix introduced (a fix rarely adds a defect, so these are
  mostly noise a reviewer would have to read);
- the seconds each review took.

Projects with more Python files than --max-files at the fix commit are left out (listed), since
--project scans the project twice. Nothing from the projects is run.

Usage: python benchmarks/realvulns/review_mode.py [--mirror-root DIR] [--case NAME]...
                                                 [--limit N] [--max-files N] [-j N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from git_read import MIRROR_ROOT, git_dirs
from project_mode import names_case_file
from realvulns_corpus import CASE_FILE, Finding, case_folders, judge
from scanners import read_secreview, related_rule

MODES = {"alone": (), "project": ("--project",)}
GIT = ("git", "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false")


@dataclass(frozen=True, slots=True)
class Row:
    """One case's reviews: per mode, recognised or not, new findings, seconds, or an error."""

    name: str
    recognised: dict[str, bool]
    new: dict[str, int]
    seconds: dict[str, float]
    error: str | None = None


def _git_dir_with(candidates: list[Path], commit: str) -> Path | None:
    """The first candidate git directory that holds `commit`."""
    for git_dir in candidates:
        found = subprocess.run(
            [*GIT, "--git-dir", str(git_dir), "cat-file", "-e", f"{commit}^{{commit}}"],
            capture_output=True,
            check=False,
        )
        if found.returncode == 0:
            return git_dir
    return None


def _python_files(git_dir: Path, commit: str) -> int:
    listing = subprocess.run(
        [*GIT, "--git-dir", str(git_dir), "ls-tree", "-r", "-z", "--name-only", commit],
        capture_output=True,
        check=True,
    ).stdout
    return sum(1 for name in listing.split(b"\0") if name.endswith((b".py", b".pyw")))


def _recognised(payload: dict, case: dict, related: object) -> bool:
    """Whether a resolved finding lies at the case's lines (its file, or a sink named there)."""
    located, _ = read_secreview({"findings": payload.get("resolved", [])})
    near: list[Finding] = [r.finding for r in located if r.path == case["path"]]
    near += [
        Finding(line=line, cwe=r.finding.cwe, rule=r.finding.rule)
        for r in located
        for sink_path, line in r.sinks
        if r.path != case["path"] and names_case_file(sink_path, "", case["path"])
    ]
    return judge(near, case["cwe"], case["lines"], related) is not None  # type: ignore[arg-type]


def review_case(folder: Path, git_dir: Path, jobs: int, timeout: float, related: object) -> Row:
    """Both reviews of one case's fix commit."""
    case = tomllib.loads((folder / CASE_FILE).read_text(encoding="utf-8"))
    row = Row(folder.name, {}, {}, {})
    with tempfile.TemporaryDirectory(prefix="secreview-review-mode-") as cache:
        for mode, extra in MODES.items():
            command = [sys.executable, "-m", "secreview", "review", "-C", str(git_dir)]
            command += ["--commit", case["fix_commit"], "--format", "json", "-j", str(jobs)]
            command += ["--cache-dir", cache, *extra]
            started = time.monotonic()
            try:
                done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
            except subprocess.TimeoutExpired:
                return Row(folder.name, {}, {}, {}, f"{mode}: over {timeout:.0f} s")
            row.seconds[mode] = time.monotonic() - started
            if done.returncode not in (0, 1):
                message = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
                return Row(folder.name, {}, {}, {}, f"{mode}: exit {done.returncode} {message}")
            payload = json.loads(done.stdout)
            row.recognised[mode] = _recognised(payload, case, related)
            row.new[mode] = len(payload.get("findings", []))
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror-root", type=Path, default=MIRROR_ROOT)
    parser.add_argument("--case", action="append", default=[], help="only this case")
    parser.add_argument("--limit", type=int, help="at most this many cases (in name order)")
    parser.add_argument("--max-files", type=int, default=800, help="larger projects left out")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="secreview's worker processes")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per review")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    args = parser.parse_args()
    related, _ = related_rule()
    folders = [f for f in case_folders() if not args.case or f.name in args.case]
    rows: list[Row] = []
    left_out: list[tuple[str, str]] = []
    for folder in folders:
        if args.limit is not None and len(rows) >= args.limit:
            break
        case = tomllib.loads((folder / CASE_FILE).read_text(encoding="utf-8"))
        candidates = git_dirs(case["repository"], args.mirror_root, None)
        git_dir = _git_dir_with(candidates, case["fix_commit"])
        if git_dir is None:
            left_out.append((folder.name, "no local mirror holds the fix commit"))
            continue
        if (count := _python_files(git_dir, case["fix_commit"])) > args.max_files:
            left_out.append((folder.name, f"{count} Python files > --max-files"))
            continue
        rows.append(review_case(folder, git_dir, args.jobs, args.timeout, related))
        if not args.json:
            print(_line(rows[-1]), flush=True)
    _summary(rows, left_out, args.json)
    return 0


def _line(row: Row) -> str:
    if row.error:
        return f"{row.name}: error: {row.error}"
    cells = [
        f"{mode} {'R' if row.recognised[mode] else '-'} new {row.new[mode]} "
        f"{row.seconds[mode]:.1f}s"
        for mode in MODES
    ]
    return f"{row.name}: " + " | ".join(cells)


def _summary(rows: list[Row], left_out: list[tuple[str, str]], as_json: bool) -> None:
    done = [r for r in rows if r.error is None]
    totals = {
        mode: {
            "recognised": sum(r.recognised[mode] for r in done),
            "new": sum(r.new[mode] for r in done),
            "seconds": round(sum(r.seconds[mode] for r in done), 1),
        }
        for mode in MODES
    }
    if as_json:
        report = {
            "cases": [
                {"name": r.name, "recognised": r.recognised, "new": r.new, "error": r.error}
                for r in rows
            ],
            "reviewed": len(done),
            "totals": totals,
            "left_out": [{"name": n, "reason": why} for n, why in left_out],
        }
        print(json.dumps(report, indent=2))
        return
    print(
        f"\n{len(done)} fix commits reviewed ({len(rows) - len(done)} errors, "
        f"{len(left_out)} left out)"
    )
    for mode, total in totals.items():
        print(
            f"  {mode:8} resolved at the case's lines {total['recognised']:4}   "
            f"new findings {total['new']:5}   {total['seconds']:8.1f} s"
        )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
