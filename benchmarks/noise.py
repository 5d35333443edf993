"""False alarms on real code: scan mature projects' installed sources and check a triage record.

Precision measured on our own corpus says little, since the corpus was written beside the engine.
This scans the installed sources of mature, well-reviewed projects (benchmarks/noise/projects.toml,
none of them held out), prints findings per 10,000 lines per project and per rule, and matches every
finding against benchmarks/noise/triage.tsv, where each row is a verdict reached by reading the code
(true: an attacker could use it; defensible: a reviewer would accept the comment; false: wrong).

The projects are installed from wheels without dependencies into a scratch venv, so their code is
only read: nothing of theirs is imported or run by us.

Usage: python benchmarks/noise.py --setup [--venv DIR]     (once: install the pinned projects)
       python benchmarks/noise.py [--venv DIR] [--compare-bandit] [--untriaged] [--judged]
                                  [--jobs N] [--select RULES]   (ALL: also rules off by default)
                                  [--threat-model web|library|all]
Paths in triage.tsv are relative to site-packages (`falcon/app.py`, `bottle.py`).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent / "noise"
DEFAULT_VENV = Path("/tmp/secreview-noise-venv")
PYTHON_SUFFIXES = (".py", ".pyw")
VERDICTS = ("true", "defensible", "false")
NOTE_TAG = "note"
"""Findings in test code that the scanner reports only as notes; they are not counted."""
CLEAN_EXITS = (0, 1)


@dataclass(frozen=True)
class Project:
    """One pinned project and the package folders (or single modules) of it that are scanned."""

    name: str
    version: str
    packages: tuple[str, ...]


@dataclass(frozen=True, order=True)
class Finding:
    """The part of a finding a triage row is matched on, plus the message to read it by."""

    project: str
    path: str
    line: int
    rule: str
    message: str = ""
    confidence: str = ""
    """How sure the rule is (high, medium, low): a user's `--min-confidence` keeps some."""

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.project, self.path, self.line, self.rule)


@dataclass(frozen=True)
class Verdict:
    """One triage row: the finding it judges, the verdict and why."""

    project: str
    path: str
    line: int
    rule: str
    verdict: str
    reason: str

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.project, self.path, self.line, self.rule)


@dataclass(frozen=True)
class Triage:
    """Findings matched against verdicts: judged, not judged, and rows that match nothing."""

    judged: tuple[tuple[Finding, Verdict], ...]
    untriaged: tuple[Finding, ...]
    stale: tuple[Verdict, ...]


def load_projects(path: Path) -> list[Project]:
    """The projects file, in file order (the order every table is printed in)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Project(p["name"], p["version"], tuple(p["packages"])) for p in data["project"]]


def load_triage(path: Path) -> list[Verdict]:
    """Triage rows; a malformed row stops the run with its line number, since a typo would
    otherwise silently turn a judged finding into an untriaged one."""
    verdicts = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t"), start=1):
            if not row or row[0].startswith("#") or row[0] == "project":
                continue
            if len(row) != 6 or not row[2].isdigit() or row[4] not in VERDICTS:
                raise SystemExit(
                    f"{path}:{number}: expected 6 tab-separated columns "
                    f"(project, path, line, rule, {'|'.join(VERDICTS)}, reason)"
                )
            verdicts.append(Verdict(row[0], row[1], int(row[2]), row[3], row[4], row[5]))
    return verdicts


def findings_from_report(project: str, report: dict, root: Path) -> list[Finding]:
    """The counted findings of one secreview JSON report, paths made relative to `root`."""
    found = []
    for item in report["findings"]:
        if NOTE_TAG in item.get("tags", ()):
            continue
        path = Path(item["path"])
        relative = path.relative_to(root) if path.is_absolute() else path
        found.append(
            Finding(
                project,
                relative.as_posix(),
                item["line"],
                item["rule_id"],
                item["message"],
                item["confidence"],
            )
        )
    return sorted(found)


def match(findings: Iterable[Finding], verdicts: Iterable[Verdict]) -> Triage:
    """Pair each finding with the verdict of the same project, path, line and rule."""
    by_key = {v.key: v for v in verdicts}
    judged, untriaged, seen = [], [], set()
    for finding in sorted(findings):
        verdict = by_key.get(finding.key)
        if verdict is None:
            untriaged.append(finding)
        else:
            judged.append((finding, verdict))
            seen.add(finding.key)
    stale = sorted((v for v in by_key.values() if v.key not in seen), key=lambda v: v.key)
    return Triage(tuple(judged), tuple(untriaged), tuple(stale))


def accepted_share(pairs: Sequence[tuple[Finding, Verdict]]) -> float | None:
    """The share of judged findings that are true or defensible (None when none is judged)."""
    if not pairs:
        return None
    return sum(v.verdict != "false" for _, v in pairs) / len(pairs)


def percent(share: float | None, decimals: int = 0) -> str:
    return "-" if share is None else f"{100 * share:.{decimals}f}%"


def per_10k(count: int, lines: int) -> str:
    return "-" if lines == 0 else f"{10_000 * count / lines:.1f}"


def by_rule_order(counts: Counter[str]) -> list[str]:
    """Rules by descending count, then by name, so ties print in a fixed order."""
    return sorted(counts, key=lambda rule: (-counts[rule], rule))


def count_lines(target: Path) -> int:
    """Non-blank lines that are not only a comment, in every Python file under `target`."""
    files = (
        [target]
        if target.is_file()
        else sorted(p for p in target.rglob("*") if p.suffix in PYTHON_SUFFIXES and p.is_file())
    )
    total = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        total += sum(1 for line in text.splitlines() if line.strip()[:1] not in ("", "#"))
    return total


def site_packages(venv: Path) -> Path:
    """The venv's site-packages folder (the first, should it somehow have several)."""
    found = sorted(venv.glob("lib/python*/site-packages"))
    if not found:
        raise SystemExit(f"{venv}: no site-packages; run `python benchmarks/noise.py --setup`")
    return found[0]


def setup(venv: Path, projects: Sequence[Project]) -> None:
    """A fresh venv with the pinned projects: wheels only (no build script of theirs runs), no
    dependencies and no byte-compiling, since we only read their sources."""
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    pins = [f"{p.name}=={p.version}" for p in projects]
    subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--no-compile",
            *pins,
        ],
        check=True,
    )


def scan(target: Path, jobs: int, options: Sequence[str] = ()) -> dict:
    """secreview's JSON report on `target`, run as a user runs it, from the current checkout
    (`options`: more `scan` options, such as a rule selection or a threat model)."""
    command = [
        sys.executable,
        "-m",
        "secreview",
        "scan",
        str(target),
        "--format",
        "json",
        "--no-progress",
        "-j",
        str(jobs),
        *options,
    ]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode not in CLEAN_EXITS:
        raise SystemExit(
            f"secreview failed on {target} ({done.returncode}): {done.stderr[-500:]!r}"
        )
    return json.loads(done.stdout)


def bandit_counts(target: Path) -> Counter[str] | None:
    """Bandit's findings on `target` by test id (None when Bandit is not installed)."""
    if shutil.which("bandit") is None:
        return None
    command = ["bandit", "-r", str(target), "-q", "-f", "json"]
    done = subprocess.run(command, capture_output=True, check=False)
    report = json.loads(done.stdout or b"{}")
    return Counter(f"{r['test_id']} {r['test_name']}" for r in report.get("results", []))


@dataclass(frozen=True)
class Measured:
    """One project's scan: its lines and counted findings (and Bandit's, when asked)."""

    project: Project
    lines: int
    findings: tuple[Finding, ...]
    bandit: Counter[str] | None = None


def measure(
    project: Project, root: Path, jobs: int, with_bandit: bool, options: Sequence[str] = ()
) -> Measured:
    """Scan every package folder of one project."""
    findings: list[Finding] = []
    lines = 0
    bandit: Counter[str] | None = Counter() if with_bandit else None
    for package in project.packages:
        target = root / package
        if not target.exists():
            raise SystemExit(f"{target}: missing; run `python benchmarks/noise.py --setup`")
        lines += count_lines(target)
        findings += findings_from_report(project.name, scan(target, jobs, options), root)
        if bandit is not None:
            counts = bandit_counts(target)
            bandit = None if counts is None else bandit + counts
    return Measured(project, lines, tuple(sorted(findings)), bandit)


def project_table(results: Sequence[Measured], triage: Triage) -> list[str]:
    """Per project: lines, findings, per 10k lines, triaged share accepted, top rules."""
    judged = [pair for pair in triage.judged]
    out = [
        f"{'project':<22} {'lines':>7} {'findings':>8} {'/10k':>6} {'triaged':>7} {'ok%':>5}  rules"
    ]
    for result in results:
        mine = [pair for pair in judged if pair[0].project == result.project.name]
        rules = Counter(f.rule for f in result.findings)
        listed = ", ".join(f"{r} {rules[r]}" for r in by_rule_order(rules))
        label = f"{result.project.name} {result.project.version}"
        out.append(
            f"{label:<22} {result.lines:>7} {len(result.findings):>8} "
            f"{per_10k(len(result.findings), result.lines):>6} {len(mine):>7} "
            f"{percent(accepted_share(mine)):>5}  {listed}"
        )
    lines = sum(r.lines for r in results)
    total = sum(len(r.findings) for r in results)
    out.append(
        f"{'all':<22} {lines:>7} {total:>8} {per_10k(total, lines):>6} "
        f"{len(judged):>7} {percent(accepted_share(judged)):>5}"
    )
    return out


def rule_table(results: Sequence[Measured], triage: Triage) -> list[str]:
    """Per rule: findings, per 10k lines, verdict counts and the share accepted."""
    lines = sum(r.lines for r in results)
    counts = Counter(f.rule for r in results for f in r.findings)
    out = [
        f"{'rule':<34} {'findings':>8} {'/10k':>6} {'true':>5} {'def':>5} {'false':>5} {'ok%':>5}"
    ]
    for rule in by_rule_order(counts):
        mine = [pair for pair in triage.judged if pair[0].rule == rule]
        verdicts = Counter(v.verdict for _, v in mine)
        out.append(
            f"{rule:<34} {counts[rule]:>8} {per_10k(counts[rule], lines):>6} "
            f"{verdicts['true']:>5} {verdicts['defensible']:>5} {verdicts['false']:>5} "
            f"{percent(accepted_share(mine)):>5}"
        )
    return out


CONFIDENCES = ("high", "medium", "low")


def confidence_table(triage: Triage) -> list[str]:
    """The share accepted among the findings a user sees at each `--min-confidence`: whether
    a finding's confidence says how sure we are, measured on code we did not write."""
    out = [f"{'--min-confidence':<18} {'findings':>8} {'ok%':>5}"]
    for number, level in enumerate(CONFIDENCES):
        shown = [pair for pair in triage.judged if pair[0].confidence in CONFIDENCES[: number + 1]]
        out.append(f"{level:<18} {len(shown):>8} {percent(accepted_share(shown)):>5}")
    return out


def triage_summary(triage: Triage) -> list[str]:
    """Triaged and untriaged counts, the overall verdicts, and rows that no longer match."""
    verdicts = Counter(v.verdict for _, v in triage.judged)
    share = percent(accepted_share(triage.judged), 1)  # one decimal: never rounds up to a goal
    out = [
        f"triaged {len(triage.judged)}, untriaged {len(triage.untriaged)}; "
        f"true {verdicts['true']}, defensible {verdicts['defensible']}, "
        f"false {verdicts['false']}: {share} true or defensible",
        f"triage rows no longer found (fixed or moved): {len(triage.stale)}",
    ]
    out += [
        f"  {v.project} {v.path}:{v.line} {v.rule} [{v.verdict}] {v.reason}" for v in triage.stale
    ]
    return out


def bandit_table(results: Sequence[Measured]) -> list[str]:
    """Bandit's counts per project beside ours, and its most frequent tests overall."""
    if any(r.bandit is None for r in results):
        return ["bandit: not installed (pip install bandit to compare)"]
    out = [f"{'project':<22} {'secreview':>9} {'/10k':>6} {'bandit':>7} {'/10k':>6}"]
    overall: Counter[str] = Counter()
    for result in results:
        assert result.bandit is not None
        overall += result.bandit
        ours, theirs = len(result.findings), sum(result.bandit.values())
        out.append(
            f"{result.project.name:<22} {ours:>9} {per_10k(ours, result.lines):>6} "
            f"{theirs:>7} {per_10k(theirs, result.lines):>6}"
        )
    out.append("bandit tests: " + ", ".join(f"{t} {overall[t]}" for t in by_rule_order(overall)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    parser.add_argument("--projects", type=Path, default=HERE / "projects.toml")
    parser.add_argument("--triage", type=Path, default=HERE / "triage.tsv")
    parser.add_argument("--setup", action="store_true", help="(re)create the venv and install")
    parser.add_argument("--jobs", "-j", type=int, default=2)
    parser.add_argument("--compare-bandit", action="store_true")
    parser.add_argument("--untriaged", action="store_true", help="list untriaged findings")
    parser.add_argument(
        "--judged", action="store_true", help="list every finding with its confidence and verdict"
    )
    parser.add_argument("--select", help="as `scan --select` (ALL also runs rules off by default)")
    parser.add_argument(
        "--threat-model",
        choices=("web", "library", "all"),
        help="as `scan --threat-model` (library: public functions' parameters are the attacker's)",
    )
    args = parser.parse_args()
    options = [
        *(("--select", args.select) if args.select else ()),
        *(("--threat-model", args.threat_model) if args.threat_model else ()),
    ]

    projects = load_projects(args.projects)
    if args.setup:
        setup(args.venv, projects)
        return
    root = site_packages(args.venv)
    verdicts = load_triage(args.triage) if args.triage.exists() else []
    results = [measure(p, root, args.jobs, args.compare_bandit, options) for p in projects]
    triage = match((f for r in results for f in r.findings), verdicts)
    sections = [
        project_table(results, triage),
        rule_table(results, triage),
        confidence_table(triage),
        triage_summary(triage),
    ]
    if args.compare_bandit:
        sections.append(bandit_table(results))
    if args.untriaged:
        sections.append(
            [f"{f.project}\t{f.path}\t{f.line}\t{f.rule}\t{f.message}" for f in triage.untriaged]
        )
    if args.judged:
        sections.append(
            [
                f"{f.project}\t{f.path}:{f.line}\t{f.rule}\t{f.confidence}\t{v.verdict}\t{v.reason}"
                for f, v in sorted(triage.judged)
            ]
        )
    print("\n\n".join("\n".join(section) for section in sections))


if __name__ == "__main__":
    main()
