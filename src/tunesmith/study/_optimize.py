"""``Study.optimize``: the options checked once, then the trial loop run here, in worker
processes, or on an executor."""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any

from tunesmith.storage.memory import MemoryStorage
from tunesmith.study._distributed import run_on_executor
from tunesmith.study._heartbeat import HeartbeatThread
from tunesmith.study._loop import OptimizeOptions, report_to, run_trials
from tunesmith.study._workers import run_in_processes

if TYPE_CHECKING:
    from tunesmith.study._study import Objective, Study


class Progress:
    """A tqdm bar over trials (or seconds, with only a time budget) showing the best value."""

    def __init__(self, enabled: bool, n_trials: int | None, timeout: float | None) -> None:
        self._bar: Any = None
        self._by_time = n_trials is None and timeout is not None
        self._started = time.monotonic()
        if not enabled:
            return
        from tqdm.auto import tqdm

        if self._by_time:
            self._bar = tqdm(
                total=timeout,
                unit="s",
                bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f}s{postfix}",
            )
        else:
            self._bar = tqdm(total=n_trials, unit="trial")

    def update(self, study: Study) -> None:
        if self._bar is None:
            return
        best = study.history().best_trial
        if best is not None:
            self._bar.set_postfix_str(f"best={best.value:.6g} (trial {best.number})", refresh=False)
        if self._by_time:
            self._bar.update(min(self._bar.total, time.monotonic() - self._started) - self._bar.n)
        else:
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


class LocalBudget:
    """A trial count and a deadline, for one loop in this process."""

    def __init__(self, n_trials: int | None, timeout: float | None) -> None:
        self.left = n_trials
        self.deadline = None if timeout is None else time.monotonic() + timeout

    def claim(self) -> bool:
        if self.left is not None and self.left <= 0:
            return False
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return False
        if self.left is not None:
            self.left -= 1
        return True

    def give_back(self) -> None:
        if self.left is not None:
            self.left += 1


def run_optimize(study: Study, objective: Objective, options: OptimizeOptions) -> None:
    progress = Progress(options.progress_bar, options.n_trials, options.timeout)
    study.reset_stop()
    try:
        if options.client is not None:
            run_on_executor(study, objective, options, progress)
        elif options.n_jobs > 1 or options.policy.memory is not None:
            run_in_processes(study, objective, options, progress)
        else:
            _run_here(study, objective, options, progress)
    finally:
        progress.close()
        study.reset_stop()


def _run_here(
    study: Study, objective: Objective, options: OptimizeOptions, progress: Progress
) -> None:
    """The loop in this process."""
    # A lease lets other workers fail the trials of a worker that died. An in-memory
    # study dies with its process: its trials here need no lease, nor a heartbeat thread
    # (whose start would cost more than a quick trial).
    lease = None if isinstance(study.storage, MemoryStorage) else study.lease_seconds
    heartbeat = contextlib.nullcontext() if lease is None else HeartbeatThread(study, lease)
    with heartbeat:
        run_trials(
            study,
            objective,
            options,
            LocalBudget(options.n_trials, options.timeout),
            lease=lease,
            finished=report_to(study, options.callbacks, progress),
        )
