"""Trial states and optimization directions."""

from __future__ import annotations

import enum

from tunesmith.errors import InvalidArgumentError


class TrialState(enum.Enum):
    """Where a trial is in its life. Only RUNNING trials ever change."""

    RUNNING = "running"
    COMPLETE = "complete"
    PRUNED = "pruned"
    FAIL = "fail"

    @property
    def is_finished(self) -> bool:
        return self is not TrialState.RUNNING

    def __repr__(self) -> str:
        return f"TrialState.{self.name}"


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
