"""Search under a fixed time budget instead of a number of trials.

Gradient boosting on the breast-cancer dataset, where a trial takes from a few hundredths
of a second to about a second depending on the parameters drawn. With ``timeout`` and no
``n_trials``, the search keeps starting trials until the budget is spent; a trial running
when time is up is finished, not cut short, so the search can overrun by one trial.

Environment:
    TUNESMITH_EXAMPLE_SECONDS: the budget in seconds (default 5).
"""

from __future__ import annotations

import os
import time
from typing import Any

from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score

import tunesmith as ts

SPACE = {
    "n_estimators": ts.Int(10, 200, log=True),
    "learning_rate": ts.Float(0.01, 1.0, log=True),
    "max_depth": (1, 4),
    "subsample": (0.5, 1.0),
}


def main() -> None:
    seconds = float(os.environ.get("TUNESMITH_EXAMPLE_SECONDS", "5"))
    features, labels = load_breast_cancer(return_X_y=True)
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)

    def cv_accuracy(params: dict[str, Any]) -> float:
        model = GradientBoostingClassifier(**params, random_state=0)
        return float(cross_val_score(model, features, labels, cv=folds, n_jobs=1).mean())

    started = time.monotonic()
    result = ts.maximize(cv_accuracy, SPACE, timeout=seconds, sampler="random", seed=0)
    elapsed = time.monotonic() - started

    durations = [trial.duration for trial in result.study.trials if trial.duration is not None]
    print(f"budget: {seconds:g} s, elapsed: {elapsed:.2f} s")
    print(f"trials run: {result.n_trials}")
    print(f"longest trial: {max(durations):.2f} s")
    print(f"best cross-validated accuracy: {result.best_value:.4f}")
    print(f"best parameters: {result.best_params}")


if __name__ == "__main__":
    main()
