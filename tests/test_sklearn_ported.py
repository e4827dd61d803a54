"""scikit-learn's own GridSearchCV / RandomizedSearchCV tests, ported to TuneSearchCV.

Each test names the test of ``sklearn/model_selection/tests/test_search.py`` (1.9) it
follows; the checks are rewritten for TuneSearchCV (a grid is searched with
``sampler="grid"``). scikit-learn's estimator checks run at the end.

Not ported, because they do not apply: ``test_validate_parameter_input`` and
``test_parameter_grid`` / ``test_param_sampler`` / ``test_parameters_sampler_replacement``
(ParameterGrid and ParameterSampler: tunesmith's samplers replace them and have their own
tests), ``test_custom_run_search`` / ``test__custom_fit_no_run_search`` (BaseSearchCV's
``_run_search`` hook, which TuneSearchCV does not use), ``test_search_default_iid``
(removed from scikit-learn), the metadata-routing and callback tests
(``test_multi_metric_search_forwards_metadata``,
``test_score_rejects_params_with_no_routing_enabled``, ``test_search_callbacks_*``:
scikit-learn's experimental routing and callback APIs, not supported),
``test_search_cv_verbose_3`` and ``test_search_html_repr`` (output formats),
``test_array_api_search_cv_classifier`` (array API), ``test_yield_masked_array_*``
(a private helper; ``test_grid_search_cv_results`` covers the masked arrays).
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import load_iris, make_blobs, make_classification
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import Ridge
from sklearn.metrics import accuracy_score, make_scorer, recall_score
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

import tunesmith as ts
from tunesmith.sklearn import TuneSearchCV

X, Y = make_classification(n_samples=60, n_features=4, random_state=42)


def grid(estimator, space, **options):
    options.setdefault("cv", 3)
    options.setdefault("n_trials", 50)
    return TuneSearchCV(estimator, space, sampler="grid", random_state=0, **options)


def test_grid_search_cv_results():
    """test_grid_search_cv_results: keys, dtypes, masks of a list-of-dicts search."""
    space = [
        {"kernel": ["rbf"], "C": [1, 10], "gamma": [0.1, 1.0]},
        {"kernel": ["poly"], "degree": [1, 2]},
    ]
    search = TuneSearchCV(
        SVC(), space, n_trials=12, cv=3, return_train_score=True, sampler="random", random_state=0
    ).fit(X, Y)
    results = search.cv_results_
    n = len(results["params"])
    assert n == 12
    for fold in range(3):
        for part in ("test", "train"):
            assert results[f"split{fold}_{part}_score"].shape == (n,)
    assert (results["rank_test_score"] >= 1).all()
    assert all(np.all(results[k] >= 0) for k in results if k.endswith("time"))
    assert results["param_C"].dtype.kind == "i" and results["param_gamma"].dtype.kind == "f"
    assert results["param_kernel"].dtype == object and results["param_degree"].dtype.kind == "i"
    for i, params in enumerate(results["params"]):
        poly = params["kernel"] == "poly"
        assert results["param_C"].mask[i] == poly and results["param_gamma"].mask[i] == poly
        assert results["param_degree"].mask[i] != poly


def test_grid_search_cv_results_multimetric():
    """test_grid_search_cv_results_multimetric: one metric as a list equals it alone."""
    space = {"C": [0.1, 1.0, 10.0], "kernel": ["rbf", "linear"]}
    single = grid(SVC(), space, scoring="accuracy").fit(X, Y)
    multi = grid(
        SVC(), space, scoring={"accuracy": "accuracy", "recall": "recall"}, refit="accuracy"
    )
    multi.fit(X, Y)
    assert multi.multimetric_ and not single.multimetric_
    by = {tuple(sorted(p.items())): i for i, p in enumerate(single.cv_results_["params"])}
    for i, params in enumerate(multi.cv_results_["params"]):
        j = by[tuple(sorted(params.items()))]
        assert (
            multi.cv_results_["mean_test_accuracy"][i] == single.cv_results_["mean_test_score"][j]
        )
        assert (
            multi.cv_results_["rank_test_accuracy"][i] == single.cv_results_["rank_test_score"][j]
        )
    assert multi.best_score_ == single.best_score_


def test_search_cv_results_rank_tie_breaking():
    """test_search_cv_results_rank_tie_breaking: equal means share the smallest rank."""
    Xs, ys = make_blobs(n_samples=50, random_state=42)  # well separated: every C scores 1
    search = grid(SVC(), {"C": [0.1, 0.1001, 0.2]}).fit(Xs, ys)
    assert np.allclose(search.cv_results_["mean_test_score"], 1.0)
    assert (search.cv_results_["rank_test_score"] == 1).all()


def test_search_cv_results_none_param():
    """test_search_cv_results_none_param: None is a choice like any other."""
    search = grid(DecisionTreeClassifier(random_state=0), {"max_depth": [None, 2]}).fit(X, Y)
    assert sorted(search.cv_results_["param_max_depth"].tolist(), key=str) == [2, None]


def test_search_cv_timing():
    """test_search_cv_timing: times are non-negative, refit_time_ is measured."""
    search = grid(SVC(), {"C": [0.1, 1.0]}).fit(X, Y)
    for key in ("mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time"):
        assert np.all(search.cv_results_[key] >= 0)
    assert np.all(search.cv_results_["mean_fit_time"] > 0)
    assert search.refit_time_ >= 0
    assert not hasattr(grid(SVC(), {"C": [1.0]}, refit=False).fit(X, Y), "refit_time_")


def test_grid_search_correct_score_results():
    """test_grid_search_correct_score_results: fold scores equal cross_val_score's."""
    folds = StratifiedKFold(3)
    search = grid(LinearSVC(), {"C": [0.1, 1.0]}, cv=folds).fit(X, Y)
    for i, params in enumerate(search.cv_results_["params"]):
        expected = cross_val_score(LinearSVC(**params), X, Y, cv=folds)
        found = [search.cv_results_[f"split{k}_test_score"][i] for k in range(3)]
        assert found == pytest.approx(expected)


def test_refit_callable():
    """test_refit_callable / _out_bound / _invalid_type / _multi_metric."""

    def lowest_mean(results):
        return int(np.argmin(results["mean_test_score"]))

    search = grid(SVC(), {"C": [0.01, 0.1, 1.0]}, refit=lowest_mean).fit(X, Y)
    assert search.best_index_ == lowest_mean(search.cv_results_)
    assert search.best_params_ == search.cv_results_["params"][search.best_index_]
    assert not hasattr(search, "best_score_")
    for bad, message in ((lambda r: 99, "not a candidate index"), (lambda r: "0", "must return")):
        with pytest.raises(ts.InvalidArgumentError, match=message):
            grid(SVC(), {"C": [0.1]}, refit=bad).fit(X, Y)
    multi = grid(
        SVC(),
        {"C": [0.1, 1.0]},
        scoring={"acc": "accuracy", "rec": "recall"},
        refit=lambda r: int(np.argmax(r["mean_test_rec"])),
    ).fit(X, Y)
    assert multi.best_index_ == int(np.argmax(multi.cv_results_["mean_test_rec"]))


def test_no_refit():
    """test_no_refit: without refit, results but no best estimator; prediction refused."""
    search = grid(SVC(), {"C": [0.1, 1.0]}, refit=False).fit(X, Y)
    assert not hasattr(search, "best_estimator_") and hasattr(search, "best_index_")
    for method in ("predict", "decision_function", "transform"):
        with pytest.raises((AttributeError, ValueError)):
            getattr(search, method)(X)


def test_grid_search_failing_classifier():
    """test_grid_search_failing_classifier / _all_fits_fail / _raise."""

    class FailsAboveOne(SVC):
        def fit(self, X, y, **kwargs):
            if self.C > 1:
                raise ValueError("this C always fails")
            return super().fit(X, y, **kwargs)

    with pytest.warns(FitFailedWarning, match="this C always fails"):
        search = grid(FailsAboveOne(), {"C": [0.5, 2.0]}, error_score=0.0).fit(X, Y)
    for i, params in enumerate(search.cv_results_["params"]):
        scores = [search.cv_results_[f"split{k}_test_score"][i] for k in range(3)]
        assert (params["C"] > 1) == all(score == 0.0 for score in scores)
    every_fit_fails = pytest.warns(UserWarning, match="every candidate's mean test score is NaN")
    with every_fit_fails, pytest.raises(ValueError, match="always fails"):  # the refit fails
        grid(FailsAboveOne(), {"C": [2.0, 3.0]}).fit(X, Y)
    with pytest.raises(ValueError, match="always fails"):
        grid(FailsAboveOne(), {"C": [2.0]}, error_score="raise").fit(X, Y)


def test_grid_search_groups():
    """test_grid_search_groups: a group splitter needs groups and uses them."""
    groups = np.arange(len(Y)) % 4
    search = grid(LinearSVC(), {"C": [1.0]}, cv=GroupKFold(4))
    with pytest.raises(ValueError, match="groups"):
        search.fit(X, Y)
    search.fit(X, Y, groups=groups)
    assert search.n_splits_ == 4


def test_classes__property():
    """test_classes__property: classes_ comes from the refitted estimator."""
    search = grid(LinearSVC(), {"C": [1.0]}).fit(X, Y)
    assert np.array_equal(search.classes_, np.unique(Y))
    with pytest.raises(AttributeError):
        grid(Ridge(), {"alpha": [1.0]}).fit(X, Y).classes_  # noqa: B018


def test_grid_search_precomputed_kernel():
    """test_grid_search_precomputed_kernel (+ _error_nonsquare)."""
    kernel = X @ X.T
    search = grid(SVC(kernel="precomputed"), {"C": [0.1, 1.0]}).fit(kernel, Y)
    plain = grid(SVC(kernel="linear"), {"C": [0.1, 1.0]}).fit(X, Y)
    assert search.best_score_ == pytest.approx(plain.best_score_)
    with pytest.raises(ts.InvalidArgumentError, match="must be square"):
        grid(SVC(kernel="precomputed"), {"C": [1.0]}).fit(kernel[:, :10], Y)


def test_pipeline_steps_and_unsupervised_search():
    """test_grid_search_pipeline_steps and test_unsupervised_grid_search."""
    pipe = Pipeline([("scale", StandardScaler()), ("model", LinearSVC())])
    search = grid(pipe, {"model": [LinearSVC(), KNeighborsClassifier()]}).fit(X, Y)
    assert search.best_estimator_.named_steps["model"] is not search.best_params_["model"]
    assert type(search.best_estimator_.named_steps["model"]) is type(search.best_params_["model"])
    blobs, labels = make_blobs(n_samples=60, centers=3, random_state=0)
    scorer = make_scorer(lambda y, p: float(abs(np.corrcoef(y, p)[0, 1]) > 0))
    kmeans = grid(KMeans(n_init=2, random_state=0), {"n_clusters": [2, 3, 4]}).fit(blobs)
    assert kmeans.best_params_ == {"n_clusters": 4}  # KMeans.score: more clusters, better
    assert grid(KMeans(n_init=2, random_state=0), {"n_clusters": [3]}, scoring=scorer).fit(
        blobs, labels
    ).best_score_ == pytest.approx(1.0)


def test_X_and_y_as_lists_and_sparse():
    """test_X_as_list, test_y_as_list, test_grid_search_sparse."""
    from scipy import sparse

    search = grid(KNeighborsClassifier(), {"n_neighbors": [1, 3]}, cv=KFold(3))
    search.fit(X.tolist(), Y.tolist())
    dense = search.best_score_
    search.fit(sparse.csr_matrix(X), Y)
    assert search.best_score_ == pytest.approx(dense)


def test_search_train_scores_set_to_false():
    """test_search_train_scores_set_to_false: no train keys unless asked."""
    search = grid(LinearSVC(), {"C": [0.1, 1.0]}).fit(X, Y)
    assert not any("train" in key for key in search.cv_results_)


def test_callable_single_metric_and_multimetric_same_as_strings():
    """test_callable_single_metric_same_as_single_string and
    test_callable_multimetric_same_as_list_of_strings."""

    def both(estimator, X, y):
        predicted = estimator.predict(X)
        return {"accuracy": accuracy_score(y, predicted), "recall": recall_score(y, predicted)}

    by_callable = grid(SVC(), {"C": [0.1, 1.0]}, scoring=both, refit="recall").fit(X, Y)
    by_names = grid(SVC(), {"C": [0.1, 1.0]}, scoring=["accuracy", "recall"], refit="recall").fit(
        X, Y
    )
    for key in ("mean_test_accuracy", "mean_test_recall", "rank_test_recall"):
        assert sorted(by_callable.cv_results_[key]) == pytest.approx(
            sorted(by_names.cv_results_[key])
        )
    assert by_callable.multimetric_ and by_callable.best_score_ == by_names.best_score_
    single = grid(SVC(), {"C": [0.1, 1.0]}, scoring=make_scorer(recall_score)).fit(X, Y)
    assert single.best_score_ == pytest.approx(by_names.cv_results_["mean_test_recall"].max())


def test_pandas_input_and_n_features_in():
    """test_pandas_input and test_n_features_in."""
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(X, columns=list("abcd"))
    search = grid(LinearSVC(), {"C": [1.0]}).fit(frame, pandas.Series(Y))
    assert search.n_features_in_ == 4 and list(search.feature_names_in_) == list("abcd")
    assert not hasattr(grid(LinearSVC(), {"C": [1.0]}), "n_features_in_")


def test_nested_search_is_a_classifier_for_stratification():
    """test_search_cv__pairwise_property_delegated_to_base_estimator, in spirit: tags
    (classifier, pairwise) come from the estimator searched."""
    from sklearn.base import is_classifier, is_regressor
    from sklearn.utils import get_tags

    assert is_classifier(grid(SVC(), {"C": [1.0]}))
    assert is_regressor(grid(Ridge(), {"alpha": [1.0]}))
    assert get_tags(grid(SVC(kernel="precomputed"), {"C": [1.0]})).input_tags.pairwise


@parametrize_with_checks(
    [
        TuneSearchCV(
            Ridge(), {"alpha": ts.Float(0.1, 10.0, log=True)}, n_trials=2, cv=2, random_state=0
        ),
        TuneSearchCV(
            DecisionTreeClassifier(random_state=0),
            {"max_depth": (1, 4)},
            n_trials=2,
            cv=2,
            random_state=0,
        ),
    ]
)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_iris_end_to_end():
    """test_grid_search: the best of a small grid, refitted, predicts well."""
    Xi, yi = load_iris(return_X_y=True)
    search = grid(
        KNeighborsClassifier(), {"n_neighbors": [1, 5, 15], "weights": ["uniform", "distance"]}
    )
    search.fit(Xi, yi)
    assert len(search.cv_results_["params"]) == 6 and search.score(Xi, yi) > 0.95
