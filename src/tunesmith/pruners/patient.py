"""Patience: stop a trial whose learning curve stopped improving, optionally only when
another pruner agrees."""

from __future__ import annotations

from tunesmith.history import FrozenTrial, History
from tunesmith.pruners._curves import losses
from tunesmith.pruners.base import Decision, Pruner
from tunesmith.validation import check_instance, check_int, check_number


class PatientPruner:
    """Prunes a trial whose best loss over its last ``patience + 1`` reports is worse than
    its best loss before them by more than ``min_delta`` (it has not improved for
    ``patience`` reports), as Optuna's ``PatientPruner``. With ``wrapped_pruner``, such a
    trial is pruned only if that pruner also says so; otherwise it is pruned at once.

    Example:
        >>> import tunesmith as ts
        >>> PatientPruner(ts.MedianPruner(), patience=3)
        PatientPruner(MedianPruner(n_startup_trials=5, n_warmup_steps=0, interval_steps=1), patience=3, min_delta=0.0)
    """  # noqa: E501

    def __init__(
        self, wrapped_pruner: Pruner | None, patience: int, min_delta: float = 0.0
    ) -> None:
        owner = "PatientPruner"
        if wrapped_pruner is not None:
            check_instance("wrapped_pruner", wrapped_pruner, "decide", owner=owner, kind="pruner")
        self.wrapped_pruner = wrapped_pruner
        self.patience = check_int("patience", patience, owner=owner, minimum=0)
        self.min_delta = check_number("min_delta", min_delta, owner=owner, minimum=0.0)

    def decide(self, trial: FrozenTrial, history: History) -> Decision:
        _, values = losses(trial, history.direction)
        window = self.patience + 1
        if len(values) <= window:
            return Decision.CONTINUE
        stalled = min(values[-window:]) > min(values[:-window]) + self.min_delta
        if not stalled:
            return Decision.CONTINUE
        if self.wrapped_pruner is None:
            return Decision.PRUNE
        return self.wrapped_pruner.decide(trial, history)

    def __repr__(self) -> str:
        return (
            f"PatientPruner({self.wrapped_pruner!r}, patience={self.patience}, "
            f"min_delta={self.min_delta})"
        )
