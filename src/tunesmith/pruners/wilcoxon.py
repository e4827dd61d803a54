"""Wilcoxon pruning: for objectives that are a mean over many instances (folds, data
sets, seeds), each reported at its own step, stop a trial once a Wilcoxon signed-rank
test (Wilcoxon 1945) says it is worse than the best trial on the instances both ran.

Glossary:
    step    the instance a value belongs to (any integer id, in any order)
    d       the trial's loss minus the best COMPLETE trial's, on each shared instance
The trial is pruned when the one-sided test of "d tends to be positive" has a p-value
below ``p_threshold`` — unless the trial's mean loss on the shared instances is still the
smaller, which a skewed handful of instances can make the test miss.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import stats

from tunesmith.history import FrozenTrial, History
from tunesmith.pruners._curves import losses
from tunesmith.pruners.base import Decision
from tunesmith.validation import check_int, check_number


class WilcoxonPruner:
    """Prunes a trial that a paired Wilcoxon test finds worse than the best trial on the
    instances (steps) both reported, as Optuna's ``WilcoxonPruner``.

    Args:
        p_threshold: Prune when the test's p-value falls below this.
        n_startup_steps: No pruning before the trial has reported this many instances.

    Example:
        >>> WilcoxonPruner(p_threshold=0.05)
        WilcoxonPruner(p_threshold=0.05, n_startup_steps=2)
    """

    def __init__(self, *, p_threshold: float = 0.1, n_startup_steps: int = 2) -> None:
        owner = "WilcoxonPruner"
        self.p_threshold = check_number(
            "p_threshold", p_threshold, owner=owner, minimum=0.0, maximum=1.0
        )
        self.n_startup_steps = check_int("n_startup_steps", n_startup_steps, owner=owner, minimum=0)

    def decide(self, trial: FrozenTrial, history: History) -> Decision:
        best = history.best_trial
        if best is None or len(trial.intermediate_values) < max(self.n_startup_steps, 1):
            return Decision.CONTINUE
        steps, values = losses(trial, history.direction)
        best_steps, best_values = losses(best, history.direction)
        reference = dict(zip(best_steps, best_values, strict=True))
        shared = [(v, reference[s]) for s, v in zip(steps, values, strict=True) if s in reference]
        if not shared:
            return Decision.CONTINUE
        d = np.array([v - b for v, b in shared])
        if d.mean() <= 0 or not np.any(d):
            return Decision.CONTINUE  # as good as the best so far, on average
        with warnings.catch_warnings():  # scipy warns on ties and tiny samples
            warnings.simplefilter("ignore")
            p_value = float(stats.wilcoxon(d, alternative="greater", zero_method="zsplit").pvalue)
        return Decision.PRUNE if p_value < self.p_threshold else Decision.CONTINUE

    def __repr__(self) -> str:
        return (
            f"WilcoxonPruner(p_threshold={self.p_threshold}, "
            f"n_startup_steps={self.n_startup_steps})"
        )
