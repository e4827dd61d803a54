"""Plots of a study (``pip install 'tunesmith[plot]'``, matplotlib).

Every function reads the study, draws on a new ``matplotlib.figure.Figure`` and returns
it (no pyplot, no window): ``fig.savefig("history.png")``, or display it in a notebook.

Example:
    >>> import tunesmith as ts
    >>> from tunesmith import plot
    >>> study = ts.create_study(seed=0, sampler="random")
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    >>> type(plot.plot_optimization_history(study)).__name__
    'Figure'
"""

from tunesmith.plot.contour import plot_contour
from tunesmith.plot.edf import plot_edf
from tunesmith.plot.history import plot_optimization_history
from tunesmith.plot.importance import plot_param_importances
from tunesmith.plot.intermediate import plot_intermediate_values
from tunesmith.plot.parallel import plot_parallel_coordinate
from tunesmith.plot.pareto import plot_pareto_front
from tunesmith.plot.slice import plot_slice
from tunesmith.plot.terminator import plot_terminator_improvement
from tunesmith.plot.timeline import plot_timeline

__all__ = [
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
