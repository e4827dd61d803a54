"""A pruner that lets every trial run to the end."""

from __future__ import annotations

from tunesmith.history import FrozenTrial, History
from tunesmith.pruners.base import Decision


class NopPruner:
    """Never prunes (``pruner="none"``): every trial runs until the objective returns.

    Example:
        >>> from tunesmith import Direction, FrozenTrial, TrialState
        >>> from tunesmith.history import replay
        >>> history = replay([], Direction.MINIMIZE)
        >>> NopPruner().decide(FrozenTrial(0, TrialState.RUNNING), history).name
        'CONTINUE'
    """

    def decide(self, trial: FrozenTrial, history: History) -> Decision:
        return Decision.CONTINUE

    def __repr__(self) -> str:
        return "NopPruner()"
