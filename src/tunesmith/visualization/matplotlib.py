"""``optuna.visualization.matplotlib.X``: the same functions as
:mod:`tunesmith.visualization` (tunesmith's plots are matplotlib figures already)."""

from tunesmith.visualization._names import (
    is_available,
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
