"""The default sampler ("auto"): picks the method that suits the study as it goes.

It starts from a Sobol sequence, models the objective with a Gaussian process while that
pays (tens to a couple of hundred trials, a few dozen parameters), and hands over to TPE
when the GP would get slow (its cost grows as n³) or the space too wide for it. Both
model conditional spaces group by group, and both count running trials, so "auto" works
unchanged with parallel workers. The samplers share no state, so a switch loses nothing:
TPE models every trial the GP chose.
"""

from __future__ import annotations

import numpy as np

from tunesmith.history import FrozenTrial, History
from tunesmith.samplers.base import Suggestion
from tunesmith.samplers.gp import GPSampler
from tunesmith.samplers.tpe import TPESampler
from tunesmith.space import SearchSpace
from tunesmith.validation import check_seed


class AutoSampler:
    """GP-EI for the first ``gp_trials`` trials of spaces up to ``gp_max_dims`` parameters,
    TPE after that or for wider spaces.

    Args:
        gp_trials: Completed trials after which TPE takes over (GP fits cost O(n³)).
        gp_max_dims: Widest space the GP models.
        seed: The study's seed, as ``create_study(seed=...)`` (a study created or loaded
            without a seed takes its sampler's; given both, they must be equal).

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(seed=0)  # "auto" is the default
        >>> study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=12)
        >>> abs(study.best_params["x"] - 1) < 0.2
        True
    """

    def __init__(
        self, *, gp_trials: int = 200, gp_max_dims: int = 30, seed: int | None = None
    ) -> None:
        self.seed = check_seed(seed, owner="AutoSampler")
        self.gp_trials = gp_trials
        self.gp_max_dims = gp_max_dims
        self.gp = GPSampler()
        self.tpe = TPESampler()

    def choose(self, space: SearchSpace, history: History) -> GPSampler | TPESampler:
        """The sampler this call goes to."""
        if len(history.completed()) < self.gp_trials and len(space) <= self.gp_max_dims:
            return self.gp
        return self.tpe

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        return self.choose(space, history).sample(space, history, rng, trial)

    def __repr__(self) -> str:
        return f"AutoSampler(gp_trials={self.gp_trials}, gp_max_dims={self.gp_max_dims})"
