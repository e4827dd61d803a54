"""NSGA-III (sampler "nsga3"): NSGA-II whose survivors are spread along reference
directions rather than by crowding distance, for studies of three objectives or more.

Deb & Jain (2014), "An Evolutionary Many-Objective Optimization Algorithm Using
Reference-Point-Based Nondominated Sorting Approach, Part I", sec. IV:

- Survival takes whole fronts of the non-dominated sort (feasible trials first, as in
  NSGA-II's constrained domination) while they fit; the front that does not fit whole is
  cut by **niching** around reference points instead of by crowding distance.
- **Normalization** (sec. IV-C): objectives are translated by the ideal point (the
  smallest loss of each) and divided by the intercepts of the hyperplane through the
  extreme points (each the point that minimizes the achievement scalarizing function
  along one axis); where that plane is degenerate, by each objective's largest value.
- **Association** (sec. IV-D): each point belongs to the reference direction nearest to
  it (by perpendicular distance, in the normalized space).
- **Niching** (sec. IV-E): repeatedly, the reference direction with the fewest survivors
  so far takes one more point of the last front, the nearest one if it has none yet;
  ties between directions and between points are broken by a generator seeded from
  the number of trials ranked, so every worker replaying the study picks the same.

Reference points default to the Das & Dennis (1998) structured points: every vector of
multiples of ``1 / dividing_parameter`` on the unit simplex (10 for three objectives and
the default 3). Everything else (generations kept in the study, steady-state mode,
mixed-space variation) is :class:`~tunesmith.samplers.nsga2.NSGAIISampler`'s.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from tunesmith.errors import InvalidArgumentError
from tunesmith.pareto import nondominated_sort
from tunesmith.samplers._observations import Observations
from tunesmith.samplers.nsga2 import NSGAIISampler, _Population
from tunesmith.space import SearchSpace
from tunesmith.validation import check_int


def simplex_points(objectives: int, divisions: int) -> np.ndarray:
    """(n, m) the Das-Dennis points: non-negative multiples of ``1 / divisions`` that
    sum to 1, n = C(m + divisions - 1, divisions).

    Example:
        >>> simplex_points(3, 2) * 2
        array([[0., 0., 2.],
               [0., 1., 1.],
               [0., 2., 0.],
               [1., 0., 1.],
               [1., 1., 0.],
               [2., 0., 0.]])
    """
    rows = [
        counts
        for counts in itertools.product(range(divisions + 1), repeat=objectives)
        if sum(counts) == divisions
    ]
    return np.array(rows, dtype=float) / divisions


def normalized(points: np.ndarray) -> np.ndarray:
    """``points`` (losses) translated by their ideal point and scaled by the intercepts
    of the hyperplane through their extreme points (Deb & Jain, sec. IV-C)."""
    shifted = points - points.min(axis=0)
    m = points.shape[1]
    largest = shifted.max(axis=0)
    weights = np.full((m, m), 1e-6)
    np.fill_diagonal(weights, 1.0)
    # achievement scalarizing function of every point along every axis: (k, m)
    asf = np.max(shifted[:, None, :] / weights[None, :, :], axis=2)
    extremes = shifted[np.argmin(asf, axis=0)]
    intercepts = largest
    try:
        plane = np.linalg.solve(extremes, np.ones(m))
        candidate = 1.0 / plane
        if np.all(np.isfinite(candidate)) and np.all(candidate > 1e-6):
            intercepts = candidate
    except np.linalg.LinAlgError:
        pass
    intercepts = np.where(intercepts > 1e-12, intercepts, 1.0)
    return shifted / intercepts


def associate(points: np.ndarray, references: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each point's nearest reference direction and its perpendicular distance to it."""
    directions = references / np.linalg.norm(references, axis=1, keepdims=True)
    along = points @ directions.T  # (k, h) length of each projection
    squared = np.sum(points**2, axis=1)[:, None] - along**2
    distance = np.sqrt(np.maximum(squared, 0.0))
    nearest = np.argmin(distance, axis=1)
    return nearest, distance[np.arange(len(points)), nearest]


def reference_order(
    losses: np.ndarray, violation: np.ndarray | None, size: int, references: np.ndarray
) -> np.ndarray:
    """Indexes of the points, the ``size`` survivors first (whole fronts, then the last
    front's points chosen by niching, in the order chosen), then the rest."""
    n = len(losses)
    if violation is None:
        feasible, infeasible = np.arange(n), np.empty(0, dtype=np.int64)
    else:
        feasible = np.flatnonzero(violation <= 0.0)
        infeasible = np.flatnonzero(violation > 0.0)
        infeasible = infeasible[np.argsort(violation[infeasible], kind="stable")]
    fronts = nondominated_sort(losses[feasible]) if len(feasible) else np.empty(0, int)
    chosen: list[np.ndarray] = []
    taken = 0
    last = np.empty(0, dtype=np.int64)
    rest: list[np.ndarray] = []
    for rank in range(int(fronts.max()) + 1 if len(fronts) else 0):
        front = feasible[fronts == rank]
        if last.size or taken >= size:
            rest.append(front)
        elif taken + len(front) <= size:
            chosen.append(front)
            taken += len(front)
        else:
            last = front
    if last.size:
        kept = np.concatenate([*chosen, last]).astype(np.int64)
        nearest, distance = associate(normalized(losses[kept]), references)
        picks = _niche(nearest, distance, taken, size - taken, len(references), n)
        in_last = np.arange(taken, len(kept))
        chosen.append(kept[picks])
        rest.insert(0, kept[np.setdiff1d(in_last, picks, assume_unique=True)])
    return np.concatenate([*chosen, *rest, infeasible]).astype(np.int64)


def _niche(
    nearest: np.ndarray, distance: np.ndarray, taken: int, wanted: int, directions: int, n: int
) -> np.ndarray:
    """Positions (in ``nearest``, from ``taken`` on: the last front) of ``wanted`` points,
    in the order niching takes them."""
    rng = np.random.default_rng(n)  # ties broken the same by every worker
    counts = np.bincount(nearest[:taken], minlength=directions)
    open_ = np.ones(directions, dtype=bool)
    left = list(range(taken, len(nearest)))
    picks: list[int] = []
    while len(picks) < wanted and left:
        candidates = np.flatnonzero(open_)
        fewest = candidates[counts[candidates] == counts[candidates].min()]
        j = int(fewest[rng.integers(len(fewest))]) if len(fewest) > 1 else int(fewest[0])
        members = [i for i in left if nearest[i] == j]
        if not members:
            open_[j] = False
            continue
        if counts[j] == 0:
            pick = min(members, key=lambda i: distance[i])
        else:
            pick = members[int(rng.integers(len(members)))]
        picks.append(pick)
        left.remove(pick)
        counts[j] += 1
    return np.array(picks, dtype=np.int64)


class _ReferencePopulation(_Population):
    def __init__(self, size: int, sampler: NSGAIIISampler, objectives: int) -> None:
        super().__init__(size)
        self.references = sampler.references(objectives)

    def select(self, losses: np.ndarray, violation: np.ndarray | None) -> np.ndarray:
        rows = np.concatenate([self.live, np.array(self.pending, dtype=np.int64)])
        kept = reference_order(
            losses[rows], None if violation is None else violation[rows], self.size, self.references
        )
        return rows[kept[: self.size]]


class NSGAIIISampler(NSGAIISampler):
    """NSGA-III: NSGA-II with survivors spread along reference directions, for studies
    of three objectives or more (with one or two it works too, but NSGA-II's crowding
    does as well there).

    Args:
        reference_points: (h, m) directions the population should spread along, in the
            space of normalized losses (each objective minimized and scaled to about
            [0, 1]); the default is :func:`simplex_points` of ``dividing_parameter``.
            Giving points near the direction of a trade-off you want concentrates the
            search there.
        dividing_parameter: Divisions of each axis of the default reference points
            (default 3).
        population_size, mutation_rate, crossover, crossover_probability, mode,
            constraints, seed, and Optuna's names ``constraints_func``,
            ``mutation_prob``, ``crossover_prob``: as for
            :class:`~tunesmith.samplers.nsga2.NSGAIISampler`.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(directions=["minimize"] * 3, seed=0,
        ...                         sampler=NSGAIIISampler(population_size=12))
        >>> def objective(trial):
        ...     x, y = trial.suggest_float("x", 0, 1), trial.suggest_float("y", 0, 1)
        ...     return x, y, 2 - x - y
        >>> study.optimize(objective, n_trials=60)
        >>> len(study.best_trials) > 10
        True
    """

    def __init__(
        self,
        *,
        reference_points: Any = None,
        dividing_parameter: int = 3,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        owner = "NSGAIIISampler"
        self.dividing_parameter = check_int(
            "dividing_parameter", dividing_parameter, owner=owner, minimum=1
        )
        self.reference_points: np.ndarray | None = None
        if reference_points is not None:
            points = np.asarray(reference_points, dtype=float)
            if points.ndim != 2 or not len(points) or not np.all(np.isfinite(points)):
                raise InvalidArgumentError(
                    f"{owner}: reference_points must be a 2-d array, one row per point and "
                    f"one column per objective, but got shape {points.shape}"
                )
            if np.any(np.linalg.norm(points, axis=1) == 0):
                raise InvalidArgumentError(f"{owner}: a reference point cannot be the origin")
            self.reference_points = points

    def references(self, objectives: int) -> np.ndarray:
        """The reference points of a study of this many objectives."""
        if self.reference_points is None:
            return simplex_points(objectives, self.dividing_parameter)
        if self.reference_points.shape[1] != objectives:
            raise InvalidArgumentError(
                f"NSGAIIISampler: the reference points have {self.reference_points.shape[1]} "
                f"columns, but the study has {objectives} objectives"
            )
        return self.reference_points

    def _population(self, space: SearchSpace, table: Observations) -> _Population:
        if table.source is not self._source:
            self._source, self._populations = table.source, {}
        key = tuple(space.items())
        population = self._populations.get(key)
        if population is None:
            objectives = table.complete_losses()[1].shape[1]
            population = _ReferencePopulation(self.population_size, self, objectives)
            self._populations[key] = population
        return population

    def __repr__(self) -> str:
        inherited = super().__repr__()[len("NSGAIISampler(") : -1]
        return f"NSGAIIISampler(dividing_parameter={self.dividing_parameter}, {inherited})"
