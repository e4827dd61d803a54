"""Slice plots: each parameter against the objective, the classic recipe's picture."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import tunesmith as ts
from tunesmith.plot._common import (
    Target,
    check_study,
    choose_params,
    completed,
    empty,
    failed_strip,
    failed_trials,
    jitter,
    new_figure,
    param_axis,
    positions,
    target_label,
)


def plot_slice(
    study: ts.Study,
    *,
    params: Sequence[str] | None = None,
    target: Target | None = None,
    target_name: str | None = None,
    objective: int | None = None,
) -> Any:
    """One panel per parameter: the value of every COMPLETE trial against the
    parameter's value, coloured by trial number (later trials darker). Log-scaled
    parameters on log axes, categorical ones by choice; failed trials as marks along the
    bottom; a trial without a conditional parameter is absent from its panel.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(seed=0, sampler="random")
        >>> study.optimize(lambda t: t.suggest_float("x", 1e-3, 1, log=True), n_trials=10)
        >>> plot_slice(study).axes[0].get_xscale()
        'log'
    """
    study = check_study(study, "plot_slice")
    trials, values, chosen = completed(study, target, "plot_slice", objective)
    figure = new_figure()
    if not trials:
        return empty(figure, "no COMPLETE trial yet")
    space = choose_params(trials, params, "plot_slice")
    cols = min(len(space), 3)
    rows = math.ceil(len(space) / cols)
    figure.set_size_inches(4.2 * cols, 3.4 * rows)
    failed = failed_trials(study)
    numbers = np.array([trial.number for trial in trials])
    for index, (name, distribution) in enumerate(space.items()):
        ax = figure.add_subplot(rows, cols, index + 1)
        xs = positions(trials, name, distribution)
        shown = ~np.isnan(xs)
        points = ax.scatter(
            jitter(xs[shown], distribution),
            values[shown],
            c=numbers[shown],
            cmap="viridis",
            vmin=0,
            vmax=max(1, int(numbers.max())),
            s=14,
            edgecolors="none",
        )
        failed_xs = positions(failed, name, distribution)
        failed_strip(ax, failed_xs[~np.isnan(failed_xs)].tolist())
        param_axis(ax, "x", name, distribution)
        if index % cols == 0:
            ax.set_ylabel(target_label(chosen, target_name))
        ax.grid(alpha=0.3)
    figure.colorbar(points, ax=figure.axes, label="trial", shrink=0.8)
    title = f"Slice plot of {study.study_name}"
    if failed:
        title += f" ({len(failed)} failed: red crosses below the dotted lines)"
    figure.suptitle(title)
    return figure
