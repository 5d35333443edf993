"""The one builder of a `ScanConfig`: configuration-file settings, then the command line.

The command line wins where both speak; lists of patterns add up; rule selection is layered
(file, then command line) as `secreview.config.selection` describes.
"""

from __future__ import annotations

from typing import NamedTuple

from secreview.analysis.taint import DEFAULT_THREAT_MODEL
from secreview.config.file import FileSettings
from secreview.config.model import DEFAULT_EXCLUDES, ScanConfig
from secreview.config.selection import SelectionLayer, rules_named, selected_rules
from secreview.findings import Confidence, Severity
from secreview.sources.reading import DEFAULT_MAX_BYTES
from secreview.sources.sidefiles import shown


class CommandLine(NamedTuple):
    """What the command line sets; None (or empty) where it says nothing."""

    excludes: tuple[str, ...] = ()
    default_excludes: bool = True
    gitignore: bool | None = None
    max_file_bytes: int = DEFAULT_MAX_BYTES
    include_tests: bool = False
    min_severity: Severity | None = None
    min_confidence: Confidence | None = None
    fail_on: Severity | None = None
    fail_never: bool = False
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    baseline: str | None = None
    honour_nosec: bool = False
    report_unused_suppressions: bool = False
    model_dirs: tuple[str, ...] = ()
    threat_model: str | None = None
    llm: dict[str, object] | None = None
    """The `--llm-*` options given (field name to value); `{"enabled": True}` at least."""


def build_config(settings: FileSettings, options: CommandLine | None = None) -> ScanConfig:
    """One ScanConfig from the file's settings and the command line."""
    options = options or CommandLine()
    layers = (
        SelectionLayer(settings.select, settings.ignore, settings.extend_select),
        SelectionLayer(options.select, options.ignore, options.extend_select),
    )
    enabled = selected_rules(layers)
    gitignore = options.gitignore
    if gitignore is None:
        gitignore = settings.respect_gitignore is not False
    return ScanConfig(
        excludes=(DEFAULT_EXCLUDES if options.default_excludes else ())
        + settings.exclude
        + options.excludes,
        max_file_bytes=options.max_file_bytes,
        include_tests=options.include_tests or bool(settings.include_tests),
        min_severity=options.min_severity or settings.min_severity or Severity.LOW,
        min_confidence=options.min_confidence or settings.min_confidence or Confidence.LOW,
        fail_on=options.fail_on or settings.fail_on or Severity.LOW,
        fail_on_findings=not (
            options.fail_never or (settings.fail_never and options.fail_on is None)
        ),
        includes=settings.include,
        test_paths=settings.test_paths,
        enabled_rules=enabled,
        selection=layers,
        severity_overrides=settings.severity,
        per_file_ignores=tuple(
            (pattern, rules_named(selectors)) for pattern, selectors in settings.per_file_ignores
        ),
        root=str(settings.source.parent.resolve()) if settings.source else None,
        gitignore=gitignore,
        honour_nosec=options.honour_nosec or bool(settings.honour_nosec),
        report_unused_suppressions=options.report_unused_suppressions
        or bool(settings.report_unused_suppressions),
        baseline=options.baseline or settings.baseline,
        model_dirs=settings.models + options.model_dirs,
        threat_model=options.threat_model or settings.threat_model or DEFAULT_THREAT_MODEL,
        configuration=shown(settings.source) if settings.source else "none",
        llm=settings.llm._replace(**(options.llm or {})),
    )
