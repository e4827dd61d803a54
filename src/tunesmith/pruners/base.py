"""The pruner interface: a pure decision on a running trial, given the history."""

from __future__ import annotations

import abc
import enum
from typing import Any, Protocol, runtime_checkable

from tunesmith.history import FrozenTrial, History, StudyView


class Decision(enum.Enum):
    """What a pruner decided for a trial at its latest report."""

    CONTINUE = "continue"
    PRUNE = "prune"


@runtime_checkable
class Pruner(Protocol):
    """Anything with this ``decide`` method can stop unpromising trials early."""

    def decide(self, trial: FrozenTrial, history: History) -> Decision: ...


class BasePruner(abc.ABC):
    """Base class of pruners written against Optuna's interface: subclass it and write
    ``prune(study, trial) -> bool`` as for Optuna; the study runs it on tunesmith's
    :class:`Pruner` protocol. ``study`` is a read-only view (``trials``, ``get_trials``,
    ``direction``, ``best_trial``), ``trial`` the running trial with its
    ``intermediate_values`` and ``last_step``. Every tunesmith pruner counts as a
    ``BasePruner`` in ``isinstance`` checks.

    Example:
        >>> class AboveTen(BasePruner):
        ...     def prune(self, study, trial):
        ...         return trial.intermediate_values[trial.last_step] > 10
        >>> import tunesmith as ts
        >>> running = ts.FrozenTrial(0, ts.TrialState.RUNNING, intermediate_values={1: 11.0})
        >>> AboveTen().decide(running, ts.create_study().history())
        <Decision.PRUNE: 'prune'>
    """

    @classmethod
    def __subclasshook__(cls, other: type) -> Any:
        if cls is BasePruner and any("decide" in vars(base) for base in other.__mro__):
            return True
        return NotImplemented

    @abc.abstractmethod
    def prune(self, study: StudyView, trial: FrozenTrial) -> bool:
        """Whether to stop ``trial`` now."""

    def decide(self, trial: FrozenTrial, history: History) -> Decision:
        return Decision.PRUNE if self.prune(StudyView(history), trial) else Decision.CONTINUE
