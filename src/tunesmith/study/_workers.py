"""``optimize(n_jobs=k)``: k worker processes running the same ask → evaluate → tell loop.

Processes, not threads: objectives are Python code and the GIL would serialize them.
Workers share the study through its storage: SQLite and PostgreSQL they open
themselves; an in-memory study is served to them by this process (see ``_remote``).
They share the trial budget through a counter, and a stop flag through an event. This
process watches the study, runs the callbacks and the progress bar, and stops everyone
on the first error that is not caught, on ``study.stop()``, or on Ctrl-C.

Workers are forked where the platform allows it (Linux), so lambdas and closures work
as objectives; elsewhere they are spawned and the objective must pickle (cloudpickle,
when installed, pickles lambdas and closures too).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import queue
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tunesmith.errors import InvalidArgumentError
from tunesmith.history import FrozenTrial
from tunesmith.space import SearchSpace
from tunesmith.storage.memory import MemoryStorage
from tunesmith.study._evaluate import TrialPolicy, run_trial, set_limits
from tunesmith.study._heartbeat import HeartbeatThread
from tunesmith.study._remote import RemoteStorage, StorageServer

if TYPE_CHECKING:
    from tunesmith.study._study import Callback, Objective, Study, StudySpec

_LOG = logging.getLogger("tunesmith")
_POLL = 0.05


def resolve_jobs(n_jobs: object) -> int:
    """The number of worker processes: ``-1`` means one per CPU."""
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise InvalidArgumentError(
            f"n_jobs must be a positive integer or -1 (one per CPU), but got {n_jobs!r}"
        )
    return os.cpu_count() or 1 if n_jobs == -1 else n_jobs


@dataclass
class _Plan:
    """Everything a worker needs, sent once when it starts."""

    study: StudySpec
    objective: Objective
    n_trials: int | None
    deadline: float | None
    catch: tuple[type[BaseException], ...]
    space: SearchSpace | None
    limits: TrialPolicy


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _dumps(value: object) -> bytes:
    try:
        import cloudpickle

        return bytes(cloudpickle.dumps(value))
    except ImportError:
        return pickle.dumps(value)


def _worker(payload: _Plan | bytes, budget: Any, stop: Any, errors: Any) -> None:
    """A worker process: claim a trial from the budget, run it, until told to stop."""
    plan: _Plan = payload if isinstance(payload, _Plan) else pickle.loads(payload)
    study = plan.study.build()
    set_limits(plan.limits, in_worker=True)
    exhausted = getattr(study.sampler, "exhausted", None)

    try:
        with HeartbeatThread(study, study.lease_seconds):
            while not stop.is_set():
                if plan.deadline is not None and time.time() >= plan.deadline:
                    return
                if callable(exhausted):
                    history = study.history()
                    current = plan.space if plan.space is not None else history.relative_space()
                    if exhausted(current, history):
                        return
                with budget.get_lock():
                    if plan.n_trials is not None and budget.value >= plan.n_trials:
                        return
                    budget.value += 1
                run_trial(
                    study,
                    plan.objective,
                    plan.catch,
                    plan.space,
                    plan.limits,
                    lease=study.lease_seconds,
                )
    except KeyboardInterrupt:
        return  # the running trial was failed by run_trial; the parent re-raises
    except BaseException as exc:
        stop.set()
        try:
            errors.put(_dumps(exc))
        except Exception:
            errors.put(_dumps(RuntimeError(f"a worker failed: {exc!r}")))


def run_in_processes(
    study: Study,
    objective: Objective,
    *,
    n_jobs: int,
    n_trials: int | None,
    timeout: float | None,
    catch: tuple[type[BaseException], ...],
    callbacks: Sequence[Callback],
    progress: Any,
    space: SearchSpace | None,
    limits: TrialPolicy,
) -> None:
    """Run ``n_jobs`` worker processes until the budget is spent or something stops them."""
    context = _context()
    server = StorageServer(study.storage) if isinstance(study.storage, MemoryStorage) else None
    spec = study.spec(None if server is None else RemoteStorage(server.address, server.authkey))
    deadline = None if timeout is None else time.time() + timeout
    plan = _Plan(spec, objective, n_trials, deadline, catch, space, limits)
    # A forked worker inherits the plan; a spawned one unpickles it.
    payload = plan if context.get_start_method() == "fork" else _dumps(plan)
    budget, stop, errors = context.Value("q", 0), context.Event(), context.Queue()
    workers = [
        context.Process(target=_worker, args=(payload, budget, stop, errors), name=f"tunesmith-{i}")
        for i in range(n_jobs)
    ]
    for worker in workers:
        worker.start()
    if server is not None:
        server.start()
    seen = {trial.number for trial in study.history().finished()}
    error: BaseException | None = None
    try:
        while any(worker.is_alive() for worker in workers):
            time.sleep(_POLL)
            _report_finished(study, seen, callbacks, progress)
            if study._stop_requested:
                stop.set()
            error = error or _take_error(errors)
        _report_finished(study, seen, callbacks, progress)
        error = error or _take_error(errors)
    except KeyboardInterrupt:
        stop.set()
        _wait(workers, signal.SIGINT)
        raise
    finally:
        stop.set()
        _wait(workers, None)
        if server is not None:
            server.close()
    if error is not None:
        raise error


def _report_finished(
    study: Study, seen: set[int], callbacks: Sequence[Callback], progress: Any
) -> None:
    """Callbacks and progress for the trials that finished since the last look."""
    new: list[FrozenTrial] = []
    for trial in study.history().finished():
        if trial.number not in seen:
            seen.add(trial.number)
            new.append(trial)
    for trial in new:
        for callback in callbacks:
            callback(study, trial)
        progress.update(study)


def _take_error(errors: Any) -> BaseException | None:
    try:
        error: BaseException = pickle.loads(errors.get_nowait())
    except queue.Empty:
        return None
    return error


def _wait(workers: list[Any], interrupt: signal.Signals | None) -> None:
    """Let workers finish their trial; interrupt, then terminate, the ones that do not."""
    deadline = time.monotonic() + 10.0
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
    for worker in workers:
        if worker.is_alive() and interrupt is not None and worker.pid is not None:
            os.kill(worker.pid, interrupt)
    for worker in workers:
        worker.join(5.0)
        if worker.is_alive():
            worker.terminate()
            worker.join(5.0)
        if worker.is_alive():  # SIGTERM handled or blocked: no worker outlives the call
            worker.kill()
            worker.join()
