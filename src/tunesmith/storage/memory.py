"""In-memory storage: the default, for a study that lives as long as its process."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from tunesmith.errors import StudyNotFoundError
from tunesmith.events import Event, Record
from tunesmith.storage.base import StudyInfo


class MemoryStorage:
    """Keeps every study's events in a list; nothing is written anywhere.

    Share one instance between studies (``create_study(storage=storage)``) to list or
    load them by name within the process.

    Example:
        >>> storage = MemoryStorage()
        >>> storage.studies()
        []
    """

    def __init__(self) -> None:
        self._infos: dict[str, StudyInfo] = {}
        self._events: dict[str, list[Event]] = {}
        self._lock = threading.Lock()

    def create(self, info: StudyInfo) -> bool:
        with self._lock:
            if info.name in self._infos:
                return False
            self._infos[info.name] = info
            self._events[info.name] = []
            return True

    def info(self, study: str) -> StudyInfo | None:
        return self._infos.get(study)

    def studies(self) -> list[StudyInfo]:
        return sorted(self._infos.values(), key=lambda info: info.created_at)

    def delete(self, study: str) -> bool:
        with self._lock:
            self._events.pop(study, None)
            return self._infos.pop(study, None) is not None

    def append(self, study: str, events: Sequence[Event], if_last: int | None = None) -> int:
        with self._lock:
            log = self._events.get(study)
            if log is None:
                log = self._log(study)  # raises StudyNotFoundError
            if if_last is not None and len(log) != if_last:
                return -1
            log.extend(events)
            return len(log)

    def read(self, study: str, after: int = 0) -> list[Record]:
        log = self._events.get(study)
        if log is None:
            log = self._log(study)  # raises StudyNotFoundError
        if after >= len(log):
            return []
        return list(enumerate(log[after:], start=after + 1))

    def copy_of(self, study: str) -> MemoryStorage:
        """A new storage holding a copy of this study (events are immutable: the copy
        shares them, and the two studies go their own ways from here)."""
        copied = MemoryStorage()
        with self._lock:
            copied._infos[study] = self._infos[study]
            copied._events[study] = list(self._log(study))
        return copied

    def _log(self, study: str) -> list[Event]:
        try:
            return self._events[study]
        except KeyError:
            raise StudyNotFoundError(f"no study named {study!r} in this MemoryStorage") from None

    def __repr__(self) -> str:
        return f"MemoryStorage({len(self._infos)} studies)"
