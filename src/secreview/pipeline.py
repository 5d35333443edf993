"""Review one file: read -> parse -> analyse -> findings in context.

This is the unit of work a worker process runs; it never raises for bad input, it returns a
`FileReport` whose `error` says what went wrong, so the rest of the scan always goes on.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from secreview.analysis.patterns.base import Rule
from secreview.analysis.patterns.context import ModuleContext
from secreview.analysis.patterns.engine import run_rules
from secreview.analysis.patterns.rules import ALL_RULES
from secreview.config import ScanConfig
from secreview.context.testcode import is_test_code
from secreview.findings import FileError, FileReport, Finding
from secreview.parse import parse_module
from secreview.sources.reading import UnreadableSourceError, read_source

TEST_CODE_TAG = "test-code"
NOTE_TAG = "note"


def active_rules(config: ScanConfig) -> tuple[Rule, ...]:
    """The rules this configuration runs, in id order."""
    return tuple(r for r in ALL_RULES if r.id not in config.disabled_rules)


def _in_context(finding: Finding, rule: Rule, is_test: bool, config: ScanConfig) -> Finding:
    """Tag test-code findings; they become notes unless the rule matters everywhere."""
    if not is_test:
        return finding
    tags = [TEST_CODE_TAG]
    if not (rule.applies_in_tests or config.include_tests):
        tags.append(NOTE_TAG)
    return dataclasses.replace(finding, tags=tuple(tags))


def review_source(text: str, path: str, config: ScanConfig | None = None) -> FileReport:
    """Review Python source `text` shown as `path`; never raises for any input text."""
    config = config or ScanConfig()
    outcome = parse_module(text, path)
    is_test = is_test_code(path, outcome.tree)
    if outcome.tree is None:
        return FileReport(
            path=path,
            error=FileError(path, f"{outcome.error}; the file was not reviewed"),
            is_test=is_test,
            reviewed=False,
        )
    rules = active_rules(config)
    context = ModuleContext(path=path, text=text, tree=outcome.tree, is_test=is_test)
    raw, crashes = run_rules(context, rules)
    by_id = {r.id: r for r in rules}
    findings = tuple(
        _in_context(f, by_id[f.rule_id], is_test, config)
        for f in raw
        if f.severity >= config.min_severity
    )
    messages = ([outcome.error] if outcome.error else []) + [
        f"internal error: {c}" for c in crashes
    ]
    error = FileError(path, "; ".join(messages)) if messages else None
    return FileReport(
        path=path,
        findings=findings,
        error=error,
        is_test=is_test,
        parsed_with_fallback=outcome.used_fallback,
    )


def review_file(path: Path, shown_as: str, config: ScanConfig) -> FileReport:
    """Read and review the file at `path`, reporting it under the name `shown_as`."""
    try:
        text = read_source(path, config.max_file_bytes)
    except UnreadableSourceError as error:
        return FileReport(path=shown_as, error=FileError(shown_as, str(error)), reviewed=False)
    try:
        return review_source(text, shown_as, config)
    except RecursionError:
        return FileReport(
            path=shown_as,
            error=FileError(shown_as, "is nested too deeply to analyse; the file was not reviewed"),
            reviewed=False,
        )
