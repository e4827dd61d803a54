"""``optuna.integration.XGBoostPruningCallback``: report a metric of ``xgboost.train``
or ``xgboost.cv`` after each boosting round, and prune.

XGBoost wants its callbacks derived from ``xgboost.callback.TrainingCallback``, so the
class is made, with XGBoost imported, when the name is first used.
"""

from __future__ import annotations

from typing import Any

from tunesmith.errors import require_module
from tunesmith.integration._pruning import report_or_prune

_OWNER = "XGBoostPruningCallback"


def _scores(evals_log: dict[str, Any]) -> dict[str, float]:
    """The last value of each metric, as ``"<evals name>-<metric>"``."""
    scores = {}
    for data_name, metrics in evals_log.items():
        for metric, history in metrics.items():
            last = history[-1]
            # xgboost.cv logs (mean, std) pairs
            scores[f"{data_name}-{metric}"] = float(last[0] if isinstance(last, tuple) else last)
    return scores


def _make_class() -> type:
    xgb: Any = require_module("xgboost", "xgboost", _OWNER)

    class XGBoostPruningCallback(xgb.callback.TrainingCallback):  # type: ignore[misc]
        """Pass it in ``callbacks=[...]`` of ``xgboost.train`` or ``xgboost.cv`` (or the
        scikit-learn wrappers): after each round it reports ``observation_key``, the
        evaluation set's name and the metric joined by ``-`` (``"validation-auc"`` for
        ``evals=[(dvalid, "validation")]``; ``"test-auc"``, the mean over folds, for
        ``xgboost.cv``; ``"validation_0-logloss"`` for the scikit-learn API), and raises
        :class:`tunesmith.TrialPruned` when the study's pruner says to stop."""

        def __init__(self, trial: Any, observation_key: str) -> None:
            super().__init__()
            self.trial = trial
            self.observation_key = observation_key

        def after_iteration(self, model: Any, epoch: int, evals_log: dict[str, Any]) -> bool:
            scores = _scores(evals_log)
            if self.observation_key not in scores:
                raise ValueError(
                    f"{_OWNER}: no {self.observation_key!r} among what XGBoost evaluated "
                    f"({', '.join(sorted(scores)) or 'nothing'}); name it "
                    "'<evals name>-<metric>'"
                )
            report_or_prune(self.trial, scores[self.observation_key], epoch)
            return False  # keep training

    XGBoostPruningCallback.__module__ = __name__
    XGBoostPruningCallback.__qualname__ = _OWNER
    return XGBoostPruningCallback


def __getattr__(name: str) -> Any:
    if name == _OWNER:
        made = _make_class()
        globals()[name] = made
        return made
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
