"""Stop a trial whose latest report leaves a fixed range (or is NaN): divergence guards."""

from __future__ import annotations

import math

from tunesmith.errors import InvalidArgumentError
from tunesmith.history import FrozenTrial, History
from tunesmith.pruners.base import Decision
from tunesmith.validation import check_int, check_optional_number


class ThresholdPruner:
    """Prunes when the latest reported value is below ``lower``, above ``upper`` or NaN,
    as Optuna's ``ThresholdPruner`` (raw values: the direction does not matter).

    Example:
        >>> ThresholdPruner(upper=10.0)
        ThresholdPruner(lower=None, upper=10.0, n_warmup_steps=0, interval_steps=1)
    """

    def __init__(
        self,
        lower: float | None = None,
        upper: float | None = None,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
    ) -> None:
        owner = "ThresholdPruner"
        self.lower = check_optional_number("lower", lower, owner=owner)
        self.upper = check_optional_number("upper", upper, owner=owner)
        if self.lower is None and self.upper is None:
            raise InvalidArgumentError(
                "ThresholdPruner: give `lower`, `upper` or both, but got neither"
            )
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            raise InvalidArgumentError(
                f"ThresholdPruner: `lower <= upper` must hold, but got (lower={lower}, "
                f"upper={upper})"
            )
        self.n_warmup_steps = check_int("n_warmup_steps", n_warmup_steps, owner=owner, minimum=0)
        self.interval_steps = check_int("interval_steps", interval_steps, owner=owner, minimum=1)

    def decide(self, trial: FrozenTrial, history: History) -> Decision:
        if not trial.intermediate_values:
            return Decision.CONTINUE
        step = max(trial.intermediate_values)
        if step < self.n_warmup_steps or (step - self.n_warmup_steps) % self.interval_steps:
            return Decision.CONTINUE
        value = trial.intermediate_values[step]
        outside = (
            math.isnan(value)
            or (self.lower is not None and value < self.lower)
            or (self.upper is not None and value > self.upper)
        )
        return Decision.PRUNE if outside else Decision.CONTINUE

    def __repr__(self) -> str:
        return (
            f"ThresholdPruner(lower={self.lower}, upper={self.upper}, "
            f"n_warmup_steps={self.n_warmup_steps}, interval_steps={self.interval_steps})"
        )
