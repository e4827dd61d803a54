"""BOHB (Falkner, Klein & Hutter 2018, "BOHB: Robust and Efficient Hyperparameter
Optimization at Scale"), as a sampler (sampler "bohb", which also picks the Hyperband
pruner unless told otherwise).

Hyperband decides how long each trial runs; this sampler decides what the new trials
are. It models the objective at the largest budget (reported step) that enough trials
have reached, and draws a third of its trials at random so the model can never lock the
search out of a region (the paper's ρ = 1/3). Budgets come from the trials themselves: a
trial pruned at step r has a value at every budget up to r.

Two models of the losses at that budget:

- ``"gp"`` (the default): the Gaussian process and expected improvement of the "gp"
  sampler (:mod:`tunesmith.samplers.gp`), fitted to the trials at that budget; other
  workers' running trials enter as pending points. Its cost grows as N_b³: past
  ``GP_LIMIT`` observations at the chosen budget the densities below take over, which
  have data enough by then and stay cheap.
- ``"kde"``: the paper's: TPE's Parzen estimators, l(x) for the best 15% and g(x) for
  the rest (sec. 3.2), the best l/g among samples of a widened l(x).

The paper builds on TPE because its KDEs are cheap and scale to many observations; at
the few dozen observations a budget holds while Hyperband runs, the GP proposes better
configurations (bench/RESULTS.md, "Multi-fidelity": with the GP, BOHB reaches random
search's final loss with 0.09 of its compute, with the densities 0.34, and its best loss
is lower at every budget measured).

Glossary:
    b       a budget: a step value; a trial's loss at b is its report at the first step ≥ b
    N_b     trials with a loss at budget b
    N_min   2 (d + 1): the fewest observations a model is built on, so that the good
            and the bad set each have more points than dimensions (as in hpbandster);
            the GP waits for as many, so that both models start at the same trial
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Literal

import numpy as np

from tunesmith.encoding import UnitCube
from tunesmith.history import FinishedScan, FrozenTrial, History
from tunesmith.samplers._failures import unless_failed
from tunesmith.samplers._gp import GaussianProcess, fit_hyperparameters
from tunesmith.samplers._observations import modeling_space, running_points
from tunesmith.samplers._threads import one_blas_thread
from tunesmith.samplers.base import Suggestion
from tunesmith.samplers.gp import (
    Acquisition,
    default_candidates,
    optimize_acquisition,
    transform_losses,
)
from tunesmith.samplers.qmc import QMCSampler
from tunesmith.samplers.random import RandomSampler
from tunesmith.samplers.tpe import ParzenEstimator
from tunesmith.space import SearchSpace
from tunesmith.states import Direction
from tunesmith.validation import check_choice, check_int, check_number, check_seed

#: Spaces (groups of conditional parameters) whose curves are kept between calls.
_SPACES_KEPT = 32
#: Observations at the chosen budget beyond which "gp" hands over to the densities.
GP_LIMIT = 500


class _Curves:
    """Encoded parameters and learning curves of the trials that have every parameter of
    a space; finished trials are read once."""

    def __init__(self, space: SearchSpace) -> None:
        self.cube = UnitCube(space)
        self.scan = FinishedScan()
        self.finished: list[tuple[np.ndarray, list[int], list[float]]] = []

    def rows(self, history: History) -> list[tuple[np.ndarray, list[int], list[float]]]:
        restarted, new = self.scan.new(history)
        if restarted:
            self.finished = []
        for trial in new:
            row = self._row(trial, history.direction)
            if row is not None:
                self.finished.append(row)
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
    """Model-based configurations for Hyperband: a model fitted at the largest budget
    with enough observations.

    Args:
        model: ``"gp"`` (Gaussian process, expected improvement) or ``"kde"`` (the
            paper's Parzen estimators).
        random_fraction: Share of trials sampled at random (the paper's ρ).
        good_fraction: ``"kde"``: share of observations at the chosen budget that form
            l(x) (q).
        n_candidates: ``"kde"``: samples drawn from l(x) to pick the best l/g from.
        bandwidth_factor: ``"kde"``: widening of l(x)'s kernels when drawing candidates.
        seed: The study's seed, as ``create_study(seed=...)`` (a study created or loaded
            without a seed takes its sampler's; given both, they must be equal).

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(sampler="bohb", seed=0)  # pruner: Hyperband
        >>> type(study.pruner).__name__
        'HyperbandPruner'
    """

    def __init__(
        self,
        *,
        model: Literal["gp", "kde"] = "gp",
        random_fraction: float = 1 / 3,
        good_fraction: float = 0.15,
        n_candidates: int = 64,
        bandwidth_factor: float = 3.0,
        seed: int | None = None,
    ) -> None:
        self.seed = check_seed(seed, owner="BOHBSampler")
        owner = "BOHBSampler"
        self.model = check_choice("model", model, ("gp", "kde"), owner=owner)
        self.random_fraction = check_number(
            "random_fraction", random_fraction, owner=owner, minimum=0, maximum=1
        )
        self.good_fraction = check_number(
            "good_fraction", good_fraction, owner=owner, minimum=0, strict_minimum=True, maximum=1
        )
        self.n_candidates = check_int("n_candidates", n_candidates, owner=owner, minimum=1)
        self.bandwidth_factor = check_number(
            "bandwidth_factor", bandwidth_factor, owner=owner, minimum=0, strict_minimum=True
        )
        self._startup = QMCSampler()
        self._random = RandomSampler()
        self._curves: OrderedDict[tuple[object, ...], _Curves] = OrderedDict()
        self._fits: dict[tuple[object, ...], np.ndarray] = {}

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        with one_blas_thread():
            return self._sample(space, history, rng, trial)

    def _sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        joint, context = modeling_space(space, history, trial)
        model_space = {**joint, **{name: trial.distributions[name] for name in context}}
        key = tuple(model_space.items())
        curves = self._curves.pop(key, None) or _Curves(model_space)
        self._curves[key] = curves  # the most recent last; the oldest beyond a few dropped
        if len(self._curves) > _SPACES_KEPT:
            self._curves.popitem(last=False)
        cube = curves.cube
        # Like hpbandster: both the good and the bad set need more points than dimensions.
        rows = curves.rows(history)
        observed = self._at_largest_budget(rows, 2 * (cube.dims + 1))
        if observed is None:
            return self._startup.sample(space, history, rng, trial)
        if rng.random() < self.random_fraction:
            return self._random.sample(space, history, rng, trial)
        x, loss, budget = observed
        fixed, fixed_values = cube.fixed(context)
        if self.model == "gp" and len(loss) <= GP_LIMIT:
            # what other workers are evaluating now and has no loss at the budget yet
            pending = running_points(
                history,
                cube,
                trial.number,
                keep=lambda other: max(other.intermediate_values, default=0) < budget,
            )
            # every configuration tried, whatever budget it reached, is not proposed again
            tried = np.array([row[0] for row in rows])
            point = self._expected_improvement(
                x, loss, pending, tried, cube, fixed, fixed_values, rng, key
            )
        else:
            point = self._density_ratio(x, loss, cube, fixed, fixed_values, rng)
        params = cube.decode(point)
        suggestion = Suggestion({name: params[name] for name in joint})
        return unless_failed(suggestion, space, history, rng, trial)

    def _expected_improvement(
        self,
        x: np.ndarray,
        loss: np.ndarray,
        pending: np.ndarray,
        tried: np.ndarray,
        cube: UnitCube,
        fixed: np.ndarray,
        fixed_values: np.ndarray,
        rng: np.random.Generator,
        key: tuple[object, ...],
    ) -> np.ndarray:
        finite = np.isfinite(loss)  # a diverged run: as bad as the worst finite loss
        loss = np.where(finite, loss, loss[finite].max() if finite.any() else 0.0)
        y = transform_losses(loss, "power")
        theta = fit_hyperparameters(x, y, cube.categorical, previous=self._fits.get(key))
        self._fits[key] = theta
        model = GaussianProcess(x, y, cube.categorical, theta)
        best = float(model.mean(x).min())
        return optimize_acquisition(
            Acquisition([(model.with_pending(pending), best)]),
            cube,
            rng,
            fixed=fixed,
            fixed_values=fixed_values,
            avoid=np.vstack([tried, pending]),
            n_candidates=default_candidates(cube.dims),
            n_restarts=5,
        )

    def _density_ratio(
        self,
        x: np.ndarray,
        loss: np.ndarray,
        cube: UnitCube,
        fixed: np.ndarray,
        fixed_values: np.ndarray,
        rng: np.random.Generator,
    ) -> np.ndarray:
        order = np.argsort(loss, kind="stable")
        n_good = max(cube.dims + 1, math.ceil(self.good_fraction * len(loss)))
        good, bad = x[order[:n_good]], x[order[n_good:]]
        below = ParzenEstimator(good, np.ones(len(good)), cube, 1.0, bandwidth="scott")
        above = ParzenEstimator(bad, np.ones(len(bad)), cube, 1.0, bandwidth="scott")
        wide = ParzenEstimator(good, np.ones(len(good)), cube, 1.0, bandwidth="scott")
        wide.sigma = np.minimum(wide.sigma * self.bandwidth_factor, 1.0)
        candidates = wide.sample(rng, self.n_candidates, fixed, fixed_values)
        score = below.log_pdf(candidates) - above.log_pdf(candidates)
        return np.asarray(candidates[int(np.argmax(score))])

    @staticmethod
    def _at_largest_budget(
        rows: list[tuple[np.ndarray, list[int], list[float]]], n_min: int
    ) -> tuple[np.ndarray, np.ndarray, int] | None:
        """(X, loss, b) at the largest budget b with at least ``n_min`` observations."""
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
                return np.array(xs), np.array(values), budget
        return None

    def __repr__(self) -> str:
        return f"BOHBSampler(model={self.model!r}, random_fraction={self.random_fraction:.3g})"
