"""Failed trials, for every sampler: a point where the objective raised is not proposed again.

An objective that fails at some parameters (a configuration that crashes, runs out of
memory, or hits a bound it cannot take) fails there again on the next try, so proposing
that point once more wastes a trial. The model-based samplers also learn from failures
(the GP counts them as bad, TPE puts them with the bad trials); :func:`unless_failed` is
the check every sampler makes last, and its redraw when the proposal did fail before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from tunesmith.encoding import decode_value
from tunesmith.history import FrozenTrial, History
from tunesmith.samplers.base import Suggestion
from tunesmith.space import SearchSpace

#: Uniform redraws tried before a proposal that failed before is kept (the space may have
#: no other point).
REDRAWS = 64


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


def failed_before(params: Mapping[str, Any], history: History, trial: FrozenTrial) -> bool:
    """Whether a FAIL trial had these values (together with those ``trial`` already has)
    for every parameter it had: a deterministic objective would fail there again."""
    failed = history.failed()
    if not failed:
        return False
    where = {**trial.params, **params}
    for done in failed:
        if done.params and all(
            name in where and _same(where[name], value) for name, value in done.params.items()
        ):
            return True
    return False


def unless_failed(
    suggestion: Suggestion,
    space: SearchSpace,
    history: History,
    rng: np.random.Generator,
    trial: FrozenTrial,
) -> Suggestion:
    """``suggestion``, or, if a trial failed at it, a uniform draw of the same parameters
    that none failed at (the suggestion itself if :data:`REDRAWS` draws all did)."""
    if not failed_before(suggestion.params, history, trial):
        return suggestion
    distributions = {
        name: space[name] if name in space else history.distribution(name)
        for name in suggestion.params
    }
    for _ in range(REDRAWS):
        params = {
            name: value if distribution is None else decode_value(distribution, rng.random())
            for (name, value), distribution in zip(
                suggestion.params.items(), distributions.values(), strict=True
            )
        }
        if not failed_before(params, history, trial):
            return Suggestion(params, suggestion.notes)
    return suggestion
