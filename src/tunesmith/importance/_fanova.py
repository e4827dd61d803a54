"""Functional ANOVA of a forest of regression trees (Hutter, Hoos & Leyton-Brown 2014).

Glossary (one tree; shapes):
    D          the domain box ``[low, high]`` (d,), with the uniform measure on it
    L          leaves: boxes ``[lo, hi)`` (L, d) partitioning D, predictions v (L,)
    w          (L, d) the leaves' widths as fractions of D's: ``(hi - lo) / (high - low)``
    f          (L,) each leaf's share of D's volume, ``prod_k w[:, k]``
    m, V       the tree's mean and variance over D: ``m = sum f v`` and
               ``V = sum f (v - m)^2`` (a tree is piecewise constant)
    a_j(c)     the marginal prediction at cell c of dimension j, the prediction averaged
               over every other dimension: ``sum over leaves covering c of v f / w_j``
               (the leaves covering c partition the other dimensions, which is the
               paper's linear-time marginal of a tree: no sum over D's grid is needed)
    V_j        ``sum_c |c| (a_j(c) - m)^2``, the variance of a_j: j's main effect
    V_jk       the variance of the pair marginal a_jk minus V_j and V_k: the pair's
               interaction (the paper's variance decomposition, to second order)

The cells of a dimension are the intervals between the leaves' bounds on it. A leaf adds
its weight to a contiguous run of cells, so a marginal is a cumulative sum over a
difference array (a 2-d one for pairs), linear in leaves plus cells. As in the paper, the
fractions V_j / V and V_jk / V are computed per tree and averaged over the trees.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tunesmith.importance._data import normalized
from tunesmith.importance._trees import Leaves

#: Past this many dimensions the pair terms (d (d - 1) / 2 of them) are not computed.
MAX_PAIR_DIMENSIONS = 32


@dataclass(frozen=True)
class Decomposition:
    """Shares of a surrogate's variance over the search space.

    Attributes:
        main: Each parameter's main effect, V_j / V.
        pairs: Each pair's interaction, V_jk / V (empty past 32 parameters).

    Example:
        >>> d = Decomposition({"x": 0.6, "y": 0.1}, {("x", "y"): 0.3})
        >>> d.shares()
        {'x': 0.75, 'y': 0.25}
    """

    main: dict[str, float]
    pairs: dict[tuple[str, str], float]

    def shares(self) -> dict[str, float]:
        """Each parameter's main effect plus half of every interaction it takes part in,
        normalized to sum to 1: a pure interaction of two parameters (``x * y`` on a
        range centred at 0 has no main effects at all) is shared by the pair instead of
        being lost."""
        raw = dict(self.main)
        for (a, b), share in self.pairs.items():
            raw[a] += max(share, 0.0) / 2
            raw[b] += max(share, 0.0) / 2
        return normalized(raw)


def _marginal(lo: np.ndarray, hi: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cells' bounds on one dimension and the summed weight of the leaves over each."""
    bounds = np.unique(np.concatenate([lo, hi]))
    start, stop = np.searchsorted(bounds, lo), np.searchsorted(bounds, hi)
    diff = np.bincount(start, weight, len(bounds)) - np.bincount(stop, weight, len(bounds))
    return bounds, np.cumsum(diff)[:-1]


def _pair_marginal(
    lo: np.ndarray, hi: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two dimensions' cell bounds and the leaves' summed weight on their grid of cells;
    ``lo`` and ``hi`` are (L, 2)."""
    rows = np.unique(np.concatenate([lo[:, 0], hi[:, 0]]))
    cols = np.unique(np.concatenate([lo[:, 1], hi[:, 1]]))
    r0, r1 = np.searchsorted(rows, lo[:, 0]), np.searchsorted(rows, hi[:, 0])
    c0, c1 = np.searchsorted(cols, lo[:, 1]), np.searchsorted(cols, hi[:, 1])
    n = len(cols)
    size = len(rows) * n
    diff = (
        np.bincount(r0 * n + c0, weight, size)
        - np.bincount(r0 * n + c1, weight, size)
        - np.bincount(r1 * n + c0, weight, size)
        + np.bincount(r1 * n + c1, weight, size)
    ).reshape(len(rows), n)
    return rows, cols, np.cumsum(np.cumsum(diff, axis=0), axis=1)[:-1, :-1]


def _tree_fractions(
    tree: Leaves, low: np.ndarray, high: np.ndarray, pairs: Sequence[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray] | None:
    """(V_j / V for every j, V_jk / V for every pair), or None for a constant tree."""
    span = high - low
    widths = (tree.hi - tree.lo) / span
    volume = np.prod(widths, axis=1)
    mean = float(volume @ tree.value)
    variance = float(volume @ (tree.value - mean) ** 2)
    if variance <= 1e-14 * max(1.0, mean**2):
        return None
    weighted = tree.value * volume
    main = np.empty(len(low))
    for j in range(len(low)):
        bounds, marginal = _marginal(tree.lo[:, j], tree.hi[:, j], weighted / widths[:, j])
        main[j] = np.diff(bounds) / span[j] @ (marginal - mean) ** 2
    interaction = np.empty(len(pairs))
    for index, (j, k) in enumerate(pairs):
        both = [j, k]
        rows, cols, marginal = _pair_marginal(
            tree.lo[:, both], tree.hi[:, both], weighted / (widths[:, j] * widths[:, k])
        )
        cell = np.outer(np.diff(rows) / span[j], np.diff(cols) / span[k])
        interaction[index] = np.sum(cell * (marginal - mean) ** 2) - main[j] - main[k]
    return main / variance, interaction / variance


def decompose(
    forest: Sequence[Leaves], names: Sequence[str], low: np.ndarray, high: np.ndarray
) -> Decomposition:
    """Main effects and pair interactions of a forest, averaged over its trees."""
    dims = len(names)
    pairs = list(itertools.combinations(range(dims), 2)) if dims <= MAX_PAIR_DIMENSIONS else []
    per_tree = [_tree_fractions(tree, low, high, pairs) for tree in forest]
    kept = [fractions for fractions in per_tree if fractions is not None]
    if not kept:  # every tree constant: nothing explains anything
        return Decomposition(dict.fromkeys(names, 0.0), {})
    main = np.mean([fractions[0] for fractions in kept], axis=0)
    interaction = np.mean([fractions[1] for fractions in kept], axis=0) if pairs else []
    return Decomposition(
        {name: float(share) for name, share in zip(names, main, strict=True)},
        {
            (names[j], names[k]): float(share)
            for (j, k), share in zip(pairs, interaction, strict=True)
        },
    )
