"""Some parameters held at given values, the others left to another sampler."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from tunesmith.errors import InvalidArgumentError
from tunesmith.history import FrozenTrial, History
from tunesmith.samplers.base import Sampler, Suggestion
from tunesmith.samplers.grid import GridSampler
from tunesmith.space import SearchSpace
from tunesmith.validation import check_instance


class PartialFixedSampler:
    """Gives the parameters in ``fixed_params`` their fixed values in every trial and
    asks ``base_sampler`` for the others, as Optuna's ``PartialFixedSampler`` (to tune
    the rest of a space around settled choices). A fixed value must lie in what the
    objective asks for.

    Example:
        >>> import tunesmith as ts
        >>> sampler = PartialFixedSampler({"y": 0.5}, ts.RandomSampler())
        >>> study = ts.create_study(sampler=sampler, seed=0)
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), 3)
        >>> {t.params["y"] for t in study.trials}
        {0.5}
    """

    def __init__(self, fixed_params: Mapping[str, Any], base_sampler: Sampler) -> None:
        if not isinstance(fixed_params, Mapping):
            raise InvalidArgumentError(
                f"PartialFixedSampler: `fixed_params` must be a dict, but got {fixed_params!r}"
            )
        check_instance("base_sampler", base_sampler, "sample", owner="PartialFixedSampler",
                       kind="sampler")  # fmt: skip
        self.fixed_params = dict(fixed_params)
        self.base_sampler = base_sampler

    @property
    def seed(self) -> int | None:
        """The base sampler's seed (the study takes it when given none)."""
        return getattr(self.base_sampler, "seed", None)

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        free = {name: d for name, d in space.items() if name not in self.fixed_params}
        suggestion = self.base_sampler.sample(free, history, rng, trial) if free else Suggestion({})
        fixed = {name: self.fixed_params[name] for name in space if name in self.fixed_params}
        return Suggestion({**suggestion.params, **fixed}, suggestion.notes)

    def __repr__(self) -> str:
        return f"PartialFixedSampler({self.fixed_params!r}, {self.base_sampler!r})"


class BruteForceSampler(GridSampler):
    """Every combination of a discrete space, in a seeded order, then ``optimize`` stops:
    Optuna's ``BruteForceSampler``, here the grid sampler with its grid built from the
    space the objective asks for (every choice, every integer, every step of a stepped
    float). A continuous range is an error that says to give it a ``step``. The grid is
    the space every trial asks for; a parameter only some trials ask for is drawn from
    its own values in those trials, not enumerated in combination with the others.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(sampler=BruteForceSampler(seed=0))
        >>> study.optimize(lambda t: t.suggest_int("a", 0, 2) + t.suggest_categorical("b", [0, 1]))
        >>> sorted((t.params["a"], t.params["b"]) for t in study.trials)[:3]
        [(0, 0), (0, 1), (1, 0)]
    """

    def __init__(self, seed: int | None = None, avoid_premature_stop: bool = False) -> None:
        super().__init__(seed=seed)

    def __repr__(self) -> str:
        return f"BruteForceSampler(seed={self.seed})"
