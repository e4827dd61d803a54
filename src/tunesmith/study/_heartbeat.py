"""Keeping the leases of a worker's running trials alive.

A trial run by ``optimize`` holds a lease: if no heartbeat arrives for ``lease`` seconds,
any other worker presumes its worker dead (killed, out of memory, its machine gone) and
fails the trial, so that no trial stays RUNNING forever. A background thread sends the
heartbeats, a few per lease, straight to the storage.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from tunesmith.events import Heartbeat

if TYPE_CHECKING:
    from tunesmith.study._study import Study

_LOG = logging.getLogger("tunesmith")
#: Heartbeats per lease: one lost or late heartbeat never costs a live trial its lease.
BEATS_PER_LEASE = 5


class HeartbeatThread:
    """Renews the lease of every trial this study object is running, until stopped."""

    def __init__(self, study: Study, lease: float) -> None:
        self._study = study
        self._interval = lease / BEATS_PER_LEASE
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tunesmith-heartbeat", daemon=True)

    def __enter__(self) -> HeartbeatThread:
        try:
            self._thread.start()
        except BaseException:  # a Ctrl-C as it started: no __exit__ will come to stop it
            self._stopped.set()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            numbers = self._study.running_here()
            if not numbers:
                continue
            now = time.time()
            try:
                self._study.storage.append(
                    self._study.study_name, [Heartbeat(number, now) for number in numbers]
                )
            except Exception:  # a missed beat is retried at the next interval
                _LOG.warning("could not renew the lease of trials %s", numbers, exc_info=True)
