"""Ensemble selection over the configurations a search scored (Caruana et al. 2004).

Each configuration that completed at full budget leaves its out-of-fold predictions
(every row predicted by the fold model that did not train on it) and its fold models.
Greedy selection with replacement builds a weighted average of the best of them: start
from the best configuration, and at each round add the one (possibly again) whose
addition gives the best out-of-fold score; the round with the best score gives the
weights. The ensemble predicts with the members' fold models, averaged (class
probabilities for classifiers, values for regressors): nothing is fitted again, so
choosing it costs only the scoring of the rounds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import get_scorer
from sklearn.utils.metaestimators import available_if

from tunesmith.automl._worker import predict

ROUNDS = 20  # Caruana et al. saw selection level off after a few dozen; 20 weights suffice
POOL = 12  # the best configurations kept for it
# ... but at most this many of one model: a long search keeps proposing the model that
# leads, and an ensemble of its near-copies only refits the folds' noise (at 120 s on
# Titanic and Auto every member was extra trees, and the held-out score fell below the
# 30-s one)
PER_MODEL = 3


@dataclass(frozen=True)
class Member:
    """A configuration that may join: its trial, model name, out-of-fold predictions and
    fold models."""

    trial: int
    name: str
    score: float  # its cross-validated score (mean of the folds')
    predictions: np.ndarray
    models: tuple[Any, ...]


class _Probabilities(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Fixed class probabilities, by row index: lets a scikit-learn scorer score them."""

    def __init__(self, probabilities: np.ndarray, classes: np.ndarray) -> None:
        self.probabilities = probabilities
        self.classes = classes

    @property
    def classes_(self) -> np.ndarray:
        return np.asarray(self.classes)

    def predict_proba(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.probabilities[rows])

    def predict(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.classes[np.argmax(self.probabilities[rows], axis=1)])


class _Values(RegressorMixin, BaseEstimator):  # type: ignore[misc]
    """Fixed predicted values, by row index."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = values

    def predict(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.values[rows])


def _scoring(
    y: np.ndarray, rows: np.ndarray, scoring: str, classes: np.ndarray | None
) -> Callable[[np.ndarray], float]:
    """The metric ``scoring`` (a scikit-learn scoring name) of out-of-fold predictions
    (every row's) on ``rows``.

    Accuracy and R², the defaults, are computed here, the same numbers as scikit-learn's
    scorers: a scorer call checks its inputs for 2-3 ms, and a selection makes over 200
    of them (on 1,500 rows of a 7,500-row training set, the time kept back for them was
    10% of a 30-s budget, mostly left unused). Other metrics go through the scorer.
    """
    target = y[rows]
    if scoring == "accuracy" and classes is not None:

        def accuracy(predictions: np.ndarray) -> float:
            return float(np.mean(classes[np.argmax(predictions[rows], axis=1)] == target))

        return accuracy
    if scoring == "r2" and classes is None:
        values = target.astype(float)
        spread = float(np.sum((values - values.mean()) ** 2))

        def r2(predictions: np.ndarray) -> float:
            residual = float(np.sum((values - predictions[rows]) ** 2))
            if spread == 0.0:  # scikit-learn's convention for a constant target
                return 1.0 if residual == 0.0 else 0.0
            return 1.0 - residual / spread

        return r2
    scorer = get_scorer(scoring)

    def score(predictions: np.ndarray) -> float:
        fixed: Any = (
            _Values(predictions) if classes is None else _Probabilities(predictions, classes)
        )
        return float(scorer(fixed, rows, target))

    return score


def selection_seconds(
    y: np.ndarray, rows: np.ndarray, scoring: str, classes: np.ndarray | None
) -> float:
    """Seconds the scoring of a whole selection takes on this machine now: ``POOL``
    scores a round for ``ROUNDS - 1`` rounds, each as long as the median of five timed
    here on uniform predictions of ``rows`` (the rows a selection scores: those of the
    folds' test parts), the averaging of two members' predictions included (as long as
    the scoring itself for accuracy). The median, as the estimate is multiplied by 228:
    on a loaded machine one call of five may wait tens of milliseconds for the CPU, and
    their mean once kept back 3 s of a 30-s budget for a 0.04-s selection (at a load of
    20, one estimate in 25 was over 0.15 s). 0 if the metric cannot score those."""
    if classes is None:
        predictions = np.full(len(y), float(np.mean(y)))
    else:
        predictions = np.full((len(y), len(classes)), 1.0 / len(classes))
    score = _scoring(y, rows, scoring, classes)
    seconds = []
    try:
        for _ in range(5):
            started = time.perf_counter()
            score((predictions + predictions) / 2)
            seconds.append(time.perf_counter() - started)
    except Exception:  # e.g. a metric that needs a positive label: the real scores will say
        return 0.0
    return (ROUNDS - 1) * POOL * float(np.median(seconds))


def select(
    pool: Sequence[Member],
    y: np.ndarray,
    scoring: str,
    classes: np.ndarray | None,
    deadline: float,
) -> tuple[dict[int, int], float, float]:
    """Greedy selection: (trial -> weight, the ensemble's out-of-fold score, the best
    member's alone). Stops early at ``deadline`` (time.monotonic()) with the best so far."""
    ranked = sorted(pool, key=lambda m: -m.score)
    first = ranked[0].predictions
    rows = np.flatnonzero(np.all(np.isfinite(first.reshape(len(first), -1)), axis=1))
    score = _scoring(y, rows, scoring, classes)
    total = first.copy()  # the members' predictions summed (divided when scored)
    counts = {ranked[0].trial: 1}
    alone = best = score(total)
    chosen = dict(counts)
    for size in range(2, ROUNDS + 1):
        if time.monotonic() > deadline:
            break
        trials = [score((total + m.predictions) / size) for m in ranked]
        pick = int(np.argmax(trials))  # the first of equals: the better configuration
        total = total + ranked[pick].predictions
        counts[ranked[pick].trial] = counts.get(ranked[pick].trial, 0) + 1
        if trials[pick] > best:
            best, chosen = trials[pick], dict(counts)
    return chosen, best, alone


def _classifies(ensemble: Ensemble) -> bool:
    return ensemble.classes is not None


class Ensemble(BaseEstimator):  # type: ignore[misc]
    """A weighted average of fitted models: each member's fold models, averaged.

    Classifiers average class probabilities (``predict`` is the likeliest class);
    regressors average predictions.
    """

    def __init__(
        self,
        members: Sequence[tuple[Sequence[Any], float]],
        classes: np.ndarray | None = None,
    ) -> None:
        self.members = members
        self.classes = classes

    @property
    def classes_(self) -> np.ndarray:
        if self.classes is None:
            raise AttributeError("a regression ensemble has no classes_")
        return self.classes

    def _average(self, X: Any) -> np.ndarray:
        total: np.ndarray | None = None
        weights = 0.0
        for models, weight in self.members:
            mean = np.mean([predict(model, X, self.classes) for model in models], axis=0)
            total = weight * mean if total is None else total + weight * mean
            weights += weight
        assert total is not None
        return total / weights

    @available_if(_classifies)  # type: ignore[untyped-decorator]
    def predict_proba(self, X: Any) -> np.ndarray:
        """The members' class probabilities, averaged by weight."""
        return self._average(X)

    def predict(self, X: Any) -> np.ndarray:
        """The likeliest class, or the members' predictions averaged by weight."""
        average = self._average(X)
        if self.classes is None:
            return average
        return np.asarray(self.classes[np.argmax(average, axis=1)])

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.estimator_type = "regressor" if self.classes is None else "classifier"
        return tags
