"""Importance bars: each parameter's share, as ``ts.importance`` computes it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tunesmith as ts
from tunesmith.analysis.objective import choose
from tunesmith.plot._common import COMPLETE, Target, check_study, empty, new_figure


def plot_param_importances(
    study: ts.Study,
    *,
    evaluator: ts.ImportanceEvaluator | None = None,
    params: Sequence[str] | None = None,
    target: Target | None = None,
    top_fraction: float | None = None,
    objective: int | None = None,
) -> Any:
    """Horizontal bars of :func:`tunesmith.importance`, the most important on top.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(seed=0, sampler="random")
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 9),
        ...                n_trials=30)
        >>> [t.get_text() for t in plot_param_importances(study).axes[0].get_yticklabels()]
        ['x', 'y']
    """
    study = check_study(study, "plot_param_importances")
    figure = new_figure(width=6.5)
    chosen = choose(study, target, objective, owner="plot_param_importances")
    n_complete = sum(t.state is ts.TrialState.COMPLETE for t in study.trials)
    if n_complete < 2:
        return empty(figure, "importance needs at least two COMPLETE trials")
    shares = ts.importance(
        study,
        evaluator=evaluator,
        params=params,
        target=target,
        top_fraction=top_fraction,
        objective=objective,
    )
    figure.set_size_inches(6.5, 1.2 + 0.35 * len(shares))
    ax = figure.add_subplot()
    names = list(shares)[::-1]
    bars = ax.barh(names, [shares[name] for name in names], color=COMPLETE)
    ax.bar_label(bars, labels=[f"{shares[name]:.2f}" for name in names], padding=3)
    ax.set_xlim(0, max(shares.values()) * 1.15 or 1)
    used = type(evaluator).__name__ if evaluator is not None else "FanovaEvaluator"
    ax.set_xlabel(f"share of the importance ({used})")
    title = f"Parameter importance in {study.study_name}"
    if len(study.directions) > 1 or target is not None:
        title += f": {chosen.label}"
    ax.set_title(title)
    return figure
