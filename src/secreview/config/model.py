"""The options a scan runs with, gathered into one frozen value passed to every stage.

Built only by `secreview.config.build.build_config` (file settings + command line) or, in tests
and library use, directly.
"""

from __future__ import annotations

from typing import NamedTuple

from secreview.analysis.taint import DEFAULT_THREAT_MODEL
from secreview.config.llm import LlmSettings
from secreview.config.selection import SelectionLayer
from secreview.findings import Confidence, Severity
from secreview.sources.reading import DEFAULT_MAX_BYTES

DEFAULT_FILE_TIMEOUT_SECONDS = 60.0
"""Ample: a 2 MB file is reviewed in seconds; only a pathological one (or a defect) takes this."""
DEFAULT_FILE_MEMORY_BYTES = 512 * 2**20
"""Memory any file may use to be reviewed, before `MEMORY_PER_SOURCE_BYTE` adds to it."""
MEMORY_PER_SOURCE_BYTE = 600
"""What each byte of a file adds to its memory budget: Python's syntax tree alone takes up to
~350 bytes per byte of dense source (a 2 MB list of numbers), the fallback parser more."""

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


class ScanConfig(NamedTuple):
    """How to scan: which files, which rules, and how test code counts."""

    excludes: tuple[str, ...] = DEFAULT_EXCLUDES
    max_file_bytes: int = DEFAULT_MAX_BYTES
    include_tests: bool = False
    min_severity: Severity = Severity.LOW
    min_confidence: Confidence = Confidence.LOW
    """Findings the rule is less sure of than this are not reported."""
    disabled_rules: frozenset[str] = frozenset()
    fail_on: Severity = Severity.LOW
    """Findings at or above this severity fail the run (exit 1) and request changes in reviews."""
    includes: tuple[str, ...] = ()
    """When set, only files matching one of these globs are reviewed."""
    test_paths: tuple[str, ...] = ()
    """Globs of files that are test code, besides the ones recognised by name or imports."""
    enabled_rules: frozenset[str] | None = None
    """When set, only these rules run (before `disabled_rules` is taken away); when None, the
    rules on by default."""
    selection: tuple[SelectionLayer, ...] = ()
    """The `select`/`ignore` layers `enabled_rules` came from, for findings of no rule (the LLM
    stage's), selected one by one by their CWE."""
    severity_overrides: tuple[tuple[str, Severity], ...] = ()
    """(rule id, severity) pairs replacing a rule's default severity."""
    honour_nosec: bool = False
    """Treat Bandit's `# nosec` like a suppression of every rule on that line."""
    report_unused_suppressions: bool = False
    baseline: str | None = None
    """Path of a baseline file whose findings are not reported."""
    model_dirs: tuple[str, ...] = ()
    """Folders of user model files (sources, sinks, sanitizers) for the taint engine."""
    threat_model: str = DEFAULT_THREAT_MODEL
    """Whose data is attacker-controlled: `web` (the network), `library` (also the parameters of
    public functions), `all` (also the operator's command line, input and environment)."""
    configuration: str = "none"
    """Where the settings came from, as reports name it ('none': no configuration file)."""
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    """(gitignore-style pattern, rule ids) pairs: those rules do not run on matching files."""
    root: str | None = None
    """The folder per-file-ignores patterns are relative to (the configuration file's; None:
    the working directory)."""
    gitignore: bool = True
    """Leave out what `.gitignore` files (read as data, never through git) ignore."""
    fail_on_findings: bool = True
    """False with `--exit-zero` or `--fail-on never`: findings never make the exit status 1."""
    follow_symlinks: bool = False
    """Follow symbolic links out of the scanned folders (loops are still never entered twice)."""
    file_timeout_seconds: float = DEFAULT_FILE_TIMEOUT_SECONDS
    """CPU time one file may take (see `workers`); a worker past it is killed, the file reported."""
    file_memory_bytes: int | None = DEFAULT_FILE_MEMORY_BYTES
    """Memory one file may take above its worker's idle size, plus `MEMORY_PER_SOURCE_BYTE` per
    byte of the file (watched on Linux only); None: no limit."""
    engine: str = "local"
    """Where the per-file work runs: `local` processes or `ray` (see secreview.distributed).
    Only the command line sets it: a tree's own settings must not send its code anywhere."""
    ray_address: str | None = None
    """The Ray cluster to use with `engine="ray"` (None: a local one started for the run)."""
    llm: LlmSettings = LlmSettings()
    """The optional LLM stage (off unless `--llm`): endpoint, model, budgets, voting."""
    cache_dir: str | None = None
    """Folder of the scan cache (`secreview.cache`); None: every file is reviewed afresh."""
    project_pickle_files: frozenset[str] = frozenset()
    """Keys (`pickle_files.file_keys`) of the files the scanned project writes with pickle, found
    by the scanner before the review (`secreview.project_pickles`); no setting sets it. Part of
    the cache key, so a file reviewed with other keys is reviewed again."""
    project_shims: tuple[tuple[str, str], ...] = ()
    """(`module.name`, library name) for each name the project's compatibility modules import
    from a library (`secreview.project_aliases`), found before the review; no setting sets it.
    Part of the cache key, as `project_pickle_files` is."""
    project_constants: tuple[tuple[str, object], ...] = ()
    """(`module.NAME`, value) for each plain constant a module of the project imports from
    another (`secreview.project_constants`), found before the review; no setting sets it. Part
    of the cache key, as `project_pickle_files` is."""
    project_logs_json: bool = False
    """Whether the project's logging configurations render JSON as it runs by default
    (`secreview.project_log_format`), found before the review: its log messages cannot forge
    an entry. No setting sets it. Part of the cache key, as `project_pickle_files` is."""
    project_logs_keywords_apart: bool = False
    """Whether the project logs through a library that keeps keyword arguments out of the
    message (loguru, logbook, `twisted.logger`) and never through structlog
    (`secreview.project_log_library`), found before the review. No setting sets it. Part of
    the cache key, as `project_pickle_files` is."""
    project_scripts: frozenset[str] = frozenset()
    """Shown names of the modules that are scripts beside a scanned package (`setup.py`, `docs/`
    and `tools/` helpers: `secreview.project_scripts`), found before the review: the `library`
    threat model does not take their parameters as a caller's, and their findings are rated low
    where they read no network input; no setting sets it. Each file's cache key holds whether it
    is one (not the whole set: `cache.keys.NOT_IN_KEY`)."""
    project_debug_helpers: tuple[str, ...] = ()
    """`module.function index name` for each parameter a function of the project shows only
    under a debug flag (`secreview.project_debug_helpers`), found before the review; no setting
    sets it. Part of the cache key, as `project_pickle_files` is."""
    project_quiet_helpers: tuple[str, ...] = ()
    """`module.function index name` for each parameter a function of the project only tests or
    logs, never shows (`rules._support.quiet_helpers`), found before the review with the debug
    helpers; no setting sets it. Part of the cache key, as `project_pickle_files` is."""
