"""Which lane of a timeline each trial runs in."""

from __future__ import annotations

from collections.abc import Sequence

import tunesmith as ts

#: A trial is drawn in its worker's lane: the process that ran it (``optimize`` records
#: it), or a name the objective set under this user attribute (or note).
WORKER_KEY = "worker"


def lanes(trials: Sequence[ts.FrozenTrial], now: float) -> list[str]:
    """Each trial's lane: its recorded worker if it has one, else the first of the
    unnamed lanes free when it started (so no two trials overlap in a lane, and the
    number of lanes is the most trials ever running at once).

    Example:
        >>> t = [ts.FrozenTrial(0, ts.TrialState.COMPLETE, 1.0, started_at=0, finished_at=5),
        ...      ts.FrozenTrial(1, ts.TrialState.COMPLETE, 1.0, started_at=1, finished_at=2)]
        >>> lanes(t, now=9)
        ['lane 1', 'lane 2']
    """
    named = [
        trial.user_attrs.get(WORKER_KEY, trial.notes.get(WORKER_KEY, trial.worker))
        for trial in trials
    ]
    free_at: list[float] = []
    result = [""] * len(trials)
    for index in sorted(range(len(trials)), key=lambda i: trials[i].started_at):
        if named[index] is not None:
            result[index] = str(named[index])
            continue
        trial = trials[index]
        end = trial.finished_at if trial.finished_at is not None else now
        for lane, free in enumerate(free_at):
            if free <= trial.started_at:
                free_at[lane] = end
                break
        else:
            lane = len(free_at)
            free_at.append(end)
        result[index] = f"lane {lane + 1}"
    return result
