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
