"""Configuration: `[tool.secreview]` settings and the command line, built into one ScanConfig.

- `model`: ScanConfig, the frozen value every stage receives, and its defaults;
- `file`: reading and validating the configuration file;
- `selection`: rule selection (`select`/`ignore`: rule ids, prefixes, CWE ids);
- `build`: the one builder (file settings, then the command line);
- `paths`: which files a configuration reviews and which rules it turns off per file.
"""

from secreview.config.build import CommandLine, build_config
from secreview.config.file import (
    PYPROJECT,
    ConfigError,
    FileSettings,
    find_pyproject,
    load_file,
    load_settings,
    pyproject_in,
    settings_from_pyproject_text,
)
from secreview.config.model import (
    DEFAULT_EXCLUDES,
    DEFAULT_FILE_MEMORY_BYTES,
    DEFAULT_FILE_TIMEOUT_SECONDS,
    MEMORY_PER_SOURCE_BYTE,
    ScanConfig,
)
from secreview.config.paths import ignored_rules_for, is_included, is_selected

__all__ = [
    "DEFAULT_EXCLUDES",
    "DEFAULT_FILE_MEMORY_BYTES",
    "DEFAULT_FILE_TIMEOUT_SECONDS",
    "MEMORY_PER_SOURCE_BYTE",
    "PYPROJECT",
    "CommandLine",
    "ConfigError",
    "FileSettings",
    "ScanConfig",
    "build_config",
    "find_pyproject",
    "ignored_rules_for",
    "is_included",
    "is_selected",
    "load_file",
    "load_settings",
    "pyproject_in",
    "settings_from_pyproject_text",
]
