"""BOHB's model (Falkner, Klein & Hutter 2018, "BOHB: Robust and Efficient Hyperparameter
Optimization at Scale"), as a sampler (sampler "bohb", which also picks the Hyperband
pruner unless told otherwise).

Hyperband decides how long each trial runs; this sampler decides what the new trials
are. It models the objective at the largest budget (reported step) that enough trials
have reached, with TPE's Parzen estimators (l for the best 15%, g for the rest; sec. 3.2
of the paper), and draws a third of its trials at random so the model can never lock
the search out of a region (its ρ = 1/3). Budgets come from the trials themselves: a
trial pruned at step r has a value at every budget up to r.

Glossary:
    b       a budget: a step value; a trial's loss at b is its report at the first step ≥ b
    N_b     trials with a loss at budget b
    N_min   2 (d + 1): the fewest observations a model is built on, so that the good
            and the bad set each have more points than dimensions (as in hpbandster)
"""

from __future__ import annotations

import math

import numpy as np

from tunesmith.encoding import UnitCube
from tunesmith.history import FrozenTrial, History
from tunesmith.samplers._observations import modeling_space
from tunesmith.samplers.base import Suggestion
from tunesmith.samplers.qmc import QMCSampler
from tunesmith.samplers.random import RandomSampler
from tunesmith.samplers.tpe import ParzenEstimator
from tunesmith.space import SearchSpace
from tunesmith.states import Direction


class _Curves:
    """Encoded parameters and learning curves of the trials that have every parameter of
    a space; finished trials are read once."""

    def __init__(self, space: SearchSpace) -> None:
        self.cube = UnitCube(space)
        self.source: object = None
        self.scanned = 0
        self.finished: list[tuple[np.ndarray, list[int], list[float]]] = []

    def rows(self, history: History) -> list[tuple[np.ndarray, list[int], list[float]]]:
        if history.source is not self.source:
            self.source, self.scanned, self.finished = history.source, 0, []
        finished = history.finished()
        for i in range(self.scanned, len(finished)):
            row = self._row(finished[i], history.direction)
            if row is not None:
                self.finished.append(row)
        self.scanned = len(finished)
        running = [self._row(trial, history.direction) for trial in history.running()]
        return self.finished + [row for row in running if row is not None]

    def _row(
        self, trial: FrozenTrial, direction: Direction
    ) -> tuple[np.ndarray, list[int], list[float]] | None:
        params = trial.params
        if not trial.intermediate_values or not all(name in params for name in self.cube.names):
            return None
        sign = 1.0 if direction is Direction.MINIMIZE else -1.0
        steps = sorted(trial.intermediate_values)
        losses = [sign * trial.intermediate_values[step] for step in steps]
        return self.cube.encode(params), steps, [v if v == v else math.inf for v in losses]


class BOHBSampler:
    """Model-based configurations for Hyperband: TPE fitted at the largest budget with
    enough observations.

    Args:
        random_fraction: Share of trials sampled at random (the paper's ρ).
        good_fraction: Share of observations at the chosen budget that form l(x) (q).
        n_candidates: Samples drawn from l(x) to pick the best l/g from.
        bandwidth_factor: Widening of l(x)'s kernels when drawing candidates.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(sampler="bohb", seed=0)  # pruner: Hyperband
        >>> type(study.pruner).__name__
        'HyperbandPruner'
    """

    def __init__(
        self,
        *,
        random_fraction: float = 1 / 3,
        good_fraction: float = 0.15,
        n_candidates: int = 64,
        bandwidth_factor: float = 3.0,
    ) -> None:
        self.random_fraction = random_fraction
        self.good_fraction = good_fraction
        self.n_candidates = n_candidates
        self.bandwidth_factor = bandwidth_factor
        self._startup = QMCSampler()
        self._random = RandomSampler()
        self._curves: dict[tuple[object, ...], _Curves] = {}

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        joint, context = modeling_space(space, history, trial)
        model_space = {**joint, **{name: trial.distributions[name] for name in context}}
        key = tuple(model_space.items())
        curves = self._curves.setdefault(key, _Curves(model_space))
        cube = curves.cube
        # Like hpbandster: both the good and the bad set need more points than dimensions.
        observed = self._at_largest_budget(curves.rows(history), 2 * (cube.dims + 1))
        if observed is None:
            return self._startup.sample(space, history, rng, trial)
        if rng.random() < self.random_fraction:
            return self._random.sample(space, history, rng, trial)
        x, loss = observed
        order = np.argsort(loss, kind="stable")
        n_good = max(cube.dims + 1, math.ceil(self.good_fraction * len(loss)))
        good, bad = x[order[:n_good]], x[order[n_good:]]
        below = ParzenEstimator(good, np.ones(len(good)), cube, 1.0, bandwidth="scott")
        above = ParzenEstimator(bad, np.ones(len(bad)), cube, 1.0, bandwidth="scott")
        wide = ParzenEstimator(good, np.ones(len(good)), cube, 1.0, bandwidth="scott")
        wide.sigma = np.minimum(wide.sigma * self.bandwidth_factor, 1.0)
        fixed, fixed_values = cube.fixed(context)
        candidates = wide.sample(rng, self.n_candidates, fixed, fixed_values)
        score = below.log_pdf(candidates) - above.log_pdf(candidates)
        params = cube.decode(candidates[int(np.argmax(score))])
        return Suggestion({name: params[name] for name in joint})

    @staticmethod
    def _at_largest_budget(
        rows: list[tuple[np.ndarray, list[int], list[float]]], n_min: int
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """(X, loss) at the largest budget with at least ``n_min`` observations."""
        rows = [row for row in rows if np.all((row[0] >= 0.0) & (row[0] <= 1.0))]
        reached = sorted({steps[-1] for _, steps, _ in rows}, reverse=True)
        for budget in reached:
            at_budget = [
                (x, losses[np.searchsorted(steps, budget)])
                for x, steps, losses in rows
                if steps[-1] >= budget
            ]
            if len(at_budget) >= n_min:
                xs, values = zip(*at_budget, strict=True)
                return np.array(xs), np.array(values)
        return None

    def __repr__(self) -> str:
        return f"BOHBSampler(random_fraction={self.random_fraction:.3g})"
