"""Every answer the LLM gives, kept in SQLite: a re-run is free and gives the same review.

The key is the SHA-256 of everything that decides an answer (endpoint-independent: the model,
the messages, the sampling parameters and the sample's index), so the same prompt asked of the
same model with the same settings is answered from here, and `--llm-offline` can review with no
server at all. SQLite because it is in the standard library, safe with several threads when each
uses its own connection, and atomic on a crash.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

CACHE_FILE = "llm-answers.sqlite3"


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    """An answer as the server gave it, and the tokens it cost when it was first asked."""

    text: str
    tokens: int


def answer_key(model: str, messages: list[dict[str, str]], parameters: dict[str, object]) -> str:
    """The cache key of one request: the hash of model, messages and parameters (canonical JSON)."""
    canonical = json.dumps(
        {"model": model, "messages": messages, "parameters": parameters},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


CACHE_DIR_ENV = "SECREVIEW_LLM_CACHE_DIR"
"""Environment variable naming the answer cache's folder (below `--llm-cache-dir`)."""


def default_cache_dir() -> Path:
    """`SECREVIEW_LLM_CACHE_DIR`, else the user's cache folder for secreview (platformdirs when
    installed, else XDG rules)."""
    if named := os.environ.get(CACHE_DIR_ENV):
        return Path(named)
    try:
        from platformdirs import user_cache_dir  # part of the `llm` extra
    except ImportError:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base) / "secreview"
    return Path(user_cache_dir("secreview", appauthor=False))


class AnswerCache:
    """A key-value store of answers in one SQLite file; one connection per thread."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / CACHE_FILE
        self._local = threading.local()
        with self._connection() as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS answers "
                "(key TEXT PRIMARY KEY, text TEXT NOT NULL, tokens INTEGER NOT NULL)"
            )

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30)
            self._local.connection = connection
        return connection

    def get(self, key: str) -> CachedAnswer | None:
        """The answer stored under `key`, or None."""
        row = (
            self._connection()
            .execute("SELECT text, tokens FROM answers WHERE key = ?", (key,))
            .fetchone()
        )
        return CachedAnswer(row[0], row[1]) if row else None

    def put(self, key: str, answer: CachedAnswer) -> None:
        """Keep `answer` under `key` (the first answer stays: a re-run must repeat it)."""
        with self._connection() as connection:
            connection.execute(
                "INSERT OR IGNORE INTO answers (key, text, tokens) VALUES (?, ?, ?)",
                (key, answer.text, answer.tokens),
            )
