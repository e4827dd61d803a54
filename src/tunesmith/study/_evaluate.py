"""One trial, start to end: ask, evaluate under the per-trial limits, tell.

The trial is finished whatever happens in the objective: a value, a prune, a failure that
is caught, a failure that propagates, a Ctrl-C. A trial that breaks its limits (time,
memory) fails and the study goes on.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tunesmith.errors import InvalidArgumentError, TrialPruned, TunesmithError
from tunesmith.history import FrozenTrial
from tunesmith.space import SearchSpace
from tunesmith.states import TrialState

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from tunesmith.study._study import Objective, Study

_LOG = logging.getLogger("tunesmith")


@dataclass(frozen=True)
class TrialPolicy:
    """How each trial runs: its wall-time limit (seconds), address-space limit (bytes),
    and how often it is run again if its worker dies."""

    seconds: float | None = None
    memory: int | None = None
    retries: int = 0

    @classmethod
    def check(cls, seconds: object, memory: object, retries: object = 0) -> TrialPolicy:
        if seconds is not None and (
            isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0
        ):
            raise InvalidArgumentError(
                f"trial_timeout must be a positive number of seconds, but got {seconds!r}"
            )
        if memory is not None and (
            isinstance(memory, bool) or not isinstance(memory, int) or memory <= 0
        ):
            raise InvalidArgumentError(
                f"trial_memory_limit must be a positive number of bytes, but got {memory!r}"
            )
        if memory is not None and resource is None:
            raise InvalidArgumentError("trial_memory_limit needs a Unix platform")
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise InvalidArgumentError(f"retries must be an integer >= 0, but got {retries!r}")
        return cls(None if seconds is None else float(seconds), memory, retries)

    @property
    def broken(self) -> tuple[type[BaseException], ...]:
        """The exceptions that say a trial broke its limits (looked up only when one is
        raised: an ``except`` clause is evaluated then)."""
        if self.memory is None:
            return (TrialTimeLimitExceeded,)
        return (TrialTimeLimitExceeded, MemoryError)


class TrialTimeLimitExceeded(TunesmithError):
    """Raised inside an objective that ran past ``trial_timeout``."""


def set_limits(limits: TrialPolicy, *, in_worker: bool) -> None:
    """Apply the limits that hold for a whole worker process (memory)."""
    if limits.memory is not None and in_worker and resource is not None:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, hard))


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the objective after ``seconds`` (a SIGALRM; main thread, Unix only)."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        if seconds is not None:
            _LOG.warning("trial_timeout needs the main thread of a Unix process; not applied")
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TrialTimeLimitExceeded(f"the trial ran past its time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)  # type: ignore[arg-type]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_trial(
    study: Study,
    objective: Objective,
    catch: tuple[type[BaseException], ...],
    space: SearchSpace | None = None,
    limits: TrialPolicy = TrialPolicy(),
    notes: Mapping[str, Any] | None = None,
    *,
    lease: float | None,
) -> FrozenTrial:
    """Ask, evaluate, tell. The trial is finished whatever happens in the objective; a
    trial that breaks its limits fails and the study goes on. With a ``lease``, the
    caller keeps it alive with heartbeats."""
    trial = study._ask(space, lease=lease, notes=notes, retries=limits.retries)
    try:
        if limits.seconds is None:
            value = objective(trial)
        else:
            with _time_limit(limits.seconds):
                value = objective(trial)
    except TrialPruned:
        return study.tell(trial, state=TrialState.PRUNED)
    except limits.broken as exc:
        _LOG.warning("trial %d failed: %s", trial.number, exc)
        return study._finish(trial.number, TrialState.FAIL, None, _reason(exc))
    except catch as exc:
        _LOG.warning("trial %d failed and the study goes on: %r", trial.number, exc, exc_info=True)
        return study._finish(trial.number, TrialState.FAIL, None, _reason(exc))
    except BaseException as exc:
        study._finish(trial.number, TrialState.FAIL, None, _reason(exc))
        raise
    try:
        return study.tell(trial, value)
    except BaseException as exc:  # e.g. Ctrl-C while the result was being written
        if trial.number in study._runs:
            study._finish(trial.number, TrialState.FAIL, None, _reason(exc))
        raise


def _reason(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted (KeyboardInterrupt)"
    if isinstance(exc, TrialTimeLimitExceeded):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
