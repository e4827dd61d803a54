"""Warm starts of CMA-ES from earlier trials (Nomura et al. 2021, WS-CMA-ES): the first
run's mean, step size and covariance estimated from the best 10 % of them, and for
categorical parameters the share of each category among those, plus one of each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tunesmith.encoding import UnitCube
from tunesmith.errors import require_module
from tunesmith.history import FrozenTrial
from tunesmith.states import Direction, TrialState

#: Warm starts take the best 10 % of at least this many earlier trials.
WARM_START_MINIMUM = 10


def warm_start(
    layout: Any, warm: Sequence[tuple[np.ndarray, float]]
) -> tuple[np.ndarray, float, np.ndarray | None, np.ndarray | None]:
    """Mean, σ, covariance and category probabilities estimated from the best 10 % of
    earlier trials (Nomura et al. 2021: WS-CMA-ES), given as ``(cube point, loss)``."""
    cmaes: Any = require_module("cmaes", "cmaes", "CmaEsSampler")
    coordinates = [(layout.coordinates(point), loss) for point, loss in warm]
    mean, sigma, cov = np.empty(0), 0.0, None
    if len(layout.gaussian):
        mean, sigma, cov = cmaes.get_warm_start_mgd(
            [(v, loss) for (v, _), loss in coordinates], gamma=0.1, alpha=0.1
        )
        mean = np.clip(mean, layout.low, layout.high)
    categories = None
    if len(layout.categorical):
        best = sorted(coordinates, key=lambda item: item[1])[: max(1, len(warm) // 10)]
        cells = layout.cube.cells[layout.categorical]
        counts = np.zeros((len(cells), int(cells.max())))
        counts[:, :] = np.arange(counts.shape[1]) < cells[:, None]  # a uniform prior count
        for (_, chosen), _ in best:
            counts[np.arange(len(cells)), chosen] += 1
        categories = counts / counts.sum(axis=1, keepdims=True)
    return mean, sigma, cov, categories


def warm_points(
    trials: Sequence[FrozenTrial], cube: UnitCube, direction: Direction, fingerprint: str
) -> list[tuple[np.ndarray, float]]:
    """``(cube point, loss)`` of the COMPLETE trials that have every parameter of the
    cube's space inside its range and are not this search's own."""
    sign = 1.0 if direction is Direction.MINIMIZE else -1.0
    points = []
    for trial in trials:
        notes = trial.notes.get("cmaes")
        if trial.state is not TrialState.COMPLETE or trial.value is None:
            continue
        if notes is not None and notes.get("space") == fingerprint:
            continue
        if not all(name in trial.params for name in cube.names):
            continue
        if not all(cube.space[name].contains(trial.params[name]) for name in cube.names):
            continue
        points.append((cube.encode(trial.params), sign * trial.value))
    return points
