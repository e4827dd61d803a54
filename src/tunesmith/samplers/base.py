"""The sampler interface: values in, a suggestion out.

A sampler decides which parameters a trial gets. It sees the space to fill, the
study's :class:`~tunesmith.history.History` (finished *and* running trials), a random
generator seeded for this trial, and the trial itself (its number, and the parameters
it already has). It never sees the storage, and it writes nothing: what it wants
remembered about the trial goes in ``Suggestion.notes``, which the study persists.

The study calls ``sample`` with the space of parameters to draw *jointly* when a trial
starts (those every finished trial had, or the space given to ``study.ask``), and with
a one-parameter space when the objective asks for a parameter outside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from tunesmith.history import FrozenTrial, History
from tunesmith.space import SearchSpace


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What a sampler proposes: values for (at least) the asked parameters, and notes."""

    params: Mapping[str, Any]
    notes: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class Sampler(Protocol):
    """Anything with this ``sample`` method can drive a study."""

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion: ...


@runtime_checkable
class FiniteSampler(Sampler, Protocol):
    """A sampler that can run out of new points (grid search)."""

    def exhausted(self, space: SearchSpace, history: History) -> bool: ...
