"""Quasi-random search: a scrambled Sobol sequence, which covers the space more evenly than
independent random draws (Sobol 1967; Owen scrambling; Joe & Kuo 2008 direction numbers,
via scipy).

Trial *k* takes point *k* of the sequence, and a parameter takes the coordinate of its
position in the trial's order of parameters (the order the objective asks for them).
So a parameter gets the same value whether it is drawn with the others when the trial
starts or on its own when the objective asks for it: parallel workers and resumed
studies fill exactly the design a sequential run fills.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict

import numpy as np
from scipy.stats import qmc

from tunesmith.encoding import decode_value
from tunesmith.history import FrozenTrial, History
from tunesmith.samplers._failures import unless_failed
from tunesmith.samplers.base import Suggestion
from tunesmith.space import SearchSpace
from tunesmith.validation import check_bool, check_choice, check_seed

#: Coordinates per Sobol engine; positions past it use further, independently scrambled
#: engines.
_BLOCK = 64
_ENGINES: dict[str, type[qmc.QMCEngine]] = {"sobol": qmc.Sobol, "halton": qmc.Halton}


class QMCSampler:
    """Samples trial *k* at point *k* of a scrambled Sobol sequence.

    Args:
        seed: Seeds the scrambling; by default the study's seed (a study created or
            loaded without a seed takes its sampler's; given both, they must be equal).
        scramble: Scramble the sequence (recommended: an unscrambled Sobol sequence
            starts at the corner of the space). Optuna's default is False; ours is True.
        qmc_type: ``"sobol"`` (the default) or ``"halton"`` (scrambled Halton, scipy's).
        warn_asynchronous_seeding, warn_independent_sampling: Accepted for code written
            for Optuna: trial *k* always takes point *k*, whichever worker runs it, and
            every parameter comes from the sequence, so there is nothing to warn about.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(sampler=QMCSampler(seed=0))
        >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=4)
    """

    #: Works with any number of objectives (it never looks at the values).
    multi_objective = True

    def __init__(
        self,
        *,
        seed: int | None = None,
        scramble: bool = True,
        qmc_type: str = "sobol",
        warn_asynchronous_seeding: bool | None = None,
        warn_independent_sampling: bool | None = None,
    ) -> None:
        owner = "QMCSampler"
        self.seed = check_seed(seed, owner=owner)
        self.scramble = check_bool("scramble", scramble, owner=owner)
        self.qmc_type = check_choice("qmc_type", qmc_type, _ENGINES, owner=owner)
        self._engines: dict[tuple[int, int], qmc.QMCEngine] = {}
        self._points: OrderedDict[tuple[int, int, int], np.ndarray] = OrderedDict()

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        seed = history.seed if self.seed is None else self.seed
        order = list({**trial.proposal, **trial.params})  # positions already taken
        params = {}
        for name, distribution in space.items():
            if name in order:
                position = order.index(name)
            else:
                position = len(order)
                order.append(name)
            coordinate = self._point(seed, position // _BLOCK, trial.number)[position % _BLOCK]
            params[name] = decode_value(distribution, float(coordinate))
        # a point where a trial failed (few points in discrete spaces) is drawn again
        return unless_failed(Suggestion(params), space, history, rng, trial)

    def _point(self, seed: int, block: int, index: int) -> np.ndarray:
        key = (seed, block, index)
        point = self._points.get(key)
        if point is not None:
            return point
        engine = self._engines.get((seed, block))
        if engine is None:
            sequence = np.random.SeedSequence([seed, block])
            engine = _ENGINES[self.qmc_type](
                _BLOCK, scramble=self.scramble, seed=np.random.default_rng(sequence)
            )
            self._engines[(seed, block)] = engine
        if index < engine.num_generated:
            engine.reset()
        if index > engine.num_generated:  # scipy's fast_forward(0) fails after a draw
            engine.fast_forward(index - engine.num_generated)
        with warnings.catch_warnings():  # one point at a time is the point of a sequence
            warnings.simplefilter("ignore", UserWarning)
            point = engine.random(1)[0]
        self._points[key] = point
        if len(self._points) > 256:
            self._points.popitem(last=False)
        return point

    def __repr__(self) -> str:
        return f"QMCSampler(seed={self.seed}, scramble={self.scramble}, qmc_type={self.qmc_type!r})"
