"""Optimization history: every trial's value by trial number, and the best so far."""

from __future__ import annotations

from typing import Any

import numpy as np

import tunesmith as ts
from tunesmith.plot._common import (
    BEST,
    COMPLETE,
    PRUNED,
    Target,
    check_study,
    completed,
    empty,
    failed_strip,
    failed_trials,
    finite,
    new_figure,
    target_label,
)


def plot_optimization_history(
    study: ts.Study,
    *,
    target: Target | None = None,
    target_name: str | None = None,
    objective: int | None = None,
) -> Any:
    """Each COMPLETE trial's value against its number, the best value so far as a step
    line, pruned trials (at their last reported value) and failed ones marked apart.

    Args:
        study: The study (only read).
        target: A function of a ``FrozenTrial`` to draw instead of its value (it is
            taken in the study's direction for the best so far).
        target_name: The value axis' label.
        objective: For a study of several objectives, which one to draw (0, 1, ...);
            such a study needs this or ``target``.

    Returns:
        A ``matplotlib.figure.Figure``.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(seed=0, sampler="random")
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) ** 2, n_trials=10)
        >>> plot_optimization_history(study).axes[0].get_xlabel()
        'trial'
    """
    study = check_study(study, "plot_optimization_history")
    trials, values, chosen = completed(study, target, "plot_optimization_history", objective)
    figure = new_figure()
    if not trials:
        return empty(figure, "no COMPLETE trial yet")
    ax = figure.add_subplot()
    numbers = np.array([trial.number for trial in trials])
    ax.scatter(numbers, values, s=14, color=COMPLETE, label="complete", zorder=2)
    minimize = chosen.minimize
    best = (np.minimum if minimize else np.maximum).accumulate(values)
    ax.step(numbers, best, where="post", color=BEST, linewidth=2, label="best so far")
    if target is None and len(study.directions) == 1:
        pruned = [t for t in study.trials if t.state is ts.TrialState.PRUNED]
        shown = [(t.number, finite(t.value)) for t in pruned if finite(t.value) is not None]
        if shown:
            xs, ys = zip(*shown, strict=True)
            ax.scatter(xs, ys, s=14, marker="v", color=PRUNED, label=f"pruned ({len(xs)})")
    failed_strip(ax, [trial.number for trial in failed_trials(study)])
    ax.set_xlabel("trial")
    ax.set_ylabel(target_label(chosen, target_name))
    ax.set_title(f"Optimization history of {study.study_name}")
    ax.legend(loc="best", fontsize="small")
    ax.grid(alpha=0.3)
    return figure
