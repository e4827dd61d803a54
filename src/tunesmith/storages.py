"""Optuna's storage names (``optuna.storages.X``) onto tunesmith's storages.

- ``RDBStorage(url)`` is the storage ``create_study(storage=url)`` uses:
  ``sqlite:///path.db`` or ``postgresql://...``. Its ``heartbeat_interval`` and
  ``grace_period`` set how long a trial may go without a heartbeat before other workers
  fail it (tunesmith always sends heartbeats: ``study.lease_seconds``, 60 s by default).
- ``InMemoryStorage`` is :class:`tunesmith.MemoryStorage`.
- Journal storages and ``RetryFailedTrialCallback`` raise an error saying what to write
  instead.

Example:
    >>> from tunesmith.storages import InMemoryStorage, RDBStorage
    >>> type(InMemoryStorage()).__name__, RDBStorage.__name__
    ('MemoryStorage', 'RDBStorage')
"""

from __future__ import annotations

from typing import Any

import tunesmith as ts
from tunesmith.validation import check_number

InMemoryStorage = ts.MemoryStorage


class RetryFailedTrialCallback:
    """Optuna's way to rerun trials whose worker died; here ``optimize(retries=n)``."""

    def __init__(self, max_retry: int | None = None, inherit_intermediate_values: bool = False):
        self.max_retry = max_retry


def RDBStorage(
    url: str,
    engine_kwargs: dict[str, Any] | None = None,
    skip_compatibility_check: bool = False,
    *,
    heartbeat_interval: int | None = None,
    grace_period: int | None = None,
    failed_trial_callback: object = None,
    skip_table_creation: bool = False,
) -> ts.Storage:
    """The storage behind ``url`` (``sqlite:///path.db``, ``postgresql://...``)."""
    if failed_trial_callback is not None:
        retries = getattr(failed_trial_callback, "max_retry", None)
        raise ts.InvalidArgumentError(
            "RDBStorage: `failed_trial_callback` has no equivalent here; trials whose worker "
            f"died are rerun with study.optimize(..., retries={retries or 1}) instead"
        )
    if engine_kwargs:
        raise ts.InvalidArgumentError(
            f"RDBStorage: `engine_kwargs` are SQLAlchemy's, which tunesmith does not use, but "
            f"got {engine_kwargs!r}; give options in the URL (sqlite:///path.db?durable=1)"
        )
    storage = ts.make_storage(url)
    if grace_period is not None or heartbeat_interval is not None:
        lease = grace_period if grace_period is not None else 2 * (heartbeat_interval or 60)
        storage.lease_seconds = float(  # type: ignore[attr-defined]
            check_number("grace_period", lease, owner="RDBStorage", minimum=1)
        )
    return storage


def _journal(name: str) -> Any:
    def refuse(*args: object, **kwargs: object) -> Any:
        raise ts.InvalidArgumentError(
            f"{name}: tunesmith has no journal-file storage; for several processes on one "
            "machine use storage='sqlite:///path.db' (or RDBStorage('sqlite:///path.db')), "
            "and 'postgresql://user@host/db' across machines"
        )

    refuse.__name__ = name
    return refuse


JournalStorage = _journal("JournalStorage")
JournalFileStorage = _journal("JournalFileStorage")
JournalFileBackend = _journal("JournalFileBackend")

__all__ = [
    "InMemoryStorage",
    "JournalFileBackend",
    "JournalFileStorage",
    "JournalStorage",
    "RDBStorage",
    "RetryFailedTrialCallback",
]
