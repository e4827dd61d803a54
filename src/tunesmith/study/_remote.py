"""Serving a storage to other processes: how worker processes share an in-memory study.

The process that owns the storage runs a :class:`StorageServer` (a socket on the
loopback interface, authenticated with a random key); workers talk to it through a
:class:`RemoteStorage`, which is itself a storage. Calls are small pickled requests;
storages that other processes can open themselves (SQLite, PostgreSQL) are not served
this way — workers open them directly.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from collections.abc import Sequence
from multiprocessing.connection import Client, Connection, Listener
from typing import Any

from tunesmith.errors import StorageError
from tunesmith.events import Event, Record
from tunesmith.storage.base import Storage, StudyInfo

_LOG = logging.getLogger("tunesmith")
_METHODS = frozenset({"create", "info", "studies", "delete", "append", "read"})


class StorageServer:
    """Answers storage calls from other processes until closed."""

    def __init__(self, storage: Storage, host: str = "127.0.0.1") -> None:
        self.storage = storage
        self.authkey = secrets.token_bytes(32)
        # A backlog of one (the default) drops simultaneous connects: a second worker
        # would wait for TCP to retry its SYN, a whole second.
        self._listener = Listener((host, 0), backlog=128, authkey=self.authkey)
        self.address: tuple[str, int] = self._listener.address
        self._closed = False
        self._thread: threading.Thread | None = None

    def start(self) -> StorageServer:
        """Start answering (after any fork: a forked child must not inherit the threads)."""
        self._thread = threading.Thread(target=self._accept, name="tunesmith-storage", daemon=True)
        self._thread.start()
        return self

    def _accept(self) -> None:
        while not self._closed:
            try:
                connection = self._listener.accept()
            except OSError:
                return  # closed
            except Exception:  # a client that failed to authenticate
                continue
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: Connection) -> None:
        with connection:
            while True:
                try:
                    method, args = connection.recv()
                except (EOFError, OSError):
                    return
                try:
                    if method not in _METHODS:
                        raise StorageError(f"unknown storage call {method!r}")
                    reply: tuple[bool, Any] = (True, getattr(self.storage, method)(*args))
                except Exception as exc:
                    reply = (False, exc)
                connection.send(reply)

    def close(self) -> None:
        self._closed = True
        self._listener.close()


class RemoteStorage:
    """A storage served by a :class:`StorageServer` in another process."""

    def __init__(self, address: tuple[str, int], authkey: bytes) -> None:
        self.address = address
        self.authkey = authkey
        self._local = threading.local()

    def __getstate__(self) -> dict[str, object]:
        return {"address": self.address, "authkey": self.authkey}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._local = threading.local()

    def _call(self, method: str, *args: Any) -> Any:
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            try:
                connection = Client(self.address, authkey=self.authkey)
            except OSError as exc:
                raise StorageError(
                    f"cannot reach the study's storage server at {self.address}: {exc}"
                ) from exc
            self._local.connection, self._local.pid = connection, os.getpid()
        try:
            connection.send((method, args))
            ok, value = connection.recv()
        except (EOFError, OSError) as exc:
            self._local.connection = None
            raise StorageError(f"lost the study's storage server at {self.address}") from exc
        if not ok:
            raise value
        return value

    def create(self, info: StudyInfo) -> bool:
        result: bool = self._call("create", info)
        return result

    def info(self, study: str) -> StudyInfo | None:
        result: StudyInfo | None = self._call("info", study)
        return result

    def studies(self) -> list[StudyInfo]:
        result: list[StudyInfo] = self._call("studies")
        return result

    def delete(self, study: str) -> bool:
        result: bool = self._call("delete", study)
        return result

    def append(self, study: str, events: Sequence[Event]) -> int:
        result: int = self._call("append", study, list(events))
        return result

    def read(self, study: str, after: int = 0) -> list[Record]:
        result: list[Record] = self._call("read", study, after)
        return result

    def __repr__(self) -> str:
        return f"RemoteStorage({self.address[0]}:{self.address[1]})"
