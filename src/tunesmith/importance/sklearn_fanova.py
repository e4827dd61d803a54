"""Functional ANOVA on scikit-learn's random forest, as Optuna's fANOVA evaluator does.

The same decomposition as :class:`~tunesmith.importance.fanova.FanovaEvaluator`
(:mod:`._fanova`), on the trees of a ``sklearn.ensemble.RandomForestRegressor`` (64
bootstrapped trees grown to purity) instead of extremely randomized ones. scikit-learn is
imported when an evaluation runs, through :func:`tunesmith.errors.require_module`, so this
module itself needs only numpy: install ``tunesmith[sklearn]`` to use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tunesmith.errors import require_module
from tunesmith.history import FrozenTrial
from tunesmith.importance._data import capped, encode, with_absent_as_value
from tunesmith.importance._fanova import Decomposition, decompose
from tunesmith.importance._trees import Leaves, shuffle_categories
from tunesmith.importance.fanova import check_losses, check_top_fraction
from tunesmith.validation import check_int


def leaves_of(tree: Any, low: np.ndarray, high: np.ndarray) -> Leaves:
    """A fitted scikit-learn regression tree (``estimator.tree_``) as leaf boxes."""
    los, his, values = [], [], []
    stack = [(0, low.copy(), high.copy())]
    while stack:
        node, box_lo, box_hi = stack.pop()
        left, right = tree.children_left[node], tree.children_right[node]
        if left == right:  # scikit-learn marks a leaf by two equal (-1) children
            los.append(box_lo)
            his.append(box_hi)
            values.append(float(tree.value[node].ravel()[0]))
            continue
        dim, cut = tree.feature[node], tree.threshold[node]
        left_hi, right_lo = box_hi.copy(), box_lo.copy()
        left_hi[dim] = right_lo[dim] = cut
        stack.append((left, box_lo, left_hi))
        stack.append((right, right_lo, box_hi))
    return Leaves(np.array(los), np.array(his), np.array(values))


class ForestEvaluator:
    """What the evaluators on scikit-learn's ``RandomForestRegressor`` share: the forest's
    settings, and the forest fitted to the trials' encoded parameters.

    Args:
        n_trees: Trees in the forest (Optuna's evaluators use 64).
        max_depth: Their depth limit (Optuna's: 64).
        seed: The forest's ``random_state``.
    """

    def __init__(self, *, n_trees: int = 64, max_depth: int = 64, seed: int = 0) -> None:
        owner = type(self).__name__
        self.n_trees = check_int("n_trees", n_trees, owner=owner, minimum=1)
        self.max_depth = check_int("max_depth", max_depth, owner=owner, minimum=1)
        self.seed = check_int("seed", seed, owner=owner, minimum=0)

    def fit_forest(
        self,
        trials: Sequence[FrozenTrial],
        loss: np.ndarray,
        params: Sequence[str],
        top_fraction: float | None,
    ) -> tuple[Any, Any, np.ndarray, np.ndarray]:
        """The encoded trials, the fitted forest and the bounds of the encoded space."""
        owner = type(self).__name__
        ensemble: Any = require_module("sklearn.ensemble", "sklearn", owner)
        values = check_losses(trials, loss, owner)
        fraction = check_top_fraction(top_fraction, owner)
        data = encode(trials, capped(values, fraction), params)
        x, low, high = with_absent_as_value(data)
        x = shuffle_categories(x, data.categories, np.random.default_rng(self.seed))
        forest = ensemble.RandomForestRegressor(
            n_estimators=self.n_trees, max_depth=self.max_depth, random_state=self.seed
        ).fit(x, data.loss)
        return data, forest, low, high

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_trees={self.n_trees}, seed={self.seed})"


class SklearnFanovaEvaluator(ForestEvaluator):
    """Functional ANOVA on scikit-learn's ``RandomForestRegressor`` (arguments: see
    :class:`ForestEvaluator`).

    Example:
        >>> import numpy as np, tunesmith as ts
        >>> rng = np.random.default_rng(0)
        >>> trials = [ts.FrozenTrial(i, ts.TrialState.COMPLETE, 0.0,
        ...     params={"x": rng.uniform(), "y": rng.uniform()},
        ...     distributions={"x": ts.Float(0, 1), "y": ts.Float(0, 1)}) for i in range(200)]
        >>> loss = np.array([10 * t.params["x"] + t.params["y"] for t in trials])
        >>> SklearnFanovaEvaluator().evaluate(trials, loss, ["x", "y"])["x"] > 0.9
        True
    """

    def decompose(
        self,
        trials: Sequence[FrozenTrial],
        loss: np.ndarray,
        params: Sequence[str],
        *,
        top_fraction: float | None = None,
    ) -> Decomposition:
        """Main effects and pair interactions, as shares of the forest's variance."""
        data, forest, low, high = self.fit_forest(trials, loss, params, top_fraction)
        trees = [leaves_of(estimator.tree_, low, high) for estimator in forest.estimators_]
        return decompose(trees, data.names, low, high)

    def evaluate(
        self,
        trials: Sequence[FrozenTrial],
        loss: np.ndarray,
        params: Sequence[str],
        *,
        top_fraction: float | None = None,
    ) -> dict[str, float]:
        """Each parameter's share (see :meth:`Decomposition.shares`), largest first."""
        return self.decompose(trials, loss, params, top_fraction=top_fraction).shares()
