"""Cross-validation fold by fold, reporting to a trial so its pruner can stop it.

Shared by :class:`~tunesmith.sklearn.TuneSearchCV` and :func:`~tunesmith.sklearn.cv_score`.
The splits are computed once, by a scikit-learn splitter, before any fold is fitted:
every sample is in exactly one test fold (no remainder dropped) and never in the
training part of its own fold. Scores are scikit-learn's: greater is better.

What a trial keeps (user attributes, one list entry per fold evaluated; a fold whose
fit failed holds None): ``cv_test_<metric>``, ``cv_train_<metric>`` (with train scores),
``cv_fit_time``, ``cv_score_time``; where fits failed, ``cv_fit_failures`` (how many)
and ``cv_fit_error`` (the first failure's message).
"""

from __future__ import annotations

import math
import numbers
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import FitFailedWarning
from sklearn.metrics import check_scoring
from sklearn.utils import _safe_indexing

import tunesmith as ts

Split = tuple[np.ndarray, np.ndarray]
Scorer = Callable[..., Any]


@dataclass(frozen=True)
class Scoring:
    """Validated ``scoring``: a callable returning a dict of metric -> score.

    Attributes:
        names: The metrics, in order (``("score",)`` for one unnamed metric).
        multimetric: Whether several metrics were asked for by name.
        scorer: What ``scorer_`` shows: a scorer, or a dict of them.
    """

    names: tuple[str, ...]
    multimetric: bool
    scorer: Any
    evaluate: Callable[[Any, Any, Any], dict[str, float]]


def make_scoring(estimator: object, scoring: object, *, owner: str) -> Scoring:
    """A :class:`Scoring` from what GridSearchCV's ``scoring`` accepts."""
    if scoring is None or isinstance(scoring, str):
        single = _scorer(estimator, scoring, owner)
        return Scoring(("score",), False, single, lambda e, X, y: {"score": single(e, X, y)})
    if callable(scoring):
        user: Scorer = scoring
        return Scoring(("score",), False, user, lambda e, X, y: _named(user(e, X, y)))
    if isinstance(scoring, (list, tuple, set)):
        if not scoring or not all(isinstance(item, str) for item in scoring):
            raise ts.InvalidArgumentError(
                f"{owner}: `scoring` as a list must hold metric names (strings), e.g. "
                f"['accuracy', 'f1_macro'], but got {scoring!r}"
            )
        if len(set(scoring)) != len(scoring):
            raise ts.InvalidArgumentError(f"{owner}: `scoring` names a metric twice: {scoring!r}")
        scoring = {name: name for name in scoring}
    if isinstance(scoring, Mapping) and scoring:
        scorers = {}
        for name, item in scoring.items():
            if not isinstance(name, str) or not name:
                raise ts.InvalidArgumentError(
                    f"{owner}: `scoring` keys must be metric names, but got {name!r}"
                )
            scorers[name] = item if callable(item) else _scorer(estimator, item, owner)
        joint = check_scoring(estimator, scoring=scorers)  # predicts once for all metrics
        return Scoring(tuple(scorers), True, scorers, lambda e, X, y: dict(joint(e, X, y)))
    raise ts.InvalidArgumentError(
        f"{owner}: `scoring` must be None, a metric name, a callable, a list of metric "
        f"names or a dict of name -> metric, but got {scoring!r}"
    )


def _scorer(estimator: object, name: object, owner: str) -> Scorer:
    try:
        found: Scorer = check_scoring(estimator, scoring=name)
    except (ValueError, TypeError) as exc:
        raise ts.InvalidArgumentError(f"{owner}: `scoring`: {exc}") from None
    return found


def _named(value: object) -> dict[str, float]:
    if isinstance(value, Mapping):
        return {str(name): score for name, score in value.items()}
    return {"score": value}  # type: ignore[dict-item]


@dataclass
class FoldScores:
    """Per-fold results, in fold order, for the folds evaluated (NaN where a fit failed)."""

    test: dict[str, list[float]] = field(default_factory=dict)
    train: dict[str, list[float]] = field(default_factory=dict)
    fit_time: list[float] = field(default_factory=list)
    score_time: list[float] = field(default_factory=list)
    error: str | None = None
    failures: int = 0
    pruned: bool = False

    def mean(self, metric: str) -> float:
        scores = self.test.get(metric, [])
        return float(np.mean(scores)) if scores else math.nan

    def attributes(self) -> dict[str, Any]:
        """The user attributes a trial keeps (JSON: NaN becomes None)."""
        attrs: dict[str, Any] = {}
        for metric, scores in self.test.items():
            attrs[f"cv_test_{metric}"] = _json(scores)
        for metric, scores in self.train.items():
            attrs[f"cv_train_{metric}"] = _json(scores)
        attrs["cv_fit_time"] = _json(self.fit_time)
        attrs["cv_score_time"] = _json(self.score_time)
        if self.failures:
            attrs["cv_fit_failures"] = self.failures
            attrs["cv_fit_error"] = self.error
        return attrs


def _json(values: Sequence[float]) -> list[float | None]:
    return [None if math.isnan(value) else float(value) for value in values]


@dataclass(frozen=True)
class FoldPlan:
    """How to cross-validate one candidate."""

    splits: Sequence[Split]
    scoring: Scoring
    primary: str
    error_score: float | str = "raise"
    return_train_score: bool = False
    fit_params: Mapping[str, Any] = field(default_factory=dict)
    #: The estimator takes a precomputed kernel (``X[i, j]`` compares samples i and j): a
    #: fold's rows are its samples, its columns the training samples.
    pairwise: bool = False


def check_error_score(value: object, *, owner: str) -> float | str:
    if value == "raise" and isinstance(value, str):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    raise ts.InvalidArgumentError(
        f"{owner}: `error_score` must be 'raise' or a number (np.nan by default), but got {value!r}"
    )


def evaluate(estimator: Any, X: Any, y: Any, plan: FoldPlan, trial: ts.Trial | None) -> FoldScores:
    """Fit and score ``estimator`` on each split in turn. After each fold the running mean
    of the primary metric is reported to ``trial`` at step = folds done; if the pruner says
    so, the remaining folds are skipped and ``pruned`` is set."""
    if plan.pairwise and (getattr(X, "ndim", 0) != 2 or X.shape[0] != X.shape[1]):
        raise ts.InvalidArgumentError(
            "a precomputed kernel or distance matrix X must be square (samples x samples), "
            f"but got shape {getattr(X, 'shape', None)}"
        )
    result = FoldScores({name: [] for name in plan.scoring.names})
    n_samples = _n_samples(X)
    for done, (train, test) in enumerate(plan.splits, start=1):
        _one_fold(estimator, X, y, train, test, n_samples, plan, result)
        if trial is None:
            continue
        running = result.mean(plan.primary)
        if math.isfinite(running):
            trial.report(running, step=done)
            if done < len(plan.splits) and trial.should_prune():
                result.pruned = True
                break
    return result


def _one_fold(
    estimator: Any,
    X: Any,
    y: Any,
    train: np.ndarray,
    test: np.ndarray,
    n_samples: int,
    plan: FoldPlan,
    result: FoldScores,
) -> None:
    model = clone(estimator)
    fit_params = {
        key: _safe_indexing(value, train) if _per_sample(value, n_samples) else value
        for key, value in plan.fit_params.items()
    }
    if plan.pairwise:
        X_train, X_test = X[np.ix_(train, train)], X[np.ix_(test, train)]
    else:
        X_train, X_test = _safe_indexing(X, train), _safe_indexing(X, test)
    y_train = None if y is None else _safe_indexing(y, train)
    y_test = None if y is None else _safe_indexing(y, test)
    started = time.perf_counter()
    try:
        model.fit(X_train, y_train, **fit_params)
    except Exception as exc:
        if plan.error_score == "raise":
            raise
        result.fit_time.append(time.perf_counter() - started)
        result.score_time.append(0.0)
        failed = float(plan.error_score)
        for scores in result.test.values():
            scores.append(failed)
        if plan.return_train_score:
            for metric in plan.scoring.names:
                result.train.setdefault(metric, []).append(failed)
        result.error = result.error or f"{type(exc).__name__}: {exc}"
        result.failures += 1
        return
    result.fit_time.append(time.perf_counter() - started)
    started = time.perf_counter()
    test_scores = _checked(plan.scoring.evaluate(model, X_test, y_test), plan.scoring)
    result.score_time.append(time.perf_counter() - started)
    for metric, score in test_scores.items():
        result.test.setdefault(metric, []).append(score)
    if plan.return_train_score:
        train_scores = _checked(plan.scoring.evaluate(model, X_train, y_train), plan.scoring)
        for metric, score in train_scores.items():
            result.train.setdefault(metric, []).append(score)


def _checked(scores: Mapping[str, Any], scoring: Scoring) -> dict[str, float]:
    if scoring.multimetric and set(scores) != set(scoring.names):
        raise ts.InvalidArgumentError(
            f"the scorers returned the metrics {sorted(scores)}, not {list(scoring.names)}"
        )
    checked = {}
    for metric, score in scores.items():
        if isinstance(score, bool) or not isinstance(score, numbers.Real):
            raise ts.InvalidArgumentError(
                f"scoring must return a number (or a dict of numbers), but {metric!r} is "
                f"{score!r} of type {type(score).__name__}"
            )
        checked[metric] = float(score)
    return checked


def _n_samples(X: Any) -> int:
    shape = getattr(X, "shape", None)
    return int(shape[0]) if shape is not None else len(X)


def _per_sample(value: object, n_samples: int) -> bool:
    """A fit parameter given per sample (e.g. ``sample_weight``) is split with the data."""
    shape = getattr(value, "shape", None)
    if shape is not None:
        return len(shape) > 0 and int(shape[0]) == n_samples
    return isinstance(value, (list, tuple)) and len(value) == n_samples


def warn_failures(trials: Sequence[ts.FrozenTrial], owner: str) -> None:
    """One FitFailedWarning for all the fits that failed, as scikit-learn gives."""
    failed = total = 0
    first = None
    for trial in trials:
        times = trial.user_attrs.get("cv_fit_time")
        if not isinstance(times, list):
            continue
        total += len(times)
        count = trial.user_attrs.get("cv_fit_failures", 0)
        if isinstance(count, int) and count:
            failed += count
            first = first or trial.user_attrs.get("cv_fit_error")
    if failed:
        warnings.warn(
            f"{owner}: {failed} of {total} fits failed and were given error_score; the "
            f"first failure: {first}",
            FitFailedWarning,
            stacklevel=3,
        )
