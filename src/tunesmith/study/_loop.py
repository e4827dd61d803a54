"""The trial loop: the one function that runs trials, wherever it runs.

``optimize`` in this process, each worker process of ``optimize(n_jobs=k)`` and each task
on an executor (Dask) call :func:`run_trials`; they differ only in where it runs, which
:class:`Budget` it draws trials from, and how finished trials reach the callbacks.

A trial is: ask (with a lease, when other workers must be able to fail it if this one
dies) → the objective, under the per-trial limits → tell. It is finished whatever
happens: a value, a prune, a caught failure, an uncaught one (which then propagates), a
Ctrl-C. The loop ends when the budget is spent, ``study.stop()`` is called, or the sampler
has no new point (a finite sampler such as the grid).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from tunesmith.errors import InvalidArgumentError, TrialPruned, TunesmithError
from tunesmith.history import FrozenTrial
from tunesmith.space import SearchSpace, check_space
from tunesmith.states import Failure, TrialState
from tunesmith.validation import (
    check_bool,
    check_callable,
    check_int,
    check_number,
    check_optional_int,
)

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from tunesmith.study._study import Callback, Objective, Study

_LOG = logging.getLogger("tunesmith")


class Exhausted(Exception):
    """The study's grid has no point left for a new trial (``Study.start_trial``)."""


class TrialTimeLimitExceeded(TunesmithError):
    """Raised inside an objective that ran past ``trial_timeout``."""


@dataclass(frozen=True)
class TrialPolicy:
    """How each trial runs: its wall-time limit (seconds), address-space limit (bytes),
    and how often it is run again if its worker dies."""

    seconds: float | None = None
    memory: int | None = None
    retries: int = 0

    @property
    def broken(self) -> tuple[type[BaseException], ...]:
        """The exceptions that say a trial broke its limits."""
        if self.memory is None:
            return (TrialTimeLimitExceeded,)
        return (TrialTimeLimitExceeded, MemoryError)


@dataclass(frozen=True)
class OptimizeOptions:
    """Every option of :meth:`Study.optimize`, checked once and passed down as one value."""

    n_trials: int | None = None
    timeout: float | None = None
    n_jobs: int = 1
    catch: tuple[type[BaseException], ...] = ()
    callbacks: tuple[Callback, ...] = ()
    progress_bar: bool = False
    space: SearchSpace | None = None
    policy: TrialPolicy = TrialPolicy()
    client: object = None

    @classmethod
    def check(
        cls,
        objective: object,
        *,
        n_trials: object = None,
        timeout: object = None,
        n_jobs: object = 1,
        catch: object = (),
        callbacks: object = (),
        progress_bar: object = None,
        space: object = None,
        trial_timeout: object = None,
        trial_memory_limit: object = None,
        retries: object = 0,
        client: object = None,
    ) -> OptimizeOptions:
        """The options, or an :class:`InvalidArgumentError` naming the first bad one.
        Infinite ``timeout`` and ``trial_timeout`` mean no limit."""
        owner = "optimize"
        check_callable("objective", objective, owner=owner)
        trials = check_optional_int("n_trials", n_trials, owner=owner, minimum=0)
        seconds = _seconds("timeout", timeout)
        jobs = check_int("n_jobs", n_jobs, owner=owner, minimum=-1)
        if jobs == 0:
            raise InvalidArgumentError(
                "optimize: `n_jobs` must be a positive integer or -1 (one per CPU), but got 0"
            )
        if jobs == -1:
            jobs = os.cpu_count() or 1
        if client is not None and jobs != 1:
            raise InvalidArgumentError(
                "optimize: give n_jobs or client, not both: with a client, its workers run "
                "the trials"
            )
        if client is not None and trials is None and seconds is None:
            raise InvalidArgumentError("optimize: with a client, give n_trials or timeout")
        if progress_bar is None:
            show = sys.stderr.isatty()
        else:
            show = check_bool("progress_bar", progress_bar, owner=owner)
        memory = trial_memory_limit
        if memory is not None:
            memory = check_int("trial_memory_limit", memory, owner=owner, minimum=1)
            if resource is None:
                raise InvalidArgumentError("optimize: trial_memory_limit needs a Unix platform")
        policy = TrialPolicy(
            _seconds("trial_timeout", trial_timeout),
            memory,
            check_int("retries", retries, owner=owner, minimum=0),
        )
        if space is not None:
            check_space(space, owner=owner)
        return cls(
            trials,
            seconds,
            jobs,
            _exception_types(catch),
            _callbacks(callbacks),
            show,
            space,  # type: ignore[arg-type]
            policy,
            client,
        )

    def for_workers(self) -> OptimizeOptions:
        """What worker processes and tasks need: no client, no callbacks (this process
        runs those), so the options pickle."""
        return dataclasses.replace(self, client=None, callbacks=(), progress_bar=False)


def _seconds(name: str, value: object) -> float | None:
    if value is None:
        return None
    seconds = check_number(
        name, value, owner="optimize", minimum=0, strict_minimum=True, finite=False
    )
    return None if math.isinf(seconds) else seconds


def _exception_types(catch: object) -> tuple[type[BaseException], ...]:
    def is_exception_type(item: object) -> bool:
        return isinstance(item, type) and issubclass(item, BaseException)

    if is_exception_type(catch):
        return (catch,)  # type: ignore[return-value]
    if not isinstance(catch, (list, tuple, set, frozenset)) or not all(
        map(is_exception_type, catch)
    ):
        raise InvalidArgumentError(
            "optimize: `catch` must be an exception class or a list or tuple of them (e.g. "
            f"catch=(ValueError,)), but got {catch!r}"
        )
    return tuple(catch)


def _callbacks(callbacks: object) -> tuple[Any, ...]:
    if callable(callbacks) or not isinstance(callbacks, (list, tuple)):
        raise InvalidArgumentError(
            "optimize: `callbacks` must be a list or tuple of functions "
            f"callback(study, trial) (e.g. callbacks=[stop_early]), but got {callbacks!r}"
        )
    for callback in callbacks:
        if not callable(callback):
            raise InvalidArgumentError(
                f"optimize: every callback must be callable, but got {callback!r}"
            )
    return tuple(callbacks)


class Budget(Protocol):
    """Where a loop draws its trials from: a count, a deadline, or both, shared or not."""

    def claim(self) -> bool:
        """Reserve one trial; False once the budget is spent (trials or time)."""
        ...

    def give_back(self) -> None:
        """Return a trial that was claimed but not run (the sampler had no new point)."""
        ...


def run_trials(
    study: Study,
    objective: Objective,
    options: OptimizeOptions,
    budget: Budget,
    *,
    lease: float | None,
    notes: Mapping[str, Any] | None = None,
    finished: Callable[[FrozenTrial], None] | None = None,
) -> None:
    """Run trials until the budget is spent, the study is stopped or the sampler has no
    new point; ``finished`` sees each trial as it ends."""
    while not study.stop_requested:
        if not budget.claim():
            return
        try:
            trial = run_trial(study, objective, options, lease=lease, notes=notes)
        except Exhausted:
            budget.give_back()
            return
        if finished is not None:
            finished(trial)


def run_trial(
    study: Study,
    objective: Objective,
    options: OptimizeOptions,
    *,
    lease: float | None,
    notes: Mapping[str, Any] | None = None,
) -> FrozenTrial:
    """Ask, evaluate, tell: one trial, finished whatever happens in the objective."""
    policy = options.policy
    trial = study.start_trial(
        options.space,
        lease=lease,
        notes=notes,
        retries=policy.retries,
        worker=worker_name(),
        exhaustible=True,
    )
    try:
        if policy.seconds is None:
            value = objective(trial)
        else:
            with _time_limit(policy.seconds):
                value = objective(trial)
    except TrialPruned:
        return study.tell(trial, state=TrialState.PRUNED)
    except policy.broken as exc:
        _LOG.warning("trial %d failed: %s", trial.number, exc)
        return _fail(study, trial.number, exc)
    except options.catch as exc:
        _LOG.warning("trial %d failed and the study goes on: %r", trial.number, exc, exc_info=True)
        return _fail(study, trial.number, exc)
    except BaseException as exc:
        _fail(study, trial.number, exc)
        raise
    try:
        return study.tell(trial, value)
    except BaseException as exc:  # e.g. Ctrl-C while the result was being written
        if study.is_running_here(trial.number):
            _fail(study, trial.number, exc)
        raise


_NAMES: dict[int, str] = {}
_OWN: list[str] = []  # this process's name, once asked (forgotten in a forked child)
os.register_at_fork(after_in_child=_OWN.clear)


def worker_name(pid: int | None = None) -> str:
    """How trials name the process that runs them: ``host:pid`` (this process's without
    ``pid``: asked once a trial, and getpid is a system call)."""
    if pid is None:
        if not _OWN:
            _OWN.append(worker_name(os.getpid()))
        return _OWN[0]
    name = _NAMES.get(pid)
    if name is None:
        name = _NAMES[pid] = f"{socket.gethostname()}:{pid}"
    return name


def describe_failure(exc: BaseException) -> tuple[Failure, str]:
    """Why an exception out of an objective failed its trial, as a field and a text."""
    if isinstance(exc, KeyboardInterrupt):
        return Failure.INTERRUPTED, "interrupted (KeyboardInterrupt)"
    if isinstance(exc, SystemExit):
        return Failure.INTERRUPTED, f"interrupted (SystemExit {exc.code!r})"
    if isinstance(exc, TrialTimeLimitExceeded):
        return Failure.TIME_LIMIT, str(exc)
    if isinstance(exc, MemoryError):
        return Failure.MEMORY_LIMIT, f"MemoryError: {exc}"
    return Failure.OBJECTIVE, f"{type(exc).__name__}: {exc}"


def _fail(study: Study, number: int, exc: BaseException) -> FrozenTrial:
    failure, reason = describe_failure(exc)
    return study.finish_trial(number, TrialState.FAIL, None, failure=failure, reason=reason)


def set_limits(policy: TrialPolicy) -> None:
    """Apply the limits that hold for a whole worker process (memory). Only ever in a
    worker process: the limit would stay on the user's own process."""
    if policy.memory is not None and resource is not None:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (policy.memory, hard))


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the objective after ``seconds`` (a SIGALRM; main thread, Unix only)."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        _LOG.warning("trial_timeout needs the main thread of a Unix process; not applied")
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TrialTimeLimitExceeded(f"the trial ran past its time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def report_to(
    study: Study, callbacks: Sequence[Callback], progress: Any
) -> Callable[[FrozenTrial], None]:
    """What the process that called ``optimize`` does with each finished trial."""

    def finished(trial: FrozenTrial) -> None:
        for callback in callbacks:
            callback(study, trial)
        progress.update(study)

    return finished
