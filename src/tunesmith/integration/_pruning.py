"""What every framework pruning callback does once it has the epoch's score: report it
as the trial's intermediate value and ask the study's pruner whether to stop."""

from __future__ import annotations

from typing import Any

import tunesmith as ts
from tunesmith.errors import TrialPruned


def report(trial: Any, score: float, step: int) -> bool:
    """Report ``score`` at ``step``; whether the pruner says to stop the trial now."""
    trial.report(float(score), step=step)
    return bool(trial.should_prune())


def report_or_prune(trial: Any, score: float, step: int) -> None:
    """Report ``score`` at ``step`` and raise :class:`TrialPruned` if the pruner says so."""
    if report(trial, score, step):
        raise TrialPruned(f"trial {trial.number} pruned at step {step} (score {score!r})")


def check_direction(trial: Any, higher_is_better: bool, owner: str, metric: str) -> None:
    """The metric must improve the way the study does: a pruner compares reports with the
    study's direction."""
    study = getattr(trial, "study", None)
    direction = getattr(study, "direction", None)
    if direction is None:
        return  # a FixedTrial: no study, no pruner
    wanted = ts.Direction.MAXIMIZE if higher_is_better else ts.Direction.MINIMIZE
    if direction is not wanted:
        better = "higher" if higher_is_better else "lower"
        raise ValueError(
            f"{owner}: {metric!r} is better {better}, but the study's direction is "
            f"{direction.value}: the pruner would stop the best trials. Watch a metric "
            f"that is better {'lower' if higher_is_better else 'higher'}, or create the "
            f"study with direction={wanted.value!r}"
        )
