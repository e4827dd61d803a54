"""The Pareto front of two or more objectives."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import tunesmith as ts
from tunesmith.plot._common import BEST, COMPLETE, check_study, empty, finite, new_figure
from tunesmith.validation import check_choice

Target = Callable[[ts.FrozenTrial], float]


def _objective(i: int) -> Target:
    return lambda trial: trial.values[i]  # type: ignore[index]


def plot_pareto_front(
    study: ts.Study,
    *,
    targets: Sequence[Target] | None = None,
    directions: Sequence[str] | None = None,
    target_names: Sequence[str] | None = None,
) -> Any:
    """Every COMPLETE trial as a point of its objectives, the non-dominated ones marked
    as the front.

    A study of several objectives plots them in its own directions. Otherwise give
    ``targets``, two or more functions of the trial (e.g. its value and its duration),
    and their ``directions`` (default: all minimized). Two objectives make one plot, the
    front joined as a line; more make one plot per pair (the lower triangle of a
    matrix), the front being the trials no other beats in all objectives at once.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(seed=0, sampler="random")
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10)
        >>> figure = plot_pareto_front(study, targets=(lambda t: t.value,
        ...                            lambda t: 1 - t.params["x"] ** 0.5))
        >>> figure.axes[0].get_xlabel()
        'objective 1'
    """
    owner = "plot_pareto_front"
    study = check_study(study, owner)
    if targets is None:
        k = len(study.directions)
        if k < 2:
            raise ts.InvalidArgumentError(
                f"{owner}: study {study.study_name!r} has 1 objective; give `targets`, two or "
                "more functions of the trial to plot against each other"
            )
        targets = [_objective(i) for i in range(k)]
        if directions is None:
            directions = [direction.value for direction in study.directions]
    if len(targets) < 2 or not all(callable(target) for target in targets):
        raise ts.InvalidArgumentError(
            f"{owner}: `targets` must be two or more functions of the trial, but got {targets!r}"
        )
    k = len(targets)
    directions = list(directions or ["minimize"] * k)
    for direction in directions:
        check_choice("directions", direction, ("minimize", "maximize"), owner=owner)
    names = list(target_names or [f"objective {i + 1}" for i in range(k)])
    if len(directions) != k or len(names) != k:
        raise ts.InvalidArgumentError(
            f"{owner}: give one direction and one name per target ({k}), but got "
            f"{len(directions)} direction(s) and {len(names)} name(s)"
        )
    rows = []
    for trial in study.trials:
        if trial.state is ts.TrialState.COMPLETE:
            values = [finite(target(trial)) for target in targets]
            if all(value is not None for value in values):
                rows.append(values)
    size = 5.0 if k == 2 else 2.6 * (k - 1)
    figure = new_figure(width=size + 1.0, height=size)
    if not rows:
        return empty(figure, "no COMPLETE trial yet")
    points = np.array(rows, dtype=float)
    signs = np.array([1.0 if d == "minimize" else -1.0 for d in directions])
    front = ts.pareto.pareto_mask(points * signs)  # the public module (README)
    if k == 2:
        ax = figure.add_subplot()
        ax.scatter(*points[~front].T, s=12, color=COMPLETE, alpha=0.5, label="dominated")
        ordered = points[front][np.argsort(points[front][:, 0])]
        ax.plot(*ordered.T, marker="o", color=BEST, label=f"Pareto front ({front.sum()})")
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
        ax.legend(loc="best", fontsize="small")
        ax.grid(alpha=0.3)
        ax.set_title(f"Pareto front of {study.study_name}")
        return figure
    grid = figure.subplots(k - 1, k - 1, squeeze=False)
    for row in range(k - 1):
        for column in range(k - 1):
            ax = grid[row][column]
            y, x = row + 1, column
            if x >= y:
                ax.set_axis_off()
                continue
            ax.scatter(points[~front, x], points[~front, y], s=8, color=COMPLETE, alpha=0.4,
                       label="dominated")  # fmt: skip
            ax.scatter(points[front, x], points[front, y], s=14, color=BEST,
                       label=f"Pareto front ({front.sum()})")  # fmt: skip
            ax.grid(alpha=0.3)
            if column == 0:
                ax.set_ylabel(names[y])
            if row == k - 2:
                ax.set_xlabel(names[x])
    handles, labels = grid[0][0].get_legend_handles_labels()
    grid[0][k - 2].legend(handles, labels, loc="center")  # in the empty upper right cell
    figure.suptitle(f"Pareto front of {study.study_name} ({k} objectives, each pair)")
    return figure
