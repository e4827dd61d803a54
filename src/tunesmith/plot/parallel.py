"""Parallel coordinates: every trial as a line across the objective and the parameters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import tunesmith as ts
from tunesmith.errors import require_module
from tunesmith.plot._common import (
    FAILED,
    Target,
    check_study,
    choose_params,
    completed,
    empty,
    failed_trials,
    is_log,
    new_figure,
    positions,
    target_label,
)


def _scaled(values: np.ndarray, distribution: ts.Distribution) -> tuple[np.ndarray, list[str]]:
    """Values mapped to [0, 1] along the axis (log where the parameter is), and the
    labels of the axis' bottom and top (or of every choice, for a categorical)."""
    if isinstance(distribution, ts.Categorical):
        k = distribution.n_values
        return (values + 0.5) / k, [str(choice) for choice in distribution.choices]
    low, high = float(distribution.low), float(distribution.high)
    finite = values[~np.isnan(values)]
    if finite.size:
        low, high = min(low, float(finite.min())), max(high, float(finite.max()))
    ends = [f"{low:.3g}", f"{high:.3g}"]
    if is_log(distribution):
        values, low, high = np.log(values), np.log(low), np.log(high)
    span = high - low or 1.0
    return (values - low) / span, ends


def plot_parallel_coordinate(
    study: ts.Study,
    *,
    params: Sequence[str] | None = None,
    target: Target | None = None,
    target_name: str | None = None,
    objective: int | None = None,
) -> Any:
    """A vertical axis for the objective and for each parameter, every COMPLETE trial a
    line through its values, coloured by its value (the best trials brightest and on
    top). Failed trials are thin red dashes through their parameters only; a trial lacking
    a conditional parameter breaks its line there.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(seed=0, sampler="random")
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("n", 1, 3),
        ...                n_trials=10)
        >>> len(plot_parallel_coordinate(study).axes[0].collections[0].get_segments())
        10
    """
    study = check_study(study, "plot_parallel_coordinate")
    trials, values, chosen = completed(study, target, "plot_parallel_coordinate", objective)
    if not trials:
        return empty(new_figure(), "no COMPLETE trial yet")
    space = choose_params(trials, params, "plot_parallel_coordinate")
    figure = new_figure(width=max(6.0, 1.4 * (len(space) + 1)))
    ax = figure.add_subplot()
    low, high = float(values.min()), float(values.max())
    columns = [(values - low) / ((high - low) or 1.0)]
    labels = [[f"{low:.4g}", f"{high:.4g}"]]
    for name, distribution in space.items():
        scaled, ends = _scaled(positions(trials, name, distribution), distribution)
        columns.append(scaled)
        labels.append(ends)
    lines = np.column_stack(columns)
    minimize = chosen.minimize
    goodness = 1 - columns[0] if minimize else columns[0]
    xs = np.arange(lines.shape[1])
    collections: Any = require_module("matplotlib.collections", "plot", "tunesmith.plot")
    # one collection per kind of line (thousands of trials draw in a second); the best
    # trials last, on top; failed ones behind every value, dashed and faint
    failed = failed_trials(study)
    if failed:
        rows = [
            [np.nan] + [_scaled(positions([trial], name, d), d)[0][0] for name, d in space.items()]
            for trial in failed
        ]
        ax.add_collection(
            collections.LineCollection(
                [np.column_stack([xs, ys]) for ys in rows], colors=FAILED, linestyles="--",
                linewidths=0.8, alpha=0.7 if len(failed) < 50 else 0.25, zorder=1,
                label=f"failed ({len(failed)})",
            )
        )  # fmt: skip
    order = np.argsort(goodness)
    ax.add_collection(
        collections.LineCollection(
            [np.column_stack([xs, lines[row]]) for row in order],
            colors=_cmap()(goodness[order]), linewidths=1 if len(order) < 1000 else 0.5,
            alpha=0.6 if len(order) < 1000 else 0.3, zorder=2,
        )
    )  # fmt: skip
    names = [target_label(chosen, target_name), *space]
    for x, (name, ends) in enumerate(zip(names, labels, strict=True)):
        ax.axvline(x, color="black", linewidth=0.8)
        categorical = name in space and isinstance(space[name], ts.Categorical)
        ticks = (np.arange(len(ends)) + 0.5) / len(ends) if categorical else np.array([0, 1])
        for tick, text in zip(ticks, ends, strict=True):
            ax.text(x + 0.03, tick, text, fontsize="x-small", va="center")
    ax.set_xticks(xs, [n + (" (log)" if n in space and is_log(space[n]) else "") for n in names],
                  rotation=20)  # fmt: skip
    ax.set_yticks([])
    ax.set_xlim(-0.2, len(xs) - 0.6)
    ax.set_ylim(-0.05, 1.05)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    title = f"Parallel coordinates of {study.study_name}"
    if failed:
        title += f" ({len(failed)} failed: red dashes)"
    ax.set_title(title)
    return figure


def _cmap() -> Any:
    colormaps: Any = require_module("matplotlib", "plot", "tunesmith.plot")
    return colormaps.colormaps["viridis"]
