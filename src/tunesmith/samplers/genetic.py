"""A genetic algorithm (sampler "genetic"): a population bred by selection, crossover
and mutation, with the classic recipe's bugs made impossible.

- **Selection by rank**: binary tournaments compare losses, never a fitness such as
  ``1 / error``, so zero, negative objectives and maximization need nothing special.
- **Elitism**: the population is the ``population_size`` best distinct trials completed
  so far (a (μ + λ) scheme, as NSGA-II's), so the best individual is never lost.
- **Any population size**: every trial breeds one child from two tournament winners,
  so an odd size indexes nothing past the parents.
- **Per-type operators** on the unit cube (log scale where asked; see
  :mod:`._variation`): SBX and polynomial mutation for floats, the same snapped to the
  step for ints and stepped floats (a mutated int always moves), uniform crossover and
  resampling for categoricals.

Generations live in the study. Generation *g* begins when ``g * population_size`` trials
have completed; generation 0 is a scrambled Sobol design. Each trial's notes record
``{"genetic": {"generation": g, "parents": [numbers]}}``. Nothing else is kept: the
population is rebuilt from the history (incrementally, as trials finish), so a resumed
study and every worker process continue the same population.

Modes: ``"generational"`` breeds generation *g* from the population as it stood when
generation *g* began (a generation barrier, without waiting: extra workers breed more
children of it); ``"steady_state"`` breeds every trial from the population as it stands
now, so each finished trial counts at once. ``"auto"`` (the default) is steady-state when
another trial is running as this one starts (``n_jobs > 1``, Dask, several workers), and
generational otherwise.

Conditional spaces: the genome is the space the study draws jointly (the parameters every
completed trial has). A parameter outside it (a branch only some trials take) is inherited
from a parent that has it, then mutated like any gene; a trial whose parents lack it
draws it from the Sobol design.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np

from tunesmith.encoding import UnitCube
from tunesmith.history import FrozenTrial, History
from tunesmith.samplers._failures import unless_failed
from tunesmith.samplers._observations import ObservationCache, Observations, point_key
from tunesmith.samplers._variation import CROSSOVERS, Crossover, crossover, mutate
from tunesmith.samplers._variation import tournament as tournament_winner
from tunesmith.samplers.base import Suggestion
from tunesmith.samplers.qmc import QMCSampler
from tunesmith.space import SearchSpace
from tunesmith.states import TrialState
from tunesmith.validation import check_choice, check_int, check_optional_number, check_seed

Mode = Literal["auto", "generational", "steady_state"]
MODES: tuple[Mode, ...] = ("auto", "generational", "steady_state")
#: Probability that a child is a crossover of two parents (else a mutated copy of one).
CROSSOVER_PROBABILITY = 0.9
#: Children bred before one already tried (or running) is accepted anyway.
_ATTEMPTS = 8


def default_population_size(dims: int) -> int:
    """Individuals per generation for ``dims`` genes: 10 to 50, growing with them."""
    return min(50, max(10, 2 * dims + 4))


class _Pool:
    """Individuals sorted best first (by loss, then trial number); never changed in
    place, so a generation's snapshot is just a reference."""

    def __init__(self, x: np.ndarray, loss: np.ndarray, number: np.ndarray) -> None:
        self.x, self.loss, self.number = x, loss, number
        self.keys = [point_key(row) for row in x]

    def __len__(self) -> int:
        return len(self.loss)

    def with_individual(self, x: np.ndarray, loss: float, number: int, size: int) -> _Pool:
        """This pool with one more completed trial, keeping the ``size`` best distinct
        points (a repeated point keeps its better value)."""
        key = point_key(x)
        if key in self.keys:
            i = self.keys.index(key)
            if self.loss[i] <= loss:
                return self
            keep = np.arange(len(self)) != i
            rest = _Pool(self.x[keep], self.loss[keep], self.number[keep])
            return rest.with_individual(x, loss, number, size)
        if len(self) >= size and loss >= self.loss[-1]:
            return self
        at = int(np.searchsorted(self.loss, loss, side="right"))
        grown = _Pool(
            np.insert(self.x, at, x, axis=0),
            np.insert(self.loss, at, loss),
            np.insert(self.number, at, number),
        )
        if len(grown) <= size:
            return grown
        return _Pool(grown.x[:size], grown.loss[:size], grown.number[:size])


class _Population:
    """The population of one genome, grown from a table's completed rows in order."""

    def __init__(self, size: int, dims: int) -> None:
        self.size = size
        self.scanned = 0
        self.completed = 0
        self.live = _Pool(np.empty((0, dims)), np.empty(0), np.empty(0, dtype=np.int64))
        self.at_generation_start = self.live

    def update(self, table: Observations) -> _Population:
        x, loss = table.complete()
        if len(loss) == self.scanned:
            return self
        numbers = table.numbers(TrialState.COMPLETE)
        for i in range(self.scanned, len(loss)):
            # a trial from before a range was narrowed may lie outside it
            if np.all((x[i] >= 0.0) & (x[i] <= 1.0)):
                self.live = self.live.with_individual(x[i], loss[i], int(numbers[i]), self.size)
                self.completed += 1
                if self.completed % self.size == 0:
                    self.at_generation_start = self.live
        self.scanned = len(loss)
        return self

    @property
    def generation(self) -> int:
        return self.completed // self.size


class GeneticSampler:
    """A genetic algorithm with rank-based tournaments, elitism and per-type operators.

    Args:
        population_size: Individuals per generation (at least 2; odd is fine). Default:
            10 to 50, growing with the number of parameters (``2 d + 4``).
        mutation_rate: Probability that each gene of a child mutates (default ``1 / d``).
        crossover: How numeric genes are crossed: ``"sbx"`` (simulated binary crossover,
            the default), ``"blend"`` (BLX-0.5) or ``"uniform"``. Categorical genes are
            always crossed uniformly.
        mode: ``"auto"`` (default), ``"generational"`` or ``"steady_state"`` (see the
            module's documentation).
        seed: The study's seed, as ``create_study(seed=...)`` (a study created or loaded
            without a seed takes its sampler's; given both, they must be equal).

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(sampler=GeneticSampler(population_size=10), seed=0)
        >>> study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=60)
        >>> abs(study.best_params["x"] - 1) < 0.1
        True
        >>> study.trials[-1].notes["genetic"]["generation"]
        5
    """

    def __init__(
        self,
        *,
        population_size: int | None = None,
        mutation_rate: float | None = None,
        crossover: Crossover = "sbx",
        mode: Mode = "auto",
        seed: int | None = None,
    ) -> None:
        owner = "GeneticSampler"
        self.seed = check_seed(seed, owner=owner)
        self.population_size = (
            None
            if population_size is None
            else check_int("population_size", population_size, owner=owner, minimum=2)
        )
        self.mutation_rate = check_optional_number(
            "mutation_rate", mutation_rate, owner=owner, minimum=0.0, maximum=1.0
        )
        self.crossover: Crossover = check_choice(  # type: ignore[assignment]
            "crossover", crossover, CROSSOVERS, owner=owner
        )
        self.mode: Mode = check_choice("mode", mode, MODES, owner=owner)  # type: ignore[assignment]
        self._startup = QMCSampler()
        self._observations = ObservationCache()
        self._source: object = None
        self._populations: dict[tuple[object, ...], _Population] = {}

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        if trial.params or trial.proposal:
            return self._genes_alone(space, history, rng, trial)
        table = self._observations.get(space, history)
        population = self._population(space, table)
        generation = population.generation
        if generation == 0:
            params = self._startup.sample(space, history, rng, trial).params
            return Suggestion(params, {"genetic": {"generation": 0}})
        steady = self.mode == "steady_state" or (
            self.mode == "auto" and any(t.number != trial.number for t in history.running())
        )
        pool = population.live if steady else population.at_generation_start
        cube = table.cube
        taken = table.taken(history, exclude=trial.number)
        rate = self._rate(cube.dims)
        for _ in range(_ATTEMPTS):
            child, parents = self._breed(pool, cube, rng, rate)
            if point_key(child) not in taken:
                break
        else:
            child, _ = mutate(child, cube, rng, 1.0)  # a fresh point rather than a repeat
        params = cube.decode(child)
        notes = {"genetic": {"generation": generation, "parents": parents}}
        return unless_failed(Suggestion(params, notes), space, history, rng, trial)

    def _population(self, space: SearchSpace, table: Observations) -> _Population:
        if table.source is not self._source:
            self._source, self._populations = table.source, {}
        key = tuple(space.items())
        population = self._populations.get(key)
        if population is None:
            size = self.population_size or default_population_size(len(space))
            population = self._populations[key] = _Population(size, len(space))
        return population.update(table)

    def _rate(self, dims: int) -> float:
        return self.mutation_rate if self.mutation_rate is not None else 1.0 / max(dims, 1)

    def _breed(
        self, pool: _Pool, cube: UnitCube, rng: np.random.Generator, rate: float
    ) -> tuple[np.ndarray, list[int]]:
        """A child of two tournament winners (the pool is sorted: rank = position)."""
        order = np.arange(len(pool))
        first = tournament_winner(order, rng)
        second = tournament_winner(order, rng)
        if second == first and len(pool) > 1:
            second = tournament_winner(order, rng)
        parents = [int(pool.number[first])]
        if rng.random() < CROSSOVER_PROBABILITY and second != first:
            child = crossover(pool.x[first], pool.x[second], cube, rng, self.crossover)
            parents.append(int(pool.number[second]))
        else:
            child = pool.x[first].copy()
        child, _ = mutate(child, cube, rng, rate)
        return child, parents

    def _genes_alone(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        notes: Mapping[str, Any] = trial.notes.get("genetic") or {}
        params = inherit_genes(
            space, history, rng, trial, notes.get("parents", ()), self._startup, self._rate
        )
        return unless_failed(Suggestion(params), space, history, rng, trial)

    def __repr__(self) -> str:
        return (
            f"GeneticSampler(population_size={self.population_size}, "
            f"mutation_rate={self.mutation_rate}, crossover={self.crossover!r}, "
            f"mode={self.mode!r})"
        )


def inherit_genes(
    space: SearchSpace,
    history: History,
    rng: np.random.Generator,
    trial: FrozenTrial,
    parents: Sequence[int],
    startup: QMCSampler,
    rate: Callable[[int], float],
) -> dict[str, Any]:
    """Parameters outside the genome: inherited from a parent that has them (and
    mutated, each with probability ``rate(genes)``), else drawn from the Sobol design."""
    donors = [history.trial(n) for n in parents if 0 <= n < len(history)]
    params: dict[str, Any] = {}
    for name, distribution in space.items():
        values = [
            d.params[name]
            for d in donors
            if name in d.params and distribution.contains(d.params[name])
        ]
        if not values:
            single = {name: distribution}
            params[name] = startup.sample(single, history, rng, trial).params[name]
            continue
        cube = UnitCube({name: distribution})
        gene = cube.encode({name: values[int(rng.integers(len(values)))]})
        size = len(trial.params) + len(trial.proposal) + len(space)
        gene, _ = mutate(gene, cube, rng, rate(size))
        params[name] = cube.decode(gene)[name]
    return params
