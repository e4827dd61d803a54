"""Timeline: when each trial ran, one lane per worker."""

from __future__ import annotations

import time
from typing import Any

import tunesmith as ts
from tunesmith.analysis.timeline import lanes
from tunesmith.plot._common import COMPLETE, FAILED, PRUNED, RUNNING, check_study, empty, new_figure

_COLOURS = {
    ts.TrialState.COMPLETE: COMPLETE,
    ts.TrialState.PRUNED: PRUNED,
    ts.TrialState.FAIL: FAILED,
    ts.TrialState.RUNNING: RUNNING,
}


def plot_timeline(study: ts.Study) -> Any:
    """A bar from each trial's start to its end (to now, while running), coloured by
    state. Trials that record a worker (``trial.set_user_attr("worker", ...)``) are drawn
    in its lane; the others in lanes where no two overlap, as many as ran at once.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(seed=0, sampler="random")
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4)
        >>> plot_timeline(study).axes[0].get_xlabel()
        'seconds since the first trial started'
    """
    study = check_study(study, "plot_timeline")
    trials = [t for t in study.trials if t.state is not ts.TrialState.WAITING]  # not started
    figure = new_figure()
    if not trials:
        return empty(figure, "no trial yet")
    now = time.time()
    lane_of = lanes(trials, now)
    names = sorted(set(lane_of), key=lambda n: (not n.startswith("lane"), len(n), n))
    figure.set_size_inches(8, 1.5 + 0.3 * len(names))
    ax = figure.add_subplot()
    origin = min(trial.started_at for trial in trials)
    row_of = {name: row for row, name in enumerate(names)}
    bars: dict[ts.TrialState, list[tuple[int, float, float]]] = {}
    for trial, lane in zip(trials, lane_of, strict=True):
        end = trial.finished_at if trial.finished_at is not None else now
        width = max(end - trial.started_at, 1e-3)
        bars.setdefault(trial.state, []).append((row_of[lane], trial.started_at - origin, width))
    for state, rows in bars.items():  # one collection per state and lane: fast for thousands
        label: str | None = state.name.lower()
        for row in sorted({lane_row for lane_row, _, _ in rows}):
            spans = [(left, width) for lane_row, left, width in rows if lane_row == row]
            edge = 0.3 if len(trials) < 1000 else 0
            ax.broken_barh(spans, (row - 0.4, 0.8), facecolors=_COLOURS[state], label=label,
                           edgecolor="white", linewidth=edge)  # fmt: skip
            label = None
    ax.set_yticks(range(len(names)), names)
    ax.autoscale_view()
    ax.invert_yaxis()
    ax.set_xlabel("seconds since the first trial started")
    ax.set_title(f"Timeline of {study.study_name}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")  # "best" is slow
    ax.grid(alpha=0.3, axis="x")
    return figure
