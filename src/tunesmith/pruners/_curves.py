"""Learning curves as pruners read them: values by step, as losses.

Glossary:
    step     what a trial passes to ``report(value, step)``: an epoch, a number of
             trees, a data subset size — the resource spent so far
    rung     a resource level r at which successive halving compares trials
    loss     a reported value, negated for studies that maximize, so smaller is better
"""

from __future__ import annotations

import bisect
from typing import NamedTuple

from tunesmith.history import FinishedScan, FrozenTrial, History
from tunesmith.states import Direction, TrialState


class Curve(NamedTuple):
    """One trial's reports: its number, state, steps in order and losses there."""

    number: int
    state: TrialState
    steps: list[int]
    losses: list[float]


def losses(trial: FrozenTrial, direction: Direction) -> tuple[list[int], list[float]]:
    """The trial's reported steps in order, and its values there as losses (NaN stays
    NaN: it compares as worse than any number)."""
    steps = sorted(trial.intermediate_values)
    sign = 1.0 if direction is Direction.MINIMIZE else -1.0
    values = [sign * trial.intermediate_values[step] for step in steps]
    return steps, [v if v == v else float("inf") for v in values]


def value_at(steps: list[int], values: list[float], resource: int) -> float | None:
    """The loss at the first reported step at or past ``resource``, if any."""
    index = bisect.bisect_left(steps, resource)
    return values[index] if index < len(steps) else None


def exact_value(steps: list[int], values: list[float], step: int) -> float | None:
    """The loss reported at exactly ``step``, if any."""
    index = bisect.bisect_left(steps, step)
    return values[index] if index < len(steps) and steps[index] == step else None


def just_reached(trial: FrozenTrial, resource: int) -> bool:
    """Whether the trial's latest report is its first at or past ``resource``: the
    moment a trial is judged at a rung (``should_prune`` follows every ``report``)."""
    steps = sorted(trial.intermediate_values)
    if not steps or steps[-1] < resource:
        return False
    return len(steps) == 1 or steps[-2] < resource


class CurveCache:
    """Losses of finished trials by step, read once per trial (finished trials never
    change), plus the running trials' read afresh each time."""

    def __init__(self) -> None:
        self._scan = FinishedScan()
        self._finished: list[Curve] = []

    def curves(self, history: History) -> list[Curve]:
        """The curve of every trial that reported anything."""
        restarted, new = self._scan.new(history)
        if restarted:
            self._finished = []
        for trial in new:
            if trial.intermediate_values:
                steps, values = losses(trial, history.direction)
                self._finished.append(Curve(trial.number, trial.state, steps, values))
        running = [
            Curve(trial.number, trial.state, *losses(trial, history.direction))
            for trial in history.running()
            if trial.intermediate_values
        ]
        return self._finished + running
