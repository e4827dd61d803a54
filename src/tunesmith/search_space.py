"""Optuna's ``optuna.search_space`` helpers, for custom samplers written against it.

Example:
    >>> import tunesmith as ts
    >>> study = ts.create_study(seed=0)
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    >>> intersection_search_space(study.trials)
    {'x': Float(low=0.0, high=1.0, log=False, step=None)}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import tunesmith as ts


def intersection_search_space(
    trials: Iterable[ts.FrozenTrial], include_pruned: bool = False
) -> dict[str, ts.Distribution]:
    """The parameters every COMPLETE (and, if asked, PRUNED) trial has with one
    distribution, in the order the first such trial has them."""
    states = {ts.TrialState.COMPLETE} | ({ts.TrialState.PRUNED} if include_pruned else set())
    space: dict[str, ts.Distribution] | None = None
    for trial in trials:
        if trial.state not in states:
            continue
        if space is None:
            space = dict(trial.distributions)
            continue
        space = {
            name: distribution
            for name, distribution in space.items()
            if trial.distributions.get(name) == distribution
        }
    return space or {}


class IntersectionSearchSpace:
    """``IntersectionSearchSpace().calculate(study)``: :func:`intersection_search_space`
    of the study's trials."""

    def __init__(self, include_pruned: bool = False) -> None:
        self.include_pruned = include_pruned

    def calculate(self, study: Any) -> dict[str, ts.Distribution]:
        return intersection_search_space(study.get_trials(deepcopy=False), self.include_pruned)


__all__ = ["IntersectionSearchSpace", "intersection_search_space"]
