"""``Study.optimize``: a loop over the public ask / tell, with budgets and a progress bar."""

from __future__ import annotations

import contextlib
import logging
import math
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tunesmith.errors import InvalidArgumentError
from tunesmith.space import SearchSpace
from tunesmith.storage.memory import MemoryStorage
from tunesmith.study._distributed import run_on_executor
from tunesmith.study._evaluate import TrialPolicy, run_trial
from tunesmith.study._heartbeat import HeartbeatThread
from tunesmith.study._workers import resolve_jobs, run_in_processes

if TYPE_CHECKING:
    from tunesmith.study._study import Callback, Objective, Study

_LOG = logging.getLogger("tunesmith")


def _check_arguments(
    objective: object,
    n_trials: object,
    timeout: object,
    n_jobs: object,
    catch: object,
    callbacks: object,
) -> tuple[type[BaseException], ...]:
    if not callable(objective):
        raise InvalidArgumentError(f"objective must be callable, but got {objective!r}")
    if n_trials is not None and (
        isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 0
    ):
        raise InvalidArgumentError(
            f"n_trials must be a non-negative integer or None, but got {n_trials!r}"
        )
    if timeout is not None and (
        isinstance(timeout, bool)
        or not isinstance(timeout, (int, float))
        or not timeout > 0
        or math.isnan(timeout)
    ):
        raise InvalidArgumentError(f"timeout must be a positive number of seconds, got {timeout!r}")
    types = (catch,) if isinstance(catch, type) else tuple(catch)  # type: ignore[arg-type]
    for item in types:
        if not (isinstance(item, type) and issubclass(item, BaseException)):
            raise InvalidArgumentError(f"catch must hold exception classes, but got {item!r}")
    for callback in callbacks:  # type: ignore[attr-defined]
        if not callable(callback):
            raise InvalidArgumentError(f"callbacks must be callable, but got {callback!r}")
    return types


class _Progress:
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


def run_optimize(
    study: Study,
    objective: Objective,
    *,
    n_trials: int | None,
    timeout: float | None,
    n_jobs: int,
    catch: type[BaseException] | Sequence[type[BaseException]],
    callbacks: Sequence[Callback],
    progress_bar: bool | None,
    space: SearchSpace | None = None,
    trial_timeout: float | None = None,
    trial_memory_limit: int | None = None,
    retries: int = 0,
    client: object = None,
) -> None:
    catch_types = _check_arguments(objective, n_trials, timeout, n_jobs, catch, callbacks)
    jobs = resolve_jobs(n_jobs)
    limits = TrialPolicy.check(trial_timeout, trial_memory_limit, retries)
    show = sys.stderr.isatty() if progress_bar is None else bool(progress_bar)
    progress = _Progress(show, n_trials, timeout)
    study._stop_requested = False
    try:
        if client is not None:
            if jobs != 1:
                raise InvalidArgumentError(
                    "give n_jobs or client, not both: with a client, its workers run the trials"
                )
            run_on_executor(
                study, objective, client=client, n_trials=n_trials, timeout=timeout,
                catch=catch_types, callbacks=callbacks, progress=progress, space=space,
                limits=limits,
            )  # fmt: skip
        elif jobs > 1 or limits.memory is not None:
            run_in_processes(
                study,
                objective,
                n_jobs=jobs,
                n_trials=n_trials,
                timeout=timeout,
                catch=catch_types,
                callbacks=callbacks,
                progress=progress,
                space=space,
                limits=limits,
            )
        else:
            _run_here(study, objective, n_trials, timeout, catch_types, callbacks, progress,
                      space, limits)  # fmt: skip
    finally:
        progress.close()
        study._stop_requested = False


def _run_here(
    study: Study,
    objective: Objective,
    n_trials: int | None,
    timeout: float | None,
    catch: tuple[type[BaseException], ...],
    callbacks: Sequence[Callback],
    progress: _Progress,
    space: SearchSpace | None,
    limits: TrialPolicy,
) -> None:
    """The loop in this process."""
    deadline = None if timeout is None else time.monotonic() + timeout
    exhausted = getattr(study.sampler, "exhausted", None)
    done = 0
    # A lease lets other workers fail the trials of a worker that died. An in-memory
    # study dies with its process: its trials here need no lease, nor a heartbeat thread
    # (whose start would cost more than a quick trial).
    lease = None if isinstance(study.storage, MemoryStorage) else study.lease_seconds
    heartbeat = contextlib.nullcontext() if lease is None else HeartbeatThread(study, lease)
    with heartbeat:
        while not study._stop_requested:
            if n_trials is not None and done >= n_trials:
                break
            if deadline is not None and time.monotonic() >= deadline:
                break
            if callable(exhausted):
                history = study.history()
                space_now = space if space is not None else history.relative_space()
                if exhausted(space_now, history):
                    break
            frozen = run_trial(study, objective, catch, space, limits, lease=lease)
            done += 1
            for callback in callbacks:
                callback(study, frozen)
            progress.update(study)
