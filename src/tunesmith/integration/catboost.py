"""``optuna.integration.CatBoostPruningCallback``: report a validation metric of a
CatBoost model after each iteration, and stop training when the pruner says so.

CatBoost swallows exceptions raised in its callbacks, so (as in Optuna) the callback
stops training and the objective calls :meth:`CatBoostPruningCallback.check_pruned`
after ``fit`` to raise :class:`tunesmith.TrialPruned`. CatBoost is not imported here.

Example:
    >>> import tunesmith as optuna
    >>> trial = optuna.create_study(direction="maximize").ask()
    >>> optuna.integration.CatBoostPruningCallback(trial, "Accuracy").valid_name
    'validation'
"""

from __future__ import annotations

from typing import Any

from tunesmith.errors import TrialPruned
from tunesmith.integration._pruning import report

_OWNER = "CatBoostPruningCallback"


class CatBoostPruningCallback:
    """Pass it in ``fit(..., callbacks=[...])`` of a CatBoost model with an ``eval_set``;
    ``metric`` is one of CatBoost's metric names (``"Logloss"``, ``"Accuracy"``), and
    ``eval_set_index`` picks one of several evaluation sets."""

    def __init__(self, trial: Any, metric: str, eval_set_index: int | None = None) -> None:
        self.trial = trial
        self.metric = metric
        self.valid_name = "validation" if eval_set_index is None else f"validation_{eval_set_index}"
        self.pruned_at: int | None = None

    def after_iteration(self, info: Any) -> bool:
        """CatBoost calls this after each iteration; False stops training."""
        step = info.iteration - 1  # CatBoost counts iterations from 1
        metrics = info.metrics.get(self.valid_name)
        if metrics is None or self.metric not in metrics:
            where = sorted(info.metrics) if metrics is None else sorted(metrics)
            raise ValueError(
                f"{_OWNER}: no {self.metric!r} on {self.valid_name!r} (CatBoost gave "
                f"{where}); pass eval_set= to fit and name the metric in eval_metric or "
                "custom_metric"
            )
        if report(self.trial, metrics[self.metric][-1], step):
            self.pruned_at = step
            return False
        return True

    def check_pruned(self) -> None:
        """Raise :class:`tunesmith.TrialPruned` if the callback stopped training."""
        if self.pruned_at is not None:
            raise TrialPruned(f"trial pruned at iteration {self.pruned_at}")
