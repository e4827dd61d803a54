"""PostgreSQL storage through psycopg 3: the same event log as SQLite, for many machines.

``postgresql://user:password@host:port/database``. The tables are created on first use
(prefixed ``tunesmith_``, so the database may hold other things).

Every append locks its study's row and numbers the new events from a counter kept in
that row, inside the transaction that inserts them. So a study's sequence numbers are
consecutive within a batch and in commit order: a reader that has seen event n has seen
every event before n. (A database-wide sequence would not do: numbers are handed out
before commit, so a reader could see 11 before 10 commits and skip 10 for good.)
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from tunesmith.errors import StorageError, StudyNotFoundError, require_module
from tunesmith.events import Event, Record, decode_record, encode
from tunesmith.storage.base import StudyInfo

SCHEMA_VERSION = 1

_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS tunesmith_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS tunesmith_studies (
        id BIGSERIAL PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        direction TEXT NOT NULL,
        seed BIGINT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        last_seq BIGINT NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE IF NOT EXISTS tunesmith_events (
        study_id BIGINT NOT NULL REFERENCES tunesmith_studies (id) ON DELETE CASCADE,
        seq BIGINT NOT NULL,
        kind TEXT NOT NULL,
        trial INTEGER,
        payload TEXT NOT NULL,
        PRIMARY KEY (study_id, seq)
    )""",
]
#: Serializes schema creation between processes that start at once.
_SCHEMA_LOCK = 0x7475_6E65


class PostgresStorage:
    """Studies in a PostgreSQL database, for workers on many machines.

    Args:
        url: ``postgresql://user:password@host:port/database``.

    Example:
        >>> storage = PostgresStorage("postgresql://localhost/tunesmith")  # doctest: +SKIP
    """

    def __init__(self, url: str) -> None:
        self._psycopg: Any = require_module("psycopg", "postgres", "PostgreSQL storage")
        self.url = url
        self._lock = threading.RLock()
        self._connection: Any = None
        self._pid = -1
        with self._transaction() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            for statement in _SCHEMA:
                cursor.execute(statement)
            cursor.execute("SELECT value FROM tunesmith_meta WHERE key = 'schema_version'")
            row = cursor.fetchone()
            if row is None:
                cursor.execute(
                    "INSERT INTO tunesmith_meta VALUES ('schema_version', %s)",
                    (str(SCHEMA_VERSION),),
                )
            elif int(row[0]) != SCHEMA_VERSION:
                raise StorageError(
                    f"the database has tunesmith schema version {row[0]}, but this version "
                    f"of tunesmith reads version {SCHEMA_VERSION}"
                )

    def __getstate__(self) -> dict[str, object]:
        return {"url": self.url}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["url"])  # type: ignore[misc]

    def _connect(self) -> Any:
        # A connection must not cross fork(); each process opens its own.
        if self._connection is None or self._pid != os.getpid() or self._connection.closed:
            try:
                self._connection = self._psycopg.connect(self.url)
            except self._psycopg.Error as exc:
                raise StorageError(
                    f"cannot connect to PostgreSQL at {self._safe_url}: {exc}"
                ) from exc
            self._pid = os.getpid()
        return self._connection

    @property
    def _safe_url(self) -> str:
        """The URL without its password, for messages."""
        head, at, tail = self.url.rpartition("@")
        if not at:
            return self.url
        scheme, _, credentials = head.partition("://")
        return f"{scheme}://{credentials.split(':')[0]}:***@{tail}"

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self._lock:
            connection = self._connect()
            try:
                with connection.transaction(), connection.cursor() as cursor:
                    yield cursor
            except self._psycopg.OperationalError as exc:
                self._connection = None  # reconnect next time
                raise StorageError(f"PostgreSQL at {self._safe_url} failed: {exc}") from exc

    def create(self, info: StudyInfo) -> bool:
        with self._transaction() as cursor:
            cursor.execute(
                "INSERT INTO tunesmith_studies (name, direction, seed, created_at) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (name) DO NOTHING",
                (info.name, info.stored_direction, info.seed, info.created_at),
            )
            return bool(cursor.rowcount == 1)

    def info(self, study: str) -> StudyInfo | None:
        with self._transaction() as cursor:
            cursor.execute(
                "SELECT name, direction, seed, created_at FROM tunesmith_studies WHERE name = %s",
                (study,),
            )
            row = cursor.fetchone()
        return None if row is None else _info(row)

    def studies(self) -> list[StudyInfo]:
        with self._transaction() as cursor:
            cursor.execute(
                "SELECT name, direction, seed, created_at FROM tunesmith_studies ORDER BY id"
            )
            rows = cursor.fetchall()
        return [_info(row) for row in rows]

    def delete(self, study: str) -> bool:
        with self._transaction() as cursor:
            cursor.execute("DELETE FROM tunesmith_studies WHERE name = %s", (study,))
            return bool(cursor.rowcount == 1)

    def append(self, study: str, events: Sequence[Event], if_last: int | None = None) -> int:
        records = [encode(event) for event in events]
        with self._transaction() as cursor:
            cursor.execute(
                "UPDATE tunesmith_studies SET last_seq = last_seq + %s "
                "WHERE name = %s AND (%s::bigint IS NULL OR last_seq = %s) RETURNING id, last_seq",
                (len(records), study, if_last, if_last),
            )
            row = cursor.fetchone()
            if row is None:
                cursor.execute("SELECT 1 FROM tunesmith_studies WHERE name = %s", (study,))
                if cursor.fetchone() is not None:
                    return -1  # another writer came first (``if_last`` no longer holds)
                raise StudyNotFoundError(f"no study named {study!r} in {self!r}")
            study_id, last = row
            first = last - len(records) + 1
            cursor.executemany(
                "INSERT INTO tunesmith_events (study_id, seq, kind, trial, payload) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(study_id, first + i, *record) for i, record in enumerate(records)],
            )
            return int(last)

    def read(self, study: str, after: int = 0) -> list[Record]:
        with self._transaction() as cursor:
            cursor.execute("SELECT id FROM tunesmith_studies WHERE name = %s", (study,))
            row = cursor.fetchone()
            if row is None:
                raise StudyNotFoundError(f"no study named {study!r} in {self!r}")
            cursor.execute(
                "SELECT seq, kind, trial, payload FROM tunesmith_events "
                "WHERE study_id = %s AND seq > %s ORDER BY seq",
                (row[0], after),
            )
            rows = cursor.fetchall()
        return [decode_record(study, *row) for row in rows]

    def __repr__(self) -> str:
        return f"PostgresStorage({self._safe_url!r})"


def _info(row: tuple[str, str, int, float]) -> StudyInfo:
    name, direction, seed, created_at = row
    return StudyInfo.from_stored(name, direction, seed, created_at)
