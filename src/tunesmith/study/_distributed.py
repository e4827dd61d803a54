"""``optimize(client=dask_client)`` (or any ``concurrent.futures`` executor): the trial
loop as tasks, one trial each, run wherever the executor runs them.

Each task rebuilds the study in its worker (once per worker process, then it only reads
what is new) and runs the trial loop for one trial against the storage; it returns the
trial's number, or None when the sampler had no new point (then no more tasks are
submitted). This process keeps a window of tasks in flight, runs the callbacks and the
progress bar, and stops at the budget, the deadline, ``study.stop()`` or the first
uncaught error.

Executors such as Dask run a task *at least* once: a worker that dies takes the results
it held with it, and its tasks run again elsewhere. So every task carries a slot number,
written on its trial when it starts. A task whose slot already has a trial that ended
(other than by losing its worker) returns that trial instead of running another; a
slot's trial still RUNNING belonged to the worker that died, and is failed at once as
WORKER_LOST (retried if ``retries`` allow).
"""

from __future__ import annotations

import concurrent.futures
import os
import time
import uuid
from typing import TYPE_CHECKING, Any

from tunesmith.errors import InvalidArgumentError
from tunesmith.states import Failure, TrialState
from tunesmith.storage.memory import MemoryStorage
from tunesmith.study._heartbeat import HeartbeatThread
from tunesmith.study._loop import OptimizeOptions, report_to, run_trials, set_limits
from tunesmith.study._remote import RemoteStorage, StorageServer

if TYPE_CHECKING:
    from tunesmith.history import FrozenTrial
    from tunesmith.study._study import Objective, Study, StudySpec

#: Studies rebuilt in this worker process, by study name and storage.
_STUDIES: dict[tuple[str, str], Study] = {}
_TASK = "task"


class _OneTrial:
    """The budget of one task: a single trial, if it starts before the run's deadline (a
    wall-clock time: a task may wait in the executor's queue past it)."""

    def __init__(self, deadline: float | None) -> None:
        self.left = 1
        self.deadline = deadline

    def claim(self) -> bool:
        if self.left <= 0 or (self.deadline is not None and time.time() >= self.deadline):
            return False
        self.left -= 1
        return True

    def give_back(self) -> None:
        self.left += 1


def _slot_trial(study: Study, slot: str) -> int | None:
    """A trial that already ended this task's slot; a RUNNING one is an orphan of a
    worker that died while running it, and is failed now."""
    history = study.history()
    orphans = [trial.number for trial in history.running() if trial.notes.get(_TASK) == slot]
    if orphans:
        study.fail_lost(orphans, "its executor task was run again: the worker running it died")
    for trial in history.finished():
        if trial.notes.get(_TASK) == slot and trial.failure is not Failure.WORKER_LOST:
            return trial.number
    return None


def remote_trial(
    spec: StudySpec,
    objective: Objective,
    slot: str,
    options: OptimizeOptions,
    deadline: float | None = None,
) -> int | None:
    """One trial, run in an executor's worker: its number, or None if it ran none (the
    sampler had no new point, or the task started after the ``deadline``, a time.time())."""
    key = (spec.info.name, repr(spec.storage))
    study = _STUDIES.get(key)
    if study is None:
        study = _STUDIES[key] = spec.build()
        set_limits(options.policy)
    done = _slot_trial(study, slot)
    if done is not None:
        return done
    ran: list[FrozenTrial] = []
    with HeartbeatThread(study, study.lease_seconds):
        run_trials(
            study,
            objective,
            options,
            _OneTrial(deadline),
            lease=study.lease_seconds,
            notes={_TASK: slot},
            finished=ran.append,
        )
    return ran[0].number if ran else None


def as_executor(client: object) -> Any:
    """A ``concurrent.futures`` executor from a Dask client (or an executor as it is)."""
    if callable(getattr(client, "get_executor", None)):
        # pure=False: equal arguments must not be merged into one task
        return client.get_executor(pure=False)  # type: ignore[attr-defined]
    if isinstance(client, concurrent.futures.Executor):
        return client
    raise InvalidArgumentError(
        f"optimize: `client` must be a dask.distributed.Client or a concurrent.futures.Executor, "
        f"but got {client!r}"
    )


def _window(client: object) -> int:
    """Tasks in flight: twice the executor's threads (Dask says how many it has; for a
    plain executor, twice the CPUs: enough to keep any pool of this machine busy)."""
    nthreads = getattr(client, "nthreads", None)
    if callable(nthreads):
        try:
            return 2 * max(1, int(sum(nthreads().values())))
        except Exception:
            pass
    return 2 * (os.cpu_count() or 1)


def run_on_executor(
    study: Study, objective: Objective, options: OptimizeOptions, progress: Any
) -> None:
    """Keep a window of trial tasks in flight until done."""
    executor = as_executor(options.client)
    window = _window(options.client)
    server = (
        StorageServer(study.storage).start() if isinstance(study.storage, MemoryStorage) else None
    )
    spec = study.spec(None if server is None else RemoteStorage(server.address, server.authkey))
    run_id = uuid.uuid4().hex[:12]
    n_trials = options.n_trials
    deadline = None if options.timeout is None else time.monotonic() + options.timeout
    # what tasks see: wall-clock time, as they may run in other processes or machines
    wall_deadline = None if options.timeout is None else time.time() + options.timeout
    finished = report_to(study, options.callbacks, progress)
    task_options = options.for_workers()
    pending: set[concurrent.futures.Future[int | None]] = set()
    submitted = 0
    exhausted = False
    try:
        while True:
            while (
                not exhausted
                and not study.stop_requested
                and (n_trials is None or submitted < n_trials)
                and (deadline is None or time.monotonic() < deadline)
                and len(pending) < window
            ):
                slot = f"{run_id}:{submitted}"
                pending.add(
                    executor.submit(
                        remote_trial, spec, objective, slot, task_options, wall_deadline
                    )
                )
                submitted += 1
            if not pending:
                return
            done, pending = concurrent.futures.wait(
                pending, timeout=0.5, return_when=concurrent.futures.FIRST_COMPLETED
            )
            for future in done:
                number = future.result()  # an uncaught error in the objective surfaces here
                if number is None:  # no new point (or past the deadline: no more anyway)
                    exhausted = True
                    continue
                trial = study.history().trial(number)
                if trial.state is not TrialState.RUNNING:
                    finished(trial)
    finally:
        # Wait only for what could not be cancelled. A future cancelled here may never
        # count as done: Dask's executor leaves it CANCELLED (not "notified") when its task
        # had finished a moment before, and a wait on it would never return.
        concurrent.futures.wait([future for future in pending if not future.cancel()])
        if server is not None:
            server.close()
