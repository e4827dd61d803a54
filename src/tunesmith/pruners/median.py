"""Median and percentile stopping (Golovin et al. 2017, "Google Vizier", sec. 3.2.2): stop
a trial whose best value so far is worse than the median (or another percentile) of what
completed trials had at that step."""

from __future__ import annotations

import numpy as np

from tunesmith.history import FrozenTrial, History
from tunesmith.pruners._curves import CurveCache, exact_value, losses
from tunesmith.pruners.base import Decision
from tunesmith.states import TrialState
from tunesmith.validation import check_int, check_number


class PercentilePruner:
    """Prunes when a trial's best loss so far is worse than the given percentile of the
    completed trials' losses at the same step: ``percentile=25`` keeps a trial only while
    it is in the best quarter (in either direction, as Optuna's ``PercentilePruner``).

    Args:
        percentile: In [0, 100]; 50 is the median rule.
        n_startup_trials: No pruning until this many trials have completed.
        n_warmup_steps: No pruning before this step (early curves are noisy).
        interval_steps: Judge only every this many steps after the warm-up.
        n_min_trials: How many completed trials must have reported at the step.

    Example:
        >>> PercentilePruner(25.0, n_startup_trials=5)
        PercentilePruner(25.0, n_startup_trials=5, n_warmup_steps=0, interval_steps=1)
    """

    def __init__(
        self,
        percentile: float,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        owner = type(self).__name__
        self.percentile = check_number(
            "percentile", percentile, owner=owner, minimum=0.0, maximum=100.0
        )
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
        threshold = float(np.percentile(at_step, self.percentile))
        return Decision.PRUNE if min(values) > threshold else Decision.CONTINUE

    def __repr__(self) -> str:
        return (
            f"PercentilePruner({self.percentile}, n_startup_trials={self.n_startup_trials}, "
            f"n_warmup_steps={self.n_warmup_steps}, interval_steps={self.interval_steps})"
        )


class MedianPruner(PercentilePruner):
    """Prunes when a trial's best loss so far is worse than the completed trials' median
    loss at the same step (:class:`PercentilePruner` at 50).

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
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        super().__init__(
            50.0, n_startup_trials, n_warmup_steps, interval_steps, n_min_trials=n_min_trials
        )

    def __repr__(self) -> str:
        return (
            f"MedianPruner(n_startup_trials={self.n_startup_trials}, "
            f"n_warmup_steps={self.n_warmup_steps}, interval_steps={self.interval_steps})"
        )
