"""Contour of the objective over two parameters."""

from __future__ import annotations

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
    param_axis,
    positions,
    target_label,
)

_GRID = 60


def _to_plane(values: np.ndarray, distribution: ts.Distribution) -> np.ndarray:
    """Coordinates in which to interpolate: log where the parameter is log-scaled."""
    return np.log(values) if is_log(distribution) else values


def plot_contour(
    study: ts.Study,
    *,
    params: tuple[str, str] | list[str] | None = None,
    target: Target | None = None,
    target_name: str | None = None,
    objective: int | None = None,
) -> Any:
    """Filled contours of the value over two parameters, interpolated linearly between
    the COMPLETE trials (on the log scale of a log-scaled parameter; between the choices'
    positions for a categorical), with the trials on top and failed ones as red crosses.

    Args:
        params: The two parameters (default: the first two of the study).

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(seed=0, sampler="random")
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) * t.suggest_float("y", 0, 1),
        ...                n_trials=20)
        >>> [ax.get_xlabel() for ax in plot_contour(study).axes][:1]
        ['x']
    """
    study = check_study(study, "plot_contour")
    trials, values, chosen = completed(study, target, "plot_contour", objective)
    figure = new_figure(width=6.5, height=5.0)
    if params is not None and (isinstance(params, str) or len(params) != 2):
        raise ts.InvalidArgumentError(
            f"plot_contour: `params` must be two parameter names, but got {params!r}"
        )
    space = choose_params(trials, None if params is None else list(params), "plot_contour")
    if len(space) < 2 or len(trials) < 3:
        return empty(figure, "a contour needs two parameters and three COMPLETE trials")
    (x_name, x_dist), (y_name, y_dist) = list(space.items())[:2]
    xs, ys = positions(trials, x_name, x_dist), positions(trials, y_name, y_dist)
    both = ~np.isnan(xs) & ~np.isnan(ys)
    ax = figure.add_subplot()
    px, py = _to_plane(xs[both], x_dist), _to_plane(ys[both], y_dist)
    interpolate: Any = require_module("scipy.interpolate", "plot", "plot_contour")
    gx = np.linspace(px.min(), px.max(), _GRID)
    gy = np.linspace(py.min(), py.max(), _GRID)
    mesh_x, mesh_y = np.meshgrid(gx, gy)
    if np.ptp(px) > 0 and np.ptp(py) > 0:
        surface = interpolate.griddata((px, py), values[both], (mesh_x, mesh_y), method="linear")
        back_x = np.exp(mesh_x) if is_log(x_dist) else mesh_x
        back_y = np.exp(mesh_y) if is_log(y_dist) else mesh_y
        # the best values brightest, whichever the direction
        cmap = "viridis_r" if chosen.minimize else "viridis"
        filled = ax.contourf(back_x, back_y, surface, levels=15, cmap=cmap)
        figure.colorbar(filled, ax=ax, label=target_label(chosen, target_name))
    ax.scatter(xs[both], ys[both], s=10, color="white", edgecolors="black", linewidths=0.5)
    failed = failed_trials(study)
    fx, fy = positions(failed, x_name, x_dist), positions(failed, y_name, y_dist)
    shown = ~np.isnan(fx) & ~np.isnan(fy)
    if shown.any():
        ax.scatter(fx[shown], fy[shown], marker="x", color=FAILED, label=f"failed ({shown.sum()})")
        ax.legend(loc="upper right", fontsize="small")
    param_axis(ax, "x", x_name, x_dist)
    param_axis(ax, "y", y_name, y_dist)
    ax.set_title(f"Contour of {study.study_name}")
    return figure
