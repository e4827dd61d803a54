"""Choose the model family and its parameters in one search (define-by-run).

The objective first picks a family with ``suggest_categorical``, then asks only for the
parameters that family has: an SVC's ``C`` and ``gamma``, a logistic regression's ``C``,
a k-nearest-neighbours' ``n_neighbors`` and ``weights``. Parameters a trial never asks for
are simply absent from it, so the space is conditional without any extra declaration.

Each family's parameters get their own names (``svc_C``, ``logreg_C``): a parameter keeps
one range and scale for the whole study.
"""

from __future__ import annotations

from sklearn.base import BaseEstimator
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import tunesmith as ts

N_TRIALS = 60


def build_model(trial: ts.Trial) -> BaseEstimator:
    family = trial.suggest_categorical("family", ["svc", "logreg", "knn"])
    if family == "svc":
        model = SVC(
            C=trial.suggest_float("svc_C", 1e-3, 1e3, log=True),
            gamma=trial.suggest_float("svc_gamma", 1e-4, 1e1, log=True),
        )
    elif family == "logreg":
        model = LogisticRegression(C=trial.suggest_float("logreg_C", 1e-4, 1e2, log=True))
    else:
        model = KNeighborsClassifier(
            n_neighbors=trial.suggest_int("knn_n_neighbors", 1, 50, log=True),
            weights=trial.suggest_categorical("knn_weights", ["uniform", "distance"]),
        )
    return make_pipeline(StandardScaler(), model)


def main() -> None:
    features, labels = load_wine(return_X_y=True)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)

    def objective(trial: ts.Trial) -> float:
        model = build_model(trial)
        return float(cross_val_score(model, features, labels, cv=folds, n_jobs=1).mean())

    study = ts.create_study(direction="maximize", sampler="random", seed=3)
    study.optimize(objective, n_trials=N_TRIALS)

    print(f"trials run: {len(study.trials)}")
    print("best score per family (trials):")
    for family in ["svc", "logreg", "knn"]:
        trials = [t for t in study.trials if t.params["family"] == family]
        best = max(t.value for t in trials)
        print(f"    {family:<7} {best:.4f}  ({len(trials)})")
    print(f"best family: {study.best_params['family']}")
    print(f"best cross-validated accuracy: {study.best_value:.4f}")
    print(f"best parameters: {study.best_params}")


if __name__ == "__main__":
    main()
