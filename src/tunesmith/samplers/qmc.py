"""Quasi-random search: a scrambled Sobol sequence, which covers the space more evenly
than independent random draws (Owen 1998; Joe & Kuo 2008 direction numbers, via scipy).

Trial *k* takes point *k* of the sequence, so parallel workers and resumed studies fill
the same design as a sequential run. A parameter sampled on its own (one that only some
trials have) walks a one-dimensional sequence scrambled for its name.
"""

from __future__ import annotations

import zlib

import numpy as np
from scipy.stats import qmc

from tunesmith.encoding import UnitCube
from tunesmith.history import FrozenTrial, History
from tunesmith.samplers.base import Suggestion
from tunesmith.space import SearchSpace


class QMCSampler:
    """Samples trial *k* at point *k* of a scrambled Sobol sequence.

    Args:
        seed: Seeds the scrambling; by default the study's seed.
        scramble: Scramble the sequence (recommended: an unscrambled Sobol sequence
            starts at the corner of the space).

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(sampler=QMCSampler(seed=0))
        >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=4)
    """

    def __init__(self, *, seed: int | None = None, scramble: bool = True) -> None:
        self.seed = seed
        self.scramble = scramble
        self._engines: dict[tuple[int, int, int], qmc.Sobol] = {}

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        # One-parameter spaces get a sequence of their own, so that parameters drawn one by
        # one are not all equal to the same coordinate.
        key = zlib.crc32(next(iter(space)).encode()) if len(space) == 1 else 0
        seed = history.seed if self.seed is None else self.seed
        point = self._point(seed, len(space), key, trial.number)
        return Suggestion(UnitCube(space).decode(point))

    def _point(self, seed: int, dims: int, key: int, index: int) -> np.ndarray:
        engine = self._engines.get((seed, dims, key))
        if engine is None:
            sequence = np.random.SeedSequence([seed, dims, key])
            engine = qmc.Sobol(dims, scramble=self.scramble, seed=np.random.default_rng(sequence))
            self._engines[(seed, dims, key)] = engine
        if index < engine.num_generated:
            engine.reset()
        if index > engine.num_generated:  # scipy's fast_forward(0) fails after a draw
            engine.fast_forward(index - engine.num_generated)
        point: np.ndarray = engine.random(1)[0]
        return point

    def __repr__(self) -> str:
        return f"QMCSampler(seed={self.seed}, scramble={self.scramble})"
