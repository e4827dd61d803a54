"""``optuna.integration.OptunaSearchCV``: :class:`tunesmith.sklearn.TuneSearchCV` with
Optuna's arguments. Needs scikit-learn (``pip install 'tunesmith[sklearn]'``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import tunesmith as ts
from tunesmith.sklearn import TuneSearchCV

_OWNER = "OptunaSearchCV"


class OptunaSearchCV(TuneSearchCV):
    """:class:`~tunesmith.sklearn.TuneSearchCV` under Optuna's signature.

    ``study`` continues a study of yours (created with ``direction="maximize"``);
    ``callbacks`` run after each candidate. ``n_jobs`` runs candidates in worker
    processes. Optuna's pruning by ``partial_fit`` iterations (``enable_pruning``,
    ``max_iter``) and ``subsample`` are not here: each is an error that says what to use
    instead (``TuneSearchCV(pruner="median")`` prunes between folds).

    Example:
        >>> import tunesmith as optuna
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.svm import SVC
        >>> search = optuna.integration.OptunaSearchCV(
        ...     SVC(), {"C": optuna.distributions.FloatDistribution(1e-3, 1e3, log=True)},
        ...     n_trials=5, random_state=0).fit(*load_iris(return_X_y=True))
        >>> len(search.study_.trials), search.best_score_ > 0.9
        (5, True)
    """

    sampler = None
    pruner = None
    storage = None
    study_name = None

    def __init__(
        self,
        estimator: Any,
        param_distributions: Any,
        *,
        cv: Any = None,
        enable_pruning: bool = False,
        error_score: float | str = np.nan,
        max_iter: int = 1000,
        n_jobs: int | None = None,
        n_trials: int | None = 10,
        random_state: Any = None,
        refit: Any = True,
        return_train_score: bool = False,
        scoring: Any = None,
        study: ts.Study | None = None,
        subsample: float | int = 1.0,
        timeout: float | None = None,
        verbose: int = 0,
        callbacks: Any = None,
        catch: Any = (),
    ) -> None:
        self.estimator = estimator
        self.param_distributions = param_distributions
        self.cv = cv
        self.enable_pruning = enable_pruning
        self.error_score = error_score
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.n_trials = n_trials
        self.random_state = random_state
        self.refit = refit
        self.return_train_score = return_train_score
        self.scoring = scoring
        self.study = study
        self.subsample = subsample
        self.timeout = timeout
        self.verbose = verbose
        self.callbacks = callbacks
        self.catch = catch

    def fit(self, X: Any, y: Any = None, *, groups: Any = None, **fit_params: Any) -> Any:
        if self.enable_pruning:
            raise ts.InvalidArgumentError(
                f"{_OWNER}: enable_pruning=True prunes by partial_fit iterations, which "
                "tunesmith does not do; TuneSearchCV(..., pruner='median') prunes a "
                "candidate between its folds instead"
            )
        if not (isinstance(self.subsample, (int, float)) and math.isclose(self.subsample, 1.0)):
            raise ts.InvalidArgumentError(
                f"{_OWNER}: subsample={self.subsample!r} is not supported; every candidate "
                "is cross-validated on all of X: pass a subset of X and y to fit instead"
            )
        if self.catch:
            raise ts.InvalidArgumentError(
                f"{_OWNER}: catch={self.catch!r} is not supported; a fit that raises gets "
                "error_score (NaN by default, with a FitFailedWarning), or error_score="
                "'raise' stops the search"
            )
        if self.study is not None and self.study.directions != (ts.Direction.MAXIMIZE,):
            raise ts.InvalidArgumentError(
                f"{_OWNER}: `study` must maximize one objective (scikit-learn scores are "
                "greater-is-better): create it with direction='maximize'"
            )
        return super().fit(X, y, groups=groups, **fit_params)

    def _study(self) -> ts.Study:
        return self.study if self.study is not None else super()._study()


__all__ = ["OptunaSearchCV"]
