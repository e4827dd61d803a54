"""Callbacks for ``study.optimize(callbacks=[...])`` that Optuna code uses."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import TYPE_CHECKING

from tunesmith.history import FrozenTrial
from tunesmith.states import TrialState
from tunesmith.validation import check_int

if TYPE_CHECKING:
    from tunesmith.study._study import Study


class MaxTrialsCallback:
    """Stop the study once it has ``n_trials`` trials in ``states`` (by default COMPLETE),
    counting every worker's and every earlier run's, as Optuna's ``MaxTrialsCallback``.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study()
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=50,
        ...                callbacks=[MaxTrialsCallback(5)])
        >>> len(study.trials)
        5
    """

    def __init__(
        self, n_trials: int, states: Iterable[TrialState] | None = (TrialState.COMPLETE,)
    ) -> None:
        self.n_trials = check_int("n_trials", n_trials, owner="MaxTrialsCallback", minimum=0)
        self.states = None if states is None else tuple(states)

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if len(study.get_trials(states=self.states)) >= self.n_trials:
            study.stop()

    def __repr__(self) -> str:
        return f"MaxTrialsCallback(n_trials={self.n_trials}, states={self.states})"


def collect_garbage(study: Study, trial: FrozenTrial) -> None:
    """``optimize(gc_after_trial=True)``: run the garbage collector after each trial."""
    gc.collect()
