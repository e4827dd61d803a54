"""Variation operators of the evolutionary samplers: selection, crossover, mutation.

Every operator works on points of the unit cube (:mod:`tunesmith.encoding`), so a float
on a log scale is crossed and mutated on that scale, and reads the cube's ``cells`` and
``categorical`` arrays to treat each kind of dimension its own way:

- continuous dimensions: simulated binary crossover (SBX; Deb & Agrawal 1995, in the
  bounded form of Deb's NSGA-II code) and polynomial mutation (Deb & Goyal 1996, bounded);
- discrete dimensions (ints, stepped floats): the same operators, then the coordinate is
  moved to the centre of its cell; a mutated gene that would stay in its cell moves one
  cell in the direction it was pushed, so a mutation of an int always changes it;
- categorical dimensions: uniform crossover (each gene from either parent), and mutation
  by resampling one of the *other* categories uniformly.

Selection only compares: a tournament picks the entrant with the smaller key (a rank),
never a fitness such as ``1 / error``, so negative objectives, zero and maximization are
all the same to it. NSGA-II passes its (front, crowding) order as the key.

Glossary:
    d       dimensions of the cube
    a, b    (d,) parent points
    η_c     SBX distribution index: larger keeps children nearer their parents (15)
    η_m     polynomial mutation distribution index (20)
    rate    probability that one gene is mutated
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from tunesmith.encoding import UnitCube

Crossover = Literal["sbx", "blend", "uniform"]
CROSSOVERS: tuple[Crossover, ...] = ("sbx", "blend", "uniform")
#: SBX and polynomial-mutation distribution indexes (Deb's NSGA-II defaults are 15-20).
SBX_ETA = 15.0
MUTATION_ETA = 20.0
#: BLX-α's α (Eshelman & Schaffer 1993): children up to half the parents' gap beyond them.
BLEND_ALPHA = 0.5


def tournament(keys: np.ndarray, rng: np.random.Generator, size: int = 2) -> int:
    """The index of the winner of a tournament of ``size`` entrants drawn with
    replacement: the one with the smallest key (ties: the smaller index)."""
    entrants = rng.integers(0, len(keys), size=size)
    return int(min(entrants, key=lambda i: (keys[i], i)))


def ranks(loss: np.ndarray, order: np.ndarray | None = None) -> np.ndarray:
    """The rank of each loss (0 = smallest), ties broken by ``order`` (e.g. the trial
    number), then by position: a strict order, built from comparisons only."""
    tiebreak = np.arange(len(loss)) if order is None else order
    result = np.empty(len(loss), dtype=int)
    result[np.lexsort((tiebreak, loss))] = np.arange(len(loss))
    return result


def sbx(a: np.ndarray, b: np.ndarray, rng: np.random.Generator, eta: float = SBX_ETA) -> np.ndarray:
    """One child of SBX on [0, 1] per dimension (each gene crossed with probability 1/2,
    as in Deb's code; the two children of a crossed gene are given out at random)."""
    low, high = np.minimum(a, b), np.maximum(a, b)
    gap = high - low
    crossed = (rng.random(len(a)) < 0.5) & (gap > 1e-14)
    u = rng.random(len(a))
    safe_gap = np.where(gap > 1e-14, gap, 1.0)
    power = 1.0 / (eta + 1.0)

    def spread(beta: np.ndarray) -> np.ndarray:
        # β_q from the spread factor's distribution, truncated to the bounds (eq. 4 of
        # Deb & Agrawal, with α = 2 - β^-(η+1) the mass inside the bounds)
        alpha = 2.0 - beta ** -(eta + 1.0)
        inside = u <= 1.0 / alpha
        return np.where(
            inside,
            (u * alpha) ** power,
            (1.0 / np.maximum(2.0 - u * alpha, 1e-300)) ** power,
        )

    beta_low = spread(1.0 + 2.0 * low / safe_gap)
    beta_high = spread(1.0 + 2.0 * (1.0 - high) / safe_gap)
    child_low = 0.5 * ((low + high) - beta_low * gap)
    child_high = 0.5 * ((low + high) + beta_high * gap)
    pick_high = rng.random(len(a)) < 0.5
    child = np.where(pick_high, child_high, child_low)
    return np.clip(np.where(crossed, child, a), 0.0, 1.0)


def blend(a: np.ndarray, b: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """BLX-α: each gene uniform in the parents' interval widened by α times its length."""
    low, high = np.minimum(a, b), np.maximum(a, b)
    reach = BLEND_ALPHA * (high - low)
    return np.clip(rng.uniform(low - reach, high + reach), 0.0, 1.0)


def uniform(a: np.ndarray, b: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each gene from either parent with probability 1/2."""
    return np.where(rng.random(len(a)) < 0.5, a, b)


def crossover(
    a: np.ndarray, b: np.ndarray, cube: UnitCube, rng: np.random.Generator, kind: Crossover
) -> np.ndarray:
    """A child of ``a`` and ``b``: numeric genes by ``kind``, categorical ones uniformly,
    discrete ones snapped to their cells."""
    operator = {"sbx": sbx, "blend": blend, "uniform": uniform}[kind]
    child = operator(a, b, rng)
    categorical = cube.categorical
    if categorical.any():
        child[categorical] = uniform(a[categorical], b[categorical], rng)
    return cube.snap(child)


def polynomial(x: np.ndarray, rng: np.random.Generator, eta: float = MUTATION_ETA) -> np.ndarray:
    """Every coordinate of ``x`` (in [0, 1]) moved by bounded polynomial mutation: small
    steps are likely, a step never leaves the bounds (Deb & Goyal 1996, Deb's code)."""
    u = rng.random(len(x))
    power = 1.0 / (eta + 1.0)
    below = u < 0.5
    room = np.where(below, x, 1.0 - x)  # distance to the bound the step goes towards
    value = np.where(
        below,
        2.0 * u + (1.0 - 2.0 * u) * (1.0 - room) ** (eta + 1.0),
        2.0 * (1.0 - u) + 2.0 * (u - 0.5) * (1.0 - room) ** (eta + 1.0),
    )
    delta = np.where(below, value**power - 1.0, 1.0 - value**power)
    return np.clip(x + delta, 0.0, 1.0)


def mutate(
    x: np.ndarray, cube: UnitCube, rng: np.random.Generator, rate: float
) -> tuple[np.ndarray, np.ndarray]:
    """``x`` with each gene mutated with probability ``rate``, and the mask of the genes
    that were. A mutated discrete gene always leaves its cell; a mutated categorical
    gene always takes another category."""
    mutated = rng.random(len(x)) < rate
    mutated &= _movable(cube)
    if not mutated.any():
        return x, mutated
    child = x.copy()
    numeric = mutated & ~cube.categorical
    child[numeric] = polynomial(x[numeric], rng)
    discrete = numeric & (cube.cells > 0)
    if discrete.any():
        child[discrete] = _step_off(x[discrete], child[discrete], cube.cells[discrete], rng)
    for dim in np.flatnonzero(mutated & cube.categorical):
        cells = int(cube.cells[dim])
        current = min(int(x[dim] * cells), cells - 1)
        other = int(rng.integers(cells - 1))
        child[dim] = (other + (other >= current) + 0.5) / cells
    return cube.snap(child), mutated


def _movable(cube: UnitCube) -> np.ndarray:
    """Dimensions with more than one value (a one-value parameter cannot mutate)."""
    return np.array([distribution.n_values != 1 for distribution in cube.space.values()])


def _step_off(
    before: np.ndarray, after: np.ndarray, cells: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Discrete coordinates ``after`` a mutation, each at least one cell away from where
    it was ``before``: one cell in the direction it moved (at random if it did not),
    turning back at the bounds."""
    old = np.minimum(np.floor(before * cells), cells - 1)
    new = np.minimum(np.floor(after * cells), cells - 1)
    direction = np.sign(after - before)
    direction = np.where(direction == 0, rng.choice([-1.0, 1.0], size=len(cells)), direction)
    stuck = new == old
    moved = old + direction
    moved = np.where(moved < 0, old + 1, np.where(moved > cells - 1, old - 1, moved))
    new = np.where(stuck, moved, new)
    return (new + 0.5) / cells
