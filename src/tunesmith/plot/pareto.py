"""Pareto front of two objectives."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import tunesmith as ts
from tunesmith.plot._common import BEST, COMPLETE, check_study, empty, finite, new_figure
from tunesmith.validation import check_choice


def pareto_mask(points: np.ndarray, directions: Sequence[str]) -> np.ndarray:
    """(n,) bool: the points (n, 2) no other point dominates (better or equal in both
    objectives, better in one)."""
    signs = np.array([1.0 if d == "minimize" else -1.0 for d in directions])
    losses = points * signs
    mask = np.ones(len(losses), dtype=bool)
    for i, point in enumerate(losses):
        dominated = np.all(losses <= point, axis=1) & np.any(losses < point, axis=1)
        mask[i] = not dominated.any()
    return mask


def plot_pareto_front(
    study: ts.Study,
    *,
    targets: tuple[Callable[[ts.FrozenTrial], float], Callable[[ts.FrozenTrial], float]]
    | None = None,
    directions: tuple[str, str] | None = None,
    target_names: tuple[str, str] = ("objective 1", "objective 2"),
) -> Any:
    """Every COMPLETE trial as a point of two objectives, the non-dominated ones joined
    as the front.

    A study of two objectives plots them in its own directions. Otherwise give
    ``targets``, two functions of the trial (e.g. its value and its duration), and their
    ``directions`` (default: both minimized).

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(seed=0, sampler="random")
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10)
        >>> figure = plot_pareto_front(study, targets=(lambda t: t.value,
        ...                            lambda t: 1 - t.params["x"] ** 0.5))
        >>> figure.axes[0].get_xlabel()
        'objective 1'
    """
    study = check_study(study, "plot_pareto_front")
    if targets is None:
        if len(study.directions) != 2:
            raise ts.InvalidArgumentError(
                f"plot_pareto_front: study {study.study_name!r} has "
                f"{len(study.directions)} objective(s); give `targets`, two functions of the "
                "trial to plot against each other"
            )
        targets = (lambda t: t.values[0], lambda t: t.values[1])  # type: ignore[index]
        if directions is None:
            directions = (study.directions[0].value, study.directions[1].value)
    directions = directions or ("minimize", "minimize")
    for direction in directions:
        check_choice("directions", direction, ("minimize", "maximize"), owner="plot_pareto_front")
    rows = []
    for trial in study.trials:
        if trial.state is ts.TrialState.COMPLETE:
            pair = finite(targets[0](trial)), finite(targets[1](trial))
            if pair[0] is not None and pair[1] is not None:
                rows.append(pair)
    figure = new_figure(width=6.0, height=5.0)
    if not rows:
        return empty(figure, "no COMPLETE trial yet")
    points = np.array(rows, dtype=float)
    front = pareto_mask(points, directions)
    ax = figure.add_subplot()
    ax.scatter(*points[~front].T, s=12, color=COMPLETE, alpha=0.5, label="dominated")
    ordered = points[front][np.argsort(points[front][:, 0])]
    ax.plot(*ordered.T, marker="o", color=BEST, label=f"Pareto front ({front.sum()})")
    ax.set_xlabel(target_names[0])
    ax.set_ylabel(target_names[1])
    ax.set_title(f"Pareto front of {study.study_name}")
    ax.legend(loc="best", fontsize="small")
    ax.grid(alpha=0.3)
    return figure
