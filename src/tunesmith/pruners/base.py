"""The pruner interface: a pure decision on a running trial, given the history."""

from __future__ import annotations

import enum
from typing import Protocol, runtime_checkable

from tunesmith.history import FrozenTrial, History


class Decision(enum.Enum):
    """What a pruner decided for a trial at its latest report."""

    CONTINUE = "continue"
    PRUNE = "prune"


@runtime_checkable
class Pruner(Protocol):
    """Anything with this ``decide`` method can stop unpromising trials early."""

    def decide(self, trial: FrozenTrial, history: History) -> Decision: ...
