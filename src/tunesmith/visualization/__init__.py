"""Optuna's plot names (``optuna.visualization.X`` and ``optuna.visualization.matplotlib.X``)
onto :mod:`tunesmith.plot`: the same functions and arguments, each returning a matplotlib
``Figure`` (not a Plotly figure): save it with ``fig.savefig("plot.png")``.

Example:
    >>> import tunesmith as ts
    >>> from tunesmith import visualization
    >>> study = ts.create_study(seed=0, sampler="random")
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    >>> type(visualization.plot_optimization_history(study)).__name__
    'Figure'
"""

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
