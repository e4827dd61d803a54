"""Local search around the best trial: a (1+1) evolution strategy in the unit cube.

Glossary (shapes):
    d       parameters of the space, one unit-cube coordinate each (:mod:`tunesmith.encoding`)
    x*      (d,) the best complete trial's point
    σ       the step: the standard deviation of the Gaussian step of every numeric
            coordinate, in units of the coordinate's range

A step is x* + σ z, z ~ N(0, I), clipped to the cube and snapped to the cells of discrete
coordinates; a categorical coordinate keeps x*'s category but with probability 1/d,
where it takes a random one. σ follows the 1/5 success rule (Rechenberg 1973; Kern et al.
2004, "Learning probability distributions in continuous evolutionary algorithms", sec.
3.1): doubled after a step that beat every trial finished before it, multiplied by
2^(-1/4) after one that did not, so that it is steady when one step in five succeeds.
σ is read back from the steps' notes, so parallel workers and a resumed study continue
the same search.
"""

from __future__ import annotations

import numpy as np

from tunesmith.encoding import UnitCube, encode_value
from tunesmith.history import FrozenTrial, History
from tunesmith.samplers._failures import unless_failed
from tunesmith.samplers.base import Suggestion
from tunesmith.space import SearchSpace

#: σ of the first step, and the range σ is kept in (a step below the low end is lost in
#: rounding; it restarts at the first σ).
_FIRST, _LOW, _HIGH = 0.1, 1e-3, 0.5
#: The note a step leaves on its trial: the σ it was drawn with.
NOTE = "local_step"


def step_size(history: History) -> float:
    """σ for the next step: the 1/5 rule replayed over the steps so far, in the order
    the trials finished."""
    sign = history.direction.sign
    best = np.inf
    sigma = _FIRST
    for trial in history.completed():
        assert trial.value is not None
        loss = sign * trial.value
        used = trial.notes.get(NOTE)
        if isinstance(used, float):
            sigma = used * (2.0 if loss < best else 2.0**-0.25)
            sigma = _FIRST if sigma < _LOW else min(sigma, _HIGH)
        best = min(best, loss)
    return sigma


class LocalSearch:
    """Proposes a Gaussian step from the best complete trial (one objective only)."""

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        best = history.best_trial
        cube = UnitCube(space)
        point = rng.random(cube.dims)  # parameters the best trial lacks: anywhere
        if best is not None:
            for i, (name, distribution) in enumerate(space.items()):
                if name in best.params and best.distributions.get(name) == distribution:
                    point[i] = encode_value(distribution, best.params[name])
        sigma = step_size(history)
        numeric = ~cube.categorical
        moved = point.copy()
        moved[numeric] += sigma * rng.standard_normal(int(numeric.sum()))
        resample = cube.categorical & (rng.random(cube.dims) < 1.0 / cube.dims)
        moved[resample] = rng.random(int(resample.sum()))
        moved = cube.snap(moved)
        params = cube.decode(moved)
        return unless_failed(Suggestion(params, {NOTE: sigma}), space, history, rng, trial)
