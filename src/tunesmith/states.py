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
