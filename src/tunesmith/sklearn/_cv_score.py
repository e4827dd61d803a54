"""``ts.cv_score``: cross-validation inside a hand-written objective, fold by fold."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.base import is_classifier
from sklearn.model_selection import check_cv
from sklearn.utils import get_tags, indexable

import tunesmith as ts
from tunesmith import validation
from tunesmith.sklearn._folds import FoldPlan, evaluate, make_scoring

_OWNER = "cv_score"


def cv_score(
    estimator: Any,
    X: Any,
    y: Any,
    trial: ts.Trial | None,
    *,
    cv: Any = 5,
    scoring: Any = None,
    groups: Any = None,
    fit_params: Mapping[str, Any] | None = None,
) -> float:
    """The mean cross-validated score of ``estimator``, reported fold by fold to ``trial``.

    The splits come from a scikit-learn splitter (``cv=5`` is stratified k-fold for a
    classifier, k-fold otherwise; pass ``GroupKFold()`` with ``groups``, or any splitter):
    each sample is tested exactly once, by a model that did not see it. After fold *k* the
    running mean score is reported at step *k*; if the study's pruner stops the trial, the
    remaining folds are skipped and :class:`tunesmith.TrialPruned` is raised. The trial
    keeps every fold's score and fit time (user attributes ``cv_test_score``,
    ``cv_fit_time``, ``cv_score_time``).

    Scores are scikit-learn's, greater is better (``"neg_log_loss"``, not a loss): create
    the study with ``direction="maximize"`` and return this value. In a minimizing study
    the pruner would stop the best trials.

    Args:
        estimator: Cloned for each fold; the object given is not fitted.
        X, y: The data (arrays, DataFrames, lists of texts).
        trial: The trial to report to (None: plain cross-validation, nothing reported).
        cv: Folds: an int, a splitter, or an iterable of (train, test) index arrays.
        scoring: None (the estimator's ``score``), a metric name or a scorer callable.
        groups: Group labels for group splitters.
        fit_params: Passed to every ``fit``; per-sample ones are split with the data.

    Example:
        >>> import tunesmith as ts
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.neighbors import KNeighborsClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> def objective(trial):
        ...     k = trial.suggest_int("n_neighbors", 1, 30)
        ...     return ts.cv_score(KNeighborsClassifier(k), X, y, trial, cv=5)
        >>> study = ts.create_study(direction="maximize", pruner="median", seed=0)
        >>> study.optimize(objective, n_trials=8)
        >>> study.best_value > 0.9, len(study.best_trial.user_attrs["cv_test_score"])
        (True, 5)
    """
    validation.check_instance("estimator", estimator, "fit", owner=_OWNER, kind="estimator")
    if trial is not None and not isinstance(trial, ts.Trial):
        raise ts.InvalidArgumentError(
            f"{_OWNER}: `trial` must be the ts.Trial the objective received (or None), but "
            f"got {trial!r}"
        )
    scorer = make_scoring(estimator, scoring, owner=_OWNER)
    if scorer.multimetric:
        raise ts.InvalidArgumentError(
            f"{_OWNER}: `scoring` must be one metric (cv_score returns one number), but got "
            f"{scoring!r}"
        )
    if fit_params is not None and not isinstance(fit_params, Mapping):
        raise ts.InvalidArgumentError(
            f"{_OWNER}: `fit_params` must be a dict of fit arguments, but got {fit_params!r}"
        )
    X, y, groups = indexable(X, y, groups)
    splitter = check_cv(cv, y, classifier=is_classifier(estimator))
    splits = list(splitter.split(X, y, groups))
    pairwise = get_tags(estimator).input_tags.pairwise
    plan = FoldPlan(splits, scorer, "score", "raise", False, dict(fit_params or {}), pairwise)
    folds = evaluate(estimator, X, y, plan, trial)
    if trial is not None:
        for key, value in folds.attributes().items():
            trial.set_user_attr(key, value)
        if folds.pruned:
            raise ts.TrialPruned(
                f"pruned after {len(folds.fit_time)} of {len(splits)} folds "
                f"(running mean score {folds.mean('score'):.6g})"
            )
    return folds.mean("score")
