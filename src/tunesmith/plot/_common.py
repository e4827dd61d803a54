"""What every plot shares: matplotlib loaded on demand, the trials to draw, parameter
axes (log scale, categories), and failed trials drawn apart.

Plots use matplotlib's object interface (``matplotlib.figure.Figure``), never pyplot:
they open no window, need no display, and return the figure for the caller to save or
show.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import tunesmith as ts
from tunesmith.analysis.objective import Chosen, choose
from tunesmith.analysis.objective import check_study as check_study  # the plots check here
from tunesmith.errors import require_module

Target = Callable[[ts.FrozenTrial], Any]

FAILED = "tab:red"
PRUNED = "tab:orange"
COMPLETE = "tab:blue"
BEST = "tab:green"
RUNNING = "tab:gray"


def new_figure(*, width: float = 7.0, height: float = 4.5) -> Any:
    """A figure (``matplotlib.figure.Figure``) without pyplot, laid out to fit; its
    ``show()`` works as code written for Plotly's figures expects."""
    require_module("matplotlib.figure", "plot", "tunesmith.plot")
    from tunesmith.plot._figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def finite(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def completed(
    study: ts.Study, target: Target | None, owner: str, objective: int | None = None
) -> tuple[list[ts.FrozenTrial], np.ndarray, Chosen]:
    """COMPLETE trials with a finite value of the number drawn (the study's value, one
    of its objectives or a target: :mod:`tunesmith.analysis.objective`), those values,
    and what was chosen."""
    chosen = choose(study, target, objective, owner=owner)
    trials, values = [], []
    for trial in study.trials:
        if trial.state is ts.TrialState.COMPLETE:
            value = finite(chosen.of(trial))
            if value is not None:
                trials.append(trial)
                values.append(value)
    return trials, np.array(values, dtype=float), chosen


def target_label(chosen: Chosen, target_name: str | None) -> str:
    return chosen.label if target_name is None else target_name


def distributions(trials: Sequence[ts.FrozenTrial]) -> dict[str, ts.Distribution]:
    """Each parameter's distribution in the last trial that has it, in order of
    appearance."""
    latest: dict[str, ts.Distribution] = {}
    for trial in trials:
        latest.update(trial.distributions)
    return latest


def choose_params(
    trials: Sequence[ts.FrozenTrial], params: Sequence[str] | None, owner: str
) -> dict[str, ts.Distribution]:
    """The parameters to draw (all, by default), with their distributions."""
    latest = distributions(trials)
    if params is None:
        return latest
    if isinstance(params, str) or not all(isinstance(p, str) for p in params):
        raise ts.InvalidArgumentError(
            f"{owner}: `params` must be a list of parameter names, but got {params!r}"
        )
    missing = [name for name in params if name not in latest]
    if missing:
        raise ts.InvalidArgumentError(
            f"{owner}: `params` must name parameters of the study, but {missing!r} appear in "
            f"no trial; the study has {sorted(latest)!r}"
        )
    return {name: latest[name] for name in params}


def is_log(distribution: ts.Distribution) -> bool:
    return isinstance(distribution, (ts.Float, ts.Int)) and distribution.log


def positions(
    trials: Sequence[ts.FrozenTrial], name: str, distribution: ts.Distribution
) -> np.ndarray:
    """Where each trial sits on the parameter's axis (NaN: the trial lacks it). A
    categorical's position is the index of its choice."""
    out = np.full(len(trials), np.nan)
    for row, trial in enumerate(trials):
        if name not in trial.params:
            continue
        value = trial.params[name]
        if isinstance(distribution, ts.Categorical):
            index = distribution.index(value)
            out[row] = np.nan if index is None else index
        else:
            out[row] = float(value)
    return out


def param_axis(ax: Any, which: str, name: str, distribution: ts.Distribution) -> None:
    """Label an axis for a parameter: a log scale where it has one, its choices as ticks
    where it is categorical."""
    set_label = ax.set_xlabel if which == "x" else ax.set_ylabel
    set_label(name + (" (log)" if is_log(distribution) else ""))
    if is_log(distribution):
        (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    if isinstance(distribution, ts.Categorical):
        ticks = list(range(distribution.n_values))
        labels = [str(choice) for choice in distribution.choices]
        if which == "x":
            ax.set_xticks(ticks, labels)
            ax.set_xlim(-0.5, distribution.n_values - 0.5)
        else:
            ax.set_yticks(ticks, labels)
            ax.set_ylim(-0.5, distribution.n_values - 0.5)


def jitter(values: np.ndarray, distribution: ts.Distribution, seed: int = 0) -> np.ndarray:
    """Categorical positions spread a little, so trials with one choice do not overlap."""
    if not isinstance(distribution, ts.Categorical):
        return values
    return values + np.random.default_rng(seed).uniform(-0.15, 0.15, len(values))


def failed_strip(ax: Any, xs: Sequence[float], *, label: str = "failed") -> None:
    """Failed trials (they have no value) as crosses in a band added below the values,
    past a dashed line: seen, but apart from the values. Call it after drawing them."""
    if len(xs) == 0:
        return
    low, high = ax.get_ylim()
    ax.set_ylim(low - 0.12 * (high - low), high)
    ax.axhline(low, color="gray", linestyle=":", linewidth=0.8)
    ax.scatter(
        xs,
        np.full(len(xs), 0.05),
        marker="x",
        color=FAILED,
        s=18,
        transform=ax.get_xaxis_transform(),
        label=f"{label} ({len(xs)})",
        zorder=3,
    )


def failed_trials(study: ts.Study) -> list[ts.FrozenTrial]:
    return [trial for trial in study.trials if trial.state is ts.TrialState.FAIL]


def empty(figure: Any, message: str) -> Any:
    """A figure that says why there is nothing to draw."""
    ax = figure.add_subplot()
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return figure
