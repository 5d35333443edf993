"""Read `[tool.secreview]` from pyproject.toml (or a file given with `--config`).

A mistyped key must not be silently ignored (a team would believe a rule is off when it is
not), so every unknown key, unknown rule and wrong type is an error naming the file, the line of
the key, and the nearest valid key. Paths in the file (baseline, models) are relative to the
file's folder, and so are the patterns of `per-file-ignores`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from secreview.analysis.taint import THREAT_MODELS
from secreview.config.llm import LlmSettingError, LlmSettings, parse_llm_table
from secreview.config.selection import SelectorError, check_selector
from secreview.findings import Confidence, Severity
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
CONFIDENCE_LEVELS = tuple(level.label for level in Confidence)
NEVER = "never"
"""`fail-on = "never"`: findings never fail the run."""
KNOWN_KEYS = (
    "include",
    "exclude",
    "respect-gitignore",
    "test-paths",
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "enable",
    "disable",
    "severity",
    "fail-on",
    "min-severity",
    "min-confidence",
    "include-tests",
    "baseline",
    "models",
    "threat-model",
    "honour-nosec",
    "report-unused-suppressions",
    "review-project",
    "llm",
    "cache-dir",
)
"""`enable` and `disable` are the older names of `select` and `ignore`; `cache-dir` is honoured
only in a file given with `--config` (the reviewed tree never chooses where results are kept)."""


class ConfigError(Exception):
    """The configuration is invalid; the message names the file, the key and what to do."""


class FileSettings(NamedTuple):
    """What a configuration file sets; None (or empty) where it says nothing."""

    source: Path | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    respect_gitignore: bool | None = None
    test_paths: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    fail_on: Severity | None = None
    fail_never: bool = False
    min_severity: Severity | None = None
    min_confidence: Confidence | None = None
    include_tests: bool | None = None
    baseline: str | None = None
    models: tuple[str, ...] = ()
    threat_model: str | None = None
    honour_nosec: bool | None = None
    report_unused_suppressions: bool | None = None
    review_project: bool | None = None
    """`secreview review` reads the whole project around a change (`--project`)."""
    llm: LlmSettings = LlmSettings()
    cache_dir: str | None = None


class _Where(NamedTuple):
    """Names a key in messages: `file:line: [tool.secreview] key`."""

    source: Path
    text: str
    table: str

    def __call__(self, key: str, shown_key: str | None = None) -> str:
        line = key_line(self.text, self.table, key.split(".")[0])
        place = f"{shown(self.source)}:{line}" if line else shown(self.source)
        return f"{place}: [{self.table}] {shown_key or key}" if self.table else f"{place}: {key}"


def key_line(text: str, table: str, key: str) -> int | None:
    """The 1-based line where `key` is set in `table` ('' for the top level), or None.

    tomllib keeps no positions, so the line is found in the text: the first `key =` after the
    table's header (or, for a sub-table such as `[tool.secreview.severity]`, its header).
    """
    header = re.compile(r"^\s*\[\s*" + re.escape(table).replace(r"\.", r"\s*\.\s*") + r"\s*[\].]")
    assignment = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*(=|\.)")
    sub_table = re.compile(
        r"^\s*\[\s*" + re.escape(f"{table}.{key}" if table else key).replace(r"\.", r"\s*\.\s*")
    )
    in_table = not table
    for number, line in enumerate(text.splitlines(), start=1):
        if sub_table.match(line):
            return number
        if line.lstrip().startswith("["):
            in_table = bool(table) and bool(header.match(line))
            continue
        if in_table and assignment.match(line):
            return number
    return None


def _string_list(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} must be a list of strings")
    return tuple(value)


def _selectors(value: object, where: str) -> tuple[str, ...]:
    selectors = _string_list(value, where)
    try:
        return tuple(check_selector(selector) for selector in selectors)
    except SelectorError as error:
        raise ConfigError(f"{where}: {error}") from None


def _severity(value: object, where: str) -> Severity:
    if not isinstance(value, str) or value.strip().lower() not in SEVERITY_LEVELS:
        raise ConfigError(f"{where} must be one of {', '.join(SEVERITY_LEVELS)}, not {value!r}")
    return Severity.parse(value)


def _confidence(value: object, where: str) -> Confidence:
    if not isinstance(value, str) or value.strip().lower() not in CONFIDENCE_LEVELS:
        raise ConfigError(f"{where} must be one of {', '.join(CONFIDENCE_LEVELS)}, not {value!r}")
    return Confidence[value.strip().upper()]


def _threat_model(value: object, where: str) -> str:
    if not isinstance(value, str) or value.strip().lower() not in THREAT_MODELS:
        raise ConfigError(f"{where} must be one of {', '.join(THREAT_MODELS)}, not {value!r}")
    return value.strip().lower()


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where} must be true or false, not {value!r}")
    return value


def _relative_path(value: object, where: str, folder: Path) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be a path (a string)")
    return str(folder / value)


def _table(value: object, where: str, what: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of {what}")
    return value


def _unknown_key(key: str, where: _Where) -> ConfigError:
    import difflib  # on this error path only: difflib is not worth loading at start-up

    close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    place = where(key).removesuffix(f" {key}")
    return ConfigError(
        f"{place} has an unknown key {key!r}; {hint}(known keys: {', '.join(KNOWN_KEYS)})"
    )


def _parse_key(key: str, value: object, where: _Where, folder: Path) -> dict[str, object]:
    """The FileSettings fields one key of the table sets."""
    at = where(key)
    match key:
        case "include" | "exclude":
            return {key: _string_list(value, at)}
        case "test-paths":
            return {"test_paths": _string_list(value, at)}
        case "select" | "enable":
            return {"select": _selectors(value, at)}
        case "extend-select":
            return {"extend_select": _selectors(value, at)}
        case "ignore" | "disable":
            return {"ignore": _selectors(value, at)}
        case "per-file-ignores":
            table = _table(value, at, 'pattern = ["rule or CWE", ...]')
            return {
                "per_file_ignores": tuple(
                    (pattern, _selectors(selectors, f"{at}.{pattern!r}"))
                    for pattern, selectors in table.items()
                )
            }
        case "severity":
            table = _table(value, at, "rule id = severity")
            levels = []
            for rule, level in table.items():
                (rule_id,) = _selectors([rule], f"{at}.{rule}")
                levels.append((rule_id, _severity(level, f"{at}.{rule}")))
            return {"severity": tuple(sorted(levels))}
        case "fail-on":
            if isinstance(value, str) and value.strip().lower() == NEVER:
                return {"fail_never": True}
            return {"fail_on": _severity(value, at)}
        case "min-severity":
            return {"min_severity": _severity(value, at)}
        case "min-confidence":
            return {"min_confidence": _confidence(value, at)}
        case (
            "include-tests"
            | "honour-nosec"
            | "report-unused-suppressions"
            | "respect-gitignore"
            | "review-project"
        ):
            return {key.replace("-", "_"): _flag(value, at)}
        case "baseline" | "cache-dir":
            return {key.replace("-", "_"): _relative_path(value, at, folder)}
        case "models":
            return {
                "models": tuple(
                    _relative_path(item, at, folder) for item in _string_list(value, at)
                )
            }
        case "threat-model":
            return {"threat_model": _threat_model(value, at)}
        case "llm":
            try:
                return {"llm": parse_llm_table(_table(value, at, "LLM settings"))}
            except LlmSettingError as error:
                raise ConfigError(f"{at}: {error}") from None
        case _:
            raise _unknown_key(key, where)


def parse_settings(
    table: Mapping[str, object], source: Path, text: str = "", table_name: str = "tool.secreview"
) -> FileSettings:
    """Validate the `[tool.secreview]` table read from `source` (whose `text` gives lines)."""
    where = _Where(source, text, table_name)
    values: dict[str, object] = {"source": source}
    for key, value in table.items():
        values.update(_parse_key(key, value, where, source.parent))
    return FileSettings(**values)  # type: ignore[arg-type]


def _read_toml(path: Path) -> tuple[dict[str, object], str]:
    """The TOML document at `path` and its text; anything that stops it being one is a
    ConfigError."""
    try:
        text = read_side_text(path, what="configuration file", max_bytes=CONFIG_MAX_BYTES)
        return parse_toml(text, path=path, what="configuration file"), text
    except SideFileError as error:
        raise ConfigError(str(error)) from None


def _tool_table(document: Mapping[str, object]) -> object:
    tool = document.get("tool")
    return tool.get("secreview") if isinstance(tool, dict) else None


def load_file(path: Path) -> FileSettings:
    """Settings from a file given with `--config`: a pyproject.toml, or a TOML file whose top
    level (or `[tool.secreview]` table) holds the keys."""
    document, text = _read_toml(path)
    table = _tool_table(document)
    table_name = "tool.secreview"
    if table is None:
        table = {} if path.name == PYPROJECT else document
        table_name = ""
    if not isinstance(table, dict):
        raise ConfigError(f"{shown(path)}: [tool.secreview] must be a table")
    return parse_settings(table, path, text, table_name)


def _is_repository_top(folder: Path) -> bool:
    return os.path.lexists(folder / ".git")


def pyproject_in(folder: Path) -> Path | None:
    """`folder`'s own pyproject.toml when it has a `[tool.secreview]` table (no search)."""
    candidate = folder / PYPROJECT
    if os.path.isfile(candidate) and _tool_table(_read_toml(candidate)[0]) is not None:
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
        text = decode_side_text(data, path=source, what=what)
        document = parse_toml(text, path=source, what=what)
    except SideFileError as error:
        raise ConfigError(str(error)) from None
    table = _tool_table(document)
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{shown(source)}: [tool.secreview] must be a table")
    return parse_settings(table, source, text)


def load_settings(config: Path | None, start: Path) -> FileSettings:
    """Settings from `--config`, else from the nearest pyproject.toml, else none."""
    if config is not None:
        return load_file(config)
    found = find_pyproject(start)
    return load_file(found) if found else FileSettings()
