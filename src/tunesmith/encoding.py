"""Parameters to and from the unit cube: the one place numeric samplers meet types.

Glossary:
    space   mapping name -> Float | Int | Categorical, in a fixed order
    d       number of cube dimensions, one per parameter
    u       a point of the cube, shape (d,), or a batch of points, shape (n, d)

Each numeric parameter owns one dimension. A continuous range maps linearly, or
linearly in log space when ``log=True``. A discrete range of ``n`` values (ints, stepped
floats) splits ``[0, 1]`` into ``n`` equal cells, one per value; a log-scaled int maps
``[low - 1/2, high + 1/2]`` in log space and rounds, so every integer owns a cell whose
width follows the log scale. A categorical parameter's dimension is split into ``n`` cells
too, but its cells are unordered: models compare them only for equality.

A continuous range decodes strictly inside its bounds (at least ``INSIDE`` of its width,
on the log scale where it has one, away from each): model-based samplers often end their
search on a bound, and objectives often reject a bound value (a fraction of 0, a
regularization of exactly 0), where Optuna's samplers, drawing from densities, never
return one. Values given by hand (enqueued, fixed, a grid) keep their bounds.

Values outside a parameter's current range (a study whose range was narrowed) encode
to coordinates outside ``[0, 1]``; samplers decide whether to keep them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from tunesmith.space import Categorical, Distribution, Float, Int, SearchSpace

#: How far inside its bounds (as a fraction of its width) a continuous range decodes.
INSIDE = 1e-12


def _log_int_bounds(distribution: Int) -> tuple[float, float]:
    return math.log(distribution.low - 0.5), math.log(distribution.high + 0.5)


def _cells(distribution: Distribution) -> int | None:
    """Number of equal cells a dimension is split into, or None if continuous."""
    if isinstance(distribution, Float):
        return distribution.n_values if distribution.step is not None else None
    if isinstance(distribution, Int):
        return None if distribution.log else distribution.n_values
    return distribution.n_values


def decode_value(distribution: Distribution, x: float) -> Any:
    """The value of one ordinal dimension at coordinate ``x`` (clipped to ``[0, 1]``)."""
    x = 0.0 if x < 0.0 else 1.0 if x > 1.0 else x
    if type(distribution) is Float and distribution.step is None:  # the common case first
        x = INSIDE if x < INSIDE else 1.0 - INSIDE if x > 1.0 - INSIDE else x
        low, high = distribution.low, distribution.high
        if distribution.log:
            log_low, log_high = math.log(low), math.log(high)
            real = math.exp(log_low + x * (log_high - log_low))
        else:
            real = low + x * (high - low)
        return low if real < low else high if real > high else real  # rounding may overshoot
    if isinstance(distribution, Int) and distribution.log:
        low, high = _log_int_bounds(distribution)
        integer = round(math.exp(low + x * (high - low)))
        return min(max(integer, distribution.low), distribution.high)
    cells = distribution.n_values
    assert cells is not None
    return distribution.value_at(min(int(x * cells), cells - 1))


def encode_value(distribution: Distribution, value: Any) -> float:
    """The coordinate of ``value`` on one ordinal dimension (the centre of its cell)."""
    if isinstance(distribution, Categorical):
        index = distribution.index(value)
        if index is None:
            raise ValueError(f"{value!r} is not a choice of {distribution!r}")
        return (index + 0.5) / distribution.n_values
    cells = _cells(distribution)
    if cells is not None:
        step = distribution.step or 1
        return ((float(value) - distribution.low) / step + 0.5) / cells
    if isinstance(distribution, Int):
        low, high = _log_int_bounds(distribution)
        return (math.log(value) - low) / (high - low)
    if distribution.log:
        low, high, x = math.log(distribution.low), math.log(distribution.high), math.log(value)
    else:
        low, high, x = distribution.low, distribution.high, float(value)
    return 0.5 if high == low else (x - low) / (high - low)


class UnitCube:
    """A bijection (up to rounding) between a search space and ``[0, 1]^d``, one
    dimension per parameter, in the space's order.

    Attributes:
        names: Parameter names, one per dimension.
        cells: (d,) int; the number of equal cells of a discrete or categorical
            dimension, 0 for a continuous one.
        categorical: (d,) bool; which dimensions are categorical (unordered cells).

    Example:
        >>> cube = UnitCube({"x": Float(0, 10), "n": Int(1, 4), "act": Categorical(["a", "b"])})
        >>> cube.decode(np.array([0.5, 0.3, 0.9]))
        {'x': 5.0, 'n': 2, 'act': 'b'}
    """

    def __init__(self, space: SearchSpace) -> None:
        self.space: dict[str, Distribution] = dict(space)
        self.names = list(self.space)
        self.dims = len(self.names)
        self.cells = np.array([_cells(d) or 0 for d in self.space.values()], dtype=int)
        self.categorical = np.array([isinstance(d, Categorical) for d in self.space.values()])

    def decode(self, u: np.ndarray) -> dict[str, Any]:
        """The parameters at cube point ``u``, shape (d,)."""
        return {
            name: decode_value(distribution, float(x))
            for (name, distribution), x in zip(self.space.items(), u, strict=True)
        }

    def encode(self, params: Mapping[str, Any]) -> np.ndarray:
        """The cube point of ``params``, shape (d,); every parameter must be present."""
        return np.array(
            [encode_value(distribution, params[name]) for name, distribution in self.space.items()]
        )

    def fixed(self, params: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """A mask of the dimensions ``params`` gives, and a point holding their values
        there (0 elsewhere): the coordinates a sampler must not move."""
        mask = np.array([name in params for name in self.names], dtype=bool)
        values = np.array(
            [encode_value(d, params[n]) if n in params else 0.0 for n, d in self.space.items()]
        )
        return mask, values

    def snap(self, u: np.ndarray) -> np.ndarray:
        """Points (..., d) moved into the cube, discrete coordinates to their cell centres."""
        u = np.clip(u, 0.0, 1.0)
        discrete = self.cells > 0
        if discrete.any():
            cells = self.cells[discrete]
            index = np.minimum(np.floor(u[..., discrete] * cells), cells - 1)
            u[..., discrete] = (index + 0.5) / cells
        return u
