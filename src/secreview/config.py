"""The options a scan runs with, gathered into one frozen value passed to every stage."""

from __future__ import annotations

from dataclasses import dataclass

from secreview.findings import Severity
from secreview.sources.reading import DEFAULT_MAX_BYTES

DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".tox",
    ".nox",
    ".venv",
    "venv",
    "env",
    ".env",
    "virtualenv",
    "node_modules",
    "build",
    "dist",
    "site-packages",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "*.egg-info",
    ".eggs",
)


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """How to scan: which files, which rules, and how test code counts."""

    excludes: tuple[str, ...] = DEFAULT_EXCLUDES
    max_file_bytes: int = DEFAULT_MAX_BYTES
    include_tests: bool = False
    min_severity: Severity = Severity.LOW
    disabled_rules: frozenset[str] = frozenset()
    fail_on: Severity = Severity.LOW
    """Findings at or above this severity fail the run (exit 1) and request changes in reviews."""
    includes: tuple[str, ...] = ()
    """When set, only files matching one of these globs are reviewed."""
    test_paths: tuple[str, ...] = ()
    """Globs of files that are test code, besides the ones recognised by name or imports."""
    enabled_rules: frozenset[str] | None = None
    """When set, only these rules run (before `disabled_rules` is taken away)."""
    severity_overrides: tuple[tuple[str, Severity], ...] = ()
    """(rule id, severity) pairs replacing a rule's default severity."""
    honour_nosec: bool = False
    """Treat Bandit's `# nosec` like a suppression of every rule on that line."""
    report_unused_suppressions: bool = False
    baseline: str | None = None
    """Path of a baseline file whose findings are not reported."""
    model_dirs: tuple[str, ...] = ()
    """Folders of user model files (sources, sinks, sanitizers) for the taint engine."""
    follow_symlinks: bool = False
    """Follow symbolic links out of the scanned folders (loops are still never entered twice)."""
