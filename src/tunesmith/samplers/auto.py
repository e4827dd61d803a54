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
- but in spaces of ``trust_region_dims`` parameters or more (one objective), both GPs
  start from the centre of the space and one axis moved a trial (a star design, not
  Sobol points) and search only a box around the best trial (a trust region, TuRBO: see
  :mod:`._trust_region`), and the light one (no input warp to fit, 320 candidates in the
  box, no refinement: in 10 parameters 3 ms of CPU a trial on average to a hundred
  trials, 6 ms from 100 to 200, on a busy machine) takes the place of TPE while
  it costs no more than the objective or ``local_seconds`` of CPU (on average over a
  cycle of kernel refits), whichever is more. In ten and twenty dimensions a hundred
  trials cannot cover the space: expected improvement over all of it goes to empty
  corners, and TPE's one-dimensional densities learn little. On the 10- and
  20-parameter functions of bench/quality.py "auto" ranked 2nd to 6th of 7 optimizers
  without it, 1st to 3rd with it, and 1st or 2nd at 30, 50 and 100 trials with the
  star design (nevergrad's NGOpt first on most; issue 11);
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
from dataclasses import dataclass

import numpy as np

from tunesmith.history import FrozenTrial, History
from tunesmith.samplers.base import Suggestion
from tunesmith.samplers.gp import GPSampler
from tunesmith.samplers.qmc import QMCSampler
from tunesmith.samplers.tpe import TPESampler
from tunesmith.space import SearchSpace
from tunesmith.validation import check_int, check_number, check_seed

Chosen = GPSampler | TPESampler | QMCSampler


#: Kinds of proposal whose CPU time "auto" weighs: the full GP, the light one, and the
#: light one in a trust region.
_TIMED = ("gp", "light", "local")


@dataclass(frozen=True)
class _Timings:
    """What :meth:`AutoSampler.choose` weighs, read from the completed trials: the
    objective's seconds in the last 10 trials (their durations less their proposals'),
    and the CPU seconds of the last ``count`` proposals of each GP (CPU time, so that
    other processes on a busy machine do not make the model look slower than it is);
    oldest first.

    Completed trials are only ever appended (``History.completed`` is in the order they
    finished), so these are carried over from one call to the next and only the trials
    completed since are read: reading back through every trial at every call (in a trust
    region the light GP's kind is never found, so the loop went to the first trial) cost
    0.14 ms a trial at 180 trials, growing with n (bench/RESULTS.md, issue 11's overhead).
    Immutable, so threads sharing the sampler each extend a consistent copy."""

    source: object = None
    read: int = 0
    objective: tuple[float, ...] = ()
    proposals: tuple[tuple[float, ...], ...] = ((),) * len(_TIMED)

    def extended(self, history: History, count: int) -> _Timings:
        """These timings with the trials completed since taken in (or all of them, for a
        history of another source or one shorter than what was read)."""
        completed = history.completed()
        start = self
        if history.source is not self.source or len(completed) < self.read:
            start = _Timings(history.source)
        if start.read == len(completed):
            return start
        objective = list(start.objective)
        proposals = [list(p) for p in start.proposals]
        for i in range(start.read, len(completed)):
            trial = completed[i]
            noted = trial.notes.get("auto")
            seconds = float(noted["seconds"]) if isinstance(noted, dict) else 0.0
            if trial.duration is not None:
                objective.append(max(trial.duration - seconds, 0.0))
            # a fixed design's trials (noted "modelled": False) are no GP's proposals
            if (
                isinstance(noted, dict)
                and noted["by"] in _TIMED
                and noted.get("modelled") is not False
            ):
                proposals[_TIMED.index(noted["by"])].append(float(noted.get("cpu", seconds)))
        return _Timings(
            history.source,
            len(completed),
            tuple(objective[-10:]),
            tuple(tuple(p[-count:]) for p in proposals),
        )

    def summary(self) -> tuple[float, dict[str, list[float]]]:
        """The objective's median seconds (0 without trials), and each GP's proposals'
        CPU seconds, newest first."""
        objective = statistics.median(self.objective) if self.objective else 0.0
        proposals = zip(_TIMED, self.proposals, strict=True)
        return objective, {kind: list(reversed(cpu)) for kind, cpu in proposals}


def _modelled(suggestion: Suggestion, history: History) -> bool:
    """Whether a proposal may have come from the chosen sampler's model: not from a fixed
    design (the star design of a GP in a trust region), nor before any trial finished."""
    return not suggestion.notes.get("design") and bool(history.completed())


def _tied(completed: Sequence[FrozenTrial]) -> bool:
    """Whether the last completed trial was a GP's proposal and returned exactly the values
    an earlier trial had: a plateau (a tree too shallow to split, a penalty that zeroes
    every coefficient), where the GP, which sees no slope, proposes more of the same."""
    if len(completed) < 2:
        return False
    last = completed[-1]
    noted = last.notes.get("auto")
    if not isinstance(noted, dict) or noted.get("modelled") is False:
        return False
    if noted.get("by") not in _TIMED:
        return False
    return any(trial.values == last.values for trial in completed[:-1])


class AutoSampler:
    """GP-EI while it pays for its time, TPE after that or for very wide spaces; in 10
    dimensions or more, the GPs in a trust region.

    Args:
        gp_trials: Completed trials after which TPE takes over (GP fits cost O(n³)).
        gp_max_dims: Widest space the GP models.
        warmup_trials: Completed trials during which the full GP is used whatever the
            timings (in spaces of ``trust_region_dims`` parameters or more, at least the
            star design's and 9 more).
        light_seconds: Time a light-GP proposal may take even when the objective is
            faster than that.
        light_fit_every: How often (in completed trials) the light GP refits its kernel.
        trust_region_dims: Spaces of at least this many parameters get the GPs in a trust
            region around the best trial, and the light GP instead of TPE.
        local_seconds: CPU time a proposal of the light GP in a trust region may take
            on average over ``light_fit_every`` proposals (one kernel fit and the
            proposals between) even when the objective is faster than that.
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
        trust_region_dims: int = 10,
        local_seconds: float = 0.01,
        seed: int | None = None,
    ) -> None:
        owner = "AutoSampler"
        self.seed = check_seed(seed, owner=owner)
        self.gp_trials = check_int("gp_trials", gp_trials, owner=owner, minimum=0)
        self.gp_max_dims = check_int("gp_max_dims", gp_max_dims, owner=owner, minimum=0)
        self.warmup_trials = check_int("warmup_trials", warmup_trials, owner=owner, minimum=0)
        self.light_seconds = check_number("light_seconds", light_seconds, owner=owner, minimum=0)
        self.light_fit_every = check_int("light_fit_every", light_fit_every, owner=owner, minimum=1)
        self.trust_region_dims = check_int(
            "trust_region_dims", trust_region_dims, owner=owner, minimum=0
        )
        self.local_seconds = check_number("local_seconds", local_seconds, owner=owner, minimum=0)
        self.gp = GPSampler(interior_prior=10.0, edge_width=0.05)
        self.light = GPSampler(
            fit_every=self.light_fit_every,
            n_restarts=1,
            refine_iterations=10,
            interior_prior=10.0,
            edge_width=0.05,
        )
        #: the GPs for spaces of ``trust_region_dims`` parameters or more: in a trust region
        self.local = GPSampler(interior_prior=10.0, trust_region=True)
        self.local_light = GPSampler(
            fit_every=self.light_fit_every,
            fit_tolerance=1e-6,
            n_restarts=1,
            refine_iterations=0,
            n_candidates=256,
            interior_prior=10.0,
            trust_region=True,
            warp_inputs=False,
        )
        self.tpe = TPESampler()
        #: proposes the trial after a GP proposal that told the model nothing new
        self.explorer: TPESampler | QMCSampler | None = self.tpe
        #: what the rules weigh, kept up to date as trials complete
        self._timings = _Timings()

    def choose(self, space: SearchSpace, history: History) -> Chosen:
        """The sampler this call goes to."""
        completed = history.completed()
        if len(completed) >= self.gp_trials or len(space) > self.gp_max_dims:
            return self.tpe
        if self.explorer is not None and _tied(completed):
            return self.explorer
        if len(history.directions) > 1:  # by trials (see the module's documentation)
            return self.gp if len(history.directions) == 2 else self.tpe
        wide = len(space) >= self.trust_region_dims
        gp, light = (self.local, self.local_light) if wide else (self.gp, self.light)
        # in a wide space the warm-up gives the full GP 9 trials past the star design
        # (d + 1 trials), as in 10 dimensions: the design outlasts 20 trials from 20 on
        warmup = max(self.warmup_trials, len(space) + 10) if wide else self.warmup_trials
        if len(completed) < warmup:
            return gp
        self._timings = self._timings.extended(history, max(3, self.light_fit_every))
        objective, cpu = self._timings.summary()
        if not cpu["gp"] or statistics.median(cpu["gp"][:3]) <= objective:
            return gp
        if wide:  # judged over a cycle of refits: one kernel fit, the cheap proposals between
            local = cpu["local"]
            if len(local) < self.light_fit_every:
                return light
            return (
                light if statistics.fmean(local) <= max(objective, self.local_seconds) else self.tpe
            )
        if not cpu["light"] or statistics.median(cpu["light"][:3]) <= max(
            objective, self.light_seconds
        ):
            return light
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
        if not _modelled(suggestion, history):
            # a GP's fixed design (the star in a trust region) and the first trial are
            # neither timed as the GP's (in 20 dimensions the design outlasts the warm-up:
            # the rule would weigh their microseconds against the objective's) nor
            # followed by TPE after a tie (it would break the design off)
            noted["modelled"] = False
        notes = {**suggestion.notes, "auto": noted}
        return Suggestion(suggestion.params, notes)

    def _name(self, chosen: Chosen) -> str:
        if chosen is self.gp or chosen is self.local:
            return "gp"
        if chosen is self.light:
            return "light"
        if chosen is self.local_light:
            return "local"
        return "tpe" if chosen is self.tpe else "explore"

    def __repr__(self) -> str:
        return f"AutoSampler(gp_trials={self.gp_trials}, gp_max_dims={self.gp_max_dims})"
