"""Finished trials as a matrix the importance algorithms can read.

Glossary (shapes):
    n        trials given (COMPLETE ones with a finite target)
    d        parameters asked about, in the order given
    x        (n, d) coordinates in the encoded space of :mod:`tunesmith.encoding`: the unit
             cube, on the log scale where a parameter has one; NaN where a trial lacks the
             parameter (a conditional parameter is absent, which is not zero)
    low/high (d,) the domain of each dimension: the cube [0, 1], widened to hold values
             outside the latest range (a study whose range was narrowed)
    k        (d,) categories of a categorical dimension, 0 for an ordered one
    cells    (d,) the equal cells of a discrete dimension (ints, stepped floats), 0 if
             continuous

A categorical's coordinate is the centre of its cell, ``(index + 0.5) / k``, so the
uniform measure on its dimension is the uniform measure on its choices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tunesmith.encoding import encode_value
from tunesmith.errors import InvalidArgumentError
from tunesmith.history import FrozenTrial
from tunesmith.space import Categorical, Distribution, Float, Int


@dataclass(frozen=True)
class Observations:
    """Encoded trials: see the module glossary."""

    names: tuple[str, ...]
    x: np.ndarray
    loss: np.ndarray
    low: np.ndarray
    high: np.ndarray
    categories: np.ndarray
    cells: np.ndarray

    @property
    def present(self) -> np.ndarray:
        """(n, d) bool: which trials have which parameter."""
        return ~np.isnan(self.x)

    def top(self, fraction: float) -> np.ndarray:
        """(n,) bool: the ``fraction`` of trials with the lowest loss (at least one)."""
        count = max(1, round(fraction * len(self.loss)))
        mask = np.zeros(len(self.loss), dtype=bool)
        mask[np.argsort(self.loss, kind="stable")[:count]] = True
        return mask


def latest_distributions(trials: Sequence[FrozenTrial]) -> dict[str, Distribution]:
    """Each parameter's distribution in the last trial that has it."""
    latest: dict[str, Distribution] = {}
    for trial in trials:
        latest.update(trial.distributions)
    return latest


def _cells(distribution: Distribution) -> int:
    if isinstance(distribution, Categorical):
        return distribution.n_values
    if isinstance(distribution, Int) and not distribution.log:
        return distribution.n_values
    if isinstance(distribution, Float) and distribution.step is not None:
        return distribution.n_values or 0
    return 0


def encode(trials: Sequence[FrozenTrial], loss: np.ndarray, params: Sequence[str]) -> Observations:
    """The trials' parameters ``params`` in the encoded space, with their losses."""
    latest = latest_distributions(trials)
    missing = [name for name in params if name not in latest]
    if missing:
        raise InvalidArgumentError(
            f"importance: `params` must name parameters of the trials, but {missing!r} "
            f"appear in none; the trials have {sorted(latest)!r}"
        )
    x = np.full((len(trials), len(params)), np.nan)
    for column, name in enumerate(params):
        distribution = latest[name]
        for row, trial in enumerate(trials):
            if name in trial.params:
                x[row, column] = encode_value(distribution, trial.params[name])
    low = np.minimum(0.0, np.nanmin(x, axis=0, initial=0.0))
    high = np.maximum(1.0, np.nanmax(x, axis=0, initial=1.0))
    categories = np.array(
        [latest[n].n_values if isinstance(latest[n], Categorical) else 0 for n in params],
        dtype=int,
    )
    cells = np.array([_cells(latest[name]) for name in params], dtype=int)
    return Observations(tuple(params), x, np.asarray(loss, float), low, high, categories, cells)


def with_absent_as_value(data: Observations) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x, low, high)`` with every NaN replaced by a value of its own, below the domain.

    A parameter present in a fraction p < 1 of the trials gets the extra interval
    ``[low - w, low)`` with ``w = (high - low)(1 - p)/p``, and absent trials sit in its
    middle: under the uniform measure on the widened dimension, "absent" then weighs
    what it weighs in the data, and a model can tell it from every real value.
    """
    x = data.x.copy()
    low = data.low.copy()
    present = data.present.mean(axis=0)
    for column in np.flatnonzero(present < 1.0):
        share = present[column]
        width = (data.high[column] - data.low[column]) * (1.0 - share) / share
        low[column] = data.low[column] - width
        x[np.isnan(x[:, column]), column] = data.low[column] - width / 2
    return x, low, data.high.copy()


def capped(loss: np.ndarray, top_fraction: float | None) -> np.ndarray:
    """Losses worse than the ``top_fraction`` quantile set to it, so that differences
    among poor trials explain nothing (the cut-off of Hutter et al. 2014's fANOVA, to
    ask which parameters matter among good configurations)."""
    if top_fraction is None:
        return loss
    return np.minimum(loss, np.quantile(loss, top_fraction))


def normalized(raw: Mapping[str, float]) -> dict[str, float]:
    """Shares summing to 1 (equal shares if everything is 0), largest first."""
    clipped = {name: max(0.0, float(value)) for name, value in raw.items()}
    total = sum(clipped.values())
    if total <= 0.0 or not np.isfinite(total):
        clipped = {name: 1.0 for name in raw}
        total = float(len(raw))
    shares = {name: value / total for name, value in clipped.items()}
    return dict(sorted(shares.items(), key=lambda item: -item[1]))
