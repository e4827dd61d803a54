"""Functional ANOVA on extremely randomized trees: the default importance evaluator.

Fits a forest of extremely randomized trees (:mod:`._trees`, numpy only) to the losses
over the encoded search space, and splits the forest's variance over the space into
main effects and pair interactions (:mod:`._fanova`, Hutter, Hoos & Leyton-Brown 2014).
Log-scaled parameters are modeled on their log scale, categorical ones as unordered
choices, and a conditional parameter's absence as one more value of it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tunesmith.history import FrozenTrial
from tunesmith.importance._data import capped, encode, with_absent_as_value
from tunesmith.importance._fanova import Decomposition, decompose
from tunesmith.importance._trees import grow_forest
from tunesmith.validation import check_int, check_optional_int, check_optional_number


def check_top_fraction(top_fraction: object, owner: str) -> float | None:
    """None, or a number in (0, 1]."""
    return check_optional_number(
        "top_fraction", top_fraction, owner=owner, minimum=0.0, maximum=1.0, strict_minimum=True
    )


def check_losses(trials: Sequence[FrozenTrial], loss: np.ndarray, owner: str) -> np.ndarray:
    """The losses as a finite float array, one per trial, at least two trials."""
    from tunesmith.errors import InvalidArgumentError

    values = np.asarray(loss, dtype=float)
    if values.shape != (len(trials),) or not np.all(np.isfinite(values)):
        raise InvalidArgumentError(
            f"{owner}: `loss` must hold one finite number per trial ({len(trials)}), "
            f"but got shape {values.shape}"
        )
    if len(trials) < 2:
        raise InvalidArgumentError(
            f"{owner}: importance needs at least 2 completed trials, but got {len(trials)}"
        )
    return values


def _default_min_samples_split(n_trials: int) -> int:
    return 2 if n_trials < 10 else max(5, n_trials // 100)


class FanovaEvaluator:
    """Functional ANOVA on a forest of extremely randomized trees, in numpy.

    Args:
        n_trees: Trees in the forest; more trees, smoother estimates.
        min_samples_split: A node with fewer trials is a leaf (default: 2 below 10
            trials, so a handful of trials still splits; 5 up to 500; 1% of the trials
            past that, so a tree has a few hundred leaves at most and the cost grows
            about linearly with the trials).
        seed: Seeds the forest (the same trials always give the same shares).

    Example:
        >>> import numpy as np, tunesmith as ts
        >>> rng = np.random.default_rng(0)
        >>> trials = [ts.FrozenTrial(i, ts.TrialState.COMPLETE, 0.0,
        ...     params={"x": rng.uniform(), "y": rng.uniform()},
        ...     distributions={"x": ts.Float(0, 1), "y": ts.Float(0, 1)}) for i in range(200)]
        >>> loss = np.array([10 * t.params["x"] + t.params["y"] for t in trials])
        >>> shares = FanovaEvaluator().evaluate(trials, loss, ["x", "y"])
        >>> list(shares), shares["x"] > 0.9
        (['x', 'y'], True)
    """

    def __init__(
        self, *, n_trees: int = 32, min_samples_split: int | None = None, seed: int = 0
    ) -> None:
        self.n_trees = check_int("n_trees", n_trees, owner="FanovaEvaluator", minimum=1)
        self.min_samples_split = check_optional_int(
            "min_samples_split", min_samples_split, owner="FanovaEvaluator", minimum=2
        )
        self.seed = check_optional_int("seed", seed, owner="FanovaEvaluator", minimum=0) or 0

    def decompose(
        self,
        trials: Sequence[FrozenTrial],
        loss: np.ndarray,
        params: Sequence[str],
        *,
        top_fraction: float | None = None,
    ) -> Decomposition:
        """Main effects and pair interactions, as shares of the forest's variance."""
        values = check_losses(trials, loss, "FanovaEvaluator")
        fraction = check_top_fraction(top_fraction, "FanovaEvaluator")
        data = encode(trials, capped(values, fraction), params)
        x, low, high = with_absent_as_value(data)
        rng = np.random.default_rng(self.seed)
        forest = grow_forest(
            x,
            data.loss,
            low,
            high,
            data.categories,
            rng,
            n_trees=self.n_trees,
            min_samples_split=self.min_samples_split or _default_min_samples_split(len(trials)),
        )
        return decompose(forest, data.names, low, high)

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

    def __repr__(self) -> str:
        return f"FanovaEvaluator(n_trees={self.n_trees}, seed={self.seed})"
