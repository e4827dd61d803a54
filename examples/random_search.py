"""Random search over a mix of value lists and ranges, as with ``RandomizedSearchCV``.

A random forest on the breast-cancer dataset. The search space is a plain dict:
a list is a set of choices, a ``(low, high)`` tuple of ints is an integer range, and
``ts.Int`` / ``ts.Float`` say more (a log scale, a step) when a tuple is not enough.
"""

from __future__ import annotations

from typing import Any

from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score

import tunesmith as ts

SPACE = {
    "n_estimators": ts.Int(10, 100, step=10),  # 10, 20, ..., 100
    "max_depth": (2, 12),  # ints: every integer from 2 to 12
    "min_samples_leaf": ts.Int(1, 16, log=True),  # small values matter most
    "max_features": ["sqrt", "log2", 0.5],  # choices
    "criterion": ["gini", "entropy"],
}
N_TRIALS = 25


def main() -> None:
    features, labels = load_breast_cancer(return_X_y=True)
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)

    def cv_accuracy(params: dict[str, Any]) -> float:
        # The parameter names match RandomForestClassifier's, so they pass straight through.
        model = RandomForestClassifier(**params, random_state=0, n_jobs=1)
        return float(cross_val_score(model, features, labels, cv=folds, n_jobs=1).mean())

    result = ts.maximize(cv_accuracy, SPACE, n_trials=N_TRIALS, sampler="random", seed=1)

    scores = [trial.value for trial in result.study.trials]
    print(f"trials run: {result.n_trials}")
    print(f"best cross-validated accuracy: {result.best_value:.4f}")
    print(f"median trial accuracy: {sorted(scores)[len(scores) // 2]:.4f}")
    print(f"best parameters: {result.best_params}")
    print("five best trials:")
    frame = result.study.to_dataframe().sort_values("value", ascending=False)
    columns = ["number", "value"] + [f"params_{name}" for name in SPACE]
    print(frame[columns].head(5).to_string(index=False))


if __name__ == "__main__":
    main()
