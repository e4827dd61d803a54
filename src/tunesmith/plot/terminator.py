"""The terminator's view of a study: the improvement still plausible after each trial,
against the objective's noise (see :class:`tunesmith.Terminator`)."""

from __future__ import annotations

from typing import Any

import tunesmith as ts
from tunesmith.plot._common import BEST, COMPLETE, check_study, empty, new_figure


def plot_terminator_improvement(
    study: ts.Study,
    plot_error: bool = False,
    improvement_evaluator: Any = None,
    error_evaluator: Any = None,
    min_n_trials: int = 20,
) -> Any:
    """The regret bound (how much better the optimum can plausibly be than the best trial
    so far) after each COMPLETE trial, and with ``plot_error`` the noise level it is
    compared with; a study stops, under :class:`tunesmith.TerminatorCallback`, where the
    first falls below the second (from ``min_n_trials`` on). As Optuna's plot of the
    same name.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(seed=0, sampler="random")
        >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=8)
        >>> plot_terminator_improvement(study).axes[0].get_ylabel()
        'improvement still possible'
    """
    study = check_study(study, "plot_terminator_improvement")
    improvement = improvement_evaluator or ts.RegretBoundEvaluator()
    error = error_evaluator or ts.CrossValidationErrorEvaluator()
    trials = study.get_trials(states=[ts.TrialState.COMPLETE])
    figure = new_figure()
    if len(trials) < 2:
        return empty(figure, "the improvement needs at least 2 COMPLETE trials")
    numbers, bounds, errors = [], [], []
    for count in range(2, len(trials) + 1):
        head = trials[:count]
        numbers.append(head[-1].number)
        bounds.append(improvement.evaluate(head, study.direction))
        if plot_error:
            errors.append(error.evaluate(head, study.direction))
    ax = figure.add_subplot()
    ax.plot(numbers, bounds, color=COMPLETE, marker="o", markersize=3, label="improvement")
    if plot_error:
        ax.plot(numbers, errors, color=BEST, linestyle="--", label="error")
    if len(trials) >= min_n_trials:
        ax.axvline(trials[min_n_trials - 1].number, color="grey", alpha=0.4,
                   label=f"min_n_trials={min_n_trials}")  # fmt: skip
    ax.set_xlabel("trial")
    ax.set_ylabel("improvement still possible")
    ax.set_title(f"Terminator improvement of {study.study_name}")
    ax.legend(loc="best", fontsize="small")
    ax.grid(alpha=0.3)
    return figure
