"""Trial states and optimization directions."""

from __future__ import annotations

import enum
from collections.abc import Sequence

from tunesmith.errors import InvalidArgumentError


class Answer(int):
    """A yes or no that also answers when called, so that one name serves as a property
    and as Optuna's method of the same name.

    Example:
        >>> TrialState.PRUNED.is_finished, TrialState.RUNNING.is_finished()
        (True, False)
    """

    __slots__ = ()

    def __call__(self) -> bool:
        return bool(self)

    def __repr__(self) -> str:
        return repr(bool(self))


_YES, _NO = Answer(1), Answer(0)


class TrialState(enum.Enum):
    """Where a trial is in its life. Only RUNNING trials ever change.

    WAITING is Optuna's state for enqueued parameters no trial has taken yet:
    ``study.trials`` lists each as a WAITING trial after the others, numbered as the trial
    that takes it will be when trials run in order. It is never stored: it is the queue,
    shown."""

    RUNNING = "running"
    COMPLETE = "complete"
    PRUNED = "pruned"
    FAIL = "fail"
    WAITING = "waiting"

    # Enum hashes a member by its name, in Python; identity (in C) is as good for these
    # singletons and costs nothing: states key dicts and sets on every trial.
    __hash__ = object.__hash__

    @property
    def is_finished(self) -> Answer:
        """Whether the trial is COMPLETE, PRUNED or FAIL. A property, which Optuna code
        may also call (``state.is_finished()``, a method in Optuna)."""
        return _YES if self in _FINISHED_STATES else _NO

    def __repr__(self) -> str:
        return f"TrialState.{self.name}"


_FINISHED_STATES = frozenset({TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL})


class Direction(enum.Enum):
    """Whether the study looks for the smallest or the largest objective value."""

    MINIMIZE = "minimize"
    MAXIMIZE = "maximize"

    @classmethod
    def parse(cls, value: object) -> Direction:
        """Accept a ``Direction`` or its name (``"minimize"`` / ``"maximize"``)."""
        if isinstance(value, Direction):
            return value
        if isinstance(value, str):
            try:
                return cls(value.lower())
            except ValueError:
                pass
        raise InvalidArgumentError(f"direction must be 'minimize' or 'maximize', but got {value!r}")

    @property
    def sign(self) -> float:
        """1 for MINIMIZE, -1 for MAXIMIZE: ``sign * value`` is a loss (smaller is better)."""
        return 1.0 if self is Direction.MINIMIZE else -1.0

    def better(self, a: float, b: float) -> bool:
        """Whether ``a`` is strictly better than ``b``."""
        return a < b if self is Direction.MINIMIZE else a > b

    def __repr__(self) -> str:
        return f"Direction.{self.name}"


class Failure(enum.Enum):
    """Why a trial FAILed, as a field (the reason text next to it is for people).

    Attributes:
        OBJECTIVE: the objective raised an exception.
        VALUE: the objective returned something that is not a finite number.
        INTERRUPTED: Ctrl-C (KeyboardInterrupt) or SystemExit while it ran.
        TIME_LIMIT: it ran past ``trial_timeout``.
        MEMORY_LIMIT: it needed more than ``trial_memory_limit``.
        WORKER_LOST: its worker died or stopped answering (lease expired, process killed).
        SAMPLER: choosing its parameters failed.
        TOLD: the user told the study it failed (``tell(..., state="fail")``).
    """

    OBJECTIVE = "objective"
    VALUE = "value"
    INTERRUPTED = "interrupted"
    TIME_LIMIT = "time_limit"
    MEMORY_LIMIT = "memory_limit"
    WORKER_LOST = "worker_lost"
    SAMPLER = "sampler"
    TOLD = "told"

    def __repr__(self) -> str:
        return f"Failure.{self.name}"


def parse_directions(direction: object, directions: object) -> tuple[Direction, ...]:
    """The study's directions from ``create_study``'s two arguments: ``directions`` (a
    list, one per objective), or the one ``direction`` (minimize if neither is given)."""
    if directions is None:
        return (Direction.MINIMIZE if direction is None else Direction.parse(direction),)
    if direction is not None:
        raise InvalidArgumentError(
            f"give direction (one objective) or directions (one per objective), not both; "
            f"got direction={direction!r} and directions={directions!r}"
        )
    if isinstance(directions, (str, bytes)) or not isinstance(directions, Sequence):
        raise InvalidArgumentError(
            f"directions must be a list of 'minimize' / 'maximize', one per objective, "
            f"but got {directions!r}"
        )
    if not directions:
        raise InvalidArgumentError("directions must name at least one objective, but got []")
    return tuple(Direction.parse(d) for d in directions)


def directions_to_text(directions: Sequence[Direction]) -> str:
    """How storages keep a study's directions: ``"minimize"``, ``"minimize,maximize"``."""
    return ",".join(direction.value for direction in directions)


def directions_from_text(text: str) -> tuple[Direction, ...]:
    """Inverse of :func:`directions_to_text` (a study stored before several objectives
    existed has one direction, and reads the same)."""
    return tuple(Direction(part) for part in text.split(","))
