"""Intermediate values: the learning curves reported with ``trial.report``."""

from __future__ import annotations

from typing import Any

import numpy as np

import tunesmith as ts
from tunesmith.errors import require_module
from tunesmith.plot._common import (
    COMPLETE,
    FAILED,
    PRUNED,
    RUNNING,
    check_study,
    empty,
    new_figure,
)

_COLOURS = {
    ts.TrialState.COMPLETE: COMPLETE,
    ts.TrialState.PRUNED: PRUNED,
    ts.TrialState.FAIL: FAILED,
    ts.TrialState.RUNNING: RUNNING,
}


def plot_intermediate_values(study: ts.Study) -> Any:
    """Every trial's reported values by step, coloured by state; a pruned trial ends in a
    cross where it was stopped, a failed one in a red dot.

    Example:
        >>> import tunesmith as ts
        >>> def objective(trial):
        ...     x = trial.suggest_float("x", 0, 1)
        ...     for step in range(3):
        ...         trial.report(x / (step + 1), step)
        ...     return x / 3
        >>> study = ts.create_study(seed=0, sampler="random")
        >>> study.optimize(objective, n_trials=5)
        >>> len(plot_intermediate_values(study).axes[0].collections[0].get_segments())
        5
    """
    study = check_study(study, "plot_intermediate_values")
    trials = [trial for trial in study.trials if trial.intermediate_values]
    figure = new_figure()
    if not trials:
        return empty(figure, "no trial reported intermediate values (trial.report)")
    ax = figure.add_subplot()
    collections: Any = require_module("matplotlib.collections", "plot", "tunesmith.plot")
    curves: dict[ts.TrialState, list[np.ndarray]] = {}
    for trial in trials:
        steps = sorted(trial.intermediate_values)
        curve = np.array([(step, trial.intermediate_values[step]) for step in steps], dtype=float)
        curves.setdefault(trial.state, []).append(curve)
    # one collection of lines per state (thousands of curves draw in a second)
    alpha = 0.5 if len(trials) < 500 else 0.2
    for state, lines in curves.items():
        ax.add_collection(
            collections.LineCollection(lines, colors=_COLOURS[state], alpha=alpha, linewidths=1,
                                       label=f"{state.name.lower()} ({len(lines)})")
        )  # fmt: skip
        ends = np.array([line[-1] for line in lines])
        if state is ts.TrialState.PRUNED:
            ax.scatter(*ends.T, marker="x", color=PRUNED, s=20, zorder=3)
        elif state is ts.TrialState.FAIL:
            ax.scatter(*ends.T, marker="o", color=FAILED, s=14, zorder=3)
    ax.autoscale_view()
    ax.legend(loc="best", fontsize="small")
    ax.set_xlabel("step")
    ax.set_ylabel("intermediate value")
    ax.set_title(f"Learning curves of {study.study_name}")
    ax.grid(alpha=0.3)
    return figure
