"""A trust region around the best trial, for the GP in many dimensions (TuRBO: Eriksson,
Pearce, Gardner, Turner & Poloczek 2019, "Scalable Global Optimization via Local Bayesian
Optimization").

In ten or more dimensions a hundred trials cannot cover the cube, and a GP fitted to them
is wide everywhere away from them: expected improvement over the whole cube then goes to
empty corners, far from where the losses are good. TuRBO keeps the search in a box around
the best point instead, whose side grows after a run of improvements and shrinks after a
run of failures, and draws candidates by moving only some coordinates of the best point
(in many dimensions a move of every coordinate at once is almost never an improvement).

The box is not state kept between calls: its side is replayed from the losses in the
order the trials finished, so parallel workers, resumed studies and pickled copies agree.

Where the search starts matters as much in so few trials: a handful of Sobol points in
ten dimensions are ten random guesses, and the box then grows around the best of them.
:class:`StarDesign` starts instead at the centre of the space and moves one coordinate at
a time, which shows the model the slope along every axis around one point (the first
simplex of Powell's COBYLA, what nevergrad's NGOpt runs at these budgets and dimensions:
bench/RESULTS.md, issue 11), and the box starts small around the best of these.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tunesmith.encoding import decode_value
from tunesmith.history import FrozenTrial, History
from tunesmith.samplers.base import Suggestion
from tunesmith.samplers.qmc import QMCSampler
from tunesmith.space import SearchSpace

#: Side of the box (in the unit cube) at the start and after a restart, its bounds.
INITIAL, SMALLEST, LARGEST = 0.25, 0.5**7, 1.6
#: Successes in a row that double the side.
WINS = 3
#: Coordinates a candidate moves, on average (TuRBO's authors move 20 in later work; in
#: 10 and 20 dimensions 5 did better on bench/quality.py's development tasks, issue 11).
PERTURBED = 5.0
#: Candidates drawn around the centre in every coordinate at once (a Gaussian of standard
#: deviation ``SPREAD`` times the box's side, clipped to the box), beside the ones that
#: move a few coordinates: once the model has a slope, the way down moves them all.
GAUSSIAN, SPREAD = 64, 0.15
#: The star design's step along each axis, as a share of the range.
STEP = 1.0 / 6.0


def side_length(loss: np.ndarray, start: int, dims: int) -> float:
    """The box's side after the losses from ``start`` on, in their order: doubled after
    ``WINS`` improvements in a row (by more than 0.1 % of the best), halved after
    ``max(4, dims)`` trials in a row without one (TuRBO's wait; half of it did better on
    bench/quality.py's development tasks and worse on the held-out Levy-10 and -20),
    back to ``INITIAL`` when it falls below ``SMALLEST`` (the region has converged:
    start over around the same best point, as wide as at first)."""
    best = float(np.min(loss[:start])) if start else np.inf
    length, wins, misses = INITIAL, 0, 0
    patience = max(4, dims)
    for value in loss[start:]:
        if value < best - 1e-3 * abs(best):
            wins, misses = wins + 1, 0
        else:
            wins, misses = 0, misses + 1
        best = min(best, float(value))
        if wins == WINS:
            length, wins = min(2.0 * length, LARGEST), 0
        elif misses == patience:
            length, misses = length / 2.0, 0
        if length < SMALLEST:
            length = INITIAL
    return length


@dataclass(frozen=True)
class Region:
    """A box around ``center`` in the unit cube, and the chance of moving each
    coordinate of a candidate (``PERTURBED`` coordinates a candidate on average)."""

    center: np.ndarray
    low: np.ndarray
    high: np.ndarray
    probability: float

    @classmethod
    def around(cls, center: np.ndarray, length: float, free: np.ndarray) -> Region:
        """The box of side ``length`` centred on ``center`` (clipped to the cube) in the
        ``free`` coordinates; the others are held where ``center`` has them."""
        half = np.where(free, length / 2.0, 0.0)
        low, high = np.clip(center - half, 0.0, 1.0), np.clip(center + half, 0.0, 1.0)
        probability = min(1.0, PERTURBED / max(int(free.sum()), 1))
        return cls(center, low, high, probability)

    def candidates(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """``count`` points that move some coordinates of the centre, and ``GAUSSIAN``
        that move all of them (:meth:`gaussian`)."""
        return np.vstack([self.perturbed(count, rng), self.gaussian(GAUSSIAN, rng)])

    def gaussian(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """``count`` points drawn around the centre, every coordinate at once."""
        spread = SPREAD * (self.high - self.low)
        points = self.center + spread * rng.standard_normal((count, len(self.center)))
        return np.clip(points, self.low, self.high)

    def perturbed(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """``count`` points: the centre with some coordinates (at least one) redrawn
        uniformly in the box."""
        movable = np.flatnonzero(self.high > self.low)
        points = np.repeat(self.center[None, :], count, axis=0)
        if not len(movable):
            return points
        move = rng.random((count, len(movable))) < self.probability
        move[np.arange(count), rng.integers(len(movable), size=count)] = True
        low, high = self.low[movable], self.high[movable]
        drawn = low + (high - low) * rng.random((count, len(movable)))
        points[:, movable] = np.where(move, drawn, points[:, movable])
        return points


class StarDesign:
    """The first trials of a GP in a trust region: the centre of the space, then the
    centre moved by ``STEP`` of the range along one axis a trial, in the space's order;
    Sobol points after that (a trial that fails in the design is not retried). Its
    proposals are noted ``{"design": "star"}``: "auto" does not time them as the GP's."""

    def __init__(self) -> None:
        self._sobol = QMCSampler()

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        names = list(space)
        if trial.number > len(names):
            return self._sobol.sample(space, history, rng, trial)
        point = np.full(len(names), 0.5)
        if trial.number:
            point[trial.number - 1] += STEP
        values = zip(names, point, strict=True)
        params = {name: decode_value(space[name], float(u)) for name, u in values}
        return Suggestion(params, {"design": "star"})
