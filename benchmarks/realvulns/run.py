"""Real fixed vulnerabilities: does secreview (and Bandit beside it) find each one, and go quiet
once it is fixed?

For every case in benchmarks/realvulns/cases/ (metadata: case.toml) it reviews the case's
vulnerable.py and fixed.py, read from the files folder (--files DIR, else
$SECREVIEW_REALVULNS_FILES, else the shared folder beside the checkout, shared/realvulns/cases;
see materialise.py), with
`python -m secreview scan ... --format json --no-progress --isolated` and with `bandit -f json`
(skipped, with a message, when Bandit is not installed), each case in its own subprocess under
a time limit. Both tools only read the files as text. A case is *found* when a finding of the
expected CWE, or of a related one (secreview.cwe.related: one is an ancestor of the other along
CWE-1000 primary parents), lies within ±2 lines of an expected line of vulnerable.py; it is
*quiet after fix* when no such finding lies near the fixed lines of fixed.py. *Fixed pair* is
both. A case whose two files are not in the files folder is *not materialised*: counted apart,
never as a miss. Prints one line per case, then totals per CWE class (a case's first CWE) and
overall.

Usage: python benchmarks/realvulns/run.py [--case NAME]... [--json] [--no-bandit]
                                          [--cases DIR] [--files DIR] [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The folder is put on the path just above, so the corpus module imports as in the test.
from realvulns_corpus import (
    CASES_ROOT,
    FIXED,
    MATERIALISE_HINT,
    VULNERABLE,
    WINDOW,
    Case,
    Finding,
    Match,
    case_folders,
    files_root,
    judge,
    load_case,
    validate,
)

Related = Callable[[int, int], bool]


@dataclass(frozen=True, slots=True)
class ToolResult:
    """One tool on one case: what it found before the fix and whether it went quiet after."""

    found: Match | None
    after_fix: Match | None
    error: str | None
    """Why the run, or one of the two files, could not be reviewed in full."""
    fixed_reviewed: bool

    @property
    def quiet(self) -> bool:
        """No matching finding near the fixed lines of a fixed.py that was reviewed."""
        return self.fixed_reviewed and self.after_fix is None

    @property
    def fixed_pair(self) -> bool:
        return self.found is not None and self.quiet


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


def _run(command: list[str], folder: Path, timeout: float) -> tuple[dict[str, Any] | None, str]:
    try:
        done = subprocess.run(
            command, cwd=folder, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return None, f"timeout after {timeout:.0f} s"
    try:
        return json.loads(done.stdout), ""
    except json.JSONDecodeError:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"exit {done.returncode}: {tail[:120]}"


Outcome = tuple[dict[str, list[Finding]], list[str], str | None]
"""Findings per file name, the files that could not be reviewed in full, and a run failure."""


def secreview_findings(folder: Path, timeout: float) -> Outcome:
    """Findings per file name (vulnerable.py, fixed.py), or an error sentence."""
    command = [sys.executable, "-m", "secreview", "scan", VULNERABLE, FIXED]
    command += ["--format", "json", "--no-progress", "--isolated", "-j", "1"]
    report, error = _run(command, folder, timeout)
    if report is None:
        return {}, [], error
    by_file: dict[str, list[Finding]] = {VULNERABLE: [], FIXED: []}
    for item in report.get("findings", []):
        finding = Finding(line=item["line"], cwe=item.get("cwe"), rule=item["rule_id"])
        by_file.setdefault(Path(item["path"]).name, []).append(finding)
    failed = sorted({Path(str(e.get("path", "?"))).name for e in report.get("errors", [])})
    return by_file, failed, None


def bandit_findings(folder: Path, command: list[str], timeout: float) -> Outcome:
    """Bandit's findings per file name; a file Bandit could not parse is an error."""
    report, error = _run([*command, "-f", "json", "-q", VULNERABLE, FIXED], folder, timeout)
    if report is None:
        return {}, [], error
    by_file: dict[str, list[Finding]] = {VULNERABLE: [], FIXED: []}
    for item in report.get("results", []):
        cwe = (item.get("issue_cwe") or {}).get("id")
        finding = Finding(line=item["line_number"], cwe=cwe, rule=item["test_id"])
        by_file.setdefault(Path(item["filename"]).name, []).append(finding)
    failed = sorted({Path(str(e.get("filename", "?"))).name for e in report.get("errors", [])})
    return by_file, failed, None


def assess(
    case: Case, findings: dict[str, list[Finding]], related: Related | None
) -> tuple[Match | None, Match | None]:
    """Judge the vulnerable file at the expected lines and the fixed file at the fixed lines."""
    found = judge(findings.get(VULNERABLE, []), case.cwe, case.lines, related)
    after = judge(findings.get(FIXED, []), case.cwe, case.fixed_lines, related)
    return found, after


def evaluate(
    case: Case,
    related: Related | None,
    bandit: list[str] | None,
    timeout: float,
) -> dict[str, ToolResult]:
    """Run each available tool on one case and judge its findings."""
    results: dict[str, ToolResult] = {}
    runs: list[tuple[str, Callable[[], Outcome]]] = [
        ("secreview", lambda: secreview_findings(case.sources, timeout)),
    ]
    if bandit is not None:
        runs.append(("bandit", lambda: bandit_findings(case.sources, bandit, timeout)))
    for tool, run in runs:
        findings, failed, failure = run()
        found, after = assess(case, findings, related)
        error = failure or (f"errors in {', '.join(failed)}" if failed else None)
        reviewed = failure is None and FIXED not in failed
        results[tool] = ToolResult(
            found=found, after_fix=after, error=error, fixed_reviewed=reviewed
        )
    return results


def describe_match(match: Match | None) -> str:
    if match is None:
        return "missed"
    finding = match.finding
    return f"FOUND {match.rule} CWE-{finding.cwe} L{finding.line} {finding.rule}"


def describe(result: ToolResult | None) -> str:
    if result is None:
        return "-"
    after = "quiet" if result.quiet else ("still flagged" if result.after_fix else "not reviewed")
    text = f"{describe_match(result.found)}; after fix: {after}"
    return f"{text} [{result.error}]" if result.error else text


def totals(rows: Sequence[tuple[Case, dict[str, ToolResult]]], tools: Sequence[str]) -> dict:
    """Counts per CWE class (a case's first CWE) and overall, per tool."""
    groups: dict[str, list[dict[str, ToolResult]]] = {"overall": []}
    for case, results in rows:
        groups.setdefault(f"CWE-{case.primary_cwe}", []).append(results)
        groups.setdefault("overall", []).append(results)
    ordered = sorted((k for k in groups if k != "overall"), key=lambda k: int(k[4:]))
    summary: dict[str, Any] = {}
    for key in [*ordered, "overall"]:
        entries = groups[key]
        summary[key] = {"cases": len(entries)}
        for tool in tools:
            summary[key][tool] = {
                "found": sum(1 for r in entries if r[tool].found is not None),
                "quiet_after_fix": sum(1 for r in entries if r[tool].quiet),
                "fixed_pair": sum(1 for r in entries if r[tool].fixed_pair),
            }
    return summary


def print_report(
    rows: Sequence[tuple[Case, dict[str, ToolResult]]],
    tools: Sequence[str],
    rule: str,
    absent: Sequence[Case],
) -> None:
    print(f"CWE match: {rule}; line window ±{WINDOW}")
    for case, results in rows:
        print(f"{case.name}  CWE-{'/'.join(map(str, case.cwe))}")
        for tool in tools:
            print(f"    {tool:<9} {describe(results.get(tool))}")
    summary = totals(rows, tools)
    print()
    header = f"{'class':<10}{'cases':>6}"
    for tool in tools:
        header += f"  {tool + ' found':>16}{'quiet':>7}{'pair':>6}"
    print(header)
    for key, counts in summary.items():
        line = f"{key:<10}{counts['cases']:>6}"
        for tool in tools:
            tool_counts = counts[tool]
            line += f"  {tool_counts['found']:>16}{tool_counts['quiet_after_fix']:>7}"
            line += f"{tool_counts['fixed_pair']:>6}"
        print(line)
    if absent:
        print(f"not materialised: {len(absent)} (not counted above): ", end="")
        print(", ".join(case.name for case in absent))
        print(f"to get their files: {MATERIALISE_HINT}")


def as_json(match: Match | None) -> dict[str, Any] | None:
    if match is None:
        return None
    finding = match.finding
    return {"rule": match.rule, "cwe": finding.cwe, "line": finding.line, "id": finding.rule}


def json_report(
    rows: Sequence[tuple[Case, dict[str, ToolResult]]],
    tools: Sequence[str],
    rule: str,
    absent: Sequence[Case],
) -> dict[str, Any]:
    cases = []
    for case, results in rows:
        entry: dict[str, Any] = {
            "case": case.name,
            "cwe": list(case.cwe),
            "lines": list(case.lines),
        }
        for tool in tools:
            result = results[tool]
            entry[tool] = {
                "found": as_json(result.found),
                "after_fix": as_json(result.after_fix),
                "quiet_after_fix": result.quiet,
                "error": result.error,
            }
        cases.append(entry)
    return {"match_rule": rule, "window": WINDOW, "tools": list(tools), "cases": cases,
            "totals": totals(rows, tools),
            "not_materialised": [case.name for case in absent]}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", default=[], help="only this case (repeatable)")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.add_argument("--no-bandit", action="store_true", help="do not run Bandit")
    parser.add_argument(
        "--cases", type=Path, default=CASES_ROOT, help="folder of case.toml folders"
    )
    parser.add_argument(
        "--files", type=Path, default=None, help="folder of <case>/vulnerable.py and fixed.py"
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per tool per case")
    args = parser.parse_args(argv)

    folders = case_folders(args.cases)
    if args.case:
        unknown = sorted(set(args.case) - {folder.name for folder in folders})
        if unknown:
            parser.error(f"no such case: {', '.join(unknown)}")
        folders = [folder for folder in folders if folder.name in args.case]
    files = files_root(args.files)
    problems = [
        problem
        for folder in folders
        for problem in validate(folder, None if files is None else files / folder.name)
    ]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2

    related, rule = related_rule()
    bandit = None if args.no_bandit else bandit_command()
    if bandit is None and not args.no_bandit:
        print("Bandit is not installed: skipping it (pip install bandit)", file=sys.stderr)
    tools = ["secreview"] if bandit is None else ["secreview", "bandit"]
    # Without a files folder, a case's files are looked for beside its case.toml.
    cases = [load_case(folder, files) for folder in folders]
    absent = [case for case in cases if not case.materialised]
    rows = [
        (case, evaluate(case, related, bandit, args.timeout)) for case in cases if case.materialised
    ]
    if args.json:
        print(json.dumps(json_report(rows, tools, rule, absent), indent=2, sort_keys=True))
    else:
        print(f"files: {files if files is not None else args.cases} (case.toml: {args.cases})")
        print_report(rows, tools, rule, absent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
