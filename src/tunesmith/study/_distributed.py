"""``optimize(client=dask_client)`` (or any ``concurrent.futures`` executor): one task per
trial, run wherever the executor runs it.

Each task rebuilds the study in its worker (once per worker process, then it only reads
what is new), runs one trial against the storage, and returns the trial's number; this
process keeps a window of tasks in flight, runs the callbacks and the progress bar, and
stops at the budget, the deadline, ``study.stop()`` or the first uncaught error.

Executors such as Dask run a task *at least* once: a worker that dies takes the results
it held with it, and its tasks run again elsewhere. So every task carries a slot number,
written on its trial when it starts; a task whose slot already has a finished trial
returns that trial instead of running another. The trial of a worker that died while
running stays RUNNING until its lease runs out, then the next worker to ask fails it.
"""

from __future__ import annotations

import concurrent.futures
import os
import time
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tunesmith.errors import InvalidArgumentError
from tunesmith.space import SearchSpace
from tunesmith.states import TrialState
from tunesmith.storage.memory import MemoryStorage
from tunesmith.study._evaluate import TrialPolicy, run_trial, set_limits
from tunesmith.study._heartbeat import HeartbeatThread
from tunesmith.study._remote import RemoteStorage, StorageServer

if TYPE_CHECKING:
    from tunesmith.study._study import Callback, Objective, Study, StudySpec

#: Studies rebuilt in this worker process, by study name and storage.
_STUDIES: dict[tuple[str, str], Study] = {}
_TASK = "task"


def _done_in_slot(study: Study, slot: str) -> int | None:
    """The number of a trial that already finished this task slot, if any."""
    for trial in study.history().finished():
        if trial.notes.get(_TASK) == slot and not (
            trial.state is TrialState.FAIL and (trial.reason or "").startswith("lease expired")
        ):
            return trial.number
    return None


def remote_trial(
    spec: StudySpec,
    objective: Objective,
    slot: str,
    catch: tuple[type[BaseException], ...],
    space: SearchSpace | None,
    limits: TrialPolicy,
) -> int:
    """One trial, run in an executor's worker; returns the trial's number."""
    key = (spec.info.name, repr(spec.storage))
    study = _STUDIES.get(key)
    if study is None:
        study = _STUDIES[key] = spec.build()
        set_limits(limits, in_worker=True)
    done = _done_in_slot(study, slot)
    if done is not None:
        return done
    with HeartbeatThread(study, study.lease_seconds):
        trial = run_trial(
            study, objective, catch, space, limits, notes={_TASK: slot}, lease=study.lease_seconds
        )
        return trial.number


def as_executor(client: object) -> Any:
    """A ``concurrent.futures`` executor from a Dask client (or an executor as it is)."""
    if callable(getattr(client, "get_executor", None)):
        # pure=False: equal arguments must not be merged into one task
        return client.get_executor(pure=False)  # type: ignore[attr-defined]
    if isinstance(client, concurrent.futures.Executor):
        return client
    raise InvalidArgumentError(
        f"client must be a dask.distributed.Client or a concurrent.futures.Executor, but got "
        f"{client!r}"
    )


def _capacity(client: object) -> int:
    nthreads = getattr(client, "nthreads", None)
    if callable(nthreads):
        try:
            return max(1, int(sum(nthreads().values())))
        except Exception:
            pass
    return int(getattr(client, "_max_workers", os.cpu_count() or 1))


def run_on_executor(
    study: Study,
    objective: Objective,
    *,
    client: object,
    n_trials: int | None,
    timeout: float | None,
    catch: tuple[type[BaseException], ...],
    callbacks: Sequence[Callback],
    progress: Any,
    space: SearchSpace | None,
    limits: TrialPolicy,
) -> None:
    """Keep up to twice the executor's capacity of trial tasks in flight until done."""
    if n_trials is None and timeout is None:
        raise InvalidArgumentError("optimize with a client needs n_trials or timeout")
    executor = as_executor(client)
    window = 2 * _capacity(client)
    server = (
        StorageServer(study.storage).start() if isinstance(study.storage, MemoryStorage) else None
    )
    spec = study.spec(None if server is None else RemoteStorage(server.address, server.authkey))
    run_id = uuid.uuid4().hex[:12]
    deadline = None if timeout is None else time.monotonic() + timeout
    pending: set[concurrent.futures.Future[int]] = set()
    submitted = 0
    try:
        while True:
            open_budget = n_trials is None or submitted < n_trials
            on_time = deadline is None or time.monotonic() < deadline
            while open_budget and on_time and not study._stop_requested and len(pending) < window:
                slot = f"{run_id}:{submitted}"
                pending.add(
                    executor.submit(remote_trial, spec, objective, slot, catch, space, limits)
                )
                submitted += 1
                open_budget = n_trials is None or submitted < n_trials
            if not pending:
                return
            done, pending = concurrent.futures.wait(
                pending, timeout=0.5, return_when=concurrent.futures.FIRST_COMPLETED
            )
            for future in done:
                number = future.result()  # an uncaught error in the objective surfaces here
                trial = study.history().trial(number)
                for callback in callbacks:
                    callback(study, trial)
                progress.update(study)
    finally:
        # Wait only for what could not be cancelled. A future cancelled here may never
        # count as done: Dask's executor leaves it CANCELLED (not "notified") when its task
        # had finished a moment before, and a wait on it would never return.
        concurrent.futures.wait([future for future in pending if not future.cancel()])
        if server is not None:
            server.close()
