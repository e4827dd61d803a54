"""The functions behind :mod:`tunesmith.visualization`."""

from __future__ import annotations

import importlib.util

from tunesmith.plot import (
    plot_contour,
    plot_edf,
    plot_intermediate_values,
    plot_optimization_history,
    plot_parallel_coordinate,
    plot_param_importances,
    plot_pareto_front,
    plot_slice,
    plot_terminator_improvement,
    plot_timeline,
)


def is_available() -> bool:
    """Whether plots can be drawn (matplotlib is installed: ``tunesmith[plot]``)."""
    return importlib.util.find_spec("matplotlib") is not None


__all__ = [
    "is_available",
    "plot_contour",
    "plot_edf",
    "plot_intermediate_values",
    "plot_optimization_history",
    "plot_parallel_coordinate",
    "plot_param_importances",
    "plot_pareto_front",
    "plot_slice",
    "plot_terminator_improvement",
    "plot_timeline",
]
