"""A pruner that lets every trial run to the end."""

from __future__ import annotations

from tunesmith.history import FrozenTrial, History
from tunesmith.pruners.base import Decision


class NopPruner:
    """Never prunes (``pruner="none"``): every trial runs until the objective returns.

    Example:
        >>> NopPruner().decide(None, None)  # doctest: +SKIP
        <Decision.CONTINUE: 'continue'>
    """

    def decide(self, trial: FrozenTrial, history: History) -> Decision:
        return Decision.CONTINUE

    def __repr__(self) -> str:
        return "NopPruner()"
