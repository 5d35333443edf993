"""The cache file: one SQLite database of JSON values by key, shared safely by concurrent runs.

SQLite because it is in the standard library and atomic: in WAL mode readers never block the
writer, a busy timeout makes a second run wait for the first's short write instead of failing,
and a run killed half-way leaves the previous state. Each run reads its hits up front and writes
its new values in one transaction at the end of each phase.

The file stays bounded: each entry records the day a run last used it, and opening the cache
drops entries no run has used for `KEEP_DAYS`, then the least recently used beyond
`MAX_ENTRIES`. Old versions, edited files and scanned-once trees age out on their own.

The file is trusted for nothing. A file that is not a database, a database of another program or
of another schema, a locked or read-only file: each turns the cache off for this run with one
warning, and the scan goes on exactly as with `--no-cache`. A row that does not decode is a
miss (and is overwritten by the fresh value).
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

CACHE_FILE = "scan-cache-v2.sqlite3"
SCHEMA = "secreview-scan-cache/2"
"""Written in the file's `meta` table; a file holding anything else is not ours to use."""
BUSY_TIMEOUT_MS = 30_000
"""How long a run waits for another run's write before it gives up on the cache (not the scan)."""
ENVIRONMENT_VARIABLE = "SECREVIEW_CACHE_DIR"
"""Where the cache lives when the command line does not say (it wins over `--config`)."""

PREVIOUS_FILES = ("scan-cache-v1.sqlite3",)
"""Cache files of earlier schemas, removed when this version opens its own."""
KEEP_DAYS = 30
"""Entries no run has used for this many days are dropped when the cache is opened."""
MAX_ENTRIES = 500_000
"""Past this many entries the least recently used go (about a few hundred MB of reports)."""
SECONDS_PER_DAY = 86_400

Warn = Callable[[str], None]
Clock = Callable[[], float]


def warn_on_stderr(message: str) -> None:
    """The default way the cache says it turned itself off: one line on standard error."""
    print(f"warning: {message}", file=sys.stderr)


def default_cache_dir() -> Path:
    """The user's cache folder for secreview (`~/.cache/secreview` on Linux, per XDG)."""
    from platformdirs import user_cache_dir  # imported only when a cache is used

    return Path(user_cache_dir("secreview", appauthor=False))


class ScanCache:
    """Values by key in one SQLite file; after the first error, a cache that holds nothing."""

    def __init__(
        self, folder: Path | None, warn: Warn = warn_on_stderr, clock: Clock = time.time
    ) -> None:
        """The cache in `folder` (None: a cache that holds nothing, for runs without one);
        `clock` tells the day entries are marked used on (a test passes its own)."""
        self.path = folder / CACHE_FILE if folder is not None else None
        self._warn = warn
        self._warned = False
        self._today = int(clock() // SECONDS_PER_DAY)
        self._connection: sqlite3.Connection | None = None
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            remove_previous_versions(folder)
            self._connection = _open_when_free(folder / CACHE_FILE)
            _prune(self._connection, self._today)
        except (OSError, sqlite3.Error, ForeignCacheError) as error:
            self._disable(error)

    @property
    def enabled(self) -> bool:
        """Whether the cache is still in use (it turns off at its first error)."""
        return self._connection is not None

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        """The stored text of each key that has one."""
        wanted = sorted(set(keys))
        found: dict[str, str] = {}
        if self._connection is None:
            return found
        try:
            for start in range(0, len(wanted), 500):  # SQLite limits the parameters per query
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._connection.execute(
                    f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk
                )
                for key, value in rows:
                    if isinstance(key, str) and isinstance(value, str):
                        found[key] = value
            self._mark_used(sorted(found))
        except sqlite3.Error as error:
            self._disable(error)
            return {}
        return found

    def put_many(self, values: Mapping[str, str]) -> None:
        """Store every value under its key, in one transaction (the newest value wins)."""
        if self._connection is None or not values:
            return
        try:
            with self._connection:
                self._connection.executemany(
                    "INSERT OR REPLACE INTO entries (key, value, used) VALUES (?, ?, ?)",
                    [(key, value, self._today) for key, value in sorted(values.items())],
                )
        except sqlite3.Error as error:
            self._disable(error)

    def _mark_used(self, keys: list[str]) -> None:
        """Record that this run used `keys` today (an entry already marked is not rewritten)."""
        assert self._connection is not None
        with self._connection:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                self._connection.execute(
                    f"UPDATE entries SET used = ? WHERE used < ? AND key IN ({marks})",
                    [self._today, self._today, *chunk],
                )

    def report_bad_value(self, key: str, problem: str) -> None:
        """Say (once per run) that a stored value could not be used; it is treated as a miss."""
        self._warn_once(
            f"the scan cache {self.path} held an unusable value ({problem}); it is "
            "reviewed again and replaced"
        )

    def close(self) -> None:
        """Let go of the file."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _disable(self, error: BaseException) -> None:
        self.close()
        self._warn_once(
            f"the scan cache {self.path} cannot be used ({error}); this run goes on without it "
            "(delete the file to start a new cache, or pass --no-cache)"
        )

    def _warn_once(self, message: str) -> None:
        if not self._warned:
            self._warned = True
            self._warn(message)


class ForeignCacheError(Exception):
    """The file is a database, but not a secreview scan cache of this schema."""


OPEN_ATTEMPTS = 8
"""How often a run tries to open a cache another run is opening (see `_open_when_free`)."""


def _open_when_free(path: Path) -> sqlite3.Connection:
    """`_open`, tried again a few times while the file is locked. Two runs opening a new cache
    at once both switch it to WAL, and SQLite answers that switch "database is locked" at once,
    without waiting out the busy timeout: on a loaded machine (CI beside another job) the second
    run lost its cache. Any other error, or a lock that outlasts the attempts, is the caller's."""
    for attempt in range(OPEN_ATTEMPTS - 1):
        try:
            return _open(path)
        except sqlite3.OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.05 * 2**attempt)  # 0.05 s .. 3.2 s: about 6 s in all
    return _open(path)


def _open(path: Path) -> sqlite3.Connection:
    """A connection to the cache at `path`, created if new, checked if not.

    A file that is not ours is refused before anything is written to it (even the switch to
    WAL rewrites its header)."""
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _check_ours(connection)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("BEGIN IMMEDIATE")  # two first runs must not both create the tables
        try:
            if _check_ours(connection):
                connection.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT)")
                connection.execute(
                    "CREATE TABLE entries (key TEXT PRIMARY KEY, value TEXT, used INTEGER)"
                )
                connection.execute("CREATE INDEX entries_used ON entries (used)")
                connection.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA,))
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    except BaseException:
        connection.close()
        raise
    connection.isolation_level = ""  # back to transactions opened by `with connection`
    return connection


def _check_ours(connection: sqlite3.Connection) -> bool:
    """Whether the database is empty (to be made ours); ForeignCacheError when it is neither
    empty nor our cache."""
    if connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
        return True
    if _schema(connection) != SCHEMA:
        raise ForeignCacheError("it is not a secreview scan cache of this version")
    return False


def _schema(connection: sqlite3.Connection) -> object:
    try:
        row = connection.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        columns = [row[1] for row in connection.execute("PRAGMA table_info(entries)")]
    except sqlite3.Error:
        return None
    if columns != ["key", "value", "used"]:
        return None
    return row[0] if row else None


def _prune(connection: sqlite3.Connection, today: int) -> None:
    """Drop entries unused for `KEEP_DAYS`, then the least recently used past `MAX_ENTRIES`."""
    with connection:
        connection.execute("DELETE FROM entries WHERE used < ?", (today - KEEP_DAYS,))
        (count,) = connection.execute("SELECT count(*) FROM entries").fetchone()
        if count > MAX_ENTRIES:
            connection.execute(
                "DELETE FROM entries WHERE key IN (SELECT key FROM entries "
                "ORDER BY used, key LIMIT ?)",
                (count - MAX_ENTRIES,),
            )


def remove_previous_versions(folder: Path) -> None:
    """Delete the files of earlier cache versions in `folder`: they are never read again, and
    would otherwise keep their size for ever."""
    for name in PREVIOUS_FILES:
        for suffix in ("", "-wal", "-shm"):
            (folder / f"{name}{suffix}").unlink(missing_ok=True)
