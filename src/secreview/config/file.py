"""Read `[tool.secreview]` from pyproject.toml (or a file given with `--config`).

A mistyped key must not be silently ignored (a team would believe a rule is off when it is
not), so every unknown key, unknown rule id and wrong type is an error naming the file and key.
Paths in the file (baseline, models) are relative to the file's folder.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from secreview.analysis.patterns.rules import RULES_BY_ID
from secreview.config import DEFAULT_EXCLUDES, ScanConfig
from secreview.findings import Severity
from secreview.sources.reading import DEFAULT_MAX_BYTES
from secreview.sources.sidefiles import (
    MIB,
    SideFileError,
    decode_side_text,
    parse_toml,
    read_side_text,
    shown,
)

PYPROJECT = "pyproject.toml"
CONFIG_MAX_BYTES = 1 * MIB
"""A pyproject.toml is a few kilobytes; a larger one is refused rather than parsed."""
SEVERITY_LEVELS = tuple(level.label for level in Severity)


class ConfigError(Exception):
    """The configuration is invalid; the message names the file, the key and what to do."""


@dataclass(frozen=True, slots=True)
class FileSettings:
    """What a configuration file sets; None (or empty) where it says nothing."""

    source: Path | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    test_paths: tuple[str, ...] = ()
    enable: frozenset[str] | None = None
    disable: frozenset[str] = frozenset()
    severity: tuple[tuple[str, Severity], ...] = ()
    fail_on: Severity | None = None
    min_severity: Severity | None = None
    include_tests: bool | None = None
    baseline: str | None = None
    models: tuple[str, ...] = ()
    honour_nosec: bool | None = None
    report_unused_suppressions: bool | None = None


def _string_list(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} must be a list of strings")
    return tuple(value)


def _rule_ids(value: object, where: str) -> frozenset[str]:
    ids = _string_list(value, where)
    unknown = sorted(set(ids) - set(RULES_BY_ID))
    if unknown:
        raise ConfigError(
            f"{where} names unknown rule id(s) {', '.join(unknown)}; `secreview rules` lists them"
        )
    return frozenset(ids)


def _severity(value: object, where: str) -> Severity:
    if not isinstance(value, str) or value.strip().lower() not in SEVERITY_LEVELS:
        raise ConfigError(f"{where} must be one of {', '.join(SEVERITY_LEVELS)}, not {value!r}")
    return Severity.parse(value)


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where} must be true or false, not {value!r}")
    return value


def _relative_path(value: object, where: str, folder: Path) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be a path (a string)")
    return str(folder / value)


def parse_settings(table: Mapping[str, object], source: Path) -> FileSettings:
    """Validate the `[tool.secreview]` table read from `source`."""
    prefix = f"{source}: [tool.secreview]"
    values: dict[str, object] = {"source": source}
    folder = source.parent
    for key, value in table.items():
        where = f"{prefix} {key}"
        match key:
            case "include" | "exclude":
                values[key] = _string_list(value, where)
            case "test-paths":
                values["test_paths"] = _string_list(value, where)
            case "enable":
                values["enable"] = _rule_ids(value, where)
            case "disable":
                values["disable"] = _rule_ids(value, where)
            case "severity":
                if not isinstance(value, dict):
                    raise ConfigError(f"{where} must be a table of rule id = severity")
                _rule_ids(list(value), where)
                values["severity"] = tuple(
                    sorted(
                        (rule, _severity(level, f"{where}.{rule}")) for rule, level in value.items()
                    )
                )
            case "fail-on" | "min-severity":
                values[key.replace("-", "_")] = _severity(value, where)
            case "include-tests" | "honour-nosec" | "report-unused-suppressions":
                values[key.replace("-", "_")] = _flag(value, where)
            case "baseline":
                values["baseline"] = _relative_path(value, where, folder)
            case "models":
                values["models"] = tuple(
                    _relative_path(item, where, folder) for item in _string_list(value, where)
                )
            case _:
                known = (
                    "include, exclude, test-paths, enable, disable, severity, fail-on, "
                    "min-severity, include-tests, baseline, models, honour-nosec, "
                    "report-unused-suppressions"
                )
                raise ConfigError(f"{prefix} has an unknown key {key!r}; known keys: {known}")
    return FileSettings(**values)  # type: ignore[arg-type]


def _read_toml(path: Path) -> dict[str, object]:
    """The TOML document at `path`; anything that stops it being one is a ConfigError."""
    try:
        text = read_side_text(path, what="configuration file", max_bytes=CONFIG_MAX_BYTES)
        return parse_toml(text, path=path, what="configuration file")
    except SideFileError as error:
        raise ConfigError(str(error)) from None


def _tool_table(document: Mapping[str, object]) -> object:
    tool = document.get("tool")
    return tool.get("secreview") if isinstance(tool, dict) else None


def load_file(path: Path) -> FileSettings:
    """Settings from a file given with `--config`: a pyproject.toml, or a TOML file whose top
    level (or `[tool.secreview]` table) holds the keys."""
    document = _read_toml(path)
    table = _tool_table(document)
    if table is None:
        table = {} if path.name == PYPROJECT else document
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.secreview] must be a table")
    return parse_settings(table, path)


def _is_repository_top(folder: Path) -> bool:
    return os.path.lexists(folder / ".git")


def pyproject_in(folder: Path) -> Path | None:
    """`folder`'s own pyproject.toml when it has a `[tool.secreview]` table (no search)."""
    candidate = folder / PYPROJECT
    if os.path.isfile(candidate) and _tool_table(_read_toml(candidate)) is not None:
        return candidate
    return None


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` that has a `[tool.secreview]` table.

    The search stops at the top of the git work tree holding `start`: a pyproject.toml above
    it belongs to another project (or to whoever controls the folder above a checkout)."""
    folder = start.resolve()
    if not os.path.isdir(folder):  # a file, or a name the system refuses (too long): no OSError
        folder = folder.parent
    for candidate_folder in (folder, *folder.parents):
        if (found := pyproject_in(candidate_folder)) is not None:
            return found
        if _is_repository_top(candidate_folder):
            break
    return None


def settings_from_pyproject_text(data: bytes, source: Path) -> FileSettings | None:
    """The `[tool.secreview]` settings of a pyproject.toml given as bytes (a blob of a base
    revision, whose folder `source` names), or None when it has no such table."""
    if len(data) > CONFIG_MAX_BYTES:
        raise ConfigError(
            f"{shown(source)}: the configuration file is over the "
            f"{CONFIG_MAX_BYTES // MIB} MiB limit"
        )
    what = "configuration file"
    try:
        document = parse_toml(
            decode_side_text(data, path=source, what=what), path=source, what=what
        )
    except SideFileError as error:
        raise ConfigError(str(error)) from None
    table = _tool_table(document)
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [tool.secreview] must be a table")
    return parse_settings(table, source)


def load_settings(config: Path | None, start: Path) -> FileSettings:
    """Settings from `--config`, else from the nearest pyproject.toml, else none."""
    if config is not None:
        return load_file(config)
    found = find_pyproject(start)
    return load_file(found) if found else FileSettings()


def build_config(
    settings: FileSettings,
    *,
    excludes: tuple[str, ...] = (),
    default_excludes: bool = True,
    max_file_bytes: int = DEFAULT_MAX_BYTES,
    include_tests: bool = False,
    min_severity: Severity | None = None,
    fail_on: Severity | None = None,
    disabled_rules: frozenset[str] = frozenset(),
    baseline: str | None = None,
    honour_nosec: bool = False,
    report_unused_suppressions: bool = False,
    model_dirs: tuple[str, ...] = (),
) -> ScanConfig:
    """One ScanConfig from the file's settings and the command line, which wins where both speak.

    Lists add up (excludes, disabled rules); a flag given on either side is on.
    """
    return ScanConfig(
        excludes=(DEFAULT_EXCLUDES if default_excludes else ()) + settings.exclude + excludes,
        max_file_bytes=max_file_bytes,
        include_tests=include_tests or bool(settings.include_tests),
        min_severity=min_severity or settings.min_severity or Severity.LOW,
        disabled_rules=settings.disable | disabled_rules,
        fail_on=fail_on or settings.fail_on or Severity.LOW,
        includes=settings.include,
        test_paths=settings.test_paths,
        enabled_rules=settings.enable,
        severity_overrides=settings.severity,
        honour_nosec=honour_nosec or bool(settings.honour_nosec),
        report_unused_suppressions=report_unused_suppressions
        or bool(settings.report_unused_suppressions),
        baseline=baseline or settings.baseline,
        model_dirs=settings.models + model_dirs,
        configuration=shown(settings.source) if settings.source else "none",
    )


def is_included(path: str, config: ScanConfig) -> bool:
    """Whether a file shown as `path` matches an include glob (or no include globs are set)."""
    return not config.includes or any(fnmatch.fnmatch(path, p) for p in config.includes)


def is_selected(path: str, config: ScanConfig) -> bool:
    """Whether a changed file is included and no exclude glob matches it, its name or one of its
    folders (the reading `scan`'s discovery gives excludes)."""
    if not is_included(path, config):
        return False
    parts = PurePosixPath(path).parts
    return not any(
        fnmatch.fnmatch(path, pattern) or any(fnmatch.fnmatch(part, pattern) for part in parts)
        for pattern in config.excludes
    )
