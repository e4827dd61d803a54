"""Pareto dominance, non-dominated sorting, crowding distance and the hypervolume.

Everything here works on *losses*: every objective minimized (a maximized objective's
values times -1, see :attr:`tunesmith.states.Direction.sign`).

Glossary (shapes):
    n           points
    m           objectives
    L           (n, m) losses
    r           (m,) reference point: the hypervolume counts the region between the
                points and r, so r should be worse than every point of interest
    violation   (n,) how far a point breaks its constraints (0: feasible)

``a`` dominates ``b`` when it is no worse in every objective and better in one. The
Pareto front is the set of points no other point dominates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tunesmith.errors import InvalidArgumentError
from tunesmith.states import Direction


def dominates(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether loss vector ``a`` dominates ``b``."""
    return bool(np.all(a <= b) and np.any(a < b))


def _domination_matrix(losses: np.ndarray) -> np.ndarray:
    """(n, n) bool: ``[i, j]`` when point i dominates point j."""
    # objective by objective: no (n, n, m) array, and no reduction over a short last axis
    # (three times slower at 1,000 points of three objectives)
    n = len(losses)
    no_worse, better = np.ones((n, n), dtype=bool), np.zeros((n, n), dtype=bool)
    for column in losses.T:
        no_worse &= column[:, None] <= column[None, :]
        better |= column[:, None] < column[None, :]
    return no_worse & better


def pareto_mask(losses: np.ndarray) -> np.ndarray:
    """(n,) bool: the points no other point dominates (equal points are all kept).

    Two objectives take one sort, O(n log n); more compare every pair, O(n² m)."""
    losses = np.asarray(losses, dtype=float)
    if len(losses) == 0:
        return np.zeros(0, dtype=bool)
    if losses.shape[1] != 2:
        return np.asarray(~_domination_matrix(losses).any(axis=0))
    order = np.lexsort((losses[:, 1], losses[:, 0]))
    first, second = losses[order, 0], losses[order, 1]
    # In this order a point can only be dominated by one before it: one with a smaller
    # first objective and a second no larger, or one of its own first objective (the
    # group's first has the smallest second) with a smaller second.
    group = np.searchsorted(first, first, side="left")
    best_before = np.minimum.accumulate(second)
    before_group = np.where(group > 0, best_before[np.maximum(group - 1, 0)], np.inf)
    dominated = (before_group <= second) | (second[group] < second)
    mask = np.empty(len(losses), dtype=bool)
    mask[order] = ~dominated
    return mask


def constrained_domination(losses: np.ndarray, violation: np.ndarray | None) -> np.ndarray:
    """(n, n) bool domination under constraints (Deb 2000, as NSGA-II uses it): a
    feasible point dominates every infeasible one, an infeasible one dominates those
    that break their constraints by more, and feasible points compare by Pareto
    dominance."""
    dominated = _domination_matrix(losses)
    if violation is None:
        return dominated
    feasible = violation <= 0.0
    both = feasible[:, None] & feasible[None, :]
    return np.where(
        both,
        dominated,
        (feasible[:, None] & ~feasible[None, :])
        | (~feasible[:, None] & ~feasible[None, :] & (violation[:, None] < violation[None, :])),
    )


def nondominated_sort(losses: np.ndarray, violation: np.ndarray | None = None) -> np.ndarray:
    """(n,) int: each point's front, 0 for the Pareto front, 1 for the front of what is
    left, and so on (the fast non-dominated sort of Deb et al. 2002, sec. III-A), with
    constrained domination when ``violation`` is given."""
    losses = np.asarray(losses, dtype=float)
    n = len(losses)
    dominated = constrained_domination(losses, violation)
    counts = dominated.sum(axis=0)  # n_p: how many points dominate p
    fronts = np.full(n, -1)
    current = np.flatnonzero(counts == 0)
    rank = 0
    while len(current):
        fronts[current] = rank
        counts = counts - dominated[current].sum(axis=0)
        counts[fronts >= 0] = -1
        current = np.flatnonzero(counts == 0)
        rank += 1
    return fronts


def crowding_distance(losses: np.ndarray) -> np.ndarray:
    """(n,) crowding distance of points of one front (Deb et al. 2002, sec. III-B): per
    objective, the gap between a point's two neighbours over the front's range, summed;
    the extremes of each objective get infinity, so they are always kept."""
    losses = np.asarray(losses, dtype=float)
    n, m = losses.shape
    distance = np.zeros(n)
    if n <= 2:
        return np.full(n, np.inf)
    for j in range(m):
        order = np.argsort(losses[:, j], kind="stable")
        values = losses[order, j]
        span = values[-1] - values[0]
        distance[order[0]] = distance[order[-1]] = np.inf
        if span > 0:
            distance[order[1:-1]] += (values[2:] - values[:-2]) / span
    return distance


def crowded_order(
    losses: np.ndarray, violation: np.ndarray | None = None, count: int | None = None
) -> np.ndarray:
    """Indexes of the points best first, as NSGA-II ranks them: feasible points by front
    (peeled one Pareto front at a time), each front by crowding distance, larger first;
    then infeasible ones by how far they break their constraints. With ``count``, only
    the best ``count`` are ordered so; the rest follow in no particular order."""
    losses = np.asarray(losses, dtype=float)
    if violation is None:
        remaining, infeasible = np.arange(len(losses)), np.empty(0, dtype=np.int64)
    else:
        remaining = np.flatnonzero(violation <= 0.0)
        infeasible = np.flatnonzero(violation > 0.0)
        infeasible = infeasible[np.argsort(violation[infeasible], kind="stable")]
    ordered = []
    taken = 0
    while len(remaining) and (count is None or taken < count):
        on_front = pareto_mask(losses[remaining])
        front = remaining[on_front]
        crowding = crowding_distance(losses[front])
        ordered.append(front[np.argsort(-crowding, kind="stable")])
        taken += len(front)
        remaining = remaining[~on_front]
    return np.concatenate([*ordered, remaining, infeasible]).astype(np.int64)


def loss_hypervolume(losses: np.ndarray, reference: np.ndarray) -> float:
    """The volume of the region the points (losses) dominate, bounded by ``reference``.

    Points not better than the reference in every objective add nothing. Exact for any
    number of objectives: two by one sweep, more by slicing along the last objective
    (While et al. 2006, "HSO"), which costs O(n log n) for two objectives, O(n² log n)
    for three, and grows as n^(m-1) beyond: fine for fronts of hundreds of points up to
    four or five objectives.
    """
    losses = np.asarray(losses, dtype=float)
    reference = np.asarray(reference, dtype=float)
    if losses.ndim != 2 or reference.shape != (losses.shape[1],):
        raise ValueError(
            f"hypervolume needs points of shape (n, m) and a reference of shape (m,), but got "
            f"{losses.shape} and {reference.shape}"
        )
    inside = losses[np.all(losses < reference, axis=1)]
    if len(inside) == 0:
        return 0.0
    return _hypervolume(inside, reference)


def _hypervolume(points: np.ndarray, reference: np.ndarray) -> float:
    m = points.shape[1]
    if m == 1:
        return float(reference[0] - points[:, 0].min())
    if m == 2:
        return _hypervolume_2d(points, reference)
    order = np.argsort(points[:, -1], kind="stable")
    points = points[order]
    total = 0.0
    for i in range(len(points)):
        top = points[i + 1, -1] if i + 1 < len(points) else reference[-1]
        height = top - points[i, -1]
        if height > 0:
            total += height * _hypervolume(points[: i + 1, :-1], reference[:-1])
    return total


def _hypervolume_2d(points: np.ndarray, reference: np.ndarray) -> float:
    order = np.lexsort((points[:, 1], points[:, 0]))
    x, y = points[order, 0], points[order, 1]
    best_y = np.minimum.accumulate(y)
    # the staircase: from each x to the next, the area above the best y so far
    widths = np.diff(np.append(x, reference[0]))
    return float(np.sum(widths * (reference[1] - best_y)))


def hypervolume(
    target: Any, reference: Sequence[float], *, directions: Sequence[Any] | None = None
) -> float:
    """The hypervolume of a study's Pareto front, or of points: the volume of the region
    between them and ``reference`` (in the objectives' own units) that they dominate.
    Larger is better; it grows as the front moves forward and spreads out.

    Args:
        target: A study (its ``best_trials`` are used) or points, shape (n, m).
        reference: One value per objective, worse than the points that should count
            (e.g. the worst acceptable value of each): for a minimized objective above
            them, for a maximized one below. Points not better than it in every
            objective add nothing.
        directions: For points, ``"minimize"`` / ``"maximize"`` per objective (default:
            all minimized). A study brings its own.

    Exact for any number of objectives (see :func:`loss_hypervolume` for the method
    and its cost).

    Example:
        >>> hypervolume([[1.0, 3.0], [2.0, 1.0]], reference=(4.0, 4.0))
        7.0
        >>> hypervolume([[1.0, 3.0]], reference=(4.0, 0.0), directions=["minimize", "maximize"])
        9.0
    """
    if hasattr(target, "best_trials") and hasattr(target, "directions"):
        if directions is not None:
            raise InvalidArgumentError(
                "hypervolume: a study brings its own directions; give directions only with points"
            )
        found = tuple(target.directions)
        points = np.array([trial.values for trial in target.best_trials], dtype=float)
        points = points.reshape(len(points), len(found))
    else:
        points = np.asarray(target, dtype=float)
        if points.ndim != 2:
            raise InvalidArgumentError(
                "hypervolume: `target` must be a study, or points of shape (n, objectives), "
                f"but got an array of shape {points.shape}"
            )
        wanted = ["minimize"] * points.shape[1] if directions is None else list(directions)
        found = tuple(Direction.parse(d) for d in wanted)
    ref = np.asarray(reference, dtype=float)
    if ref.shape != (len(found),) or not np.all(np.isfinite(ref)):
        raise InvalidArgumentError(
            f"hypervolume: `reference` must be {len(found)} finite numbers, one per "
            f"objective, but got {reference!r}"
        )
    if points.shape[1] != len(found):
        raise InvalidArgumentError(
            f"hypervolume: the points have {points.shape[1]} objectives, but "
            f"{len(found)} directions were given"
        )
    signs = np.array([direction.sign for direction in found])
    return loss_hypervolume(points * signs, ref * signs)
