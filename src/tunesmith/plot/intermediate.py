"""Intermediate values: the learning curves reported with ``trial.report``."""

from __future__ import annotations

from typing import Any

import tunesmith as ts
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
        >>> len(plot_intermediate_values(study).axes[0].lines)
        5
    """
    study = check_study(study, "plot_intermediate_values")
    trials = [trial for trial in study.trials if trial.intermediate_values]
    figure = new_figure()
    if not trials:
        return empty(figure, "no trial reported intermediate values (trial.report)")
    ax = figure.add_subplot()
    counts: dict[ts.TrialState, int] = {}
    for trial in trials:
        steps = sorted(trial.intermediate_values)
        values = [trial.intermediate_values[step] for step in steps]
        colour = _COLOURS[trial.state]
        first = trial.state not in counts
        counts[trial.state] = counts.get(trial.state, 0) + 1
        ax.plot(steps, values, color=colour, alpha=0.5, linewidth=1,
                label=trial.state.name.lower() if first else None)  # fmt: skip
        if trial.state is ts.TrialState.PRUNED:
            ax.scatter(steps[-1:], values[-1:], marker="x", color=PRUNED, s=20, zorder=3)
        elif trial.state is ts.TrialState.FAIL:
            ax.scatter(steps[-1:], values[-1:], marker="o", color=FAILED, s=14, zorder=3)
    for text in ax.legend(loc="best", fontsize="small").get_texts():
        state = ts.TrialState[text.get_text().upper()]
        text.set_text(f"{text.get_text()} ({counts[state]})")
    ax.set_xlabel("step")
    ax.set_ylabel("intermediate value")
    ax.set_title(f"Learning curves of {study.study_name}")
    ax.grid(alpha=0.3)
    return figure
