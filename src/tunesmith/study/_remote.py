"""Serving a storage to other processes: how worker processes share an in-memory study.

The process that owns the storage runs a :class:`StorageServer` (a socket on the
loopback interface); workers talk to it through a :class:`RemoteStorage`, which is itself
a storage. Storages that other processes can open themselves (SQLite, PostgreSQL) are
not served this way: workers open them directly.

The protocol is small on purpose, so that nothing a stranger sends can stop it:

- A connection first proves it knows the server's random key: the server sends 32 random
  bytes, the client answers their HMAC-SHA256 under the key, within
  :data:`HANDSHAKE_SECONDS`. Anything else closes that connection, and only that one:
  each connection has its own thread, and at most :data:`MAX_HANDSHAKES` may be
  unauthenticated at once (a port scanner or a silent client stalls nobody).
- Then each call and each reply is one frame: an 8-byte big-endian length and that many
  bytes of pickle (at most :data:`MAX_FRAME`). Only authenticated peers, which are this
  study's own workers, are ever unpickled.
- A client waits at most :data:`CALL_SECONDS` for a reply, then reports a
  :class:`StorageError` instead of hanging its worker.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import pickle
import secrets
import socket
import struct
import threading
from collections.abc import Sequence
from typing import Any

from tunesmith.errors import StorageError
from tunesmith.events import Event, Record
from tunesmith.storage.base import Storage, StudyInfo

_LOG = logging.getLogger("tunesmith")
_METHODS = frozenset({"create", "info", "studies", "delete", "append", "read"})
_LENGTH = struct.Struct(">Q")
_CHALLENGE = 32
#: Seconds a new connection has to authenticate.
HANDSHAKE_SECONDS = 10.0
#: Unauthenticated connections served at once; more are closed at once.
MAX_HANDSHAKES = 256
#: Seconds a worker waits for the answer to one storage call.
CALL_SECONDS = 120.0
#: The largest call or reply, in bytes (a whole study's events fit many times over).
MAX_FRAME = 1 << 30


def _receive_exactly(connection: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = connection.recv(min(left, 1 << 20))
        if not chunk:
            raise ConnectionError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _send_frame(connection: socket.socket, payload: bytes) -> None:
    connection.sendall(_LENGTH.pack(len(payload)) + payload)


def _receive_frame(connection: socket.socket) -> bytes:
    (size,) = _LENGTH.unpack(_receive_exactly(connection, _LENGTH.size))
    if size > MAX_FRAME:
        raise ConnectionError(f"a frame of {size} bytes is more than the {MAX_FRAME} allowed")
    return _receive_exactly(connection, size)


def _digest(key: bytes, challenge: bytes) -> bytes:
    return hmac.new(key, challenge, hashlib.sha256).digest()


class StorageServer:
    """Answers storage calls from other processes until closed."""

    def __init__(self, storage: Storage, host: str = "127.0.0.1") -> None:
        self.storage = storage
        self.authkey = secrets.token_bytes(32)
        self._socket = socket.create_server((host, 0), backlog=128)
        self.address: tuple[str, int] = self._socket.getsockname()[:2]
        self._handshakes = threading.BoundedSemaphore(MAX_HANDSHAKES)
        self._open: set[socket.socket] = set()
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
                connection, _ = self._socket.accept()
            except OSError:
                if self._closed:
                    return
                continue  # e.g. a connection reset before it was accepted
            if not self._handshakes.acquire(blocking=False):
                connection.close()  # too many strangers at once: this one waits for nobody
                continue
            threading.Thread(
                target=self._serve, args=(connection,), name="tunesmith-storage-call", daemon=True
            ).start()

    def _serve(self, connection: socket.socket) -> None:
        self._open.add(connection)
        with connection:
            try:
                authenticated = self._authenticate(connection)
            finally:
                self._handshakes.release()
            if not authenticated:
                self._open.discard(connection)
                return
            connection.settimeout(None)  # a worker may stay quiet between calls
            try:
                while True:
                    method, args = pickle.loads(_receive_frame(connection))
                    _send_frame(connection, self._answer(method, args))
            except (OSError, ConnectionError, EOFError):
                return  # the worker went away
            except Exception:
                _LOG.warning("a worker sent a call that could not be read", exc_info=True)
            finally:
                self._open.discard(connection)

    def _authenticate(self, connection: socket.socket) -> bool:
        connection.settimeout(HANDSHAKE_SECONDS)
        try:
            challenge = secrets.token_bytes(_CHALLENGE)
            connection.sendall(challenge)
            answer = _receive_exactly(connection, len(_digest(b"", b"")))
        except (OSError, ConnectionError):
            return False
        return hmac.compare_digest(answer, _digest(self.authkey, challenge))

    def _answer(self, method: object, args: object) -> bytes:
        try:
            if method not in _METHODS or not isinstance(args, tuple):
                raise StorageError(f"unknown storage call {method!r}")
            reply: tuple[bool, Any] = (True, getattr(self.storage, method)(*args))
        except Exception as exc:
            reply = (False, exc)
        try:
            return pickle.dumps(reply)
        except Exception as exc:  # an answer or an error that does not pickle
            return pickle.dumps((False, StorageError(f"storage call {method!r}: {exc!r}")))

    def close(self) -> None:
        """Stop accepting, and end every open connection (their workers get errors)."""
        self._closed = True
        self._socket.close()
        for connection in list(self._open):
            with contextlib.suppress(OSError):  # already closed by the other side
                connection.shutdown(socket.SHUT_RDWR)


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

    def _connect(self) -> socket.socket:
        try:
            connection = socket.create_connection(self.address, timeout=HANDSHAKE_SECONDS)
            challenge = _receive_exactly(connection, _CHALLENGE)
            connection.sendall(_digest(self.authkey, challenge))
        except (OSError, ConnectionError) as exc:
            raise StorageError(
                f"cannot reach the study's storage server at {self.address}: {exc}"
            ) from exc
        connection.settimeout(CALL_SECONDS)
        return connection

    def _call(self, method: str, *args: Any) -> Any:
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            connection = self._connect()
            self._local.connection, self._local.pid = connection, os.getpid()
        try:
            _send_frame(connection, pickle.dumps((method, args)))
            ok, value = pickle.loads(_receive_frame(connection))
        except (OSError, ConnectionError, EOFError) as exc:
            self._local.connection = None
            connection.close()
            raise StorageError(
                f"lost the study's storage server at {self.address} during {method}: {exc}"
            ) from exc
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

    def append(self, study: str, events: Sequence[Event], if_last: int | None = None) -> int:
        result: int = self._call("append", study, list(events), if_last)
        return result

    def read(self, study: str, after: int = 0) -> list[Record]:
        result: list[Record] = self._call("read", study, after)
        return result

    def __repr__(self) -> str:
        return f"RemoteStorage({self.address[0]}:{self.address[1]})"


#: Servers started by :func:`serve_storage`; they answer until this process ends.
_SERVED: list[StorageServer] = []


def serve_storage(storage: Storage | None = None) -> RemoteStorage:
    """Serve ``storage`` (by default a new in-memory one) from this process to processes
    on this machine, and return a storage that reaches it. That storage pickles as a
    connection, so a study on it can be sent to other processes (Dask's local workers,
    ``multiprocessing``) and they all write to one study. It answers until this process
    ends. For workers on other machines, use PostgreSQL.

    Example:
        >>> import pickle, tunesmith as ts
        >>> study = ts.create_study(storage=serve_storage(), sampler="random", seed=0)
        >>> elsewhere = pickle.loads(pickle.dumps(study))
        >>> elsewhere.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
        >>> len(study.trials)
        2
    """
    from tunesmith.storage.memory import MemoryStorage

    server = StorageServer(MemoryStorage() if storage is None else storage).start()
    _SERVED.append(server)
    return RemoteStorage(server.address, server.authkey)
