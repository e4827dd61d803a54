"""PED-ANOVA: which parameters set the best trials apart (Watanabe, Bansal & Hutter 2023).

Glossary (one dimension at a time; shapes):
    γ'       ``top_fraction``: the best trials, the ones to explain (default 0.1)
    γ        ``region_fraction``: the trials they are compared with (default 1.0: all)
    p_γ'     density of the top trials along the dimension, p_γ of the region's trials
             (or the uniform density with ``local=False``)
    q', q    (C,) those densities' masses on C cells of the dimension
    D_j      Pearson divergence ``sum_c q'_c^2 / q_c - 1``

The paper shows that the variance, over the region, of the binary function "is this
configuration among the top γ'" splits per dimension into terms proportional to the
Pearson divergence of p_γ' from p_γ (the paper's main theorem): a parameter matters as much as
knowing it changes where the best trials are. So no surrogate is fitted, only a
one-dimensional density per parameter: this is the cheapest evaluator, and the one that
looks at the best trials rather than at the whole range.

Chance: a density estimated from a few dozen trials differs from the region's even where
a parameter does not matter, so every D_j is biased upwards by an amount that depends on
the trials, not on the parameter's effect. With ``subtract_chance`` (the default) each D_j
is reduced by its mean over ``_NULL_DRAWS`` random subsets of the region as large as the
top trials (what D_j would be if the parameter did not set the top trials apart), and
clipped at 0: an unused parameter then gets about zero instead of a share of the noise.

Densities: a Gaussian kernel per trial with Scott's bandwidth on ordered dimensions (its
mass per cell from the normal CDF, truncated to the domain), counts with a prior of one
trial spread evenly on categorical ones. A conditional parameter's absence is one more
cell, whose mass is the share of trials without it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import special

from tunesmith.errors import InvalidArgumentError
from tunesmith.history import FrozenTrial
from tunesmith.importance._data import Observations, encode, normalized
from tunesmith.importance.fanova import check_losses, check_top_fraction
from tunesmith.validation import check_bool, check_int, check_number

_NULL_DRAWS = 32
"""Random subsets of the region whose mean divergence is the chance level."""


def _edges(data: Observations, column: int, n_steps: int) -> np.ndarray:
    """Cell edges of an ordered dimension: its own cells if it has at most ``n_steps``,
    else ``n_steps`` equal cells over the domain."""
    low, high, cells = data.low[column], data.high[column], int(data.cells[column])
    if 0 < cells <= n_steps:
        return np.arange(np.floor(low * cells), np.ceil(high * cells) + 1) / cells
    return np.linspace(low, high, n_steps + 1)


def _kernel_masses(points: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Masses on the cells of a Gaussian kernel density of ``points`` (Scott's rule)."""
    width = edges[-1] - edges[0]
    if points.size == 0:
        return np.diff(edges) / width
    spread = np.std(points)
    quartiles = np.subtract(*np.percentile(points, [75, 25]))
    if quartiles > 0:
        spread = min(spread, quartiles / 1.349)
    bandwidth = max(1.059 * spread * points.size ** (-0.2), width / (len(edges) - 1))
    cdf = special.ndtr((edges[None, :] - points[:, None]) / bandwidth)
    masses = np.diff(cdf, axis=1).mean(axis=0)
    return np.asarray(masses / masses.sum())


def _count_masses(points: np.ndarray, k: int) -> np.ndarray:
    """Masses of a categorical dimension's choices: counts plus one trial spread evenly."""
    index = np.minimum((points * k).astype(int), k - 1)
    counts = np.bincount(index, minlength=k) + 1.0 / k
    return np.asarray(counts / counts.sum())


def _masses(
    data: Observations, column: int, rows: np.ndarray, n_steps: int, uniform: bool
) -> np.ndarray:
    """Masses of the chosen trials on the dimension's cells, "absent" last if any trial
    lacks the parameter."""
    values = data.x[rows, column]
    points = values[~np.isnan(values)]
    k = int(data.categories[column])
    if uniform:
        edges = None if k else _edges(data, column, n_steps)
        masses = np.full(k, 1.0 / k) if edges is None else np.diff(edges) / np.ptp(edges)
    elif k:
        masses = _count_masses(points, k)
    else:
        masses = _kernel_masses(points, _edges(data, column, n_steps))
    if data.present[:, column].all():
        return masses
    present = (points.size + 0.5) / (values.size + 1.0)
    return np.append(present * masses, 1.0 - present)


def _divergence(
    data: Observations, column: int, rows: np.ndarray, q_region: np.ndarray, n_steps: int
) -> float:
    """Pearson divergence of the chosen trials' density from the region's masses."""
    q_rows = _masses(data, column, rows, n_steps, uniform=False)
    return float(np.sum(q_rows**2 / q_region) - 1.0)


def _null_subsets(region: np.ndarray, size: int) -> list[np.ndarray]:
    """Random subsets of the region as large as the top trials; seeded by their sizes
    alone, so the same trials always give the same importances."""
    if size >= region.size:
        return []
    rng = np.random.default_rng([region.size, size])
    return [rng.choice(region, size, replace=False) for _ in range(_NULL_DRAWS)]


class PedAnovaEvaluator:
    """PED-ANOVA: each parameter's share in what sets the top trials apart.

    Args:
        region_fraction: The best fraction of trials the top ones are compared with
            (γ; 1.0: all of them). ``top_fraction`` (γ', given to :meth:`evaluate`,
            default 0.1) must be smaller.
        local: Compare with the density of the region's trials (True, as the paper's
            local importance and Optuna's default); False compares with the uniform
            density over the search space.
        n_steps: Cells of a continuous dimension.
        subtract_chance: Subtract from each divergence its mean over random subsets of
            the region as large as the top trials (see the module's docstring); False
            gives the paper's plain estimate, as Optuna's evaluator does.

    Example:
        >>> import numpy as np, tunesmith as ts
        >>> rng = np.random.default_rng(0)
        >>> trials = [ts.FrozenTrial(i, ts.TrialState.COMPLETE, 0.0,
        ...     params={"x": rng.uniform(), "y": rng.uniform()},
        ...     distributions={"x": ts.Float(0, 1), "y": ts.Float(0, 1)}) for i in range(300)]
        >>> loss = np.array([10 * t.params["x"] + t.params["y"] for t in trials])
        >>> PedAnovaEvaluator().evaluate(trials, loss, ["x", "y"])["x"] > 0.8
        True
    """

    def __init__(
        self,
        *,
        region_fraction: float = 1.0,
        local: bool = True,
        n_steps: int = 50,
        subtract_chance: bool = True,
    ) -> None:
        owner = "PedAnovaEvaluator"
        self.region_fraction = check_number(
            "region_fraction", region_fraction, owner=owner, minimum=0.0, maximum=1.0,
            strict_minimum=True,
        )  # fmt: skip
        self.local = check_bool("local", local, owner=owner)
        self.n_steps = check_int("n_steps", n_steps, owner=owner, minimum=2)
        self.subtract_chance = check_bool("subtract_chance", subtract_chance, owner=owner)

    def evaluate(
        self,
        trials: Sequence[FrozenTrial],
        loss: np.ndarray,
        params: Sequence[str],
        *,
        top_fraction: float | None = None,
    ) -> dict[str, float]:
        """Each parameter's Pearson divergence, as a share of their sum, largest first."""
        values = check_losses(trials, loss, "PedAnovaEvaluator")
        fraction = check_top_fraction(top_fraction, "PedAnovaEvaluator")
        fraction = 0.1 if fraction is None else fraction
        if fraction >= self.region_fraction:
            raise InvalidArgumentError(
                f"PedAnovaEvaluator: `top_fraction` < `region_fraction` must hold, but got "
                f"(top_fraction={fraction}, region_fraction={self.region_fraction})"
            )
        data = encode(trials, values, params)
        region = np.flatnonzero(data.top(self.region_fraction))
        top = np.flatnonzero(data.top(fraction))
        if top.size < 2:
            top = np.argsort(values, kind="stable")[:2]
        chance = _null_subsets(region, top.size) if self.subtract_chance else []
        divergences = {}
        for column, name in enumerate(data.names):
            q_region = _masses(data, column, region, self.n_steps, uniform=not self.local)
            by_chance = [_divergence(data, column, rows, q_region, self.n_steps) for rows in chance]
            top_divergence = _divergence(data, column, top, q_region, self.n_steps)
            divergences[name] = max(top_divergence - float(np.mean(by_chance or [0.0])), 0.0)
        return normalized(divergences)

    def __repr__(self) -> str:
        return (
            f"PedAnovaEvaluator(region_fraction={self.region_fraction}, local={self.local}, "
            f"subtract_chance={self.subtract_chance})"
        )
