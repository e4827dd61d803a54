"""NSGA-II (sampler "nsga2"): a genetic algorithm for several objectives.

Deb, Pratap, Agarwal & Meyarivan (2002), "A Fast and Elitist Multiobjective Genetic
Algorithm: NSGA-II":

- **Elitist (μ + λ) survival** (sec. III-C): the next population is the best
  ``population_size`` of the current one and its children, taken front by front of the
  fast non-dominated sort (sec. III-A); the front that does not fit whole is cut by
  crowding distance (sec. III-B), so the population spreads along the front.
- **Crowded tournaments**: binary tournaments prefer the lower front, then the larger
  crowding distance.
- **Constrained domination** (sec. VI) with ``constraints=``: a feasible trial beats an
  infeasible one, and of two infeasible ones the one that breaks its constraints by less.
- The genetic sampler's **mixed-space variation** (:mod:`._variation`) on the unit cube
  (log scale where asked): uniform crossover by default (SBX on request), polynomial
  mutation, ints and stepped floats moved by whole cells, categoricals resampled. Uniform
  crossover is also Optuna's default; on bench/multiobjective.py's ZDT1, ZDT2 and DTLZ2
  (6 variables, 1,000 trials, 2 seeds) it reached hypervolume ratios of 0.92, 0.44 and
  0.90 where SBX reached 0.82, 0.13 and 0.85 (SBX let ZDT2's population collapse onto
  one end of its concave front).

Generations live in the study, as the genetic sampler's: generation *g* begins when
``g * population_size`` trials have completed, generation 0 is a scrambled Sobol design,
and each trial's notes record ``{"nsga2": {"generation": g, "parents": [numbers]}}``.
The population is rebuilt from the history, so resumed studies and parallel workers
continue one search. In ``"steady_state"`` mode (the default while other trials run)
every trial breeds from the population and all the children completed since the
generation began, so no worker waits for a generation to end (Durillo et al. 2009).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from tunesmith.encoding import UnitCube
from tunesmith.history import FrozenTrial, History
from tunesmith.pareto import crowded_order
from tunesmith.samplers._observations import ObservationCache, Observations, point_key
from tunesmith.samplers._variation import CROSSOVERS, Crossover, crossover, mutate, tournament
from tunesmith.samplers.base import Suggestion
from tunesmith.samplers.genetic import MODES, Mode, inherit_genes
from tunesmith.samplers.qmc import QMCSampler
from tunesmith.space import SearchSpace
from tunesmith.states import TrialState
from tunesmith.validation import (
    check_callable,
    check_choice,
    check_int,
    check_optional_number,
    check_seed,
    one_of,
)

Constraints = Callable[[FrozenTrial], Sequence[float]]
#: Probability that a child is a crossover of two parents (Deb's code uses 0.9).
CROSSOVER_PROBABILITY = 0.9
#: Individuals per generation by default (Optuna's and many papers' choice).
DEFAULT_POPULATION = 50
_ATTEMPTS = 8


class _Population:
    """One genome's population: the survivors at the last generation boundary and the
    children completed since, as rows of a table's COMPLETE trials."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.scanned = 0
        self.completed = 0
        self.live = np.empty(0, dtype=np.int64)
        self.pending: list[int] = []

    def update(self, x: np.ndarray, losses: np.ndarray, violation: np.ndarray | None) -> None:
        for i in range(self.scanned, len(x)):
            # a trial from before a range was narrowed may lie outside it
            if not np.all((x[i] >= 0.0) & (x[i] <= 1.0)):
                continue
            self.pending.append(i)
            self.completed += 1
            if self.completed % self.size == 0:
                self.live = self.select(losses, violation)
                self.pending = []
        self.scanned = len(x)

    def select(self, losses: np.ndarray, violation: np.ndarray | None) -> np.ndarray:
        """The survivors of the population and its pending children, best first."""
        rows = np.concatenate([self.live, np.array(self.pending, dtype=np.int64)])
        kept = crowded_order(losses[rows], None if violation is None else violation[rows])
        return rows[kept[: self.size]]

    @property
    def generation(self) -> int:
        return self.completed // self.size


class NSGAIISampler:
    """NSGA-II: non-dominated sorting, crowding distance and elitism, for studies of
    several objectives (and of one).

    Args:
        population_size: Individuals per generation (at least 2; default 50).
        mutation_rate: Probability that each gene of a child mutates (default ``1 / d``).
        crossover: ``"uniform"`` (the default), ``"sbx"`` or ``"blend"`` for numeric
            genes; categorical genes are always crossed uniformly.
        crossover_probability: Probability that a child has two parents (else it is a
            mutated copy of one).
        mode: ``"auto"`` (steady-state while other trials run, generational otherwise),
            ``"generational"`` or ``"steady_state"``.
        constraints: ``constraints(trial) -> [c1, c2, ...]``, called on each finished
            trial; the trial is feasible when every value is <= 0. The values are stored
            on the trial (``trial.constraints``), infeasible trials lose every
            comparison with feasible ones, and ``study.best_trials`` has feasible
            trials only.
        constraints_func, mutation_prob, crossover_prob: Optuna's names for
            ``constraints``, ``mutation_rate`` and ``crossover_probability``.
        seed: The study's seed, as ``create_study(seed=...)`` (a study created or loaded
            without a seed takes its sampler's; given both, they must be equal).

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(directions=["minimize", "minimize"],
        ...                         sampler=NSGAIISampler(population_size=10), seed=0)
        >>> def objective(trial):
        ...     x = trial.suggest_float("x", 0, 1)
        ...     return x, (1 - x) ** 2
        >>> study.optimize(objective, n_trials=40)
        >>> len(study.best_trials) > 10
        True
    """

    multi_objective = True

    def __init__(
        self,
        *,
        population_size: int | None = None,
        mutation_rate: float | None = None,
        crossover: Crossover = "uniform",
        crossover_probability: float = CROSSOVER_PROBABILITY,
        mode: Mode = "auto",
        constraints: Constraints | None = None,
        constraints_func: Constraints | None = None,
        seed: int | None = None,
        mutation_prob: float | None = None,
        crossover_prob: float | None = None,
    ) -> None:
        owner = "NSGAIISampler"
        mutation_rate = one_of(
            owner, "mutation_rate", mutation_rate, "mutation_prob", mutation_prob
        )
        if crossover_prob is not None:
            if crossover_probability != CROSSOVER_PROBABILITY:
                one_of(
                    owner,
                    "crossover_probability",
                    crossover_probability,
                    "crossover_prob",
                    crossover_prob,
                )
            crossover_probability = crossover_prob
        self.seed = check_seed(seed, owner=owner)
        self.population_size = (
            DEFAULT_POPULATION
            if population_size is None
            else check_int("population_size", population_size, owner=owner, minimum=2)
        )
        self.mutation_rate = check_optional_number(
            "mutation_rate", mutation_rate, owner=owner, minimum=0.0, maximum=1.0
        )
        self.crossover: Crossover = check_choice(  # type: ignore[assignment]
            "crossover", crossover, CROSSOVERS, owner=owner
        )
        self.crossover_probability = check_optional_number(
            "crossover_probability", crossover_probability, owner=owner, minimum=0.0, maximum=1.0
        )
        self.mode: Mode = check_choice("mode", mode, MODES, owner=owner)  # type: ignore[assignment]
        constraints = one_of(
            owner, "constraints", constraints, "constraints_func", constraints_func
        )
        self.constraints = check_callable("constraints", constraints, owner=owner, optional=True)
        self._startup = QMCSampler()
        self._observations = ObservationCache()
        self._source: object = None
        self._populations: dict[tuple[object, ...], _Population] = {}

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        if trial.params or trial.proposal:
            notes: Mapping[str, Any] = trial.notes.get("nsga2") or {}
            parents = notes.get("parents", ())
            return Suggestion(
                inherit_genes(space, history, rng, trial, parents, self._startup, self._rate)
            )
        table = self._observations.get(space, history)
        x, losses = table.complete_losses()
        violation = (
            table.violations() if self.constraints is not None or table.constrained else None
        )
        population = self._population(space, table)
        population.update(x, losses, violation)
        generation = population.generation
        if generation == 0:
            params = self._startup.sample(space, history, rng, trial).params
            return Suggestion(params, {"nsga2": {"generation": 0}})
        steady = self.mode == "steady_state" or (
            self.mode == "auto" and any(t.number != trial.number for t in history.running())
        )
        pool = population.select(losses, violation) if steady else population.live
        numbers = table.numbers(TrialState.COMPLETE)[pool]
        cube = table.cube
        taken = table.taken(history, exclude=trial.number)
        for _ in range(_ATTEMPTS):
            child, parents = self._breed(x[pool], numbers, cube, rng)
            if point_key(child) not in taken:
                break
        else:
            child, _ = mutate(child, cube, rng, 1.0)  # a fresh point rather than a repeat
        params = cube.decode(child)
        return Suggestion(params, {"nsga2": {"generation": generation, "parents": parents}})

    def _population(self, space: SearchSpace, table: Observations) -> _Population:
        if table.source is not self._source:
            self._source, self._populations = table.source, {}
        key = tuple(space.items())
        population = self._populations.get(key)
        if population is None:
            population = self._populations[key] = _Population(self.population_size)
        return population

    def _rate(self, dims: int) -> float:
        return self.mutation_rate if self.mutation_rate is not None else 1.0 / max(dims, 1)

    def _breed(
        self, pool: np.ndarray, numbers: np.ndarray, cube: UnitCube, rng: np.random.Generator
    ) -> tuple[np.ndarray, list[int]]:
        """A child of two crowded-tournament winners (the pool is best first, so a
        position is a rank by front, then crowding)."""
        order = np.arange(len(pool))
        first = tournament(order, rng)
        second = tournament(order, rng)
        if second == first and len(pool) > 1:
            second = tournament(order, rng)
        parents = [int(numbers[first])]
        if rng.random() < (self.crossover_probability or 0.0) and second != first:
            child = crossover(pool[first], pool[second], cube, rng, self.crossover)
            parents.append(int(numbers[second]))
        else:
            child = pool[first].copy()
        child, _ = mutate(child, cube, rng, self._rate(cube.dims))
        return child, parents

    def __repr__(self) -> str:
        return (
            f"NSGAIISampler(population_size={self.population_size}, "
            f"mutation_rate={self.mutation_rate}, crossover={self.crossover!r}, "
            f"mode={self.mode!r}, constraints={self.constraints!r})"
        )
