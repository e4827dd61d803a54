"""A study as one JSON-ready dict: what the HTML report embeds and the dashboard serves.

Trials are stored by column (one list per field), which keeps 10,000 trials to a few
megabytes and lets the page draw each plot from a slice of the columns:

    study        name, directions (one per objective), counts per state, when it was read
    params       [{name, kind: float|int|categorical, log, low, high, choices}]
    trials       number, state, values (one column per objective: [[v or None, ...], ...]),
                 start, end (seconds since the first trial's start), lane (see
                 :mod:`.timeline`), reason, and params: {name: [value or None]} (a
                 categorical's value is its choice's label)
    curves       the trials that reported intermediate values: number, state, steps, values
    best         the best trials: [the best one] with one objective, the Pareto front
                 (``study.best_trials``) with several; each {number, values, params}
    importance   per objective, {name: share} from ``ts.importance`` (None with fewer than
                 MIN_IMPORTANCE_TRIALS COMPLETE trials), of at most MAX_TRIALS trials;
                 ``importance_trials`` says how many it read
    contour      per objective, the value interpolated on a grid over the two most
                 important numeric parameters (None if there are not two)
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

import tunesmith as ts
from tunesmith.analysis.parameter_importance import importance
from tunesmith.analysis.timeline import lanes

_CONTOUR_GRID = 40
#: Importance and the contour read at most this many trials (a fixed random subset): on
#: 10,000 trials fANOVA and the interpolation would take seconds, for the same picture.
MAX_TRIALS = 2_000
#: With fewer COMPLETE trials no tree of fANOVA's forest can split (it needs 5 trials in a
#: node), so every share would come out equal: the page shows no importance instead.
MIN_IMPORTANCE_TRIALS = 5


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _label(value: object) -> str:
    return "None" if value is None else str(value)


def _param_spec(name: str, distribution: ts.Distribution) -> dict[str, Any]:
    if isinstance(distribution, ts.Categorical):
        labels = [_label(choice) for choice in distribution.choices]
        return {"name": name, "kind": "categorical", "log": False, "choices": labels}
    kind = "int" if isinstance(distribution, ts.Int) else "float"
    return {
        "name": name,
        "kind": kind,
        "log": distribution.log,
        "low": distribution.low,
        "high": distribution.high,
    }


def _column(trials: Sequence[ts.FrozenTrial], name: str, categorical: bool) -> list[Any]:
    if categorical:
        return [_label(t.params[name]) if name in t.params else None for t in trials]
    return [_number(t.params[name]) if name in t.params else None for t in trials]


def study_payload(study: ts.Study, *, with_importance: bool = True) -> dict[str, Any]:
    """The study as JSON-ready values (see the module docstring); reads, never writes."""
    now = time.time()
    trials = [t for t in study.trials if t.state is not ts.TrialState.WAITING]  # not started
    latest: dict[str, ts.Distribution] = {}
    for trial in trials:
        latest.update(trial.distributions)
    origin = min((t.started_at for t in trials), default=now)
    counts = {state.name: 0 for state in ts.TrialState}
    for trial in trials:
        counts[trial.state.name] += 1
    n_objectives = len(study.directions)
    columns = {
        "number": [t.number for t in trials],
        "state": [t.state.name for t in trials],
        "values": [[_number(_nth(t, k)) for t in trials] for k in range(n_objectives)],
        "start": [round(t.started_at - origin, 3) for t in trials],
        "end": [
            None if t.finished_at is None else round(t.finished_at - origin, 3) for t in trials
        ],
        "lane": lanes(trials, now),
        "reason": [t.reason for t in trials],
        "params": {
            name: _column(trials, name, isinstance(d, ts.Categorical)) for name, d in latest.items()
        },
    }
    reported = [t for t in trials if t.intermediate_values]
    curves = {
        "number": [t.number for t in reported],
        "state": [t.state.name for t in reported],
        "steps": [sorted(t.intermediate_values) for t in reported],
        "values": [[_number(t.intermediate_values[s]) for s in sorted(t.intermediate_values)]
                   for t in reported],
    }  # fmt: skip
    best = _best(study)
    shares = (
        [_importance(study, trials, k) for k in range(n_objectives)]
        if with_importance
        else [None] * n_objectives
    )
    return {
        "study": {
            "name": study.study_name,
            "directions": [direction.value for direction in study.directions],
            "counts": counts,
            "n_trials": len(trials),
            "read_at": now,
            "first_start": origin,
        },
        "params": [_param_spec(name, d) for name, d in latest.items()],
        "trials": columns,
        "curves": curves,
        "best": best,
        "importance": shares,
        "importance_trials": min(MAX_TRIALS, counts["COMPLETE"]),
        "contour": [
            _contour(trials, latest, shares[k], k) if with_importance else None
            for k in range(n_objectives)
        ],
    }


def _nth(trial: ts.FrozenTrial, k: int) -> float | None:
    """The trial's k-th objective value (its value, with one objective)."""
    if k == 0 and trial.values is None:
        return trial.value
    return trial.values[k] if trial.values is not None and len(trial.values) > k else None


def _shown(value: object) -> object:
    return _label(value) if isinstance(value, str) or value is None else value


def _best(study: ts.Study) -> list[dict[str, Any]]:
    if len(study.directions) == 1:
        try:
            front = [study.best_trial]
        except ts.NoCompletedTrialError:
            front = []
    else:
        front = sorted(study.best_trials, key=lambda t: t.number)
    return [
        {
            "number": trial.number,
            "values": [_number(_nth(trial, k)) for k in range(len(study.directions))],
            "params": {name: _shown(value) for name, value in trial.params.items()},
        }
        for trial in front
    ]


def _importance(study: ts.Study, trials: list[ts.FrozenTrial], k: int) -> dict[str, float] | None:
    usable = [
        t
        for t in trials
        if t.state is ts.TrialState.COMPLETE and t.params and _number(_nth(t, k)) is not None
    ]
    if len(usable) < MIN_IMPORTANCE_TRIALS:
        return None
    return importance(study, objective=k, max_trials=MAX_TRIALS)


def _contour(
    trials: list[ts.FrozenTrial],
    latest: dict[str, ts.Distribution],
    shares: dict[str, float] | None,
    k: int,
) -> dict[str, Any] | None:
    numeric = [n for n in (shares or latest) if not isinstance(latest[n], ts.Categorical)]
    complete = [t for t in trials if t.state is ts.TrialState.COMPLETE]
    if len(numeric) < 2:
        return None
    x_name, y_name = numeric[:2]
    points = [
        (t.params[x_name], t.params[y_name], _nth(t, k))
        for t in complete
        if x_name in t.params and y_name in t.params and _number(_nth(t, k)) is not None
    ]
    if len(points) < 4:
        return None
    data = np.array(points, dtype=float)
    if len(data) > MAX_TRIALS:
        data = data[np.random.default_rng(0).choice(len(data), MAX_TRIALS, replace=False)]
    logs = [_is_log(latest[x_name]), _is_log(latest[y_name])]
    plane = np.column_stack([np.log10(data[:, i]) if logs[i] else data[:, i] for i in (0, 1)])
    if np.ptp(plane[:, 0]) == 0 or np.ptp(plane[:, 1]) == 0:
        return None
    from scipy import interpolate

    gx = np.linspace(plane[:, 0].min(), plane[:, 0].max(), _CONTOUR_GRID)
    gy = np.linspace(plane[:, 1].min(), plane[:, 1].max(), _CONTOUR_GRID)
    mesh = np.meshgrid(gx, gy)
    z = interpolate.griddata(plane, data[:, 2], tuple(mesh), method="linear")
    back = [10**gx if logs[0] else gx, 10**gy if logs[1] else gy]
    return {
        "x": x_name,
        "y": y_name,
        "xs": np.round(back[0], 12).tolist(),
        "ys": np.round(back[1], 12).tolist(),
        "z": [[None if math.isnan(v) else round(float(v), 12) for v in row] for row in z],
        "log": logs,
    }


def _is_log(distribution: ts.Distribution) -> bool:
    return isinstance(distribution, (ts.Float, ts.Int)) and distribution.log
