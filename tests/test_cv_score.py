"""ts.cv_score: cross-validation in a hand-written objective, fold by fold, prunable."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits, load_iris
from sklearn.linear_model import Ridge
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC

import tunesmith as ts

IRIS = load_iris(return_X_y=True)


def test_the_mean_equals_scikit_learns_and_the_folds_are_kept():
    X, y = IRIS
    study = ts.create_study(direction="maximize", seed=0)
    trial = study.ask()
    score = ts.cv_score(KNeighborsClassifier(3), X, y, trial, cv=5)
    expected = cross_val_score(KNeighborsClassifier(3), X, y, cv=5)
    assert score == pytest.approx(expected.mean())
    study.tell(trial, score)
    kept = study.trials[0]
    assert kept.user_attrs["cv_test_score"] == pytest.approx(list(expected))
    assert len(kept.user_attrs["cv_fit_time"]) == 5
    # The running mean after each fold, at step = folds done.
    running = np.cumsum(expected) / np.arange(1, 6)
    assert [kept.intermediate_values[k] for k in range(1, 6)] == pytest.approx(list(running))


def test_every_sample_is_tested_once_by_a_model_that_did_not_see_it():
    # 151 samples in 5 folds: the remainder is tested too (the classic recipe dropped it).
    X, y = IRIS
    X = np.vstack([X, X[:1]])
    y = np.append(y, y[0])
    X = np.column_stack([X, np.arange(len(y))])  # the last column identifies the sample
    tested = []

    class Recorder(KNeighborsClassifier):
        def fit(self, X, y):
            self.trained_on_ = set(X[:, -1])
            return super().fit(X, y)

        def score(self, X, y):
            assert not self.trained_on_ & set(X[:, -1])  # never tested on its training data
            assert len(self.trained_on_) + len(X) == 151  # nothing left out
            tested.extend(X[:, -1])
            return super().score(X, y)

    ts.cv_score(Recorder(), X, y, None, cv=KFold(5))
    assert sorted(tested) == list(range(151))


def test_grouped_and_stratified_splits():
    X, y = IRIS
    groups = np.arange(len(y)) // 10
    score = ts.cv_score(KNeighborsClassifier(), X, y, None, cv=GroupKFold(3), groups=groups)
    assert score == pytest.approx(
        cross_val_score(KNeighborsClassifier(), X, y, cv=GroupKFold(3), groups=groups).mean()
    )
    folds = StratifiedKFold(4, shuffle=True, random_state=0)
    assert ts.cv_score(SVC(), X, y, None, cv=folds, scoring="f1_macro") == pytest.approx(
        cross_val_score(SVC(), X, y, cv=folds, scoring="f1_macro").mean()
    )


def test_a_pruner_stops_bad_configurations_after_their_first_folds():
    X, y = load_digits(return_X_y=True)
    X, y = X[:500], y[:500]

    def objective(trial):
        gamma = trial.suggest_float("gamma", 1e-4, 1.0, log=True)
        return ts.cv_score(SVC(gamma=gamma), X, y, trial, cv=5)

    study = ts.create_study(
        direction="maximize", sampler="random", pruner=ts.MedianPruner(n_startup_trials=3), seed=0
    )
    study.optimize(objective, n_trials=14)
    pruned = study.get_trials([ts.TrialState.PRUNED])
    assert len(pruned) >= 3
    assert all(len(t.user_attrs["cv_test_score"]) < 5 for t in pruned)
    # the pruned are the bad configurations on the whole (a good one can be stopped after
    # a first fold below the others' median: MedianPruner compares step by step)
    assert np.mean([t.value for t in pruned]) < study.best_value - 0.2
    assert study.best_value > 0.95


def test_regression_scores_are_greater_is_better():
    X, y = load_breast_cancer(return_X_y=True)
    score = ts.cv_score(Ridge(), X, y.astype(float), None, cv=3, scoring="neg_mean_squared_error")
    assert score < 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"estimator": KNeighborsClassifier}, "call it to make one"),
        ({"trial": 3}, "`trial` must be the ts.Trial"),
        ({"scoring": ["accuracy", "f1_macro"]}, "must be one metric"),
        ({"scoring": "no_such_metric"}, "scoring"),
        ({"fit_params": [1]}, "`fit_params` must be a dict"),
    ],
)
def test_bad_arguments_are_clear_errors(arguments, message):
    options = {"estimator": KNeighborsClassifier(), "trial": None, **arguments}
    estimator, trial = options.pop("estimator"), options.pop("trial")
    with pytest.raises(ts.InvalidArgumentError, match=message):
        ts.cv_score(estimator, *IRIS, trial, **options)


def test_importing_tunesmith_does_not_import_scikit_learn():
    import subprocess
    import sys

    code = "import sys, tunesmith; print('sklearn' in sys.modules, callable(tunesmith.cv_score))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.split() == ["False", "True"]
