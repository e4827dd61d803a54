"""Mean decrease in impurity: how much a random forest's splits on a parameter reduce
the variance of the loss, averaged over the trees (Breiman 2001), as Optuna's
``MeanDecreaseImpurityImportanceEvaluator``. Cheaper than fANOVA and blind to
interactions; scikit-learn is imported when an evaluation runs (``tunesmith[sklearn]``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tunesmith.history import FrozenTrial
from tunesmith.importance._data import normalized
from tunesmith.importance.sklearn_fanova import ForestEvaluator


class MeanDecreaseImpurityEvaluator(ForestEvaluator):
    """Each parameter's share of a random forest's impurity decrease (arguments: see
    :class:`~tunesmith.importance.sklearn_fanova.ForestEvaluator`).

    Example:
        >>> import numpy as np, tunesmith as ts
        >>> rng = np.random.default_rng(0)
        >>> trials = [ts.FrozenTrial(i, ts.TrialState.COMPLETE, 0.0,
        ...     params={"x": rng.uniform(), "y": rng.uniform()},
        ...     distributions={"x": ts.Float(0, 1), "y": ts.Float(0, 1)}) for i in range(200)]
        >>> loss = np.array([10 * t.params["x"] + t.params["y"] for t in trials])
        >>> MeanDecreaseImpurityEvaluator().evaluate(trials, loss, ["x", "y"])["x"] > 0.9
        True
    """

    def evaluate(
        self,
        trials: Sequence[FrozenTrial],
        loss: np.ndarray,
        params: Sequence[str],
        *,
        top_fraction: float | None = None,
    ) -> dict[str, float]:
        """Each parameter's share of the impurity decrease, largest first."""
        data, forest, _, _ = self.fit_forest(trials, loss, params, top_fraction)
        raw = dict(zip(data.names, (float(v) for v in forest.feature_importances_), strict=True))
        return normalized(raw)
