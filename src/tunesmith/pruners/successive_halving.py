"""Asynchronous successive halving (ASHA; Li et al. 2020, "A System for Massively Parallel
Hyperparameter Tuning", algorithm 2), as a pruner (pruner "successive_halving").

Rungs sit at resources r_k = r_min · η^(s + k) (s: the minimum early-stopping rate).
When a trial reaches a rung it is compared with every trial that has reached that rung
so far; it goes on if its loss there is among the best ⌊n / η⌋ of the n (the best one
while fewer than η trials are there), and is pruned otherwise. No trial waits for
others: with many workers the decisions are made as results arrive.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence

from tunesmith.history import FrozenTrial, History
from tunesmith.pruners._curves import CurveCache, just_reached, losses, value_at
from tunesmith.pruners.base import Decision
from tunesmith.validation import (
    check_int,
)


def _check(name: str, value: object, minimum: int) -> int:
    return check_int(name, value, owner="SuccessiveHalvingPruner", minimum=minimum)


class SuccessiveHalvingPruner:
    """Prunes a trial at each rung unless it is in the top 1/η of the trials there.

    Args:
        min_resource: The step of the first rung (``r_min``).
        reduction_factor: η: one trial in η goes on at each rung.
        min_early_stopping_rate: s: the first rung is at ``r_min · η^s``.
        max_resource: If given, no rung at or past it, so a trial that reaches the
            full budget is never pruned at its last step.
        bootstrap_count: How many trials must reach a rung before any may pass it.

    Call ``trial.should_prune()`` after every ``trial.report``: a trial is judged when
    its report crosses a rung.

    Example:
        >>> pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
        >>> list(pruner.rungs(max_resource=81))
        [1, 3, 9, 27]
    """

    def __init__(
        self,
        *,
        min_resource: int = 1,
        reduction_factor: int = 3,
        min_early_stopping_rate: int = 0,
        max_resource: int | None = None,
        bootstrap_count: int = 0,
    ) -> None:
        self.min_resource = _check("min_resource", min_resource, 1)
        self.reduction_factor = _check("reduction_factor", reduction_factor, 2)
        self.min_early_stopping_rate = _check("min_early_stopping_rate", min_early_stopping_rate, 0)
        self.max_resource = (
            None if max_resource is None else _check("max_resource", max_resource, 1)
        )
        self.bootstrap_count = _check("bootstrap_count", bootstrap_count, 0)
        self._curves = CurveCache()

    def rungs(self, max_resource: int | None = None) -> Iterator[int]:
        """The rung resources, lowest first (endless without a maximum)."""
        limit = self.max_resource if max_resource is None else max_resource
        for k in itertools.count():
            resource = self.min_resource * self.reduction_factor ** (
                self.min_early_stopping_rate + k
            )
            if limit is not None and resource >= limit:
                return
            yield resource

    def decide(self, trial: FrozenTrial, history: History) -> Decision:
        return self.judge(trial, history, members=None)

    def judge(
        self,
        trial: FrozenTrial,
        history: History,
        members: Callable[[int], bool] | None,
        rungs: Sequence[int] | None = None,
    ) -> Decision:
        """The decision for ``trial`` against the trials whose numbers ``members``
        accepts (all if None), at ``rungs`` (this pruner's own if None)."""
        if not trial.intermediate_values:
            return Decision.CONTINUE
        last = max(trial.intermediate_values)
        rung = None
        for resource in self.rungs() if rungs is None else rungs:
            if resource > last:
                break
            rung = resource
        if rung is None or not just_reached(trial, rung):
            return Decision.CONTINUE
        steps, values = losses(trial, history.direction)
        mine = value_at(steps, values, rung)
        assert mine is not None
        others = [
            value_at(curve.steps, curve.losses, rung)
            for curve in self._curves.curves(history)
            if curve.number != trial.number and (members is None or members(curve.number))
        ]
        at_rung = sorted([v for v in others if v is not None] + [mine])
        if len(at_rung) <= self.bootstrap_count:
            return Decision.PRUNE
        kept = max(len(at_rung) // self.reduction_factor, 1)
        return Decision.CONTINUE if mine <= at_rung[kept - 1] else Decision.PRUNE

    def __repr__(self) -> str:
        return (
            f"SuccessiveHalvingPruner(min_resource={self.min_resource}, "
            f"reduction_factor={self.reduction_factor}, "
            f"min_early_stopping_rate={self.min_early_stopping_rate})"
        )
