"""Grid search over a dict of value lists, as with scikit-learn's ``ParameterGrid``.

A k-nearest-neighbours classifier on the wine dataset: every combination of
``n_neighbors``, ``weights`` and ``p`` (Manhattan or Euclidean distance) is scored by
5-fold cross-validation. ``study.optimize`` is given no ``n_trials``: a grid search stops
by itself once every grid point has been evaluated.
"""

from __future__ import annotations

import math
from typing import Any

from sklearn.datasets import load_wine
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import tunesmith as ts

GRID: dict[str, list[Any]] = {
    "n_neighbors": [1, 3, 5, 7, 9, 15, 25],
    "weights": ["uniform", "distance"],
    "p": [1, 2],
}


def main() -> None:
    features, labels = load_wine(return_X_y=True)

    def objective(trial: ts.Trial) -> float:
        # Each parameter is asked for with the same list as in the grid.
        model = make_pipeline(
            StandardScaler(),  # distances need features on one scale
            KNeighborsClassifier(
                n_neighbors=trial.suggest_categorical("n_neighbors", GRID["n_neighbors"]),
                weights=trial.suggest_categorical("weights", GRID["weights"]),
                p=trial.suggest_categorical("p", GRID["p"]),
            ),
        )
        return float(cross_val_score(model, features, labels, cv=5, n_jobs=1).mean())

    study = ts.create_study(direction="maximize", sampler=ts.GridSampler(GRID, seed=0))
    study.optimize(objective)  # no budget: runs until the grid is exhausted

    grid_size = math.prod(len(values) for values in GRID.values())
    print(f"grid size: {grid_size}")
    print(f"trials run: {len(study.trials)}")
    print(f"best cross-validated accuracy: {study.best_value:.4f}")
    print(f"best parameters: {study.best_params}")

    # Calling optimize again does nothing: there is no grid point left.
    study.optimize(objective)
    print(f"trials after a second optimize(): {len(study.trials)}")


if __name__ == "__main__":
    main()
