"""Settings of the optional LLM stage: `[tool.secreview.llm]`, then the `--llm-*` options.

A configuration file can describe the endpoint and the model, but never turns the stage on:
only `--llm` on the command line does, so reviewing a repository whose own pyproject.toml names
an endpoint sends nothing anywhere unless the person running secreview asks for it. The API key
is never a value here, only the name of the environment variable holding it.

Where the code and the key go, and where answers are kept, is the user's choice, never the
reviewed repository's: from a pyproject.toml found in the reviewed tree (or a review's base
revision), `endpoint`, `api-key-env` and `cache-dir` are ignored (`from_reviewed_tree`), so a
hostile repository cannot send its reviewer's code, or the key in some other variable, to a
server of its choosing, nor point the answer cache at answers it ships itself (a forged cache
would confirm, dispute or invent whatever it likes, offline and unseen). They count from
`--config FILE` and from the command line; the cache folder also from `SECREVIEW_LLM_CACHE_DIR`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from secreview.findings import Severity

ROLES = ("infer", "review", "triage")
"""What the stage can do: infer models of unknown APIs for this run's analysis, find defects no
rule found, and judge each static finding."""
LLM_REVIEW_RULE_ID = "llm-review"
"""The rule id of the review role's findings (selected and ignored as a rule's are)."""
STYLES = ("basic", "commit", "cwe", "pillars", "steps", "default")
"""Prompt styles after Yu et al. (arXiv 2401.16310); `default` combines the useful ones."""
DEFAULT_API_KEY_ENV = "SECREVIEW_LLM_API_KEY"


class LlmSettingError(ValueError):
    """A `[tool.secreview.llm]` value of the wrong type or range; the message names the key."""


class LlmSettings(NamedTuple):
    """How the LLM stage runs; `enabled` is set by `--llm` alone."""

    enabled: bool = False
    endpoint: str | None = None
    """Base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1."""
    model: str = ""
    api_key_env: str = DEFAULT_API_KEY_ENV
    """Name of the environment variable holding the API key (unset: no Authorization header)."""
    timeout_seconds: float = 120.0
    retries: int = 3
    """Further attempts after a 429, a 5xx or a timeout, with exponential backoff."""
    token_budget: int = 200_000
    """Tokens (prompt + answer) the run may spend; when spent, the stage stops and says so."""
    concurrency: int = 2
    samples: int = 3
    """Answers asked for each prompt; a defect is kept when `agreement` of them agree."""
    agreement: int | None = None
    """Samples that must agree (None: a majority of `samples`)."""
    temperature: float = 0.6
    max_answer_tokens: int = 2048
    style: str = "default"
    roles: tuple[str, ...] = ROLES
    offline: bool = False
    """Answer from the cache only; a prompt it does not hold is skipped and counted."""
    fail_on: Severity | None = None
    """LLM findings at or above this severity fail the run; None: they never change the exit."""
    cache_dir: str | None = None
    """The answer cache's folder (None: `SECREVIEW_LLM_CACHE_DIR`, else the user cache folder)."""

    def from_reviewed_tree(self) -> LlmSettings:
        """These settings as a configuration file inside the reviewed tree may give them: without
        the destination of the code, the variable the key is read from and the cache folder
        (module docstring)."""
        return self._replace(endpoint=None, api_key_env=DEFAULT_API_KEY_ENV, cache_dir=None)

    @property
    def votes_needed(self) -> int:
        """How many samples must agree for a defect to be kept."""
        if self.agreement is not None:
            return min(self.agreement, self.samples)
        return self.samples // 2 + 1


def _positive_int(value: object, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise LlmSettingError(f"{key} must be a whole number of at least 1, not {value!r}")
    return value


def _number(value: object, key: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise LlmSettingError(f"{key} must be a number from {low} to {high}, not {value!r}")
    return float(value)


def _text(value: object, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise LlmSettingError(f"{key} must be a non-empty string, not {value!r}")
    return value.strip()


def _choice(value: object, key: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise LlmSettingError(f"{key} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _roles(value: object, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise LlmSettingError(f"{key} must be a non-empty list of {', '.join(ROLES)}")
    return tuple(sorted({_choice(item, key, ROLES) for item in value}))


def _severity(value: object, key: str) -> Severity:
    levels = tuple(s.label for s in Severity)
    return Severity.parse(_choice(value.lower() if isinstance(value, str) else value, key, levels))


_PARSERS = {
    "endpoint": ("endpoint", _text),
    "model": ("model", _text),
    "api-key-env": ("api_key_env", _text),
    "timeout": ("timeout_seconds", lambda v, k: _number(v, k, 0.1, 3600)),
    "retries": ("retries", lambda v, k: int(_number(v, k, 0, 10))),
    "token-budget": ("token_budget", _positive_int),
    "concurrency": ("concurrency", lambda v, k: int(_number(v, k, 1, 64))),
    "samples": ("samples", lambda v, k: int(_number(v, k, 1, 20))),
    "agreement": ("agreement", _positive_int),
    "temperature": ("temperature", lambda v, k: _number(v, k, 0, 2)),
    "max-answer-tokens": ("max_answer_tokens", _positive_int),
    "style": ("style", lambda v, k: _choice(v, k, STYLES)),
    "roles": ("roles", _roles),
    "fail-on": ("fail_on", _severity),
    "cache-dir": ("cache_dir", _text),
}
KNOWN_LLM_KEYS = tuple(_PARSERS)


def parse_llm_table(table: Mapping[str, object]) -> LlmSettings:
    """`[tool.secreview.llm]` as LlmSettings (never enabled: only `--llm` turns it on)."""
    values: dict[str, object] = {}
    for key, value in table.items():
        if key not in _PARSERS:
            raise LlmSettingError(
                f"unknown key {key!r} (known keys: {', '.join(KNOWN_LLM_KEYS)}; the stage is "
                "turned on with --llm only)"
            )
        field, parse = _PARSERS[key]
        values[field] = parse(value, key)
    return LlmSettings()._replace(**values)  # type: ignore[arg-type]
