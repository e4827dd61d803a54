"""Empirical distribution function of the objective values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import tunesmith as ts
from tunesmith.plot._common import Target, check_study, completed, new_figure


def plot_edf(
    study: ts.Study | Sequence[ts.Study],
    *,
    target: Target | None = None,
    target_name: str | None = None,
    objective: int | None = None,
) -> Any:
    """For each study, the share of its COMPLETE trials with a value at most x: a curve
    to the left (minimizing) means more good trials. Several studies can be compared on
    one figure.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(seed=0, sampler="random")
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10)
        >>> plot_edf(study).axes[0].get_ylabel()
        'share of trials'
    """
    studies = [study] if not isinstance(study, (list, tuple)) else list(study)
    figure = new_figure()
    ax = figure.add_subplot()
    label = target_name
    for each in studies:
        each = check_study(each, "plot_edf")
        _, values, chosen = completed(each, target, "plot_edf", objective)
        label = label or chosen.label
        if values.size == 0:
            continue
        ordered = np.sort(values)
        shares = np.arange(1, ordered.size + 1) / ordered.size
        ax.step(ordered, shares, where="post", label=f"{each.study_name} ({ordered.size})")
    ax.set_xlabel(label or "objective value")
    ax.set_ylabel("share of trials")
    ax.set_ylim(0, 1.02)
    ax.set_title("Empirical distribution of values")
    if ax.lines:
        ax.legend(loc="best", fontsize="small")
    ax.grid(alpha=0.3)
    return figure
