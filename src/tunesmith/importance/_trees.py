"""Extremely randomized regression trees (Geurts, Ernst & Wehenkel 2006), in numpy.

A tree is kept as what functional ANOVA needs of it: its leaves, each an axis-aligned
box of the domain with a constant prediction.

Glossary (shapes):
    n, d       training points and dimensions
    L          leaves of one tree
    lo, hi     (L, d) the leaves' boxes; together they partition the domain
    value      (L,) the mean training target in each leaf

Growing a node (Geurts et al., Algorithm 1 and sec. 2.2): draw one threshold uniformly
between the node's smallest and largest value along every dimension that is not
constant there, keep the split that removes the most squared error, and stop when fewer
than ``min_samples_split`` points or a constant target remain. Unlike a random forest, no
bootstrap and no search over thresholds: the randomness of the cut points is what makes
the average of many trees smooth, and it is cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Leaves:
    """One tree as a partition of the domain into boxes with constant predictions."""

    lo: np.ndarray
    hi: np.ndarray
    value: np.ndarray


def _best_split(
    x: np.ndarray, y: np.ndarray, rng: np.random.Generator, min_leaf: int
) -> tuple[int, float] | None:
    """The best of one random cut per non-constant dimension, or None."""
    smallest, largest = x.min(axis=0), x.max(axis=0)
    dims = np.flatnonzero(largest > smallest)
    if dims.size == 0:
        return None
    cuts = rng.uniform(smallest[dims], largest[dims])
    left = x[:, dims] < cuts  # (m, K)
    n_left = left.sum(axis=0)
    n_right = len(y) - n_left
    sum_left = y @ left
    sum_right = y.sum() - sum_left
    with np.errstate(divide="ignore", invalid="ignore"):
        score = sum_left**2 / n_left + sum_right**2 / n_right
    score[(n_left < min_leaf) | (n_right < min_leaf)] = -np.inf
    best = int(np.argmax(score))
    if not np.isfinite(score[best]):
        return None
    return int(dims[best]), float(cuts[best])


def grow(
    x: np.ndarray,
    y: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    rng: np.random.Generator,
    *,
    min_samples_split: int = 5,
    min_samples_leaf: int = 1,
) -> Leaves:
    """One extremely randomized tree on points ``x`` (n, d) with targets ``y`` (n,) over
    the domain ``[low, high]``."""
    los: list[np.ndarray] = []
    his: list[np.ndarray] = []
    values: list[float] = []
    stack = [(np.arange(len(y)), low.copy(), high.copy())]
    while stack:
        index, box_lo, box_hi = stack.pop()
        target = y[index]
        split = None
        if len(index) >= min_samples_split and np.ptp(target) > 0:
            split = _best_split(x[index], target, rng, min_samples_leaf)
        if split is None:
            los.append(box_lo)
            his.append(box_hi)
            values.append(float(target.mean()))
            continue
        dim, cut = split
        goes_left = x[index, dim] < cut
        left_hi, right_lo = box_hi.copy(), box_lo.copy()
        left_hi[dim] = right_lo[dim] = cut
        stack.append((index[goes_left], box_lo, left_hi))
        stack.append((index[~goes_left], right_lo, box_hi))
    return Leaves(np.array(los), np.array(his), np.array(values))


def grow_forest(
    x: np.ndarray,
    y: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    categories: np.ndarray,
    rng: np.random.Generator,
    *,
    n_trees: int,
    min_samples_split: int = 5,
) -> list[Leaves]:
    """``n_trees`` trees. A categorical dimension's choices are put in a new random order
    for every tree, so no tree's cuts depend on the order the choices were listed in; its
    boxes are in the shuffled coordinates, which have the same uniform measure."""
    forest = []
    for _ in range(n_trees):
        shuffled = shuffle_categories(x, categories, rng)
        forest.append(grow(shuffled, y, low, high, rng, min_samples_split=min_samples_split))
    return forest


def shuffle_categories(
    x: np.ndarray, categories: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """``x`` with each categorical dimension's cells permuted (values below 0, which
    stand for "absent", stay where they are)."""
    shuffled = x.copy()
    for column in np.flatnonzero(categories):
        k = int(categories[column])
        order = rng.permutation(k)
        values = x[:, column]
        inside = values >= 0.0
        index = np.minimum((values[inside] * k).astype(int), k - 1)
        shuffled[inside, column] = (order[index] + 0.5) / k
    return shuffled
