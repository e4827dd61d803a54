"""``optimize(n_jobs=k)``: the trial loop in k worker processes.

Processes, not threads: objectives are Python code and the GIL would serialize them.
Workers share the study through its storage: SQLite and PostgreSQL they open
themselves; an in-memory study is served to them by this process (see ``_remote``).
They draw trials from one shared budget and see one stop flag. This process watches:
it runs the callbacks and the progress bar, stops everyone on the first error that is
not caught, on ``study.stop()`` or on Ctrl-C, and notices a worker that died (killed,
out of memory, a segfault in an extension): it fails the trial that worker was running
(retried if ``retries`` allow), gives the budget back and starts another worker. When
workers keep dying without finishing a trial, it stops with :class:`WorkerDiedError`.

Workers die with this process: on Linux the kernel sends them SIGTERM when it ends
(however it ends, ``kill -9`` included), elsewhere they notice their parent is gone
before each trial.

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
import sys
import time
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tunesmith.errors import WorkerDiedError
from tunesmith.history import FrozenTrial
from tunesmith.states import Failure
from tunesmith.storage.memory import MemoryStorage
from tunesmith.study._heartbeat import HeartbeatThread
from tunesmith.study._loop import OptimizeOptions, report_to, run_trials, set_limits, worker_name
from tunesmith.study._remote import RemoteStorage, StorageServer

if TYPE_CHECKING:
    from tunesmith.study._study import Objective, Study, StudySpec

_LOG = logging.getLogger("tunesmith")
_POLL = 0.05
#: Seconds after a stop (or once the budget is spent) that a worker running no trial may
#: take to end before it is killed.
_IDLE_GRACE = 10.0
#: Seconds a new worker may take to open the study before it is taken for stuck (forked
#: while another thread held a lock it needs, say), killed and replaced.
_START_GRACE = 60.0


@dataclass
class _Plan:
    """Everything a worker needs, sent once when it starts."""

    study: StudySpec
    objective: Objective
    options: OptimizeOptions
    parent: int


class SharedBudget:
    """A trial count and a deadline shared by every worker process."""

    def __init__(self, context: Any, n_trials: int | None, timeout: float | None) -> None:
        self.n_trials = n_trials
        self.deadline = None if timeout is None else time.time() + timeout
        self.claimed = context.Value("q", 0)

    def claim(self) -> bool:
        if self.deadline is not None and time.time() >= self.deadline:
            return False
        with self.claimed.get_lock():
            if self.n_trials is not None and self.claimed.value >= self.n_trials:
                return False
            self.claimed.value += 1
        return True

    def give_back(self) -> None:
        with self.claimed.get_lock():
            self.claimed.value -= 1

    def spent(self) -> bool:
        if self.deadline is not None and time.time() >= self.deadline:
            return True
        return self.n_trials is not None and self.claimed.value >= self.n_trials


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _dumps(value: object) -> bytes:
    try:
        import cloudpickle

        return bytes(cloudpickle.dumps(value))
    except ImportError:
        return pickle.dumps(value)


def _die_with_parent(parent: int) -> None:
    """Ask the kernel for SIGTERM when the parent ends (Linux), and turn SIGTERM into
    SystemExit, so the running trial is failed on the way out."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent ended before the request was made
        raise SystemExit(0)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(f"terminated (signal {signum})")


class _WorkerBudget:
    """The shared budget, while the parent has not said stop and is still alive (where
    no signal tells)."""

    def __init__(self, budget: SharedBudget, stop: Any, parent: int) -> None:
        self.budget = budget
        self.stop = stop
        self.parent = parent

    def claim(self) -> bool:
        if self.stop.is_set() or os.getppid() != self.parent:
            return False
        return self.budget.claim()

    def give_back(self) -> None:
        self.budget.give_back()


def _worker(
    payload: _Plan | bytes, budget: SharedBudget, stop: Any, errors: Any, ready: Any
) -> None:
    """A worker process: the trial loop against the shared budget, until told to stop.
    ``ready`` is set once it has opened the study."""
    plan: _Plan = payload if isinstance(payload, _Plan) else pickle.loads(payload)
    try:
        _die_with_parent(plan.parent)
        study = plan.study.build()
        set_limits(plan.options.policy)
        ready.set()
        with HeartbeatThread(study, study.lease_seconds):
            run_trials(
                study,
                plan.objective,
                plan.options,
                _WorkerBudget(budget, stop, plan.parent),
                lease=study.lease_seconds,
            )
    except KeyboardInterrupt:
        pass  # the running trial was failed; the parent re-raises
    except SystemExit:
        pass
    except BaseException as exc:
        stop.set()
        errors.put(_portable(exc))
    finally:
        _end_children()


def _portable(exc: BaseException) -> bytes:
    """The exception, pickled so the parent can raise it; one that cannot be re-created
    there (an ``__init__`` with other arguments) travels as a RuntimeError naming it."""
    text = "".join(traceback.format_exception(exc))
    try:
        data = _dumps(exc)
        pickle.loads(data)
    except Exception:
        stand_in = RuntimeError(f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}")
        return _dumps((stand_in, text))
    return _dumps((exc, text))


def _end_children() -> None:
    """Stop the worker pools the objective started. joblib's executor keeps its processes
    for reuse and cleans its shared-memory folders at exit, which a multiprocessing child
    never reaches: a worker must end them itself, neither leaving them behind nor waiting
    on them."""
    loky = sys.modules.get("joblib.externals.loky.reusable_executor")
    executor = getattr(loky, "_executor", None)
    if executor is None:
        return
    try:
        terminate = getattr(executor, "terminate", None)  # joblib's memmapping executor
        if callable(terminate):
            terminate(kill_workers=True)
        else:
            executor.shutdown(wait=False, kill_workers=True)
    except Exception:
        _LOG.debug("could not end joblib's worker processes", exc_info=True)


class _RemoteTraceback(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return f"\n\nIn the worker process:\n{self.text}"


def run_in_processes(
    study: Study, objective: Objective, options: OptimizeOptions, progress: Any
) -> None:
    """Run ``n_jobs`` worker processes until the budget is spent or something stops them."""
    context = _context()
    server = StorageServer(study.storage) if isinstance(study.storage, MemoryStorage) else None
    spec = study.spec(None if server is None else RemoteStorage(server.address, server.authkey))
    plan = _Plan(spec, objective, options.for_workers(), os.getpid())
    # A forked worker inherits the plan; a spawned one unpickles it.
    payload = plan if context.get_start_method() == "fork" else _dumps(plan)
    budget = SharedBudget(context, options.n_trials, options.timeout)
    stop, errors = context.Event(), context.Queue()

    names: set[str] = set()
    starting: dict[Any, tuple[Any, float]] = {}  # worker -> (its ready event, started at)
    ended: set[Any] = set()  # idle workers killed after the end: not deaths

    def start() -> Any:
        ready = context.Event()
        worker = context.Process(
            target=_worker, args=(payload, budget, stop, errors, ready), name="tunesmith-worker"
        )
        worker.start()
        names.add(worker_name(worker.pid))
        starting[worker] = (ready, time.monotonic())
        return worker

    # what has finished before any worker starts: every trial after it gets its callbacks
    watch = _Watcher(study, report_to(study, options.callbacks, progress))
    workers = [start() for _ in range(options.n_jobs)]
    if server is not None:
        server.start()
    error: BaseException | None = None
    deaths = 0
    stopped_at: float | None = None
    try:
        while workers:
            time.sleep(_POLL)
            if watch.new_trials():
                deaths = 0
            if study.stop_requested:
                stop.set()
            error = error or _take_error(errors)
            _stuck_at_start(starting)
            if stop.is_set() or budget.spent():
                stopped_at = stopped_at or time.monotonic()
                if time.monotonic() - stopped_at > _IDLE_GRACE:
                    # a worker running no trial this long after the end is stuck (say, on
                    # a lock another thread held when it was forked): nothing to finish
                    ended.update(_end_idle(study, workers))
            for worker in [w for w in workers if not w.is_alive()]:
                workers.remove(worker)
                starting.pop(worker, None)
                worker.join()
                if worker.exitcode == 0 or stop.is_set() or worker in ended:
                    continue
                deaths += 1
                for _ in range(_lost(study, worker)):
                    budget.give_back()  # a trial lost with its worker costs none of n_trials
                if deaths > options.n_jobs:
                    error = error or WorkerDiedError(
                        f"{deaths} worker processes in a row died before finishing a trial "
                        f"(the last: {_how(worker.exitcode)}); see the FAIL trials' reasons"
                    )
                    stop.set()
                elif not budget.spent():
                    workers.append(start())
        watch.new_trials()
        error = error or _take_error(errors)
    except KeyboardInterrupt:
        stop.set()
        _wait(workers, signal.SIGINT)
        raise
    finally:
        stop.set()
        _wait(workers, None)
        _sweep(study, names)
        if server is not None:
            server.close()
    if error is not None:
        raise error


def _end_idle(study: Study, workers: list[Any]) -> list[Any]:
    """Kill the workers running no trial; the ones killed."""
    busy = {trial.worker for trial in study.history().running()}
    idle = [w for w in workers if w.is_alive() and worker_name(w.pid) not in busy]
    for worker in idle:
        worker.kill()
    return idle


def _stuck_at_start(starting: dict[Any, tuple[Any, float]]) -> None:
    """Kill the workers that have not opened the study within :data:`_START_GRACE`
    seconds (they die as any worker does: replaced, and counted towards
    WorkerDiedError); forget the ones that have."""
    now = time.monotonic()
    for worker, (ready, started_at) in list(starting.items()):
        if ready.is_set():
            del starting[worker]
        elif now - started_at > _START_GRACE and worker.is_alive():
            _LOG.warning(
                "a worker process did not open the study within %.0f s of its start; it is "
                "taken for stuck and replaced",
                _START_GRACE,
            )
            worker.kill()
            del starting[worker]


def _how(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


def _lost(study: Study, worker: Any) -> int:
    """Fail what a dead worker was running, at once (not when its lease runs out)."""
    name = worker_name(worker.pid)
    numbers = [trial.number for trial in study.history().running() if trial.worker == name]
    reason = f"its worker process {name} died while it ran ({_how(worker.exitcode)})"
    study.fail_lost(numbers, reason)
    failed = f"trials {numbers} failed" if numbers else "it ran no trial"
    _LOG.warning("a worker process died (%s); %s", _how(worker.exitcode), failed)
    return len(numbers)


def _sweep(study: Study, names: set[str]) -> None:
    """No trial of this call's workers stays RUNNING once they are all gone."""
    numbers = [trial.number for trial in study.history().running() if trial.worker in names]
    if numbers:
        study.fail_lost(numbers, "its worker process ended while it ran")


class _Watcher:
    """The trials that finished since the last look, for callbacks and progress."""

    def __init__(self, study: Study, finished: Any) -> None:
        self.study = study
        self.finished = finished
        self.seen = len(study.history().finished())

    def new_trials(self) -> bool:
        """Report them; whether one of them ended other than by losing its worker."""
        finished = self.study.history().finished()
        new: list[FrozenTrial] = list(finished[self.seen :])
        self.seen = len(finished)
        for trial in new:
            self.finished(trial)
        return any(trial.failure is not Failure.WORKER_LOST for trial in new)


def _take_error(errors: Any) -> BaseException | None:
    try:
        error, text = pickle.loads(errors.get_nowait())
    except queue.Empty:
        return None
    error.__cause__ = _RemoteTraceback(text)
    return error  # type: ignore[no-any-return]


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
