"""Median stopping (Golovin et al. 2017, "Google Vizier", sec. 3.2.2): stop a trial whose
best value so far is worse than the median of what completed trials had at that step."""

from __future__ import annotations

import statistics

from tunesmith.history import FrozenTrial, History
from tunesmith.pruners._curves import CurveCache, exact_value, losses
from tunesmith.pruners.base import Decision
from tunesmith.states import TrialState
from tunesmith.validation import (
    check_int,
)


class MedianPruner:
    """Prunes when a trial's best loss so far is worse than the completed trials' median
    loss at the same step.

    Args:
        n_startup_trials: No pruning until this many trials have completed.
        n_warmup_steps: No pruning before this step (early curves are noisy).
        interval_steps: Judge only every this many steps after the warm-up.
        n_min_trials: How many completed trials must have reported at the step.

    Example:
        >>> MedianPruner(n_startup_trials=5, n_warmup_steps=10)
        MedianPruner(n_startup_trials=5, n_warmup_steps=10, interval_steps=1)
    """

    def __init__(
        self,
        *,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        n_min_trials: int = 1,
    ) -> None:
        owner = "MedianPruner"
        self.n_startup_trials = check_int(
            "n_startup_trials", n_startup_trials, owner=owner, minimum=0
        )
        self.n_warmup_steps = check_int("n_warmup_steps", n_warmup_steps, owner=owner, minimum=0)
        self.interval_steps = check_int("interval_steps", interval_steps, owner=owner, minimum=1)
        self.n_min_trials = check_int("n_min_trials", n_min_trials, owner=owner, minimum=1)
        self._curves = CurveCache()

    def decide(self, trial: FrozenTrial, history: History) -> Decision:
        if not trial.intermediate_values or len(history.completed()) < self.n_startup_trials:
            return Decision.CONTINUE
        steps, values = losses(trial, history.direction)
        step = steps[-1]
        if step < self.n_warmup_steps or (step - self.n_warmup_steps) % self.interval_steps:
            return Decision.CONTINUE
        completed = [
            exact_value(curve.steps, curve.losses, step)
            for curve in self._curves.curves(history)
            if curve.state is TrialState.COMPLETE
        ]
        at_step = [value for value in completed if value is not None]
        if len(at_step) < self.n_min_trials:
            return Decision.CONTINUE
        return Decision.PRUNE if min(values) > statistics.median(at_step) else Decision.CONTINUE

    def __repr__(self) -> str:
        return (
            f"MedianPruner(n_startup_trials={self.n_startup_trials}, "
            f"n_warmup_steps={self.n_warmup_steps}, interval_steps={self.interval_steps})"
        )
