"""The default sampler ("auto"): picks the method that suits the study as it goes.

It starts from a Sobol sequence, models the objective with a Gaussian process while that
pays, and hands over to TPE when it does not. What pays depends on how long a trial takes:
the GP's proposals cost milliseconds to tens of milliseconds (growing as n³), which is
nothing beside a model that trains for a second and a lot beside an objective that
returns at once. So "auto" times its own proposals (noted on each trial) and compares
them with the objective's durations (the trials' durations less the proposals'):

- the full GP while a proposal costs no more than a trial of the objective;
- then a light GP (kernel refitted every ``light_fit_every`` trials, the best candidate
  refined by 10 gradient steps instead of 5 by 100) while that costs no more than the
  objective or ``light_seconds`` of CPU, whichever is more;
- TPE after that, past ``gp_trials`` trials, or beyond ``gp_max_dims`` parameters;
- and TPE for the one trial after a GP proposal that returned exactly the values of an
  earlier trial: on a plateau the GP sees no slope and proposed more of it, or the
  corners of the space, where its variance is largest (bench/quality.py, the decision
  trees; issue 11).

Both GPs weigh their expected improvement by a prior against the ends of integer ranges
that fades with the trials (``GPSampler(interior_prior=10)``): the GP's variance is
largest at the ends, and on the decision trees of bench/quality.py it proposed an end
(depth 1, one sample a leaf) in about half of its trials (issue 11). For the same reason
their variance shrinks to 0 at the ends of log-scaled float ranges
(``GPSampler(edge_width=0.05)``): there an end is proposed only where the model predicts
a gain (on an SVR of bench/quality.py a C of 1e4 or a gamma of 1e-5 went into 70% of
the GP's trials without it, 7% with it).

The first ``warmup_trials`` completed trials go to the full GP (but for the trials after
a tie) whatever the timings, so short studies do not depend on timings (a seeded study
repeats itself; past them, a rerun repeats itself as long as the timings fall on the
same side of the rules; parallel workers and resumed studies decide from the same
recorded numbers). The samplers share no state, so a switch loses nothing: each models
every trial the others chose. All model
conditional spaces group by group and count running trials, so "auto" works unchanged
with parallel workers.

Studies of several objectives go by trials, not timings: there the question is how much
of the front a budget of trials finds, and on bench/multiobjective.py the GP's expected
hypervolume improvement found far more of ZDT1-3's fronts in 50 and 200 trials than
anything else, while "auto" left it after its warm-up on these instant objectives. So:

- two objectives: the full GP (EHVI) for the first ``gp_trials`` completed trials,
  whatever a proposal costs (but for the trial after a tie, as above: on
  bench/multiobjective.py's decision trees, whose integer parameters make plateaus, that
  raised the hypervolume at 50 trials from 5.46 to 5.49, 5 seeds), then
  multi-objective TPE;
- three or more: multi-objective TPE (one-dimensional densities) from the start. On
  DTLZ2 (3 objectives) the GP's EHVI trailed TPE and even random search at 50 trials
  (see :mod:`._gp_multi` for why), and a proposal costs far more with three objectives.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence

import numpy as np

from tunesmith.history import FrozenTrial, History
from tunesmith.samplers.base import Suggestion
from tunesmith.samplers.gp import GPSampler
from tunesmith.samplers.qmc import QMCSampler
from tunesmith.samplers.tpe import TPESampler
from tunesmith.space import SearchSpace
from tunesmith.validation import check_int, check_number, check_seed

Chosen = GPSampler | TPESampler | QMCSampler


def _timings(completed: Sequence[FrozenTrial]) -> tuple[float, float | None, float | None]:
    """Seconds of the objective (median of the last 10 trials: their durations less
    their proposals'), and CPU seconds of the last 3 proposals of the full and the light
    GP (median; None if there were none). CPU time, so that other processes on a busy
    machine do not make the model look slower than it is."""
    objective: list[float] = []
    proposals: dict[str, list[float]] = {"gp": [], "light": []}
    for trial in reversed(completed):
        noted = trial.notes.get("auto")
        seconds = float(noted["seconds"]) if isinstance(noted, dict) else 0.0
        if len(objective) < 10 and trial.duration is not None:
            objective.append(max(trial.duration - seconds, 0.0))
        if isinstance(noted, dict) and len(proposals.get(noted["by"], "...")) < 3:
            proposals[noted["by"]].append(float(noted.get("cpu", seconds)))
        if len(objective) == 10 and all(len(p) == 3 for p in proposals.values()):
            break
    full, light = (statistics.median(p) if p else None for p in proposals.values())
    return (statistics.median(objective) if objective else 0.0), full, light


def _tied(completed: Sequence[FrozenTrial]) -> bool:
    """Whether the last completed trial was a GP's proposal and returned exactly the values
    an earlier trial had: a plateau (a tree too shallow to split, a penalty that zeroes
    every coefficient), where the GP, which sees no slope, proposes more of the same."""
    if len(completed) < 2:
        return False
    last = completed[-1]
    noted = last.notes.get("auto")
    if not isinstance(noted, dict) or noted.get("by") not in ("gp", "light"):
        return False
    return any(trial.values == last.values for trial in completed[:-1])


class AutoSampler:
    """GP-EI while it pays for its time, TPE after that or for wide spaces.

    Args:
        gp_trials: Completed trials after which TPE takes over (GP fits cost O(n³)).
        gp_max_dims: Widest space the GP models.
        warmup_trials: Completed trials during which the full GP is used whatever the
            timings.
        light_seconds: Time a light-GP proposal may take even when the objective is
            faster than that.
        light_fit_every: How often (in completed trials) the light GP refits its kernel.
        seed: The study's seed, as ``create_study(seed=...)`` (a study created or loaded
            without a seed takes its sampler's; given both, they must be equal).

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(seed=0)  # "auto" is the default
        >>> study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=12)
        >>> abs(study.best_params["x"] - 1) < 0.2
        True
    """

    #: Several objectives: the GP's expected hypervolume improvement (two objectives),
    #: then multi-objective TPE.
    multi_objective = True

    def __init__(
        self,
        *,
        gp_trials: int = 200,
        gp_max_dims: int = 30,
        warmup_trials: int = 20,
        light_seconds: float = 0.005,
        light_fit_every: int = 10,
        seed: int | None = None,
    ) -> None:
        owner = "AutoSampler"
        self.seed = check_seed(seed, owner=owner)
        self.gp_trials = check_int("gp_trials", gp_trials, owner=owner, minimum=0)
        self.gp_max_dims = check_int("gp_max_dims", gp_max_dims, owner=owner, minimum=0)
        self.warmup_trials = check_int("warmup_trials", warmup_trials, owner=owner, minimum=0)
        self.light_seconds = check_number("light_seconds", light_seconds, owner=owner, minimum=0)
        self.light_fit_every = check_int("light_fit_every", light_fit_every, owner=owner, minimum=1)
        self.gp = GPSampler(interior_prior=10.0, edge_width=0.05)
        self.light = GPSampler(
            fit_every=self.light_fit_every,
            n_restarts=1,
            refine_iterations=10,
            interior_prior=10.0,
            edge_width=0.05,
        )
        self.tpe = TPESampler()
        #: proposes the trial after a GP proposal that told the model nothing new
        self.explorer: TPESampler | QMCSampler | None = self.tpe

    def choose(self, space: SearchSpace, history: History) -> Chosen:
        """The sampler this call goes to."""
        completed = history.completed()
        if len(completed) >= self.gp_trials or len(space) > self.gp_max_dims:
            return self.tpe
        if self.explorer is not None and _tied(completed):
            return self.explorer
        if len(history.directions) > 1:  # by trials (see the module's documentation)
            return self.gp if len(history.directions) == 2 else self.tpe
        if len(completed) < self.warmup_trials:
            return self.gp
        objective, full, light = _timings(completed)
        if full is None or full <= objective:
            return self.gp
        if light is None or light <= max(objective, self.light_seconds):
            return self.light
        return self.tpe

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        chosen = self.choose(space, history)
        if trial.params:  # a parameter asked on its own: not a proposal, not timed
            return chosen.sample(space, history, rng, trial)
        start, cpu = time.perf_counter(), time.process_time()
        suggestion = chosen.sample(space, history, rng, trial)
        # The proposal's time goes with the trial: the trial's duration counts it (the
        # objective's time is the rest), and other workers and resumed studies decide
        # from the same numbers.
        noted = {
            # by identity, not id(): a pickled copy (a Dask worker's) has new ids
            "by": self._name(chosen),
            "seconds": time.perf_counter() - start,
            "cpu": time.process_time() - cpu,
        }
        notes = {**suggestion.notes, "auto": noted}
        return Suggestion(suggestion.params, notes)

    def _name(self, chosen: Chosen) -> str:
        if chosen is self.gp:
            return "gp"
        if chosen is self.light:
            return "light"
        return "tpe" if chosen is self.tpe else "explore"

    def __repr__(self) -> str:
        return f"AutoSampler(gp_trials={self.gp_trials}, gp_max_dims={self.gp_max_dims})"
