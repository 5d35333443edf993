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

With --project DIR it also scans each case's package tree (written by materialise.py --project)
and prints file and project mode side by side (project_mode.py).

Usage: python benchmarks/realvulns/run.py [--case NAME]... [--json] [--no-bandit]
                                          [--cases DIR] [--files DIR] [--timeout SECONDS]
                                          [--project DIR] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The folder is put on the path just above, so these modules import as in the test.
from project_mode import ProjectRow, evaluate_project, json_side_by_side, print_side_by_side
from project_tree import read_tree
from realvulns_corpus import (
    CASES_ROOT,
    FIXED,
    MATERIALISE_HINT,
    VULNERABLE,
    WINDOW,
    Case,
    Finding,
    ToolResult,
    as_json,
    case_folders,
    describe,
    files_root,
    load_case,
    totals,
    validate,
)
from scanners import (
    Outcome,
    Related,
    Tool,
    bandit_command,
    bandit_tool,
    judge_outcome,
    related_rule,
    run_tool,
    secreview_tool,
)

T = TypeVar("T")


def file_outcome(tool: Tool, case: Case, timeout: float) -> Outcome:
    """Findings per file name (vulnerable.py, fixed.py) of one run on the case's two files."""
    located, errors, failure = run_tool(tool, case.sources, [VULNERABLE, FIXED], timeout)
    by_file: dict[str, list[Finding]] = {VULNERABLE: [], FIXED: []}
    for reported in located:
        by_file.setdefault(Path(reported.path).name, []).append(reported.finding)
    return by_file, sorted({Path(shown).name for shown in errors}), failure


def evaluate(
    case: Case, related: Related | None, tools: Sequence[Tool], timeout: float
) -> tuple[dict[str, ToolResult], float]:
    """Run each tool on one case's two files and judge its findings; and secreview's seconds."""
    results: dict[str, ToolResult] = {}
    seconds = 0.0
    for tool in tools:
        started = time.monotonic()
        results[tool.name] = judge_outcome(case, file_outcome(tool, case, timeout), related)
        if tool.name == "secreview":
            seconds = time.monotonic() - started
    return results, seconds


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
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        help="CPU seconds per tool per case (ten times it on the wall clock at most; "
        "wall-clock seconds where the platform cannot limit CPU time)",
    )
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        help="also scan each case's package tree in DIR (materialise.py --project) and print "
        "file and project mode side by side",
    )
    parser.add_argument("--jobs", "-j", type=int, default=1, help="cases run at a time")
    parser.add_argument(
        "--threat-model",
        choices=("web", "library", "all"),
        default="web",
        help="secreview's threat model (default web, as a user gets it; library: public "
        "functions' parameters are attacker-controlled too)",
    )
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
    ours = secreview_tool(args.threat_model)
    tools = [ours] if bandit is None else [ours, bandit_tool(bandit)]
    names = [tool.name for tool in tools]
    # Without a files folder, a case's files are looked for beside its case.toml.
    cases = [load_case(folder, files) for folder in folders]
    absent = [case for case in cases if not case.materialised]
    present = [case for case in cases if case.materialised]
    if args.project is not None:
        return run_project(args, present, absent, tools, (related, rule))
    results = in_parallel(
        lambda case: evaluate(case, related, tools, args.timeout)[0], present, args.jobs
    )
    rows = list(zip(present, results, strict=True))
    if args.json:
        print(json.dumps(json_report(rows, names, rule, absent), indent=2, sort_keys=True))
    else:
        print(f"files: {files if files is not None else args.cases} (case.toml: {args.cases})")
        print_report(rows, names, rule, absent)
    return 0


def in_parallel(work: Callable[[Case], T], cases: Sequence[Case], jobs: int) -> list[T]:
    """`work` on each case, `jobs` at a time (each starts its own subprocesses), in order."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        done = []
        for index, result in enumerate(pool.map(work, cases), start=1):
            print(f"[{index}/{len(cases)}] {cases[index - 1].name}", file=sys.stderr)
            done.append(result)
        return done


def run_project(
    args: argparse.Namespace,
    present: Sequence[Case],
    absent: Sequence[Case],
    tools: Sequence[Tool],
    match_rule: tuple[Related | None, str],
) -> int:
    """File mode and project mode side by side on the cases that have both files and a tree."""
    related, rule = match_rule
    trees = {case.name: read_tree(args.project / case.name) for case in present}
    with_tree = [case for case in present if trees[case.name] is not None]
    apart = [
        f"not materialised: {case.name} (to get its files: {MATERIALISE_HINT})" for case in absent
    ]
    apart += [
        f"no project tree: {case.name} (write it: python benchmarks/realvulns/materialise.py "
        f"--project --into {args.project} --case {case.name}; it says why when it cannot)"
        for case in present
        if trees[case.name] is None
    ]

    def both_modes(case: Case) -> ProjectRow:
        tree = trees[case.name]
        assert tree is not None
        results, seconds = evaluate(case, related, tools, args.timeout)
        return evaluate_project(case, tree, results, seconds, tools, related, args.timeout)

    rows = in_parallel(both_modes, with_tree, args.jobs)
    names = [tool.name for tool in tools]
    if args.json:
        report = json_side_by_side(rows, names, rule, apart)
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        print(f"trees: {args.project} (case.toml: {args.cases})")
        print_side_by_side(rows, names, rule, apart)
    return 0


if __name__ == "__main__":
    sys.exit(main())
