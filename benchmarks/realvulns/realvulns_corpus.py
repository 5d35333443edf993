"""The real-vulnerability corpus as data: cases, their validation, and how a finding is judged.

Kept apart from run.py (which starts the tools) so that the unit test can check the corpus and
the matching rules without running a scanner. Each case is a folder
`cases/<project>-<advisory>/` holding `vulnerable.py` (the file as it was before the fix),
`fixed.py` (as it was after) and `case.toml` (where they come from and what a reviewer should
point at). The files are only ever read as text.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

CASES_ROOT = Path(__file__).resolve().parent / "cases"
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


@dataclass(frozen=True, slots=True)
class Case:
    """One fixed vulnerability: where it was, what kind it is, and where a reviewer points."""

    name: str
    folder: Path
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


def validate(folder: Path) -> list[str]:
    """Every way the case folder is malformed, as sentences; empty when it is well-formed."""
    files = [folder / VULNERABLE, folder / FIXED, folder / CASE_FILE]
    missing = [path.name for path in files if not path.is_file()]
    if missing:
        return [f"{folder.name}: missing {', '.join(missing)}"]
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
        f"{folder.name}: unknown field {key!r}" for key in sorted(set(data) - set(_FIELDS))
    ]
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
        (_int_list(data["cwe"]) and all(c > 0 for c in data["cwe"]), "cwe is not a list of ids"),
        (_int_list(data["lines"]), "lines is not a list of line numbers"),
        (_int_list(data["fixed_lines"]), "fixed_lines is not a list of line numbers"),
    ]
    problems = [f"{folder.name}: {message}" for ok, message in checks if not ok]
    if problems:
        return problems
    for key, name in (("lines", VULNERABLE), ("fixed_lines", FIXED)):
        count = _line_count(folder / name)
        outside = [line for line in data[key] if not 1 <= line <= count]
        if outside:
            problems.append(f"{folder.name}: {key} {outside} outside {name} (1..{count})")
    if (folder / VULNERABLE).read_bytes() == (folder / FIXED).read_bytes():
        problems.append(f"{folder.name}: vulnerable.py and fixed.py are identical")
    return problems


def load_case(folder: Path) -> Case:
    """Read one case folder; call validate() first, this assumes it is well-formed."""
    data = tomllib.loads((folder / CASE_FILE).read_text(encoding="utf-8"))
    return Case(
        name=folder.name,
        folder=folder,
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
