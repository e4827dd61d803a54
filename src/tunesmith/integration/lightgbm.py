"""``optuna.integration.LightGBMPruningCallback``: report a validation metric of
``lightgbm.train`` or ``lightgbm.cv`` after each boosting round, and prune.

LightGBM itself is not imported here: the callback reads what LightGBM hands it.

Example:
    >>> import tunesmith as optuna
    >>> study = optuna.create_study(direction="maximize")
    >>> trial = study.ask()
    >>> callback = optuna.integration.LightGBMPruningCallback(trial, "auc")
    >>> callback.metric, callback.valid_name
    ('auc', 'valid_0')
"""

from __future__ import annotations

from typing import Any

from tunesmith.errors import InvalidArgumentError
from tunesmith.integration._pruning import check_direction, report_or_prune

_OWNER = "LightGBMPruningCallback"


class LightGBMPruningCallback:
    """Pass it in ``callbacks=[...]`` of ``lightgbm.train`` (or ``lightgbm.cv``): after
    every ``report_interval``-th boosting round it reports ``metric`` on the validation
    set ``valid_name`` (``"valid_0"``, the first one, by default; ``lightgbm.cv``'s mean
    over folds otherwise) at the round's index and raises :class:`tunesmith.TrialPruned`
    when the study's pruner says to stop.

    A metric that is better higher needs a study that maximizes (``"auc"``), one that is
    better lower a study that minimizes (``"binary_logloss"``): anything else is a
    ``ValueError``, as in Optuna.
    """

    def __init__(
        self, trial: Any, metric: str, valid_name: str = "valid_0", report_interval: int = 1
    ) -> None:
        if not isinstance(report_interval, int) or report_interval < 1:
            raise InvalidArgumentError(
                f"{_OWNER}: report_interval must be a positive int, but got {report_interval!r}"
            )
        self.trial = trial
        self.metric = metric
        self.valid_name = valid_name
        self.report_interval = report_interval

    def _score(self, results: list[tuple[Any, ...]]) -> tuple[float, bool]:
        # lightgbm.cv gives (name, metric, mean, higher_better, stdv): its data set is "valid"
        crossed = bool(results) and len(results[0]) == 5
        wanted = "valid" if crossed else self.valid_name
        names = (self.metric, f"valid {self.metric}")  # LightGBM 4 prefixes cv metrics
        for entry in results:
            data_name, metric_name, score, higher_is_better = entry[:4]
            if data_name == wanted and metric_name in names:
                return float(score), bool(higher_is_better)
        seen = sorted({f"{entry[0]}: {entry[1]}" for entry in results})
        raise ValueError(
            f"{_OWNER}: no metric {self.metric!r} on the validation set {wanted!r} in what "
            f"LightGBM evaluated ({', '.join(seen) or 'nothing'}); give train() that "
            "validation set in valid_sets and the metric in params['metric']"
        )

    def __call__(self, env: Any) -> None:
        if (env.iteration + 1) % self.report_interval:
            return
        score, higher_is_better = self._score(list(env.evaluation_result_list or []))
        check_direction(self.trial, higher_is_better, _OWNER, self.metric)
        report_or_prune(self.trial, score, env.iteration)


_TUNER = {"LightGBMTuner", "LightGBMTunerCV", "train", "cv", "Dataset"}


def __getattr__(name: str) -> Any:
    if name in _TUNER:
        raise AttributeError(
            f"tunesmith.integration.lightgbm.{name}: Optuna's LightGBMTuner (and its "
            "drop-in lightgbm.train) is not in tunesmith; import lightgbm itself, tune its "
            "parameters with trial.suggest_* in an objective, and pass "
            "LightGBMPruningCallback(trial, metric) in callbacks"
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
