"""The importance-evaluator interface: finished trials in, each parameter's share out.

An evaluator sees the COMPLETE trials to explain, their losses (the target, oriented so
that smaller is better: the study's front-end negates a maximized value), and the
parameters to rank. It returns a share per parameter, largest first, summing to 1. It
reads nothing else and writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from tunesmith.history import FrozenTrial


@runtime_checkable
class ImportanceEvaluator(Protocol):
    """Anything with this ``evaluate`` method can rank a study's parameters."""

    def evaluate(
        self,
        trials: Sequence[FrozenTrial],
        loss: np.ndarray,
        params: Sequence[str],
        *,
        top_fraction: float | None = None,
    ) -> dict[str, float]: ...
