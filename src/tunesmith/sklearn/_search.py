"""``TuneSearchCV``: GridSearchCV's interface, with tunesmith choosing the candidates.

Each candidate is a trial of a study (direction "maximize": scikit-learn scores are greater
is better). A trial fits and scores the estimator fold by fold on splits computed once,
reports the running mean score after each fold so the study's pruner may stop a clearly
worse candidate, and keeps every fold's scores and times on the trial; ``cv_results_`` is
rebuilt from the trials. Built on scikit-learn's public API (not ``BaseSearchCV``).
"""

from __future__ import annotations

import copy
import math
import time
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state, get_tags, indexable
from sklearn.utils.metaestimators import available_if

import tunesmith as ts
from tunesmith import validation
from tunesmith.sklearn._folds import (
    FoldPlan,
    Scoring,
    check_error_score,
    evaluate,
    make_scoring,
    warn_failures,
)
from tunesmith.sklearn._results import build_cv_results
from tunesmith.sklearn._space import SearchSpace, to_search_space

_OWNER = "TuneSearchCV"
Method = TypeVar("Method", bound=Callable[..., Any])
# scikit-learn is untyped: its decorator, typed here, keeps the methods' signatures.
_available_if: Callable[[Callable[[Any], bool]], Callable[[Method], Method]] = available_if


def _delegates(method: str) -> Callable[[Any], bool]:
    """``available_if`` check: the refitted estimator (or, before fit, the estimator
    given) has ``method``."""

    def check(self: TuneSearchCV) -> bool:
        inner = getattr(self, "best_estimator_", self.estimator)
        getattr(inner, method)  # raises AttributeError, which hides the method
        return True

    return check


class TuneSearchCV(MetaEstimatorMixin, BaseEstimator):  # type: ignore[misc]
    """Search an estimator's hyperparameters by cross-validation, with tunesmith's samplers.

    A drop-in for ``GridSearchCV`` / ``RandomizedSearchCV``: the same ``fit``, ``cv_results_``,
    ``best_params_``, ``best_estimator_``; the candidates come from a tunesmith study.

    Args:
        estimator: A scikit-learn estimator (or pipeline).
        param_distributions: Parameter name -> ``ts.Float``/``ts.Int``/``ts.Categorical``, a
            list of choices, a ``(low, high)`` range, or a frozen ``scipy.stats``
            ``loguniform``/``uniform``/``randint``; or a list of such dicts (one is chosen
            per candidate).
        n_trials: Candidates to evaluate in this ``fit`` (None: until ``timeout``).
        scoring: As GridSearchCV's: None (the estimator's ``score``), a metric name, a
            callable, or several metrics as a list or dict (then ``refit`` names the one
            that chooses the best).
        n_jobs: Worker processes evaluating candidates at once (None: 1; -1: one per CPU).
            Each candidate's folds are fitted one after another in its worker.
        refit: Refit the best candidate on all the data (True), or by the metric named,
            or not (False); a callable ``refit(cv_results_) -> index`` picks the best.
        cv: Folds: an int, a splitter or an iterable of splits (as ``check_cv`` takes;
            stratified for classifiers). Computed once: every candidate sees the same splits.
        verbose: > 0 shows a progress bar.
        random_state: Seeds the study (an int or a RandomState); the estimator's own
            ``random_state`` is left alone.
        error_score: A fit that fails gets this score (default NaN, with a
            ``FitFailedWarning``), or ``"raise"``.
        return_train_score: Also score each fold's model on its training part.
        sampler: A tunesmith sampler or its name (default ``"tpe"``, as ``AutoML``'s: a
            cross-validated score is a step function of the parameters (it moves in
            steps of one test row) with noise the size of its folds' spread, and the
            Gaussian process of ``"auto"`` fits those steps: in one search on a pair of
            bench/search_cv.py, 35 of its 50 candidates had C in 11.9-13.3 and gamma in
            0.0055-0.0074. bench/RESULTS.md compares the two).
        pruner: A tunesmith pruner or its name (default none). Candidates report their
            running mean score after each fold (step = folds done); a pruned candidate
            has NaN scores for the folds it skipped.
        timeout: Seconds after which no new candidate starts.
        storage, study_name: Keep the study there (e.g. ``"sqlite:///search.db"``); with a
            ``study_name`` that exists, ``fit`` continues it and ``cv_results_`` holds every
            candidate so far.
        callbacks: ``callback(study, trial)`` after each candidate, as
            ``study.optimize``'s (e.g. ``ts.TerminatorCallback()``, which stops the search
            once the cross-validation noise outweighs what is left to gain).

    Attributes:
        cv_results_, best_index_, best_params_, best_score_, best_estimator_, refit_time_,
        scorer_, n_splits_, multimetric_, classes_, n_features_in_: as in GridSearchCV.
        study_: The :class:`tunesmith.Study` behind the search (for plots, importance,
            ``study_.to_dataframe()``). Pickling keeps it only for a stored study.

    Arguments are checked when ``fit`` starts, before anything is fitted (scikit-learn's
    rule: a constructor stores its arguments and never raises, so ``set_params`` and
    ``clone`` work as with any estimator).

    Example:
        >>> import tunesmith as ts
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.linear_model import LogisticRegression
        >>> from tunesmith.sklearn import TuneSearchCV
        >>> X, y = load_iris(return_X_y=True)
        >>> search = TuneSearchCV(LogisticRegression(max_iter=500),
        ...                       {"C": ts.Float(1e-3, 1e2, log=True)},
        ...                       n_trials=6, cv=3, random_state=0).fit(X, y)
        >>> search.best_score_ > 0.9, sorted(search.best_params_)
        (True, ['C'])
    """

    def __init__(
        self,
        estimator: Any,
        param_distributions: Any,
        *,
        n_trials: int | None = 10,
        scoring: Any = None,
        n_jobs: int | None = None,
        refit: bool | str | Callable[[dict[str, Any]], int] = True,
        cv: Any = None,
        verbose: int = 0,
        random_state: Any = None,
        error_score: float | str = np.nan,
        return_train_score: bool = False,
        sampler: Any = None,
        pruner: Any = None,
        timeout: float | None = None,
        storage: Any = None,
        study_name: str | None = None,
        callbacks: Any = None,
    ) -> None:
        self.estimator = estimator
        self.param_distributions = param_distributions
        self.n_trials = n_trials
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.cv = cv
        self.verbose = verbose
        self.random_state = random_state
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.sampler = sampler
        self.pruner = pruner
        self.timeout = timeout
        self.storage = storage
        self.study_name = study_name
        self.callbacks = callbacks

    # --- fit ---------------------------------------------------------------------------

    def fit(self, X: Any, y: Any = None, *, groups: Any = None, **fit_params: Any) -> TuneSearchCV:
        """Run the search on ``X, y`` (``groups`` for group splitters; ``fit_params`` go to
        every fit, per-sample ones split with the data), then refit the best candidate."""
        space, scoring, error_score = self._checked()
        X, y, groups = indexable(X, y, groups)
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        splits = list(cv.split(X, y, groups))
        self.n_splits_ = len(splits)
        self.multimetric_ = scoring.multimetric
        self.scorer_ = scoring.scorer
        primary = self.refit if isinstance(self.refit, str) else scoring.names[0]
        plan = FoldPlan(
            splits,
            scoring,
            primary,
            error_score,
            bool(self.return_train_score),
            fit_params,
            pairwise=get_tags(self.estimator).input_tags.pairwise,
        )
        study = self._study()
        self.study_ = study
        study.optimize(
            self._objective(space, plan, X, y),
            n_trials=self.n_trials,
            timeout=self.timeout,
            n_jobs=1 if self.n_jobs is None else self.n_jobs,
            progress_bar=self.verbose > 0,
            space=space.joint,
            callbacks=list(self.callbacks or ()),
        )
        finished = [t for t in study.trials if t.state.is_finished]
        warn_failures(finished, _OWNER)
        candidates = []
        for trial in finished:
            params = space.estimator_params(trial.params)
            if params is not None:
                candidates.append((trial, params))
        metrics = scoring.names if scoring.multimetric else self._metrics_found(candidates)
        self.multimetric_ = len(metrics) > 1 or scoring.multimetric
        if isinstance(self.refit, str) and self.refit not in metrics:
            raise ts.InvalidArgumentError(
                f"{_OWNER}: `refit` names {self.refit!r}, but the scoring callable returned "
                f"the metrics {list(metrics)}"
            )
        if self.refit is True and len(metrics) > 1:
            raise ts.InvalidArgumentError(
                f"{_OWNER}: the scoring callable returned several metrics {list(metrics)}; "
                "`refit` must name the one that picks the best, be False, or be a callable"
            )
        self.cv_results_ = build_cv_results(
            candidates, metrics, self.n_splits_, bool(self.return_train_score)
        )
        self._choose_best(metrics)
        if self.refit is not False:
            self._refit(X, y, fit_params)
        return self

    def _checked(self) -> tuple[SearchSpace, Scoring, float | str]:
        """Every argument, checked before anything is fitted."""
        validation.check_instance(
            "estimator", self.estimator, "fit", owner=_OWNER, kind="estimator"
        )
        space = to_search_space(self.param_distributions)
        validation.check_optional_int("n_trials", self.n_trials, owner=_OWNER, minimum=1)
        validation.check_optional_number(
            "timeout", self.timeout, owner=_OWNER, minimum=0, strict_minimum=True
        )
        if self.n_trials is None and self.timeout is None:
            raise ts.InvalidArgumentError(
                f"{_OWNER}: give `n_trials` or `timeout` (or both); with neither the search "
                "would never end"
            )
        if self.n_jobs is not None and self.n_jobs != -1:
            validation.check_int("n_jobs", self.n_jobs, owner=_OWNER, minimum=1)
        validation.check_int("verbose", self.verbose, owner=_OWNER, minimum=0)
        validation.check_bool("return_train_score", self.return_train_score, owner=_OWNER)
        error_score = check_error_score(self.error_score, owner=_OWNER)
        scoring = make_scoring(self.estimator, self.scoring, owner=_OWNER)
        self._check_refit(scoring)
        return space, scoring, error_score

    def _check_refit(self, scoring: Scoring) -> None:
        refit = self.refit
        if callable(refit) or isinstance(refit, (bool, np.bool_)):
            if refit is True and scoring.multimetric:
                raise ts.InvalidArgumentError(
                    f"{_OWNER}: with several metrics, `refit` must name the one that picks the "
                    f"best candidate (one of {list(scoring.names)}), be False, or be a "
                    "callable; got True"
                )
            return
        if isinstance(refit, str) and scoring.multimetric and refit in scoring.names:
            return
        if isinstance(refit, str) and callable(self.scoring):
            return  # a callable may return a dict of metrics: checked once it has
        shown = f"one of {list(scoring.names)}" if scoring.multimetric else "True or False"
        raise ts.InvalidArgumentError(
            f"{_OWNER}: `refit` must be {shown} or a callable, but got {refit!r}"
        )

    def _study(self) -> ts.Study:
        seed = self.random_state
        if seed is not None and not isinstance(seed, (int, np.integer)):
            seed = int(check_random_state(seed).randint(np.iinfo(np.int32).max))
        return ts.create_study(
            direction="maximize",
            sampler="tpe" if self.sampler is None else self.sampler,
            pruner="none" if self.pruner is None else self.pruner,
            storage=self.storage,
            study_name=self.study_name,
            load_if_exists=self.study_name is not None,
            seed=seed,
        )

    def _objective(
        self, space: SearchSpace, plan: FoldPlan, X: Any, y: Any
    ) -> Callable[[ts.Trial], float]:
        estimator = self.estimator

        def objective(trial: ts.Trial) -> float:
            model = clone(estimator).set_params(**space.suggest(trial))
            folds = evaluate(model, X, y, plan, trial)
            for key, value in folds.attributes().items():
                trial.set_user_attr(key, value)
            if folds.pruned:
                raise ts.TrialPruned()
            return folds.mean(plan.primary)

        return objective

    @staticmethod
    def _metrics_found(candidates: list[tuple[ts.FrozenTrial, dict[str, Any]]]) -> tuple[str, ...]:
        """The metrics a callable ``scoring`` returned (a dict of them, or one score)."""
        for trial, _ in candidates:
            names = [key[8:] for key in trial.user_attrs if key.startswith("cv_test_")]
            if names:
                return tuple(names)
        return ("score",)

    def _choose_best(self, metrics: tuple[str, ...]) -> None:
        results = self.cv_results_
        if not results["params"]:
            raise ts.NoCompletedTrialError(
                f"{_OWNER}: no candidate was evaluated (the time budget ended before the "
                "first one finished); give a larger `timeout` or `n_trials`"
            )
        if callable(self.refit):
            index = self.refit(results)
            if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
                raise ts.InvalidArgumentError(
                    f"{_OWNER}: a callable `refit` must return the index of a candidate, but "
                    f"returned {index!r}"
                )
            if not 0 <= index < len(results["params"]):
                raise ts.InvalidArgumentError(
                    f"{_OWNER}: a callable `refit` returned {index}, which is not a candidate "
                    f"index in [0, {len(results['params'])})"
                )
            self.best_index_ = int(index)
            self.best_params_ = results["params"][self.best_index_]
            return
        if self.refit is False and self.multimetric_:
            return
        metric = self.refit if isinstance(self.refit, str) else metrics[0]
        self.best_index_ = int(results[f"rank_test_{metric}"].argmin())
        self.best_score_ = float(results[f"mean_test_{metric}"][self.best_index_])
        self.best_params_ = results["params"][self.best_index_]
        if math.isnan(self.best_score_):
            warnings.warn(
                f"{_OWNER}: every candidate's mean test score is NaN (fits failed or were "
                "pruned); best_params_ is the first candidate's",
                UserWarning,
                stacklevel=3,
            )

    def _refit(self, X: Any, y: Any, fit_params: dict[str, Any]) -> None:
        model = clone(self.estimator).set_params(**clone(self.best_params_, safe=False))
        started = time.perf_counter()
        model.fit(X, y, **fit_params)
        self.refit_time_ = time.perf_counter() - started
        self.best_estimator_ = model

    # --- using the best estimator --------------------------------------------------------

    def _fitted(self, method: str) -> Any:
        if not hasattr(self, "cv_results_"):
            raise NotFittedError(
                f"This {_OWNER} instance is not fitted yet; call fit before {method}"
            )
        if not hasattr(self, "best_estimator_"):
            raise NotFittedError(
                f"This {_OWNER} instance was fitted with refit=False: {method} is available "
                "only after refitting the best candidate (refit=True or a metric name)"
            )
        return self.best_estimator_

    def score(self, X: Any, y: Any = None) -> float:
        """The refit metric (or the estimator's own ``score``) of the best estimator on X, y."""
        model = self._fitted("score")
        scorer = self.scorer_[self.refit] if isinstance(self.scorer_, dict) else self.scorer_
        result = scorer(model, X, y)
        if isinstance(result, dict):
            result = result[self.refit] if isinstance(self.refit, str) else result
        return float(result)

    @_available_if(_delegates("predict"))
    def predict(self, X: Any) -> Any:
        """The best estimator's ``predict``."""
        return self._fitted("predict").predict(X)

    @_available_if(_delegates("predict_proba"))
    def predict_proba(self, X: Any) -> Any:
        """The best estimator's ``predict_proba``."""
        return self._fitted("predict_proba").predict_proba(X)

    @_available_if(_delegates("predict_log_proba"))
    def predict_log_proba(self, X: Any) -> Any:
        """The best estimator's ``predict_log_proba``."""
        return self._fitted("predict_log_proba").predict_log_proba(X)

    @_available_if(_delegates("decision_function"))
    def decision_function(self, X: Any) -> Any:
        """The best estimator's ``decision_function``."""
        return self._fitted("decision_function").decision_function(X)

    @_available_if(_delegates("score_samples"))
    def score_samples(self, X: Any) -> Any:
        """The best estimator's ``score_samples``."""
        return self._fitted("score_samples").score_samples(X)

    @_available_if(_delegates("transform"))
    def transform(self, X: Any) -> Any:
        """The best estimator's ``transform``."""
        return self._fitted("transform").transform(X)

    @_available_if(_delegates("inverse_transform"))
    def inverse_transform(self, X: Any) -> Any:
        """The best estimator's ``inverse_transform``."""
        return self._fitted("inverse_transform").inverse_transform(X)

    @property
    def classes_(self) -> Any:
        """The class labels (classifiers)."""
        return self._fitted("classes_").classes_

    @property
    def n_features_in_(self) -> int:
        """How many features the best estimator was fitted on."""
        try:
            model = self._fitted("n_features_in_")
        except NotFittedError as exc:
            raise AttributeError(str(exc)) from None
        return int(model.n_features_in_)

    @property
    def feature_names_in_(self) -> Any:
        """The feature names seen in fit (pandas input)."""
        try:
            model = self._fitted("feature_names_in_")
        except NotFittedError as exc:
            raise AttributeError(str(exc)) from None
        return model.feature_names_in_

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = copy.deepcopy(inner.classifier_tags)
        tags.regressor_tags = copy.deepcopy(inner.regressor_tags)
        tags.target_tags = copy.deepcopy(inner.target_tags)
        tags.input_tags.pairwise = inner.input_tags.pairwise
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.input_tags.string = inner.input_tags.string
        tags.input_tags.categorical = inner.input_tags.categorical
        return tags

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        study = state.get("study_")
        if study is not None and isinstance(study.storage, ts.MemoryStorage):
            del state["study_"]  # an in-memory study lives in its process
        return state
