"""`secreview bench --llm`: the labelled corpus (and real vulnerabilities) with and without each
LLM role, against the endpoint the user gives.

Each row is one run of secreview over the same files: the engine alone, then with one role on
(`infer`: models inferred for the run; `review`: the LLM's grounded defects count; `triage`: a
finding the LLM disputes does not count, as for a reader who trusts the verdicts), then every
role. On the corpus, TPR and FPR are the OWASP Benchmark's (a case's CWE or a related one
anywhere in its file). On real vulnerabilities (`benchmarks/realvulns`), a case is found when a
finding of an expected CWE, or a related one, lies within 2 lines of an expected line of
`vulnerable.py`, and is a false positive when one still lies near the fixed lines of `fixed.py`.
Tokens, requests, cached answers and time say what each row cost; answers are cached, so a
second run of the same rows is free and repeats them.
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from secreview.bench.scoring import Expectation, overall, score
from secreview.config import ScanConfig
from secreview.config.llm import ROLES, LlmSettings
from secreview.cwe import UnknownCWEError, related
from secreview.findings import Finding
from secreview.llm.session import llm_session, scanned_texts
from secreview.llm.summary import llm_summary
from secreview.scanner import scan
from secreview.sources.reading import UnreadableSourceError, read_source
from secreview.sources.sidefiles import MIB, SideFileError, read_side_text

ROLE_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("static", ()),
    *((role, (role,)) for role in ROLES),
    ("all", ROLES),
)
"""Each row's name and the roles it turns on (none: the engine alone)."""
LINE_WINDOW = 2
CASE_MAX_BYTES = MIB
"""A case.toml is a few hundred bytes; a larger one is refused unread."""
"""How far from an expected line a real vulnerability's finding may be (as realvulns/run.py)."""


@dataclass(frozen=True, slots=True)
class RealCase:
    """A fixed real vulnerability: its files, CWEs, and the sink lines before and after."""

    name: str
    vulnerable: Path
    fixed: Path
    cwes: tuple[int, ...]
    lines: tuple[int, ...]
    fixed_lines: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RoleRow:
    """One row: the rates on each corpus and what the run spent."""

    role: str
    tpr: float
    fpr: float
    real_found: int
    real_flagged_after_fix: int
    real_cases: int
    tokens: int
    requests: int
    cached: int
    seconds: float
    incomplete: str


def read_real_cases(root: Path) -> list[RealCase]:
    """The cases under `root` (`cases/<name>/` or `<name>/`, each with case.toml), by name; a
    folder without a readable case.toml or its files is skipped."""
    folder = root / "cases" if (root / "cases").is_dir() else root
    cases = []
    for case in sorted(p for p in folder.iterdir() if p.is_dir()):
        try:
            text = read_side_text(case / "case.toml", what="case file", max_bytes=CASE_MAX_BYTES)
            data = tomllib.loads(text)
            cwes, lines, fixed = data["cwe"], data["lines"], data["fixed_lines"]
        except (SideFileError, tomllib.TOMLDecodeError, KeyError):
            continue
        files = (case / "vulnerable.py", case / "fixed.py")
        if all(isinstance(v, list) for v in (cwes, lines, fixed)) and all(
            f.is_file() for f in files
        ):
            cases.append(RealCase(case.name, *files, tuple(cwes), tuple(lines), tuple(fixed)))
    return cases


def counts(finding: Finding) -> bool:
    """Whether a finding counts in a row: every finding but one the LLM triage disputed."""
    return finding.llm is None or finding.llm.verdict != "disputed"


def _matches(found: int, expected: int) -> bool:
    try:
        return found == expected or related(found, expected)
    except UnknownCWEError:
        return False


def _near(findings: Sequence[Finding], cwes: Sequence[int], lines: Sequence[int]) -> bool:
    return any(
        abs(f.location.line - line) <= LINE_WINDOW and _matches(f.cwe, cwe)
        for f in findings
        for line in lines
        for cwe in cwes
    )


def _read(path: str) -> str | None:
    try:
        return read_source(Path(path))
    except UnreadableSourceError:
        return None


def run_row(
    role: str,
    roles: tuple[str, ...],
    settings: LlmSettings,
    expected: Mapping[str, Expectation],
    files: Mapping[str, Path],
    real: Sequence[RealCase],
    jobs: int,
) -> RoleRow:
    """Review the corpus files and the real cases with `roles` on, and score the findings."""
    llm = settings._replace(enabled=bool(roles), roles=roles or settings.roles)
    config = ScanConfig(llm=llm)
    roots = [str(p) for p in files.values()]
    roots += [str(p) for case in real for p in (case.vulnerable, case.fixed)]
    started = time.perf_counter()
    with llm_session(config, lambda: scanned_texts(roots, config)) as stage:
        result = stage.finish(scan(roots, stage.config, jobs), _read)
    seconds = time.perf_counter() - started
    by_file: dict[str, list[Finding]] = {}
    for report in result.files:
        by_file[str(Path(report.path).resolve())] = [f for f in report.findings if counts(f)]
    reported = {
        name: {f.cwe for f in by_file.get(str(path.resolve()), [])} for name, path in files.items()
    }
    total = overall(score(expected, reported))
    found = sum(_near(by_file.get(str(c.vulnerable.resolve()), []), c.cwes, c.lines) for c in real)
    after = sum(_near(by_file.get(str(c.fixed.resolve()), []), c.cwes, c.fixed_lines) for c in real)
    summary = llm_summary(result)
    return RoleRow(
        role=role,
        tpr=total.recall,
        fpr=total.fp / (total.fp + total.tn) if total.fp + total.tn else 0.0,
        real_found=found,
        real_flagged_after_fix=after,
        real_cases=len(real),
        tokens=summary.tokens if summary else 0,
        requests=summary.requests if summary else 0,
        cached=summary.cached if summary else 0,
        seconds=seconds,
        incomplete=summary.incomplete() if summary else "",
    )


def render_rows(rows: Sequence[RoleRow], model: str) -> str:
    """The rows as a plain-text table, then why a row's LLM stage was incomplete (if it was)."""
    header = (
        f"{'role':<8} {'TPR':>6} {'FPR':>6} {'real found':>11} {'after fix':>10} "
        f"{'tokens':>8} {'requests':>9} {'cached':>7} {'seconds':>8}"
    )
    lines = [f"== secreview with and without the LLM roles ({model or 'model unnamed'}) ==", header]
    lines.append("-" * len(header))
    for row in rows:
        real = f"{row.real_found}/{row.real_cases}" if row.real_cases else "-"
        after = f"{row.real_flagged_after_fix}/{row.real_cases}" if row.real_cases else "-"
        lines.append(
            f"{row.role:<8} {row.tpr:>6.2f} {row.fpr:>6.2f} {real:>11} {after:>10} "
            f"{row.tokens:>8} {row.requests:>9} {row.cached:>7} {row.seconds:>8.1f}"
        )
    lines.extend(f"{row.role}: incomplete, {row.incomplete}" for row in rows if row.incomplete)
    return "\n".join(lines)
