"""One CMA-ES search of a space, replayed from the study's trials.

The ``cmaes`` package's optimizers are the engine; this module decides which one a
space needs, where its coordinates live in the unit cube, when it restarts, and how a
trial's notes become ``tell`` calls again.

Glossary:
    cube    the space's unit cube (:mod:`tunesmith.encoding`), one dimension per parameter
    v       (k,) an optimizer's Gaussian coordinates: the cube's continuous dimensions,
            then its discrete ones (ints, stepped floats) at their cells' centres
    c       the categorical dimensions, as category indices (one-hot inside ``cmaes``)
    λ       population size; a generation is told once λ of its trials have completed
    run     one CMA-ES run from its start to the restart its stagnation triggers

Which optimizer: ``CMA`` on continuous spaces (``SepCMA``, the diagonal variant of Ros &
Hansen 2008, beyond :data:`SEPARABLE_DIMS` dimensions unless told otherwise), ``CMAwM``
(Hamano et al. 2022: a margin keeps every integer's neighbours reachable) when there are
ints or stepped floats, and ``CatCMAwM`` (Hamano et al. 2025) when there are categoricals.
Log-scaled ints are continuous coordinates in the cube (rounded by the encoding), as
everywhere in tunesmith. Parameters with one value take no dimension.

Restarts: IPOP (Auger & Hansen 2005) doubles λ at every restart; BIPOP (Hansen 2009)
alternates such large-population runs with small ones (λ between the default and half
the last large λ, step size σ₀·10^(-2U), U uniform), giving the next run to the regime
that has spent fewer evaluations. A restart begins from a uniformly drawn mean. Its
random draws come from the study's seed and the run's number, so every worker restarts
alike. The first run to settle in a basin while holding the best value is set aside
rather than polished (:data:`SETTLED_SPAN`), and resumed as a later run if the larger
run after it ends worse; a resumed run's trials carry its new run number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from tunesmith.encoding import UnitCube
from tunesmith.errors import require_module
from tunesmith.history import History
from tunesmith.samplers._cma_warm import WARM_START_MINIMUM, warm_start
from tunesmith.states import Direction, TrialState

Restart = Literal["ipop", "bipop"]
#: Continuous spaces with more dimensions than this use separable CMA-ES: full CMA-ES
#: needs on the order of d² generations to learn its covariance (Hansen 2016, the learning
#: rate c_μ ~ μ_eff / d²), more than a study of a few thousand trials has at d = 40;
#: the diagonal one learns at rates ~ 1 / d.
SEPARABLE_DIMS = 40
#: A run has stagnated when its recent best and worst values lie within this share of
#: their size (at least 1), over the last 10 + 30 d / λ generations; when its candidates
#: are within :data:`SPREAD_TOLERANCE` of the ranges and it is worse than an earlier
#: run; when they are and it holds the best value, and its values are flat over the last
#: :data:`SHORT_SPAN` generations (to this share of their size, at least
#: :data:`POLISH_FLOOR`); or when its candidates are within :data:`SPREAD_FLOOR`.
#: (Converged candidates alone are not enough for the best run: on a steep minimum such
#: as Ackley's cone the values still fall when the candidates are within 1e-6 of each
#: other, and restarting there gave up a regret of 6e-9 for one of 3e-5; bench/RESULTS.md,
#: evolutionary search.)
FLAT_TOLERANCE = 1e-8
SPREAD_TOLERANCE = 1e-6
SHORT_SPAN = 3
SPREAD_FLOOR = 1e-12
#: The smallest size the best run's values are flat to a share of: it is polished until
#: they are flat to 1e-12 (``cmaes``'s own ``tolfun``) when they are near 0. Measured
#: against a size of at least 1, it restarted on Ackley's cone at a regret of 1e-8, where
#: a restart never does better and one run goes on to the floating-point floor
#: (bench/RESULTS.md, evolutionary search, "polishing the best run").
POLISH_FLOOR = 1e-4
#: A run has settled in its basin when its generations' best values over the last
#: :data:`SETTLED_SPAN` generations lie within :data:`SETTLED_TOLERANCE` of their size: a
#: nonzero minimum reached to three digits (a run converging to 0, as on Ackley's cone,
#: never settles). A settled run that is worse than an earlier one ends. The first run of
#: the search to settle while holding the best value is set aside, not polished: the
#: next, larger run starts at once, and the settled one is resumed to polish its minimum
#: if that run ends worse. Polishing costs a run of default population about as many
#: trials as finding its basin did: on Levy-20 the first run restarted after 3,400-4,000
#: of 5,000 trials, too late for the larger run to reach the global basin; settled, it
#: hands over after about 2,000 (bench/RESULTS.md, evolutionary search). On mixed spaces
#: (CatCMA with margin) a run in a worse basin may never meet the other rules: its
#: categorical draws keep its worst values apart.
SETTLED_SPAN = 10
SETTLED_TOLERANCE = 1e-3


class Layout:
    """Where an optimizer's coordinates are in the cube, and which optimizer it is."""

    def __init__(self, cube: UnitCube, separable: bool | None) -> None:
        self.cube = cube
        varies = np.array([d.n_values != 1 for d in cube.space.values()], dtype=bool)
        self.categorical = np.flatnonzero(varies & cube.categorical)
        self.discrete = np.flatnonzero(varies & ~cube.categorical & (cube.cells > 0))
        self.continuous = np.flatnonzero(varies & ~cube.categorical & (cube.cells == 0))
        self.gaussian = np.concatenate([self.continuous, self.discrete])
        numeric = len(self.gaussian)
        if len(self.categorical):
            self.kind = "CatCMAwM"
        elif len(self.discrete):
            self.kind = "CMAwM"
        elif numeric > 1 and (numeric > SEPARABLE_DIMS if separable is None else separable):
            # (one dimension has nothing to separate, and cmaes's SepCMA refuses it)
            self.kind = "SepCMA"
        else:
            self.kind = "CMA"
        self.dims = numeric + len(self.categorical)
        cells = cube.cells[self.discrete].astype(float)
        # discrete coordinates range over their cells' centres
        self.low = np.concatenate([np.zeros(len(self.continuous)), 0.5 / cells])
        self.high = np.concatenate([np.ones(len(self.continuous)), 1.0 - 0.5 / cells])

    def default_population(self) -> int:
        """Hansen's λ (2016, eq. 48): what IPOP's restarts double."""
        return 4 + math.floor(3 * math.log(max(self.dims, 1)))

    def first_population(self) -> int:
        """λ of the first run: three fewer than Hansen's, but not below 6 (or Hansen's,
        if smaller). The smaller first run converges sooner (better at a few hundred
        trials); the restarts, from Hansen's λ doubled, do the global search
        (bench/RESULTS.md, "a smaller first run")."""
        hansen = self.default_population()
        return max(hansen - 3, min(hansen, 6))

    def point(self, v: np.ndarray, categories: np.ndarray | None) -> np.ndarray:
        """The cube point of Gaussian coordinates ``v`` (clipped to their bounds) and
        category indices."""
        point = np.full(self.cube.dims, 0.5)
        point[self.gaussian] = np.clip(v, self.low, self.high)
        if categories is not None and len(self.categorical):
            cells = self.cube.cells[self.categorical]
            point[self.categorical] = (categories + 0.5) / cells
        return point

    def coordinates(self, point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(v, category indices)`` of a cube point (the inverse of :meth:`point`)."""
        cells = self.cube.cells[self.categorical]
        categories = np.minimum(np.floor(point[self.categorical] * cells), cells - 1)
        return np.clip(point[self.gaussian], self.low, self.high), categories.astype(int)


def make_optimizer(
    layout: Layout,
    *,
    mean: np.ndarray,
    sigma: float,
    population: int,
    seed: int,
    cov: np.ndarray | None = None,
    categories: np.ndarray | None = None,
) -> Any:
    """A fresh ``cmaes`` optimizer for ``layout``."""
    cmaes: Any = require_module("cmaes", "cmaes", "CmaEsSampler")
    bounds = np.column_stack([layout.low, layout.high])
    if layout.kind == "CMA":
        return cmaes.CMA(mean, sigma, bounds, seed=seed, population_size=population, cov=cov)
    if layout.kind == "SepCMA":
        return cmaes.SepCMA(mean, sigma, bounds, seed=seed, population_size=population)
    if layout.kind == "CMAwM":
        steps = np.zeros(len(layout.gaussian))
        steps[len(layout.continuous) :] = 1.0 / layout.cube.cells[layout.discrete]
        return cmaes.CMAwM(
            mean, sigma, bounds, steps, seed=seed, population_size=population, cov=cov
        )
    cells = layout.cube.cells
    gaussian = len(layout.gaussian) > 0
    return cmaes.CatCMAwM(
        x_space=bounds[: len(layout.continuous)].tolist() if len(layout.continuous) else None,
        z_space=[list((np.arange(cells[d]) + 0.5) / cells[d]) for d in layout.discrete] or None,
        c_space=[int(cells[d]) for d in layout.categorical],
        population_size=population,
        mean=mean if gaussian else None,
        sigma=sigma if gaussian else None,
        cov=(np.eye(len(mean)) if cov is None else cov) if gaussian else None,
        cat_param=categories,
        seed=seed,
    )


class Search:
    """A space's CMA-ES runs, advanced by the trials that finish.

    A trial of the search carries ``{"space", "run", "generation", "x"}`` (and ``"c"``, its
    category indices; ``"start"`` in the first generation of the first run: how many
    trials had finished when the search began, which fixes the warm start; ``"resumes"``
    in a run that continues one set aside: that run's number).
    """

    def __init__(
        self,
        layout: Layout,
        fingerprint: str,
        *,
        sigma0: float,
        population: int | None,
        restart: Restart | None,
        seed: int,
        start: int,
        warm: Sequence[tuple[np.ndarray, float]],
    ) -> None:
        self.layout, self.fingerprint, self.start = layout, fingerprint, start
        self.sigma0, self.restart, self.seed = sigma0, restart, seed
        self.first_population = population or layout.first_population()
        self.base_population = population or layout.default_population()
        self.run, self.generation, self.scanned = 0, 0, 0
        self.told: list[tuple[Any, float]] = []
        self.recent: list[tuple[float, float]] = []  # (best, worst) of each generation
        self.earlier_best = math.inf  # the best value told in the earlier runs
        self.spent = {"small": 0, "large": 0}  # evaluations told, by BIPOP regime
        self.large_restarts, self.regime = 0, "large"
        # the run set aside when it settled holding the best value: (optimizer, its recent
        # generations, its regime, the best value of the runs before it, its number); None
        # before one settles, and once it has been resumed or beaten
        self.aside: tuple[Any, list[tuple[float, float]], str, float, int] | None = None
        self.set_aside_once = False
        self.resumes: int | None = None  # the run this one continues, if resumed
        # a space of one-value parameters has nothing to search
        self.optimizer: Any = self._first(warm) if layout.dims else None

    def _first(self, warm: Sequence[tuple[np.ndarray, float]]) -> Any:
        layout = self.layout
        mean = np.clip(np.full(len(layout.gaussian), 0.5), layout.low, layout.high)
        sigma, cov, categories = self.sigma0, None, None
        if len(warm) >= WARM_START_MINIMUM:
            mean, sigma, cov, categories = warm_start(layout, warm)
        return make_optimizer(
            layout,
            mean=mean,
            sigma=sigma,
            population=self.first_population,
            seed=self.seed,
            cov=None if layout.kind == "SepCMA" else cov,
            categories=categories,
        )

    def advance(self, history: History) -> None:
        """Tell the optimizer every generation completed since the last call."""
        finished = history.finished()
        if self.optimizer is None:
            self.scanned = len(finished)
            return
        sign = 1.0 if history.direction is Direction.MINIMIZE else -1.0
        for i in range(self.scanned, len(finished)):
            trial = finished[i]
            notes = trial.notes.get("cmaes")
            if (
                trial.state is TrialState.COMPLETE
                and notes is not None
                and notes.get("space") == self.fingerprint
                and notes.get("run") == self.run
                and notes.get("generation") == self.generation
            ):
                assert trial.value is not None
                self.told.append((self._solution(notes), sign * trial.value))
                if len(self.told) == self.optimizer.population_size:
                    self._tell()
        self.scanned = len(finished)

    def _solution(self, notes: Any) -> Any:
        x = np.asarray(notes["x"], dtype=float)
        if self.layout.kind != "CatCMAwM":
            return x
        cmaes: Any = require_module("cmaes", "cmaes", "CmaEsSampler")
        cells = self.layout.cube.cells[self.layout.categorical]
        one_hot = np.zeros((len(cells), int(cells.max()) if len(cells) else 0), dtype=bool)
        one_hot[np.arange(len(cells)), np.asarray(notes["c"], dtype=int)] = True
        return cmaes.CatCMAwM.Solution(c=one_hot, _v_raw=x if len(x) else None)

    def _tell(self) -> None:
        optimizer = self.optimizer
        losses = sorted(loss for _, loss in self.told)
        restartable = self.restart is not None and len(self.layout.gaussian) > 0
        spread = self._spread() if restartable else 0.0
        optimizer.tell(self.told)
        self.spent[self.regime] += len(self.told)
        self.told = []
        self.generation += 1
        self.recent.append((losses[0], losses[-1]))
        if not restartable:
            return
        if self._settled():
            holds_best = min(best for best, _ in self.recent) <= self.earlier_best
            if not holds_best:
                self._restart()  # a worse minimum: not worth polishing
                return
            if not self.set_aside_once:
                self._set_aside()
                return
        if self._stagnated(spread):
            self._restart()

    def _spread(self) -> float:
        """The largest standard deviation, over the Gaussian coordinates, of the
        generation being told (σ √C_ii as the samples show it)."""
        if self.layout.kind == "CatCMAwM":
            points = [solution._v_raw for solution, _ in self.told]
        else:
            points = [x for x, _ in self.told]
        return float(np.std(np.array(points), axis=0).max())

    def _stagnated(self, spread: float) -> bool:
        """``cmaes``'s own stopping rules; or the run's recent values flat to 1e-8 of
        their size; or its candidates within 1e-6 of the ranges, unless it holds the
        best value of the search (then its values must also be flat, over a few
        generations, to 1e-12 near 0); or its candidates within 1e-12 of the ranges. A
        run in a worse local optimum is not polished to ``cmaes``'s 1e-12: those trials
        go to a new start."""
        if self.optimizer.should_stop() or spread < SPREAD_FLOOR:
            return True
        if spread < SPREAD_TOLERANCE:
            if min(best for best, _ in self.recent) > self.earlier_best:
                return True
            span, floor = SHORT_SPAN, POLISH_FLOOR
        else:
            span = 10 + math.ceil(30 * self.layout.dims / self.optimizer.population_size)
            floor = 1.0
        if len(self.recent) < span:
            return False
        window = np.array(self.recent[-span:])
        return bool(np.ptp(window) <= FLAT_TOLERANCE * max(floor, float(np.abs(window).min())))

    def _settled(self) -> bool:
        """Whether this run has settled in its basin: its generations' best values flat
        to 1e-3 of their size."""
        if len(self.recent) < SETTLED_SPAN:
            return False
        bests = np.array([best for best, _ in self.recent[-SETTLED_SPAN:]])
        return bool(np.ptp(bests) <= SETTLED_TOLERANCE * abs(float(bests.min())))

    def _set_aside(self) -> None:
        """Keep the settled run to resume it later, and start the next run."""
        self.set_aside_once = True
        self.aside = (self.optimizer, self.recent, self.regime, self.earlier_best, self.run)
        self._restart()

    def _restart(self) -> None:
        """A new run (IPOP or BIPOP) from a uniformly drawn mean; or the run set aside,
        resumed, when it still holds the best value."""
        self.run += 1
        self.generation = 0
        ended_best = min(best for best, _ in self.recent) if self.recent else math.inf
        self.earlier_best = min(self.earlier_best, ended_best)
        self.recent = []
        self.resumes = None
        if self.aside is not None and self.aside[0] is not self.optimizer:
            optimizer, recent, regime, before, run = self.aside
            self.aside = None
            if min(best for best, _ in recent) <= ended_best:
                # the run after it ended worse: polish the settled run's minimum
                self.optimizer, self.recent, self.regime = optimizer, recent, regime
                self.earlier_best = min(before, ended_best)
                self.resumes = run
                return
        rng = np.random.default_rng([self.seed, self.run])
        layout = self.layout
        mean = rng.uniform(layout.low, layout.high)
        population, sigma = self.base_population, self.sigma0
        small_turn = self.spent["small"] < self.spent["large"] and self.large_restarts > 0
        if self.restart == "bipop" and small_turn:
            self.regime = "small"
            largest = self.base_population * 2**self.large_restarts
            ratio = 0.5 * largest / self.base_population
            population = int(self.base_population * ratio ** (rng.random() ** 2))
            sigma = self.sigma0 * 10 ** (-2 * rng.random())
        else:
            self.regime = "large"
            self.large_restarts += 1
            population = self.base_population * 2**self.large_restarts
        self.optimizer = make_optimizer(
            layout, mean=mean, sigma=sigma, population=population, seed=self.seed + self.run
        )

    def ask(self, seed: int) -> tuple[np.ndarray, dict[str, Any]]:
        """A candidate of the current generation: its cube point and what to note."""
        notes: dict[str, Any] = {
            "space": self.fingerprint,
            "run": self.run,
            "generation": self.generation,
        }
        if self.resumes is not None:
            notes["resumes"] = self.resumes
        optimizer = self.optimizer
        if optimizer is None:
            notes["x"] = []
            return self.layout.point(np.empty(0), None), notes
        optimizer.reseed_rng(seed)
        if self.layout.kind == "CatCMAwM":
            solution = optimizer.ask()
            raw = solution._v_raw if solution._v_raw is not None else np.empty(0)
            categories = np.argmax(solution.c, axis=1) if solution.c is not None else None
            parts = [part for part in (solution.x, solution.z) if part is not None]
            v = np.concatenate(parts) if parts else np.empty(0)
            notes["x"] = raw.tolist()
            notes["c"] = [] if categories is None else categories.tolist()
            return self.layout.point(v, categories), notes
        if self.layout.kind == "CMAwM":
            v, raw = optimizer.ask()
        else:
            v = raw = optimizer.ask()
        notes["x"] = raw.tolist()
        return self.layout.point(v, None), notes
