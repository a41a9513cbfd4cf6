"""Cross-run cache of link answers in SQLite (`<cache_dir>/links.sqlite3`).

Why SQLite: several medlint runs (pre-commit hooks, editor, CI shards) may share one cache at the
same moment. WAL mode lets readers proceed while one writer commits, `busy_timeout` makes writers
queue instead of failing, and each batch is one short `INSERT OR REPLACE` transaction, so the last
writer wins per URL and no run ever sees half a batch.

The cache is an optimisation only: a corrupt, locked-for-too-long or unwritable cache produces one
warning and the run continues uncached. It never raises into the checker.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

CACHE_FILE = "links.sqlite3"
_TABLE = "link_answers_v1"  # a new layout gets a new table name instead of a migration
_CHUNK = 400  # below SQLite's bound-parameter limit, and keeps each transaction short

CachedStatus = Literal["ok", "redirected", "broken"]


@dataclass(frozen=True)
class CachedAnswer:
    """The parts of a LinkResult worth remembering across runs."""

    status: CachedStatus
    http_status: int | None
    final_url: str | None
    permanent_redirect: bool
    reason: str


class LinkCache:
    """A handle on the cache database; every method degrades to a no-op after the first error."""

    def __init__(self, connection: sqlite3.Connection, path: Path, clock: Callable[[], float]):
        self._connection: sqlite3.Connection | None = connection
        self.path = path
        self._clock = clock

    @classmethod
    def open(cls, cache_dir: Path, clock: Callable[[], float] = time.time) -> LinkCache | None:
        """Open (creating directories and schema) or return None after warning why not."""
        path = cache_dir / CACHE_FILE
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=10.0, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            _warn(path, exc)
            return None
        try:
            connection.execute("PRAGMA busy_timeout = 10000")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute(
                f"CREATE TABLE IF NOT EXISTS {_TABLE} ("
                " url TEXT PRIMARY KEY, status TEXT NOT NULL, http_status INTEGER,"
                " final_url TEXT, permanent INTEGER NOT NULL, reason TEXT NOT NULL,"
                " checked_at REAL NOT NULL, expires_at REAL NOT NULL)"
            )
        except sqlite3.Error as exc:
            connection.close()
            _warn(path, exc)
            return None
        return cls(connection, path, clock)

    def get_many(self, urls: Sequence[str]) -> dict[str, CachedAnswer]:
        """Unexpired answers for those of `urls` that have one."""
        found: dict[str, CachedAnswer] = {}
        if self._connection is None:
            return found
        now = self._clock()
        try:
            for start in range(0, len(urls), _CHUNK):
                chunk = list(urls[start : start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                rows = self._connection.execute(
                    f"SELECT url, status, http_status, final_url, permanent, reason"
                    f" FROM {_TABLE} WHERE expires_at > ? AND url IN ({marks})",
                    [now, *chunk],
                ).fetchall()
                for url, status, http_status, final_url, permanent, reason in rows:
                    if status in ("ok", "redirected", "broken"):
                        found[str(url)] = CachedAnswer(
                            status, http_status, final_url, bool(permanent), str(reason)
                        )
        except sqlite3.Error as exc:
            self._disable(exc)
            return {}
        return found

    def put_many(self, entries: Iterable[tuple[str, CachedAnswer, float]]) -> None:
        """Store (url, answer, ttl seconds) triples, one short transaction per chunk."""
        if self._connection is None:
            return
        now = self._clock()
        rows = [
            (url, a.status, a.http_status, a.final_url, int(a.permanent_redirect), a.reason, now,
             now + ttl)
            for url, a, ttl in entries
        ]  # fmt: skip
        try:
            for start in range(0, len(rows), _CHUNK):
                with self._transaction() as connection:
                    connection.executemany(
                        f"INSERT OR REPLACE INTO {_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        rows[start : start + _CHUNK],
                    )
            with self._transaction() as connection:
                connection.execute(f"DELETE FROM {_TABLE} WHERE expires_at <= ?", (now,))
        except sqlite3.Error as exc:
            self._disable(exc)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _transaction(self) -> _Transaction:
        assert self._connection is not None
        return _Transaction(self._connection)

    def _disable(self, exc: BaseException) -> None:
        _warn(self.path, exc)
        self.close()


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT: take the write lock up front so busy_timeout applies."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __enter__(self) -> sqlite3.Connection:
        self._connection.execute("BEGIN IMMEDIATE")
        return self._connection

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            self._connection.execute("COMMIT")
            return
        with contextlib.suppress(sqlite3.Error):  # the failed statement may have ended it
            self._connection.execute("ROLLBACK")


def _warn(path: Path, exc: BaseException) -> None:
    warnings.warn(
        f"medlint link cache {path} is not usable ({exc}); checking links without it",
        RuntimeWarning,
        stacklevel=3,
    )
