"""The real-vulnerability corpus as data: cases, their validation, and how a finding is judged.

Kept apart from run.py (which starts the tools) so that the unit test can check the corpus and
the matching rules without running a scanner. Each case is a folder
`cases/<project>-<advisory>/` in the repository holding `case.toml` (where the code comes from and
what a reviewer should point at). The two source files, `vulnerable.py` (the file as it was before
the fix) and `fixed.py` (as it was after), are third-party code and are not committed: they live
in a *files folder* laid out the same way (`<files>/<case>/vulnerable.py`), written by
materialise.py or kept in the team's shared folder. The files are only ever read as text.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CASES_ROOT = Path(__file__).resolve().parent / "cases"
REPOSITORY_ROOT = CASES_ROOT.parents[2]
FILES_ENV = "SECREVIEW_REALVULNS_FILES"
"""The environment variable naming the files folder when --files is not given."""
SHARED_FILES = Path("shared") / "realvulns" / "cases"
"""Where the team's shared folder, beside the checkout, keeps the materialised files."""
MATERIALISE_HINT = (
    "python benchmarks/realvulns/materialise.py --into DIR (from local git copies of the "
    f"projects), then pass --files DIR or set {FILES_ENV}=DIR"
)
VULNERABLE = "vulnerable.py"
FIXED = "fixed.py"
CASE_FILE = "case.toml"
WINDOW = 2
"""A finding counts when it is within this many lines of an expected line: a reviewer pointing
at the call and a tool pointing at its first argument's line are pointing at the same thing."""

_SHA = re.compile(r"^[0-9a-f]{40}$")
_ADVISORY = re.compile(r"^(PYSEC-\d{4}-\d+|GHSA(-[23456789cfghjmpqrvwx]{4}){3}|CVE-\d{4}-\d+)$")
_ALIAS = re.compile(r"^[A-Z]+(-[A-Za-z0-9]+)+$")
"""Other databases' ids for the same advisory (CVE, GHSA, SNYK-...)."""
_FIELDS: dict[str, type] = {
    "project": str,
    "repository": str,
    "license": str,
    "advisory": str,
    "aliases": list,
    "advisory_url": str,
    "fix_commit": str,
    "parent_commit": str,
    "path": str,
    "cwe": list,
    "lines": list,
    "fixed_lines": list,
    "description": str,
}
_OPTIONAL_FIELDS: dict[str, type] = {"notes": str}
"""`notes`: why the fixed file is still reported, when the fix is incomplete or the finding left
is another flaw (read by people, not by run.py: a case keeps its score either way)."""


@dataclass(frozen=True, slots=True)
class Case:
    """One fixed vulnerability: where it was, what kind it is, and where a reviewer points."""

    name: str
    folder: Path
    """The metadata folder (case.toml)."""
    sources: Path
    """Where vulnerable.py and fixed.py are expected (<files folder>/<name>); may not exist."""
    project: str
    repository: str
    advisory: str
    cwe: tuple[int, ...]
    lines: tuple[int, ...]
    fixed_lines: tuple[int, ...]
    description: str

    @property
    def primary_cwe(self) -> int:
        """The class the case is counted under in the totals (its first CWE)."""
        return self.cwe[0]

    @property
    def materialised(self) -> bool:
        """Both source files are in the files folder, so the case can be reviewed."""
        return is_materialised(self.sources)


def is_materialised(sources: Path) -> bool:
    """Whether a case's files folder holds both source files."""
    return (sources / VULNERABLE).is_file() and (sources / FIXED).is_file()


def _checkout_parents() -> list[Path]:
    """The folders a shared folder may sit in: beside this checkout and, when this checkout is a
    git worktree (its .git is a file), beside the main checkout it belongs to."""
    parents = [REPOSITORY_ROOT.parent]
    dot_git = REPOSITORY_ROOT / ".git"
    if dot_git.is_file():
        gitdir = Path(dot_git.read_text(encoding="utf-8").partition("gitdir:")[2].strip())
        common = gitdir / "commondir"
        if common.is_file():
            main_git = (gitdir / common.read_text(encoding="utf-8").strip()).resolve()
            parents.append(main_git.parent.parent)
    return parents


def files_root(explicit: Path | None = None) -> Path | None:
    """The files folder: `explicit` (--files), else $SECREVIEW_REALVULNS_FILES, else the team's
    shared folder beside the checkout when it exists; None when there is none."""
    if explicit is not None:
        return explicit
    if os.environ.get(FILES_ENV):
        return Path(os.environ[FILES_ENV])
    for parent in _checkout_parents():
        if (parent / SHARED_FILES).is_dir():
            return parent / SHARED_FILES
    return None


@dataclass(frozen=True, slots=True)
class Finding:
    """What a tool reported, reduced to what the judgement needs."""

    line: int
    cwe: int | None
    rule: str


@dataclass(frozen=True, slots=True)
class Match:
    """A finding that counts for a case, and which CWE rule made it count."""

    finding: Finding
    expected_cwe: int
    rule: str
    """'exact' (same CWE) or 'related' (one is an ancestor of the other in CWE-1000)."""


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8", errors="replace").splitlines())


def _int_list(value: object) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, int) and not isinstance(item, bool) for item in value)
    )


def validate(folder: Path, sources: Path | None = None) -> list[str]:
    """Every way the case is malformed, as sentences; empty when it is well-formed.

    `folder` holds case.toml; `sources` the two files (by default the same folder). The checks
    that need the files run only when both are there: a case not materialised is not malformed.
    """
    if not (folder / CASE_FILE).is_file():
        return [f"{folder.name}: missing {CASE_FILE}"]
    try:
        data = tomllib.loads((folder / CASE_FILE).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        return [f"{folder.name}: case.toml is not TOML ({error})"]
    problems = [
        f"{folder.name}: field {key!r} missing or not {kind.__name__}"
        for key, kind in _FIELDS.items()
        if not isinstance(data.get(key), kind)
    ]
    problems += [
        f"{folder.name}: field {key!r} not {kind.__name__}"
        for key, kind in _OPTIONAL_FIELDS.items()
        if key in data and not isinstance(data[key], kind)
    ]
    known = set(_FIELDS) | set(_OPTIONAL_FIELDS)
    problems += [f"{folder.name}: unknown field {key!r}" for key in sorted(set(data) - known)]
    if problems:
        return problems
    checks: list[tuple[bool, str]] = [
        (folder.name == f"{data['project']}-{data['advisory']}", "folder is not project-advisory"),
        (bool(_ADVISORY.match(data["advisory"])), "advisory is not a PYSEC/GHSA/CVE id"),
        (all(isinstance(a, str) and _ALIAS.match(a) for a in data["aliases"]), "bad alias"),
        (data["repository"].startswith("https://"), "repository is not an https URL"),
        (data["advisory_url"].startswith("https://"), "advisory_url is not an https URL"),
        (bool(_SHA.match(data["fix_commit"])), "fix_commit is not a 40-hex commit"),
        (bool(_SHA.match(data["parent_commit"])), "parent_commit is not a 40-hex commit"),
        (data["path"].endswith(".py"), "path is not a Python file"),
        (bool(data["license"].strip()), "license is empty"),
        (bool(data["description"].strip()) and "\n" not in data["description"], "description"),
        ("\n" not in data.get("notes", "") and data.get("notes", "x").strip() != "", "notes"),
        (_int_list(data["cwe"]) and all(c > 0 for c in data["cwe"]), "cwe is not a list of ids"),
        (_int_list(data["lines"]), "lines is not a list of line numbers"),
        (_int_list(data["fixed_lines"]), "fixed_lines is not a list of line numbers"),
    ]
    problems = [f"{folder.name}: {message}" for ok, message in checks if not ok]
    sources = folder if sources is None else sources
    if problems or not is_materialised(sources):
        return problems
    for key, name in (("lines", VULNERABLE), ("fixed_lines", FIXED)):
        count = _line_count(sources / name)
        outside = [line for line in data[key] if not 1 <= line <= count]
        if outside:
            problems.append(f"{folder.name}: {key} {outside} outside {name} (1..{count})")
    if (sources / VULNERABLE).read_bytes() == (sources / FIXED).read_bytes():
        problems.append(f"{folder.name}: vulnerable.py and fixed.py are identical")
    return problems


def load_case(folder: Path, files: Path | None = None) -> Case:
    """Read one case folder, its sources under `files` (by default the same folder); call
    validate() first, this assumes it is well-formed."""
    data = tomllib.loads((folder / CASE_FILE).read_text(encoding="utf-8"))
    return Case(
        name=folder.name,
        folder=folder,
        sources=folder if files is None else files / folder.name,
        project=data["project"],
        repository=data["repository"],
        advisory=data["advisory"],
        cwe=tuple(data["cwe"]),
        lines=tuple(data["lines"]),
        fixed_lines=tuple(data["fixed_lines"]),
        description=data["description"],
    )


def case_folders(root: Path = CASES_ROOT) -> list[Path]:
    """Case folders in a fixed (sorted) order so every run prints the same report."""
    return sorted(path for path in root.iterdir() if path.is_dir())


def cwe_rule(found: int, expected: int, related: Callable[[int, int], bool] | None) -> str | None:
    """How `found` matches `expected`: 'exact', 'related', or None when it does not.

    `related` is secreview.cwe.related (ancestors along CWE-1000 primary parents, pillars
    excluded); without it only exact ids match. A CWE the catalog does not know relates nothing.
    """
    if found == expected:
        return "exact"
    if related is None:
        return None
    try:
        return "related" if related(found, expected) else None
    except KeyError:
        return None


def judge(
    findings: Iterable[Finding],
    cwes: Iterable[int],
    lines: Iterable[int],
    related: Callable[[int, int], bool] | None,
    window: int = WINDOW,
) -> Match | None:
    """The first finding (by line, then CWE, then rule) of an expected CWE near an expected line.

    Exact CWE matches are preferred to related ones so the report names the closest reason.
    """
    wanted = tuple(cwes)
    expected_lines = tuple(lines)
    near = sorted(
        (
            finding
            for finding in findings
            if any(abs(finding.line - line) <= window for line in expected_lines)
        ),
        key=lambda finding: (finding.line, finding.cwe or 0, finding.rule),
    )
    for preferred in ("exact", "related"):
        for finding in near:
            for expected in wanted:
                if (
                    finding.cwe is not None
                    and cwe_rule(finding.cwe, expected, related) == preferred
                ):
                    return Match(finding=finding, expected_cwe=expected, rule=preferred)
    return None


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


def as_json(match: Match | None) -> dict[str, Any] | None:
    if match is None:
        return None
    finding = match.finding
    return {"rule": match.rule, "cwe": finding.cwe, "line": finding.line, "id": finding.rule}
