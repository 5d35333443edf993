"""run.py --project: each case judged as a user would meet it, in a scan of the whole package.

File mode scans the case's file alone, so data that enters in another module is invisible. Here
each tool scans the package tree project_tree.py wrote for the case (one scan per side: the
tree at the parent commit, then at the fix commit) and the findings are judged exactly as in
file mode (realvulns_corpus.judge), counted two ways: *project*, the findings reported in the
case's file; *caller*, those and the findings reported at a call in another file whose evidence
names a sink in the case's file (see MODES). The three modes are printed side by side per case
and in totals, with secreview's scan time. Bandit has no cross-file flow, so its columns should
agree; when they do not, the scan itself differs (e.g. a file Bandit skips inside a folder).
"""

from __future__ import annotations

import posixpath
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from project_tree import TreeInfo
from realvulns_corpus import (
    FIXED,
    VULNERABLE,
    WINDOW,
    Case,
    Finding,
    ToolResult,
    as_json,
    describe,
    totals,
)
from scanners import Located, Outcome, Related, Tool, judge_outcome, run_tool

MODES = ("file", "project", "caller")
"""File mode; project mode (findings reported in the case's file); and project mode counting
also a finding reported at a call in another file whose evidence names a sink in the case's
file (the cross-module pass reports a flow where the data enters, the call into the case's
function, and names the sink inside it as `at path.py:LINE`)."""
SIDE_FILES = {"vulnerable": VULNERABLE, "fixed": FIXED}
"""Each side of a tree and the file name that side stands for in an Outcome."""


@dataclass(frozen=True, slots=True)
class ProjectRow:
    """One case in every mode: results per mode per tool, and secreview's scan seconds."""

    case: Case
    tree: TreeInfo
    results: dict[str, dict[str, ToolResult]]
    """mode (one of MODES) -> tool -> result."""
    seconds: dict[str, float]
    """'file' or 'project' -> wall seconds secreview took on the case (both sides)."""


def is_case_file(folder: Path, shown: str, case_path: str) -> bool:
    """Whether a path a tool reported (relative to `folder`, or absolute) is the case's file."""
    return (folder / shown).resolve() == (folder / case_path).resolve()


def names_case_file(sink_path: str, root: str, case_path: str) -> bool:
    """Whether a sink path named in evidence (relative to the scanned folder `root`) is the
    case's file (`case_path`, relative to the repository)."""
    return posixpath.normpath(posixpath.join(root, sink_path)) == case_path


def case_findings(folder: Path, located: Located, case_path: str) -> list[Finding]:
    """The findings of one scan that lie in the case's file."""
    return [item.finding for item in located if is_case_file(folder, item.path, case_path)]


def caller_findings(folder: Path, located: Located, root: str, case_path: str) -> list[Finding]:
    """Findings reported in another file whose evidence names a sink in the case's file, each
    placed at that sink's line so that the same line window judges it."""
    return [
        Finding(line=line, cwe=item.finding.cwe, rule=f"{item.finding.rule} via {item.path}")
        for item in located
        if not is_case_file(folder, item.path, case_path)
        for sink_path, line in item.sinks
        if names_case_file(sink_path, root, case_path)
    ]


def tree_outcome(tool: Tool, tree: TreeInfo, timeout: float) -> tuple[Outcome, Outcome, float]:
    """Scan both sides' trees with `tool`: the case file's findings per side, the same with the
    findings of callers added, and the seconds both scans took."""
    own: dict[str, list[Finding]] = {}
    with_callers: dict[str, list[Finding]] = {}
    failed: list[str] = []
    failures: list[str] = []
    started = time.monotonic()
    for side, name in SIDE_FILES.items():
        folder, root = tree.side(side), tree.roots[side]
        located, errors, failure = run_tool(tool, folder, [root or "."], timeout)
        own[name] = case_findings(folder, located, tree.case_path)
        with_callers[name] = own[name] + caller_findings(folder, located, root, tree.case_path)
        if any(is_case_file(folder, shown, tree.case_path) for shown in errors):
            failed.append(name)
        if failure is not None:
            failures.append(f"{side} tree: {failure}")
    error = "; ".join(failures) or None
    return (own, failed, error), (with_callers, failed, error), time.monotonic() - started


def evaluate_project(
    case: Case,
    tree: TreeInfo,
    file_results: dict[str, ToolResult],
    file_seconds: float,
    tools: Sequence[Tool],
    related: Related | None,
    timeout: float,
) -> ProjectRow:
    """Add project mode to a case already judged in file mode."""
    results: dict[str, dict[str, ToolResult]] = {"file": file_results, "project": {}, "caller": {}}
    seconds = {"file": file_seconds, "project": 0.0}
    for tool in tools:
        own, with_callers, elapsed = tree_outcome(tool, tree, timeout)
        results["project"][tool.name] = judge_outcome(case, own, related)
        results["caller"][tool.name] = judge_outcome(case, with_callers, related)
        if tool.name == "secreview":
            seconds["project"] = elapsed
    return ProjectRow(case, tree, results, seconds)


def changes(row: ProjectRow, tool: str, mode: str = "project") -> list[str]:
    """What `mode` changed from file mode for one tool on one case ('+found', '-quiet', ...)."""
    file, project = row.results["file"][tool], row.results[mode][tool]
    marks = []
    for label, before, after in (
        ("found", file.found is not None, project.found is not None),
        ("quiet", file.quiet, project.quiet),
        ("pair", file.fixed_pair, project.fixed_pair),
    ):
        if before != after:
            marks.append(("+" if after else "-") + label)
    return marks


def side_by_side_totals(rows: Sequence[ProjectRow], tools: Sequence[str]) -> dict[str, Any]:
    """Per mode, the totals file mode prints (per CWE class and overall), over the same cases."""
    return {mode: totals([(row.case, row.results[mode]) for row in rows], tools) for mode in MODES}


def print_side_by_side(
    rows: Sequence[ProjectRow], tools: Sequence[str], rule: str, apart: Sequence[str]
) -> None:
    """Each case in every mode, then totals as `file/project/caller` per tool."""
    print(f"CWE match: {rule}; line window ±{WINDOW}")
    print(
        "modes: file = the case's file alone; project = a scan of its package tree, findings "
        "reported in the case's file; caller = project, and findings reported at a call in "
        "another file whose evidence names the sink in the case's file"
    )
    for row in rows:
        tree = row.tree
        print(
            f"{row.case.name}  CWE-{'/'.join(map(str, row.case.cwe))}  "
            f"tree {tree.roots['vulnerable'] or '.'} ({tree.counts['vulnerable']} files)  "
            f"secreview {row.seconds['file']:.1f} s file, {row.seconds['project']:.1f} s project"
        )
        for tool in tools:
            for mode in MODES:
                marks = changes(row, tool, mode) if mode != "file" else []
                note = f"   <- {' '.join(marks)}" if marks else ""
                print(f"    {tool:<9} {mode:<7} {describe(row.results[mode][tool])}{note}")
    summary = side_by_side_totals(rows, tools)
    print("\ntotals as file/project/caller")
    header = f"{'class':<10}{'cases':>6}"
    for tool in tools:
        header += f"  {tool + ' found':>18}{'quiet':>10}{'pair':>10}"
    print(header)
    for key, counts in summary["file"].items():
        line = f"{key:<10}{counts['cases']:>6}"
        for tool in tools:
            triples = [
                "/".join(str(summary[mode][key][tool][field]) for mode in MODES)
                for field in ("found", "quiet_after_fix", "fixed_pair")
            ]
            line += f"  {triples[0]:>18}{triples[1]:>10}{triples[2]:>10}"
        print(line)
    for tool in tools:
        for mode in MODES[1:]:
            changed = [
                f"{row.case.name} ({' '.join(marks)})"
                for row in rows
                if (marks := changes(row, tool, mode))
            ]
            print(f"{tool} changed in {mode} mode: {', '.join(changed) or 'none'}")
    total = sum(row.seconds["project"] for row in rows)
    print(f"secreview project scans: {total:.0f} s in all (both sides of {len(rows)} cases)")
    for line in apart:
        print(line)


def json_side_by_side(
    rows: Sequence[ProjectRow], tools: Sequence[str], rule: str, apart: Sequence[str]
) -> dict[str, Any]:
    """The same report as data."""
    cases = []
    for row in rows:
        entry: dict[str, Any] = {
            "case": row.case.name,
            "cwe": list(row.case.cwe),
            "lines": list(row.case.lines),
            "tree": {"root": row.tree.roots, "files": row.tree.counts},
            "seconds": {mode: round(value, 2) for mode, value in row.seconds.items()},
        }
        for mode in MODES:
            entry[mode] = {
                tool: {
                    "found": as_json(result.found),
                    "after_fix": as_json(result.after_fix),
                    "quiet_after_fix": result.quiet,
                    "error": result.error,
                }
                for tool, result in row.results[mode].items()
            }
        cases.append(entry)
    return {"match_rule": rule, "window": WINDOW, "tools": list(tools), "cases": cases,
            "totals": side_by_side_totals(rows, tools), "apart": list(apart)}  # fmt: skip
