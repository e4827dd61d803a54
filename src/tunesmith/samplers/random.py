"""Random search: every parameter drawn uniformly (on its scale), independently."""

from __future__ import annotations

from typing import Any

import numpy as np

from tunesmith.encoding import decode_value
from tunesmith.history import FrozenTrial, History
from tunesmith.samplers._failures import unless_failed
from tunesmith.samplers.base import Suggestion
from tunesmith.seeding import trial_rng, trial_uniforms
from tunesmith.space import Distribution, SearchSpace
from tunesmith.validation import check_seed


class RandomSampler:
    """Draws each parameter uniformly at random: linearly, or in log space if ``log=True``;
    again where a trial failed before.

    Reproducible through the study's ``seed``: trial *k* of a seeded study always gets
    the same parameters, whichever worker runs it.

    Args:
        seed: The study's seed, as ``create_study(seed=...)`` (a study created or loaded
            without a seed takes its sampler's; given both, they must be equal).

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(sampler=RandomSampler(), seed=0)
        >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=5)
        >>> len(study.trials)
        5
    """

    #: Works with any number of objectives (it never looks at the values).
    multi_objective = True
    #: Needs no per-trial generator from the study: as the study's own sampler it is given
    #: None and draws parameter ``name`` of trial *k* as ``trial_uniforms(seed, k, names)``
    #: (building a generator costs more than a random trial's draws). Given a generator
    #: (by BOHB, or a wrapper), it draws from that.
    needs_rng = False

    def __init__(self, seed: int | None = None) -> None:
        self.seed = check_seed(seed, owner="RandomSampler")
        self._rng: np.random.Generator | None = None

    def sample(
        self,
        space: SearchSpace,
        history: History,
        rng: np.random.Generator | None,
        trial: FrozenTrial,
    ) -> Suggestion:
        if rng is None:
            coordinates = trial_uniforms(history.seed, trial.number, space)
        else:
            coordinates = rng.random(len(space)).tolist()
        values = map(decode_value, space.values(), coordinates)
        suggestion = Suggestion(dict(zip(space, values, strict=True)))
        if not history.failed():
            return suggestion
        redraws = rng if rng is not None else trial_rng(history.seed, trial.number)
        return unless_failed(suggestion, space, history, redraws, trial)

    def sample_independent(
        self, study: object, trial: FrozenTrial, param_name: str, param_distribution: Distribution
    ) -> Any:
        """One value, as Optuna's ``RandomSampler.sample_independent`` (the fallback that
        custom samplers written for Optuna call), from this sampler's own generator."""
        if self._rng is None:
            self._rng = np.random.default_rng(self.seed)
        return decode_value(param_distribution, float(self._rng.random()))

    def __repr__(self) -> str:
        return "RandomSampler()"
