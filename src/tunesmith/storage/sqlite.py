"""SQLite storage through the standard library: one file, many processes.

The database is in WAL mode, so readers never block the writer. Every write is one
``BEGIN IMMEDIATE`` transaction: it takes the write lock up front (a deferred
transaction that tries to upgrade its read lock fails at once with "database is locked",
whatever the timeout), and waits for the lock up to ``timeout`` seconds.

``synchronous=NORMAL`` is the default: a commit survives the process being killed, and
only an operating-system crash or power loss may lose the last commits. Pass
``durable=True`` (``sqlite:///file.db?durable=1``) for ``synchronous=FULL``, about ten
times fewer commits per second.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path

from tunesmith.errors import StorageError, StudyNotFoundError
from tunesmith.events import Event, Record, decode_record, encode
from tunesmith.interrupts import held, pending
from tunesmith.storage.base import StudyInfo
from tunesmith.validation import check_bool, check_number

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tunesmith_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS studies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    direction TEXT NOT NULL,
    seed INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    trial INTEGER,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_study ON events (study_id, seq);
"""


class SQLiteStorage:
    """Studies in one SQLite file, safe for several processes at once.

    Args:
        path: The database file; created (with its tables) if missing.
        timeout: Seconds a write waits for another process's transaction.
        durable: ``synchronous=FULL`` instead of ``NORMAL`` (see the module docstring).
        create: With False, a missing file is a :class:`StudyNotFoundError` instead of a
            new database (loading a study never creates a file).

    Example:
        >>> import tempfile, os
        >>> storage = SQLiteStorage(os.path.join(tempfile.mkdtemp(), "runs.db"))
        >>> storage.studies()
        []
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = 60.0,
        durable: bool = False,
        create: bool = True,
    ) -> None:
        self.path = str(path)
        self.timeout = check_number("timeout", timeout, owner="SQLiteStorage", minimum=0)
        self.durable = check_bool("durable", durable, owner="SQLiteStorage")
        self._lock = threading.RLock()
        self._connection: sqlite3.Connection | None = None
        self._pid = -1
        parent = Path(self.path).parent
        if not create and self.path != ":memory:" and not Path(self.path).exists():
            raise StudyNotFoundError(
                f"no SQLite database at {self.path!r} (loading, listing or deleting studies "
                "never creates one)"
            )
        if self.path != ":memory:" and not parent.is_dir():
            raise StorageError(
                f"cannot create the SQLite database {self.path!r}: the directory "
                f"{str(parent)!r} does not exist"
            )
        #: True when this process may only read the database (the file or its folder is
        #: read-only for it): studies load and show, and every write is a StorageError.
        self.read_only = False
        try:
            with self._transaction() as connection:
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    connection.execute(statement)
                self._check_version(connection, create=True)
        except StorageError as exc:
            if not _read_only(str(exc)) or not Path(self.path).exists():
                raise
            self.read_only = True
            self._connection = None
            with self._reading() as connection:
                self._check_version(connection, create=False)

    def _check_version(self, connection: sqlite3.Connection, *, create: bool) -> None:
        try:
            row = connection.execute(
                "SELECT value FROM tunesmith_meta WHERE key = 'schema_version'"
            ).fetchone()
        except sqlite3.OperationalError:  # no such table: not a tunesmith database
            row = None
        if row is None and create:
            connection.execute(
                "INSERT INTO tunesmith_meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
            )
        elif row is None:
            raise StorageError(f"{self.path!r} is read-only and holds no tunesmith studies")
        elif int(row[0]) != SCHEMA_VERSION:
            raise StorageError(
                f"{self.path!r} has tunesmith schema version {row[0]}, but this version "
                f"of tunesmith reads version {SCHEMA_VERSION}"
            )

    def __getstate__(self) -> dict[str, object]:
        # Worker processes get the path and settings; they open their own connection.
        return {
            "path": self.path,
            "timeout": self.timeout,
            "durable": self.durable,
            "read_only": self.read_only,
        }

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()
        self._connection = None
        self._pid = -1

    def _connect(self) -> sqlite3.Connection:
        # A connection must not cross fork(); each process opens its own.
        if self._connection is None or self._pid != os.getpid():
            try:
                if self.read_only:
                    connection = self._connect_read_only()
                else:
                    connection = sqlite3.connect(
                        self.path,
                        timeout=self.timeout,
                        isolation_level=None,
                        check_same_thread=False,
                    )
                    connection.execute("PRAGMA journal_mode=WAL")
                    durability = "FULL" if self.durable else "NORMAL"
                    connection.execute(f"PRAGMA synchronous={durability}")
                    connection.execute("PRAGMA foreign_keys=ON")
            except sqlite3.DatabaseError as exc:
                raise StorageError(
                    f"cannot open {self.path!r} as a SQLite database: {exc}"
                ) from exc
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    def _connect_read_only(self) -> sqlite3.Connection:
        """A connection that never writes. A WAL database in a folder this process may
        not write is readable only as immutable (SQLite cannot create its shared-memory
        file): then changes others make after the connection opens are not seen."""
        location = "file:" + urllib.parse.quote(os.path.abspath(self.path))

        def connect(mode: str) -> sqlite3.Connection:
            return sqlite3.connect(
                f"{location}?{mode}",
                uri=True,
                timeout=self.timeout,
                isolation_level=None,
                check_same_thread=False,
            )

        connection = connect("mode=ro")
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            connection.close()
            connection = connect("immutable=1")
        return connection

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any error. A Ctrl-C is
        held until the transaction has ended either way: one arriving just after ``BEGIN``
        would otherwise leave the write lock held for every other process."""
        if self.read_only:
            raise self._write_error("read-only")
        with self._lock, held():
            connection = self._connect()
            deadline = time.monotonic() + self.timeout
            while True:
                try:
                    connection.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() > deadline:
                        raise self._write_error(str(exc)) from exc
                    if pending():  # nothing began: stop waiting for the lock
                        raise KeyboardInterrupt from None
                    time.sleep(0.01)
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException as exc:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise self._write_error(str(exc)) from exc
                raise

    def _write_error(self, why: str) -> StorageError:
        if _read_only(why):
            why = (
                "the file or its folder is read-only for this process, which can load and "
                "show its studies but not change them"
            )
        return StorageError(f"cannot write to {self.path!r}: {why}")

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._connect()
            except sqlite3.Error as exc:
                raise StorageError(f"cannot read {self.path!r}: {exc}") from exc

    def _study_id(self, connection: sqlite3.Connection, study: str) -> int:
        row = connection.execute("SELECT id FROM studies WHERE name = ?", (study,)).fetchone()
        if row is None:
            raise StudyNotFoundError(f"no study named {study!r} in {self.path!r}")
        return int(row[0])

    def create(self, info: StudyInfo) -> bool:
        with self._transaction() as connection:
            cursor = connection.execute(
                "INSERT OR IGNORE INTO studies (name, direction, seed, created_at) "
                "VALUES (?, ?, ?, ?)",
                (info.name, info.stored_direction, info.seed, info.created_at),
            )
            return cursor.rowcount == 1

    def info(self, study: str) -> StudyInfo | None:
        with self._reading() as connection:
            row = connection.execute(
                "SELECT name, direction, seed, created_at FROM studies WHERE name = ?", (study,)
            ).fetchone()
        return None if row is None else _info(row)

    def studies(self) -> list[StudyInfo]:
        with self._reading() as connection:
            rows = connection.execute(
                "SELECT name, direction, seed, created_at FROM studies ORDER BY id"
            ).fetchall()
        return [_info(row) for row in rows]

    def delete(self, study: str) -> bool:
        with self._transaction() as connection:
            row = connection.execute("SELECT id FROM studies WHERE name = ?", (study,)).fetchone()
            if row is None:
                return False
            connection.execute("DELETE FROM events WHERE study_id = ?", row)
            connection.execute("DELETE FROM studies WHERE id = ?", row)
            return True

    def append(self, study: str, events: Sequence[Event], if_last: int | None = None) -> int:
        records = [encode(event) for event in events]
        with self._transaction() as connection:
            study_id = self._study_id(connection, study)
            if if_last is not None:
                (last,) = connection.execute(
                    "SELECT coalesce(max(seq), 0) FROM events WHERE study_id = ?", (study_id,)
                ).fetchone()
                if last != if_last:
                    return -1
            connection.executemany(
                "INSERT INTO events (study_id, kind, trial, payload) VALUES (?, ?, ?, ?)",
                [(study_id, *record) for record in records],
            )
            return int(connection.execute("SELECT last_insert_rowid()").fetchone()[0])

    def read(self, study: str, after: int = 0) -> list[Record]:
        with self._reading() as connection:
            study_id = self._study_id(connection, study)
            rows = connection.execute(
                "SELECT seq, kind, trial, payload FROM events WHERE study_id = ? AND seq > ? "
                "ORDER BY seq",
                (study_id, after),
            ).fetchall()
        return [decode_record(study, *row) for row in rows]

    def __repr__(self) -> str:
        return f"SQLiteStorage({self.path!r})"


def _read_only(error: str) -> bool:
    """Whether a SQLite error (or ours) says the database may not be written."""
    return "readonly" in error or "read-only" in error


def _info(row: tuple[str, str, int, float]) -> StudyInfo:
    name, direction, seed, created_at = row
    return StudyInfo.from_stored(name, direction, seed, created_at)
