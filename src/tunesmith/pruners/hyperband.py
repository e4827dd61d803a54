"""Hyperband (Li, Jamieson, DeSalvo, Rostamizadeh & Talwalkar 2017), asynchronous, as a
pruner (pruner "hyperband").

With resources r_min..R and reduction factor η, there are s_max + 1 brackets, s_max =
⌊log_η(R / r_min)⌋. Bracket s starts n_s = ⌈(s_max + 1) / (s + 1) · η^s⌉ configurations
at resource R·η^(-s) and runs successive halving from there, at rungs R·η^(-s), ...,
R·η^(-1) (the paper's algorithm 1, table 1 for R = 81, η = 3; rounded to whole steps,
never below r_min): the aggressive brackets try many configurations cheaply, the
conservative ones give a few the full budget from the start, and the last never prunes.
Here each trial joins a bracket when it starts, by its number alone (so a resumed or
parallel study puts every trial where it was), and is compared only with trials of its
own bracket, by asynchronous successive halving. Trial numbers go to the brackets in the
paper's order, in periods of Σ n_s: the n_s trials of the most aggressive bracket first,
then those of the next, down to the bracket that never prunes. A model-based sampler
(BOHB) thus learns from many cheap trials before choosing the configurations that the
conservative brackets train in full.
"""

from __future__ import annotations

from typing import Literal

from tunesmith.errors import InvalidArgumentError
from tunesmith.history import FrozenTrial, History
from tunesmith.pruners.base import Decision
from tunesmith.pruners.successive_halving import SuccessiveHalvingPruner
from tunesmith.validation import (
    check_int,
)


class HyperbandPruner:
    """Asynchronous Hyperband: successive halving in brackets of different aggressiveness.

    Args:
        min_resource: r_min, the smallest resource a configuration is judged at.
        max_resource: R, the full budget (the last step a trial reports). ``"auto"``
            takes the last step of the first trial that completes; until then nothing
            is pruned.
        reduction_factor: η.

    Example:
        >>> HyperbandPruner(min_resource=1, max_resource=81).brackets()
        [(81, 1), (34, 3), (15, 9), (8, 27), (5, 81)]
    """

    def __init__(
        self,
        *,
        min_resource: int = 1,
        max_resource: int | Literal["auto"] = "auto",
        reduction_factor: int = 3,
    ) -> None:
        self._halving = SuccessiveHalvingPruner(  # validates the shared arguments
            min_resource=min_resource, reduction_factor=reduction_factor
        )
        if max_resource != "auto":
            check_int(
                "max_resource (or 'auto')",
                max_resource,
                owner="HyperbandPruner",
                minimum=int(min_resource),
            )
        self.min_resource = min_resource
        self.max_resource = max_resource
        self.reduction_factor = reduction_factor
        self._schedules: dict[int, list[int]] = {}

    def _s_max(self, max_resource: int) -> int:
        s = 0
        while self.min_resource * self.reduction_factor ** (s + 1) <= max_resource:
            s += 1
        return s

    def brackets(self, max_resource: int | None = None) -> list[tuple[int, int]]:
        """``(n_s, r_s)`` of each bracket, most aggressive first (Li et al. table 1)."""
        resource = self._resolve(max_resource)
        s_max = self._s_max(resource)
        eta = self.reduction_factor
        table = []
        for s in range(s_max, -1, -1):
            configs = -(-(s_max + 1) * eta**s // (s + 1))  # ceiling division
            table.append((configs, max(self.min_resource, round(resource / eta**s))))
        return table

    def _resolve(self, max_resource: int | None) -> int:
        if max_resource is not None:
            return max_resource
        if self.max_resource == "auto":
            raise InvalidArgumentError("max_resource is 'auto'; give one to list the brackets")
        return self.max_resource

    def rungs(self, bracket: int, max_resource: int) -> list[int]:
        """The resources at which trials of ``bracket`` are judged, lowest first."""
        s = self._s_max(max_resource) - bracket
        eta = self.reduction_factor
        resources = (max(self.min_resource, round(max_resource / eta**j)) for j in range(s, 0, -1))
        return sorted(set(resources))

    def bracket(self, number: int, max_resource: int) -> int:
        """The bracket of trial ``number``: 0 is the most aggressive."""
        schedule = self._schedules.get(max_resource)
        if schedule is None:
            brackets = self.brackets(max_resource)
            schedule = [s for s, (configs, _) in enumerate(brackets) for _ in range(configs)]
            self._schedules[max_resource] = schedule
        return schedule[number % len(schedule)]

    def _max_resource(self, history: History) -> int | None:
        if self.max_resource != "auto":
            return self.max_resource
        completed = history.completed()
        if not completed or completed[0].last_step is None:
            return None
        return max(completed[0].last_step, self.min_resource)

    def decide(self, trial: FrozenTrial, history: History) -> Decision:
        resource = self._max_resource(history)
        if resource is None:
            return Decision.CONTINUE
        bracket = self.bracket(trial.number, resource)
        return self._halving.judge(
            trial,
            history,
            members=lambda number: self.bracket(number, resource) == bracket,
            rungs=self.rungs(bracket, resource),
        )

    def __repr__(self) -> str:
        return (
            f"HyperbandPruner(min_resource={self.min_resource}, "
            f"max_resource={self.max_resource!r}, reduction_factor={self.reduction_factor})"
        )
