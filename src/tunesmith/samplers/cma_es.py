"""CMA-ES (sampler "cmaes"), on the ``cmaes`` package (``pip install 'tunesmith[cmaes]'``).

The covariance matrix adaptation evolution strategy (Hansen & Ostermeier 2001; Hansen
2016, "The CMA Evolution Strategy: A Tutorial") samples each generation of λ candidates
from a Gaussian and moves it towards the better half. It needs no model fit, so a trial
costs microseconds at any study size: the sampler for cheap objectives and thousands of
trials. :mod:`._cma_search` says which optimizer a space gets (CMA, separable CMA,
CMA-ES with margin for ints, CatCMA with margin for categoricals) and how restarts go.

State lives in the study. Every trial's notes carry the candidate the optimizer drew
(``{"cmaes": {"space", "run", "generation", "x", ...}}``); a generation is told once λ of
its trials have completed, in the order they finished, and the optimizer is replayed
from those notes — never pickled into storage. A sampler caches its optimizer per
history and advances it as trials finish, so a study of 5,000 trials costs one ``tell``
per generation, not a replay per trial; a resumed study or another worker process
replays the same notes to the same optimizer.

Parallel workers never wait for a generation: ``ask`` can be called any number of times,
so a worker starting while the current generation's λ candidates are still running draws
one more candidate of the same generation. Trials of a generation that finish after it
was told, failed and pruned trials are not told.

Warm start (Nomura et al. 2021, WS-CMA-ES): from ``warm_start_trials`` (e.g. another
study's ``trials`` on a similar task) or, when this sampler starts in a study that
already has at least ten completed trials of the space (the sampler was switched in
late, or trials were enqueued), from those: the first run's mean, σ and covariance (and
category probabilities) come from the best 10 %.

Parameters outside the space drawn jointly (those only some trials have, in conditional
spaces, and the first trial's) are chosen by TPE, which models them group by group.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from tunesmith.encoding import UnitCube
from tunesmith.errors import require_module
from tunesmith.history import FrozenTrial, History
from tunesmith.samplers._cma_search import Layout, Restart, Search
from tunesmith.samplers._cma_warm import warm_points
from tunesmith.samplers._failures import REDRAWS, failed_before
from tunesmith.samplers.base import Suggestion
from tunesmith.samplers.tpe import TPESampler
from tunesmith.space import SearchSpace
from tunesmith.validation import (
    check_bool,
    check_choice,
    check_number,
    check_optional_int,
    check_seed,
    check_sequence_of,
    one_of,
)

_RESTARTS = ("ipop", "bipop")


class CmaEsSampler:
    """CMA-ES with restarts, integer margins, categorical distributions and warm starts.

    Args:
        population_size: λ of the first run, doubled at each IPOP restart. By default
            the first run has three fewer than Hansen's ``λ_H = 4 + ⌊3 ln d⌋`` (but not
            below 6, or λ_H if smaller) and the restarts double λ_H: the smaller first
            run converges sooner, so it is ahead at 200 and 1,000 trials, and the
            restarts' larger populations do the global search. On a multimodal
            objective with many parameters, a first run followed by a restart with twice
            the population reaches the global basin about as often as twice the
            population from the start, but polishes it later: on Levy-20 over 5,000
            trials (first run of λ_H), 36 of 40 seeds in the global basin and 11 at its
            minimum, against 18 of 20 at its minimum with ``population_size`` doubled,
            which is worse at 200 and 1,000 trials (bench/RESULTS.md, evolutionary
            search).
        sigma0: Initial step size, as a fraction of each parameter's range (on its log
            scale where it has one); default 1/6.
        restart_strategy: ``"ipop"`` (the default: restart with twice the population
            when a run stagnates), ``"bipop"`` (alternate large and small populations),
            or ``None`` (one run). The first run to settle in a basin (its best values
            flat to 1e-3) while holding the best value hands over to the next run at
            once instead of polishing its minimum, and is resumed to polish it if that
            run ends worse; a settled run worse than an earlier one ends.
        separable: Use separable (diagonal) CMA-ES on continuous spaces: ``None`` (the
            default) does so beyond 40 parameters.
        warm_start_trials: Completed trials of a similar study to start from.
        seed: The study's seed, as ``create_study(seed=...)`` (a study created or loaded
            without a seed takes its sampler's; given both, they must be equal).
        popsize, use_separable_cma, source_trials: Optuna's names for
            ``population_size``, ``separable`` and ``warm_start_trials``.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(sampler=CmaEsSampler(), seed=0)
        >>> study.optimize(
        ...     lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2 + t.suggest_float("y", -3, 3) ** 2,
        ...     n_trials=150,
        ... )
        >>> study.best_value < 1e-4
        True
    """

    def __init__(
        self,
        *,
        population_size: int | None = None,
        sigma0: float = 1 / 6,
        restart_strategy: Restart | None = "ipop",
        separable: bool | None = None,
        warm_start_trials: Sequence[FrozenTrial] | None = None,
        seed: int | None = None,
        popsize: int | None = None,
        use_separable_cma: bool | None = None,
        source_trials: Sequence[FrozenTrial] | None = None,
    ) -> None:
        owner = "CmaEsSampler"
        require_module("cmaes", "cmaes", owner)
        self.seed = check_seed(seed, owner=owner)
        # Optuna's names for three of the arguments, meaning the same
        population_size = one_of(owner, "population_size", population_size, "popsize", popsize)
        separable = one_of(owner, "separable", separable, "use_separable_cma", use_separable_cma)
        warm_start_trials = one_of(
            owner, "warm_start_trials", warm_start_trials, "source_trials", source_trials
        )
        self.population_size = check_optional_int(
            "population_size", population_size, owner=owner, minimum=4
        )
        self.sigma0 = check_number(
            "sigma0", sigma0, owner=owner, minimum=0.0, maximum=1.0, strict_minimum=True
        )
        self.restart_strategy: Restart | None = (
            None
            if restart_strategy is None
            else check_choice(  # type: ignore[assignment]
                "restart_strategy", restart_strategy, _RESTARTS, owner=owner
            )
        )
        self.separable = (
            None if separable is None else check_bool("separable", separable, owner=owner)
        )
        self.warm_start_trials = (
            ()
            if warm_start_trials is None
            else check_sequence_of(
                "warm_start_trials",
                warm_start_trials,
                lambda trial: isinstance(trial, FrozenTrial),
                "FrozenTrial (e.g. another study's trials)",
                owner=owner,
            )
        )
        self._independent = TPESampler()
        self._source: object = None
        self._searches: dict[str, Search] = {}

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        if trial.params or trial.proposal or not space:
            return self._independent.sample(space, history, rng, trial)
        search = self._search(space, history)
        # another candidate of the generation where one would repeat a failed trial
        for _ in range(REDRAWS):
            point, notes = search.ask(int(rng.integers(2**31 - 1)))
            params = search.layout.cube.decode(point)
            if not failed_before(params, history, trial):
                break
        if search.run == 0 and search.generation == 0:
            notes["start"] = search.start
        return Suggestion(params, {"cmaes": notes})

    def _search(self, space: SearchSpace, history: History) -> Search:
        """This space's search, advanced to the history (rebuilt for a new history, or
        when its first trial turns out to be an earlier one than it was built from)."""
        if history.source is not self._source:
            self._source, self._searches = history.source, {}
        fingerprint = _fingerprint(space)
        search = self._searches.get(fingerprint)
        start = _first_start(history, fingerprint, search)
        if search is None or start < search.start:
            search = self._build(space, history, fingerprint, start)
            self._searches[fingerprint] = search
        search.advance(history)
        return search

    def _build(self, space: SearchSpace, history: History, fingerprint: str, start: int) -> Search:
        layout = Layout(UnitCube(space), self.separable)
        if self.warm_start_trials:
            warm = warm_points(self.warm_start_trials, layout.cube, history.direction, "")
        else:
            earlier = history.finished()[:start]
            warm = warm_points(earlier, layout.cube, history.direction, fingerprint)
        return Search(
            layout,
            fingerprint,
            sigma0=self.sigma0,
            population=self.population_size,
            restart=self.restart_strategy,
            seed=history.seed % 2**31,
            start=start,
            warm=warm,
        )

    def __repr__(self) -> str:
        return (
            f"CmaEsSampler(population_size={self.population_size}, sigma0={self.sigma0:.4g}, "
            f"restart_strategy={self.restart_strategy!r}, separable={self.separable})"
        )


def _fingerprint(space: SearchSpace) -> str:
    """A short identity of a space (its names, order and distributions), the same in
    every process: a search's trials are those noted with it."""
    text = repr(list(space.items())).encode()
    return hashlib.blake2b(text, digest_size=6).hexdigest()


def _first_start(history: History, fingerprint: str, search: Search | None) -> int:
    """How many trials had finished when this space's search began: the smallest
    ``start`` any of its trials noted (finished trials the search has not read yet and
    running ones included), or the number finished now if it has no trial yet."""
    starts = [search.start] if search is not None else []
    finished = history.finished()
    for i in range(search.scanned if search is not None else 0, len(finished)):
        notes = finished[i].notes.get("cmaes")
        if notes is not None and notes.get("space") == fingerprint and "start" in notes:
            starts.append(int(notes["start"]))
    for trial in history.running():
        notes = trial.notes.get("cmaes")
        if notes is not None and notes.get("space") == fingerprint and "start" in notes:
            starts.append(int(notes["start"]))
    return min(starts) if starts else len(finished)
