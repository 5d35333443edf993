"""Run each tool over a corpus and collect, per case file, the CWEs it reported.

secreview runs in-process through `review_source` (the code under review is parsed, never
imported), with every rule, those off by default included: a corpus measures what the rules
find. Bandit and Semgrep run as subprocesses when they are on PATH; Semgrep only with local rule
files, since the benchmark must not need the network.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from secreview.analysis.rules import RULES_BY_ID
from secreview.config import ScanConfig
from secreview.patterns import lazy_pattern
from secreview.pipeline import review_source
from secreview.sources.reading import UnreadableSourceError, read_source

_CWE = lazy_pattern(r"CWE-(\d+)")
_EVERY_RULE = ScanConfig(enabled_rules=frozenset(RULES_BY_ID))
TOOL_TIMEOUT_SECONDS = 1800


class ToolUnavailableError(RuntimeError):
    """A comparison tool that is not installed or not usable offline; the message says why."""


def case_files(corpus: Path, names: Iterable[str]) -> dict[str, Path]:
    """Case name -> file, for every `NAME.py` under `corpus` whose stem is a labelled case."""
    wanted = set(names)
    return {p.stem: p for p in sorted(corpus.rglob("*.py")) if p.stem in wanted}


def secreview_cwes(
    files: dict[str, Path], rule_ids: frozenset[str] | None = None
) -> dict[str, set[int]]:
    """CWEs secreview reports in each case file (only from `rule_ids`, when given)."""
    found: dict[str, set[int]] = {}
    for name, path in files.items():
        try:
            text = read_source(path)
        except UnreadableSourceError:
            found[name] = set()
            continue
        report = review_source(text, str(path), _EVERY_RULE)
        found[name] = {f.cwe for f in report.findings if rule_ids is None or f.rule_id in rule_ids}
    return found


def bandit_cwes(corpus: Path, files: dict[str, Path]) -> dict[str, set[int]]:
    """CWEs Bandit reports in each case file (`bandit -f json`)."""
    if shutil.which("bandit") is None:
        raise ToolUnavailableError("bandit is not on PATH; install it to compare")
    results = _json_results(["bandit", "-q", "-r", "-f", "json", str(corpus)])
    by_path = _by_resolved_path(files)
    found: dict[str, set[int]] = defaultdict(set)
    for result in results:
        name = by_path.get(str(Path(result.get("filename", "")).resolve()))
        cwe = (result.get("issue_cwe") or {}).get("id")
        if name is not None and isinstance(cwe, int):
            found[name].add(cwe)
    return dict(found)


def semgrep_cwes(corpus: Path, files: dict[str, Path], rules: Path | None) -> dict[str, set[int]]:
    """CWEs Semgrep reports in each case file, with local rule files only (no network)."""
    if shutil.which("semgrep") is None:
        raise ToolUnavailableError("semgrep is not on PATH; install it to compare")
    if rules is None or not rules.exists():
        raise ToolUnavailableError(
            "semgrep needs local rules here (--semgrep-rules DIR); the registry needs the network"
        )
    results = _json_results(
        ["semgrep", "scan", "--metrics=off", "--json", "--config", str(rules), str(corpus)]
    )
    by_path = _by_resolved_path(files)
    found: dict[str, set[int]] = defaultdict(set)
    for result in results:
        name = by_path.get(str(Path(result.get("path", "")).resolve()))
        metadata = (result.get("extra") or {}).get("metadata") or {}
        cwes = metadata.get("cwe") or []
        if isinstance(cwes, str):
            cwes = [cwes]
        if name is not None:
            found[name].update(int(m) for text in cwes for m in _CWE.findall(str(text)))
    return dict(found)


def _json_results(command: list[str]) -> list[dict[str, Any]]:
    """The `results` of the JSON report a tool prints (none when it printed nothing).

    Both tools exit non-zero when they find something, so the exit status is not an error.
    """
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=TOOL_TIMEOUT_SECONDS, check=False
    )
    results: list[dict[str, Any]] = json.loads(completed.stdout or "{}").get("results", [])
    return results


def _by_resolved_path(files: dict[str, Path]) -> dict[str, str]:
    return {str(path.resolve()): name for name, path in files.items()}
