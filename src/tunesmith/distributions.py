"""Optuna's distribution names (``optuna.distributions.X``), meaning the same here.

``FloatDistribution``, ``IntDistribution`` and ``CategoricalDistribution`` *are*
:class:`tunesmith.Float`, :class:`tunesmith.Int` and :class:`tunesmith.Categorical` (same
arguments, ``isinstance`` works). Optuna's older names build the same values:
``UniformDistribution(low, high)`` is ``Float(low, high)``, and so on.

Example:
    >>> from tunesmith.distributions import FloatDistribution, LogUniformDistribution
    >>> LogUniformDistribution(1e-3, 1.0) == FloatDistribution(1e-3, 1.0, log=True)
    True
"""

from __future__ import annotations

from tunesmith import Categorical, Distribution, Float, Int

FloatDistribution = Float
IntDistribution = Int
CategoricalDistribution = Categorical
#: ``isinstance(d, BaseDistribution)`` holds for every distribution.
BaseDistribution = Distribution


def UniformDistribution(low: float, high: float) -> Float:
    """``Float(low, high)``."""
    return Float(low, high)


def LogUniformDistribution(low: float, high: float) -> Float:
    """``Float(low, high, log=True)``."""
    return Float(low, high, log=True)


def DiscreteUniformDistribution(low: float, high: float, q: float) -> Float:
    """``Float(low, high, step=q)``."""
    return Float(low, high, step=q)


def IntUniformDistribution(low: int, high: int, step: int = 1) -> Int:
    """``Int(low, high, step=step)``."""
    return Int(low, high, step=step)


def IntLogUniformDistribution(low: int, high: int, step: int = 1) -> Int:
    """``Int(low, high, log=True)``."""
    return Int(low, high, log=True, step=step)


__all__ = [
    "BaseDistribution",
    "CategoricalDistribution",
    "DiscreteUniformDistribution",
    "FloatDistribution",
    "IntDistribution",
    "IntLogUniformDistribution",
    "IntUniformDistribution",
    "LogUniformDistribution",
    "UniformDistribution",
]
