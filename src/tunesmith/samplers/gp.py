"""Bayesian optimization with a Gaussian process and expected improvement (sampler "gp").

Snoek, Larochelle & Adams (2012), "Practical Bayesian Optimization of Machine Learning
Algorithms", made to work on real hyperparameter spaces:

- inputs in the unit cube (log, int and step parameters through :mod:`tunesmith.encoding`);
  categorical parameters compared by equality inside the kernel (no rounding of floats);
- numeric inputs warped by a Kumaraswamy CDF per dimension, its two shapes fitted with the
  kernel (Snoek, Swersky, Zemel & Adams 2014, "Input Warping for Bayesian Optimization of
  Non-stationary Functions"): a range flat over most of its length (a penalty that
  zeroes every coefficient) is compressed and the part where the loss changes stretched;
- losses warped (Yeo-Johnson power transform, or ranks) and standardized, so heavy tails
  and outliers do not flatten the model; failed trials count as noisy observations of
  the worst value seen, and no point where a trial failed is proposed again;
- kernel hyperparameters fitted by MAP (see :mod:`._gp`), or, with ``integrate=k``,
  integrated out as in the paper: EI averaged over k slice-sampled draws;
- log expected improvement, maximized over scrambled Sobol candidates and points near
  the best trials, refined by multi-start L-BFGS-B on continuous coordinates and by
  exhaustive sweeps over discrete and categorical ones, so those stay exact; or, with
  ``trust_region=True``, only within a box around the best trial (TuRBO);
- running trials added as if they had done badly (a constant liar), so k parallel
  workers get k different points;
- optionally, expected improvement per second (``cost_aware=True``): a second GP of the
  trials' log durations discounts slow configurations (Snoek et al. sec. 3.2);
- a conditional space is modeled group by group: a parameter only some trials have is
  chosen by a GP of the trials that have it, given the parameters already chosen;
- constraints (``constraints=``): a GP per constraint, EI times the probability of
  feasibility (Gardner et al. 2014); several objectives: a GP per objective and the
  expected hypervolume improvement, in log space, for 2 or 3 objectives (no gain counted
  below an objective's floor, a minimum two differing trials hit exactly); beyond, EI of a random
  Chebyshev scalarization per trial (ParEGO, Knowles 2006). See :mod:`._gp_multi`.

Cost grows as n³ in the number of trials; it stays well under a second a trial to a few
hundred trials. The "auto" sampler hands over to TPE beyond that.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import optimize, special, stats
from scipy.stats import qmc

from tunesmith.encoding import UnitCube
from tunesmith.errors import InvalidArgumentError
from tunesmith.history import FrozenTrial, History
from tunesmith.pareto import pareto_mask
from tunesmith.samplers._failures import unless_failed
from tunesmith.samplers._gp import (
    GaussianProcess,
    Prior,
    fit_hyperparameters,
    log_expected_improvement,
    sample_hyperparameters,
)
from tunesmith.samplers._gp_multi import Feasibility, HypervolumeImprovement, floors
from tunesmith.samplers._observations import ObservationCache, Observations
from tunesmith.samplers._threads import one_blas_thread
from tunesmith.samplers._trust_region import Region, StarDesign, side_length
from tunesmith.samplers._yeo_johnson import yeo_johnson, yeo_johnson_exponent
from tunesmith.samplers.base import Suggestion
from tunesmith.samplers.qmc import QMCSampler
from tunesmith.space import Float, SearchSpace
from tunesmith.validation import (
    check_bool,
    check_callable,
    check_choice,
    check_int,
    check_number,
    check_optional_int,
    check_seed,
    one_of,
)

Constraints = Callable[[FrozenTrial], Sequence[float]]

Warping = Literal["tail", "power", "rank", "none"]
#: Discrete dimensions with at most this many cells are swept exhaustively.
_SWEEP_ALL = 32


def transform_losses(loss: np.ndarray, warping: Warping, lmbda: float | None = None) -> np.ndarray:
    """Losses made Gaussian-looking and standardized (smaller stays better).

    ``"power"`` fits a Yeo-Johnson exponent, unless ``lmbda`` gives one (see
    :func:`power_exponent`).

    ``"tail"`` keeps the better half as it is and compresses the worse half
    logarithmically: bad outliers (a diverged run, a huge Rosenbrock value) stop
    flattening the model, and the good values, where the optimum is, keep their
    resolution (a power transform fitted to the whole sample can squash the best values
    together instead).
    """
    n = len(loss)
    if warping == "rank":
        y = stats.norm.ppf((stats.rankdata(loss) - 0.5) / n)
    elif warping == "tail":
        median = np.median(loss)
        scale = np.median(np.abs(loss - median)) or loss.std() or 1.0
        y = (loss - median) / scale
        y = np.where(y > 0, np.log1p(np.maximum(y, 0.0)), y)
    else:
        spread = loss.std()
        y = (loss - loss.mean()) / (spread if spread > 0 else 1.0)
        if warping == "power" and n >= 3 and spread > 0:
            if lmbda is None:
                lmbda = power_exponent(y)
            warped = yeo_johnson(y, lmbda)
            if np.all(np.isfinite(warped)):
                y = warped
    spread = y.std()
    return (y - y.mean()) / (spread if spread > 0 else 1.0)


def power_exponent(y: np.ndarray) -> float:
    """The Yeo-Johnson exponent that makes standardized ``y`` most normal, clipped to
    [-2, 2] (an extreme power would itself make outliers). It is scipy's
    ``yeojohnson_normmax`` without that function's per-call overhead (see
    :mod:`._yeo_johnson`)."""
    return float(np.clip(yeo_johnson_exponent(y), -2.0, 2.0))


def default_candidates(dims: int) -> int:
    """Sobol candidates to score: 256 to 2,048, growing with the dimensions."""
    return int(2 ** min(11, max(8, 7 + dims.bit_length())))


def _default_startup(dims: int, trust_region: bool = False) -> int:
    """Trials before the model: in a trust region, the star design's (``dims + 1``)."""
    return dims + 1 if trust_region else max(3, min(10, dims + 2))


@dataclass(frozen=True)
class _Fit:
    """Kernel hyperparameters and Yeo-Johnson exponent fitted on ``trials`` trials."""

    theta: np.ndarray
    exponent: float | None
    trials: int


class GPSampler:
    """Gaussian-process Bayesian optimization with expected improvement.

    Args:
        n_startup_trials: Trials sampled from a Sobol sequence before the model takes over
            (default: between 3 and 10, growing with the number of parameters; with
            ``trust_region``, the star design's: one more than the parameters).
        warping: How losses are made Gaussian-looking: ``"power"`` (Yeo-Johnson, the
            default), ``"rank"`` (normal scores of the ranks) or ``"none"``.
        n_candidates: Sobol candidates scored before local refinement (default grows with
            the number of parameters, 256 to 2048).
        n_restarts: Best candidates refined locally.
        prior: Priors of the kernel hyperparameters (see :class:`~._gp.Prior`).
        cost_aware: Maximize expected improvement per second rather than expected
            improvement: a second GP models how long trials take, so that cheap
            configurations are preferred where they promise as much (for objectives
            whose cost varies with the parameters, e.g. model size).
        integrate: 0 (the default) fits the kernel hyperparameters by MAP; k > 0
            averages expected improvement over k draws of them from their posterior
            (slice sampling, Snoek et al. sec. 3.2), at about k times the cost a trial.
        seed: The study's seed, as ``create_study(seed=...)`` (a study created or loaded
            without a seed takes its sampler's; given both, they must be equal).
        warn_independent_sampling: Accepted for code written for Optuna; parameters
            outside the joint space are modeled too, so there is nothing to warn about.
        fit_every: Fit the kernel hyperparameters and the loss warping again only after
            this many more completed trials (between fits, the model takes in every new
            trial with the last fit's kernel): for cheap objectives, where the fit would
            cost more than the trial.
        fit_tolerance: A kernel fit stops when an L-BFGS-B step lowers the negative log
            posterior by less than this fraction of it (None, the default: scipy's
            2.2e-9). "auto"'s light GP in a trust region uses 1e-6: its refits, from
            the last fit, then take about half the steps to a log posterior within 0.003
            of the default's (10 parameters, 50-190 trials).
        refine_iterations: L-BFGS-B iterations spent refining the best candidates (0:
            the best candidate as it is).
        constraints: ``constraints(trial) -> [c1, c2, ...]``, called on each finished
            trial; the trial is feasible when every value is <= 0. The values are stored
            on the trial, each is modeled by a GP, and the sampler maximizes EI times
            the probability of feasibility (constrained EI).
        constraints_func: Optuna's name for ``constraints``.
        warp_inputs: Warp every numeric input by a Kumaraswamy CDF whose two shapes are
            fitted with the kernel (Snoek et al. 2014; the default): the model may
            stretch a region where the objective changes fast and compress a flat one.
            Not with ``integrate``.
        interior_prior: β > 0 weighs the expected improvement of a point by a prior
            that favours the middle of every integer (or stepped) parameter's range
            over its ends, with a weight β/n that fades as the n completed trials grow
            (πBO, Hvarfner et al. 2022); 0 (the default) leaves it as it is. "auto"
            uses 10: its GP
            proposed an end of some integer range in about half of its trials on the
            decision-tree tasks of bench/quality.py, random search in 12-18%.
        edge_width: w > 0 shrinks the GP's variance to 0 at the ends of every
            log-scaled float range, over the last w of the range (in the unit cube;
            0, the default, leaves it as it is): an end is proposed where the model
            predicts a gain there, not for its uncertainty, which is largest at the ends.
            Only log-scaled ranges, whose ends are arbitrary cutoffs (C from 1e-2 to
            1e4); a linear range's end is often a real limit and a real optimum (an
            l1_ratio of 0 or 1). "auto" uses 0.05: without it, on the held-out tasks of
            bench/quality.py whose floats are all log-scaled (an SVR, an L1 logistic
            regression), its GP put one at an end in 61-70% of its trials, TPE and
            random search in none.
        trust_region: Search only a box around the best trial (TuRBO, Eriksson et al.
            2019; see :mod:`._trust_region`): its side doubles after 3 improvements in a
            row and halves after as many trials without one as there are parameters.
            For ten or more parameters, where a hundred trials cannot cover the space
            and expected improvement over all of it goes to empty corners ("auto" uses
            it there). It starts from a star design: the centre of the space, then one
            axis moved a trial. One objective only; ignored with several.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(sampler=GPSampler(), seed=0)
        >>> study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=15)
        >>> abs(study.best_params["x"] - 1) < 0.1
        True
    """

    #: Several objectives: expected hypervolume improvement (ParEGO beyond 3).
    multi_objective = True

    def __init__(
        self,
        *,
        n_startup_trials: int | None = None,
        warping: Warping = "power",
        n_candidates: int | None = None,
        n_restarts: int = 5,
        prior: Prior | None = None,
        cost_aware: bool = False,
        integrate: int = 0,
        seed: int | None = None,
        warn_independent_sampling: bool | None = None,
        fit_every: int = 1,
        fit_tolerance: float | None = None,
        refine_iterations: int = 100,
        constraints: Constraints | None = None,
        constraints_func: Constraints | None = None,
        warp_inputs: bool = True,
        interior_prior: float = 0.0,
        edge_width: float = 0.0,
        trust_region: bool = False,
    ) -> None:
        owner = "GPSampler"
        self.seed = check_seed(seed, owner=owner)
        constraints = one_of(
            owner, "constraints", constraints, "constraints_func", constraints_func
        )
        self.constraints = check_callable("constraints", constraints, owner=owner, optional=True)
        self.n_startup_trials = check_optional_int(
            "n_startup_trials", n_startup_trials, owner=owner, minimum=1
        )
        self.warping: Warping = check_choice(  # type: ignore[assignment]
            "warping", warping, ("power", "rank", "tail", "none"), owner=owner
        )
        self.n_candidates = check_optional_int("n_candidates", n_candidates, owner=owner, minimum=1)
        self.n_restarts = check_int("n_restarts", n_restarts, owner=owner, minimum=1)
        if prior is not None and not isinstance(prior, Prior):
            raise InvalidArgumentError(
                f"{owner}: `prior` must be None or a tunesmith Prior, but got {prior!r}"
            )
        self.prior = prior
        self.cost_aware = check_bool("cost_aware", cost_aware, owner=owner)
        self.integrate = check_int("integrate", integrate, owner=owner, minimum=0)
        self.fit_every = check_int("fit_every", fit_every, owner=owner, minimum=1)
        self.fit_tolerance = (
            None
            if fit_tolerance is None
            else check_number("fit_tolerance", fit_tolerance, owner=owner, minimum=0)
        )
        self.refine_iterations = check_int(
            "refine_iterations", refine_iterations, owner=owner, minimum=0
        )
        self.warp_inputs = check_bool("warp_inputs", warp_inputs, owner=owner)
        self.interior_prior = check_number("interior_prior", interior_prior, owner=owner, minimum=0)
        self.edge_width = check_number(
            "edge_width", edge_width, owner=owner, minimum=0, maximum=0.5
        )
        self.trust_region = check_bool("trust_region", trust_region, owner=owner)
        self._startup: QMCSampler | StarDesign = StarDesign() if trust_region else QMCSampler()
        self._observations = ObservationCache()
        self._fits: dict[tuple[str, ...], _Fit] = {}
        self._chains: dict[tuple[str, ...], np.ndarray] = {}
        self._models: dict[tuple[str, ...], GaussianProcess] = {}
        self._fit_count = 0

    def __getstate__(self) -> dict[str, object]:
        """Pickled (a study sent to a Dask worker) without the last models: an n × n
        factor each, which the copy rebuilds at its first proposal."""
        return {**self.__dict__, "_models": {}}

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        with one_blas_thread():
            return self._sample(space, history, rng, trial)

    def _sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        joint, context, table = self._observations.for_trial(space, history, trial)
        x, losses = table.complete_losses()
        startup = self.n_startup_trials or _default_startup(len(joint), self.trust_region)
        if len(x) < max(startup, 2):
            return self._startup.sample(space, history, rng, trial)
        cube = table.cube
        # Running trials and failed ones count as bad: no worker goes where another is
        # evaluating, and the model steers away from where the objective raised.
        running, failed = table.running(history, exclude=trial.number), table.failed()
        pending = np.vstack([running, failed])
        feasibility, feasible = self._feasibility(table, x, cube, running, failed)
        if losses.shape[1] > 1:
            acquisition: Acquisition | HypervolumeImprovement = self._multi_objective(
                x, losses, feasible, feasibility, cube, running, failed, rng
            )
        else:
            acquisition = self._improvement(
                x, losses[:, 0], feasible, feasibility, table, cube, running, failed, rng
            )
        fixed, fixed_values = cube.fixed(context)
        chosen: Acquisition | HypervolumeImprovement | _Interior = acquisition
        integers = (cube.cells > 0) & ~cube.categorical
        if self.interior_prior and integers.any() and isinstance(acquisition, Acquisition):
            chosen = _Interior(acquisition, integers, self.interior_prior / len(x))
        region = None
        if self.trust_region and losses.shape[1] == 1:
            # around the best feasible trial; infeasible ones count as failures
            loss = np.where(feasible, losses[:, 0], np.inf) if feasible.any() else losses[:, 0]
            region = _region(x, loss, min(startup, len(x)), fixed, fixed_values)
        point = optimize_acquisition(
            chosen,
            cube,
            rng,
            fixed=fixed,
            fixed_values=fixed_values,
            avoid=np.vstack([x, pending]) if len(pending) else x,
            n_candidates=self.n_candidates or default_candidates(cube.dims),
            n_restarts=self.n_restarts,
            iterations=self.refine_iterations,
            region=region,
        )
        params = cube.decode(point)
        suggestion = Suggestion({name: params[name] for name in joint})
        return unless_failed(suggestion, space, history, rng, trial)

    def _improvement(
        self,
        x: np.ndarray,
        loss: np.ndarray,
        feasible: np.ndarray,
        feasibility: Feasibility | None,
        table: Observations | None,
        cube: UnitCube,
        running: np.ndarray,
        failed: np.ndarray,
        rng: np.random.Generator,
        key: tuple[str, ...] | None = None,
    ) -> Acquisition:
        """(Constrained) expected improvement, per second with ``cost_aware``."""
        key = tuple(cube.names) if key is None else key
        fitted = self._fits.get(key)
        if fitted is None or len(x) - fitted.trials >= self.fit_every:
            exponent = None
            if self.warping == "power" and len(x) >= 3 and loss.std() > 0:
                exponent = power_exponent((loss - loss.mean()) / loss.std())
            y = transform_losses(loss, self.warping, exponent)
            # A full restart from the prior's mode now and then; otherwise the last fit, a
            # good start, is refined (the fit dominates the cost past a hundred trials).
            self._fit_count += 1
            theta = fit_hyperparameters(
                x,
                y,
                cube.categorical,
                previous=None if fitted is None else fitted.theta,
                prior=self.prior or Prior(),
                restart=len(x) < 50 or self._fit_count % 10 == 0,
                warp_inputs=self.warp_inputs and not self.integrate,
                tolerance=self.fit_tolerance,
            )
            fitted = self._fits[key] = _Fit(theta, exponent, len(x))
        else:  # the last fit's kernel and warping, on the losses as they are now
            y = transform_losses(loss, self.warping, fitted.exponent)
        theta = fitted.theta
        thetas = [theta]
        if self.integrate:
            # The chain goes on from its last draw: a few sweeps of burn-in the first time.
            chain = self._chains.get(key)
            start = theta if chain is None or len(chain) != len(theta) else chain
            draws = sample_hyperparameters(
                x,
                y,
                cube.categorical,
                start,
                rng,
                count=self.integrate,
                burn=5 if chain is None else 0,
                prior=self.prior or Prior(),
            )
            self._chains[key] = draws[-1]
            thetas = list(draws)
        models = []
        model = None
        for sample in thetas:
            model = self._model(key, x, y, cube, sample)
            if feasible.any():
                best = float(model.mean(x[feasible]).min())
                models.append((model.with_pending(running, failed), best))
        cost = self._cost_model(table, x, cube) if self.cost_aware and table is not None else None
        edges = _log_floats(cube) if self.edge_width else None
        # no feasible trial yet: the probability of feasibility alone
        return Acquisition(
            models, cost, feasibility, anchor=model, edges=edges, edge_width=self.edge_width
        )

    def _model(
        self, key: tuple[str, ...], x: np.ndarray, y: np.ndarray, cube: UnitCube, theta: np.ndarray
    ) -> GaussianProcess:
        """The GP of (x, y) with kernel θ: between refits (the same θ, the same trials
        and more) of a GP that does not refine its proposals, the last one's extended by
        the trials completed since."""
        last = self._models.get(key)
        if last is not None and last.theta is theta:
            model = last.extended(x, y)
        else:
            model = GaussianProcess(x, y, cube.categorical, theta)
        # Kept only between refits, and where the proposal is the best of the scored
        # candidates: a bordered factor differs from a fresh one in the last bits, which
        # L-BFGS-B's refinement can make a different point (with it, 3- and 6-parameter
        # studies parted from the first proposal after a refit; without it, none of 35
        # runs of bench/quality.py's 10- and 20-parameter tasks did).
        if self.fit_every > 1 and not self.refine_iterations:
            self._models[key] = model
        return model

    def _fit_plain(
        self, x: np.ndarray, y: np.ndarray, cube: UnitCube, key: tuple[str, ...]
    ) -> GaussianProcess:
        """A GP of ``y`` (a constraint's or an objective's standardized values), its
        kernel refined from the last fit under ``key``."""
        fitted = self._fits.get(key)
        self._fit_count += 1
        theta = fit_hyperparameters(
            x,
            y,
            cube.categorical,
            previous=None if fitted is None else fitted.theta,
            prior=self.prior or Prior(),
            restart=len(x) < 50 or self._fit_count % 10 == 0,
        )
        self._fits[key] = _Fit(theta, None, len(x))
        return GaussianProcess(x, y, cube.categorical, theta)

    def _feasibility(
        self,
        table: Observations,
        x: np.ndarray,
        cube: UnitCube,
        running: np.ndarray,
        failed: np.ndarray,
    ) -> tuple[Feasibility | None, np.ndarray]:
        """The GPs of the constraints (None without constraints), and which of the
        complete trials are feasible."""
        if self.constraints is None and not table.constrained:
            return None, np.ones(len(x), dtype=bool)
        values = table.constraints()
        known = ~np.isnan(values).all(axis=0)
        values = values[:, known]
        feasible = np.all(np.nan_to_num(values, nan=0.0) <= 0.0, axis=1)
        models = []
        for j in range(values.shape[1]):
            c = np.nan_to_num(values[:, j], nan=0.0)
            scale = c.std() or 1.0
            y = (c - c.mean()) / scale
            model = self._fit_plain(x, y, cube, (*cube.names, f"constraint {j}"))
            models.append((model.with_pending(running, failed), float(-c.mean() / scale)))
        return (Feasibility(models) if models else None), feasible

    def _multi_objective(
        self,
        x: np.ndarray,
        losses: np.ndarray,
        feasible: np.ndarray,
        feasibility: Feasibility | None,
        cube: UnitCube,
        running: np.ndarray,
        failed: np.ndarray,
        rng: np.random.Generator,
    ) -> Acquisition | HypervolumeImprovement:
        """EHVI for 2 or 3 objectives; EI of a random Chebyshev scalarization beyond."""
        low, high = losses.min(axis=0), losses.max(axis=0)
        span = np.where(high > low, high - low, 1.0)
        scaled = (losses - low) / span  # every objective in [0, 1] over the trials
        if losses.shape[1] > 3:
            weights = rng.dirichlet(np.ones(losses.shape[1]))
            # augmented Chebyshev norm (Knowles 2006, eq. 2)
            scalar = (weights * scaled).max(axis=1) + 0.05 * (weights * scaled).sum(axis=1)
            key = (*cube.names, "scalarized")
            return self._improvement(
                x, scalar, feasible, feasibility, None, cube, running, failed, rng, key
            )
        models = []
        for i in range(losses.shape[1]):
            mean, spread = scaled[:, i].mean(), scaled[:, i].std() or 1.0
            y = (scaled[:, i] - mean) / spread
            model = self._fit_plain(x, y, cube, (*cube.names, f"objective {i}"))
            models.append((model, mean, spread))
        reference = np.array([(1.1 - mean) / spread for _, mean, spread in models])
        standardized = np.column_stack(
            [(scaled[:, i] - mean) / spread for i, (_, mean, spread) in enumerate(models)]
        )
        front = standardized[feasible]
        front = front[np.all(front < reference, axis=1)]
        front = front[pareto_mask(front)] if len(front) else front
        gps = [model.with_pending(running, failed) for model, _, _ in models]
        return HypervolumeImprovement(gps, front, reference, feasibility, floors(standardized))

    def _cost_model(
        self, table: Observations, x: np.ndarray, cube: UnitCube
    ) -> GaussianProcess | None:
        """A GP of the trials' log durations, in seconds (None until they vary)."""
        log_seconds = np.log(np.maximum(table.durations(), 1e-6))
        if log_seconds.std() < 1e-9:
            return None
        theta = fit_hyperparameters(x, log_seconds - log_seconds.mean(), cube.categorical)
        return GaussianProcess(x, log_seconds - log_seconds.mean(), cube.categorical, theta)

    def __repr__(self) -> str:
        return (
            f"GPSampler(warping={self.warping!r}, cost_aware={self.cost_aware}, "
            f"integrate={self.integrate}, constraints={self.constraints!r})"
        )


def _log_floats(cube: UnitCube) -> np.ndarray:
    """A mask of the cube's log-scaled float dimensions."""
    return np.array(
        [
            isinstance(d, Float) and d.log and not cells
            for d, cells in zip(cube.space.values(), cube.cells, strict=True)
        ]
    )


class Acquisition:
    """log EI, averaged over one or more GPs (each with the best value to improve on:
    draws of the hyperparameters, Snoek et al. sec. 3.2); with a ``cost`` model (a GP of
    log seconds), log EI per second: log EI minus the predicted log duration.

    With ``edges`` (a mask of dimensions), the variance is multiplied by
    g(u) = (1 - exp(-u/w))(1 - exp(-(1 - u)/w)) along each of them: 0 at the ends, 95% at
    3w from them, so an end is proposed only where the mean predicts a gain."""

    def __init__(
        self,
        models: list[tuple[GaussianProcess, float]],
        cost: GaussianProcess | None = None,
        feasibility: Feasibility | None = None,
        *,
        anchor: GaussianProcess | None = None,
        edges: np.ndarray | None = None,
        edge_width: float = 0.05,
    ) -> None:
        self.models, self.cost, self.feasibility = models, cost, feasibility
        # for where the best observations are
        self.model = anchor if anchor is not None else models[0][0]
        self.edges = edges if edges is not None and edges.any() else None
        self.edge_width = edge_width

    def _edge_factor(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The factor on the variance at ``points`` (m,) and its gradient (m, d); only
        called with ``edges``."""
        assert self.edges is not None
        u = np.clip(points[:, self.edges], 0.0, 1.0)
        low, high = np.exp(-u / self.edge_width), np.exp(-(1.0 - u) / self.edge_width)
        g = np.maximum((1.0 - low) * (1.0 - high), 1e-9)
        factor = g.prod(axis=1)
        grad = np.zeros(points.shape)
        dg = (low * (1.0 - high) - (1.0 - low) * high) / self.edge_width
        grad[:, self.edges] = factor[:, None] * dg / g
        return factor, grad

    def best_first(self, points: np.ndarray) -> np.ndarray:
        """The points by predicted loss, best first."""
        return np.argsort(self.model.mean(points))

    def __call__(self, points: np.ndarray) -> np.ndarray:
        values = []
        factor = None if self.edges is None else self._edge_factor(points)[0]
        for model, best in self.models:
            mean, variance = model.predict(points)
            if factor is not None:
                variance = np.maximum(variance * factor, 1e-12)
            values.append(log_expected_improvement(mean, variance, best)[0])
        value = self._average(np.array(values)) if values else np.zeros(len(points))
        if self.cost is not None:
            value = value - self.cost.predict(points)[0]
        if self.feasibility is not None:
            value = value + self.feasibility(points)
        return value

    def _average(self, log_values: np.ndarray) -> np.ndarray:
        """log of the mean over models of exp(log_values), (models, m) -> (m,)."""
        if len(log_values) == 1:
            return log_values[0]
        return special.logsumexp(log_values, axis=0) - np.log(len(log_values))

    def with_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values and their gradients (m, d) by the numeric coordinates."""
        values, grads = [], []
        edge = None if self.edges is None else self._edge_factor(points)
        for model, best in self.models:
            mean, variance, d_mean, d_variance = model.predict_with_gradient(points)
            if edge is not None:
                factor, d_factor = edge
                d_variance = d_variance * factor[:, None] + variance[:, None] * d_factor
                variance = np.maximum(variance * factor, 1e-12)
            value, by_mean, by_variance = log_expected_improvement(mean, variance, best)
            values.append(value)
            grads.append(by_mean[:, None] * d_mean + by_variance[:, None] * d_variance)
        if values:
            log_values = np.array(values)
            value = self._average(log_values)
            # d log(mean exp v_s) = Σ_s softmax(v)_s dv_s
            weights = np.exp(log_values - value - np.log(len(log_values)))
            grad = np.einsum("sm,smd->md", weights, np.array(grads))
        else:
            value, grad = np.zeros(len(points)), np.zeros(points.shape)
        if self.cost is not None:
            cost, _, d_cost, _ = self.cost.predict_with_gradient(points)
            value, grad = value - cost, grad - d_cost
        if self.feasibility is not None:
            feasible, d_feasible = self.feasibility.with_gradient(points)
            value, grad = value + feasible, grad + d_feasible
        return value, grad


class _Interior:
    """An acquisition times a prior that favours the middle of integer ranges over their
    ends, raised to a power that fades with the trials (the prior-weighted acquisition of
    πBO, Hvarfner et al. 2022): log EI + (β/n) Σ ½ log(4u(1 - u) + 0.01) over the integer
    coordinates u. The GP's variance is largest at the ends of a range, so EI keeps
    proposing them (a tree of depth 1 or of 60 samples a leaf, 1 or 60 neighbours), where
    the objective is rarely best; an end that pays still wins, the more so as trials grow."""

    def __init__(self, inner: Acquisition, which: np.ndarray, weight: float) -> None:
        self.inner, self.which, self.weight = inner, which, weight

    def best_first(self, points: np.ndarray) -> np.ndarray:
        return self.inner.best_first(points)

    def _inside(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        u = points[:, self.which]
        return u, 4.0 * u * (1.0 - u) + 0.01

    def __call__(self, points: np.ndarray) -> np.ndarray:
        inside = self._inside(points)[1]
        return self.inner(points) + self.weight * 0.5 * np.log(inside).sum(axis=1)

    def with_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        value, grad = self.inner.with_gradient(points)
        u, inside = self._inside(points)
        grad = grad.copy()
        grad[:, self.which] += self.weight * 0.5 * 4.0 * (1.0 - 2.0 * u) / inside
        return value + self.weight * 0.5 * np.log(inside).sum(axis=1), grad


def _region(
    x: np.ndarray, loss: np.ndarray, start: int, fixed: np.ndarray, fixed_values: np.ndarray
) -> Region:
    """The trust region around the best trial, its side replayed from the losses after
    the first ``start`` (the star design's)."""
    center = x[int(np.argmin(loss))].copy()
    center[fixed] = fixed_values[fixed]
    return Region.around(center, side_length(loss, start, int((~fixed).sum())), ~fixed)


def optimize_acquisition(
    acquisition: Acquisition | HypervolumeImprovement | _Interior,
    cube: UnitCube,
    rng: np.random.Generator,
    *,
    fixed: np.ndarray,
    fixed_values: np.ndarray,
    avoid: np.ndarray,
    n_candidates: int,
    n_restarts: int,
    iterations: int = 100,
    region: Region | None = None,
) -> np.ndarray:
    """The cube point maximizing the acquisition, with ``fixed`` coordinates held at
    ``fixed_values`` and no point of ``avoid`` (observed or pending) proposed again;
    inside ``region`` if one is given."""
    dims = cube.dims
    if region is None:
        with warnings.catch_warnings():  # any count works; powers of 2 just balance best
            warnings.simplefilter("ignore", UserWarning)
            candidates = qmc.Sobol(dims, scramble=True, seed=rng).random(n_candidates)
        # Candidates near the best observations: where EI's peaks usually are.
        order = acquisition.best_first(avoid)[: min(5, len(avoid))]
        local = avoid[np.repeat(order, 20)] + rng.normal(0, 0.05, (20 * len(order), dims))
        candidates = np.vstack([candidates, local])
        low, high = np.zeros(dims), np.ones(dims)
    else:
        candidates, low, high = region.candidates(n_candidates, rng), region.low, region.high
    candidates[:, fixed] = fixed_values[fixed]
    candidates = cube.snap(candidates)
    scores = acquisition(candidates)
    starts = candidates[np.argsort(-scores)[:n_restarts]]
    continuous = (cube.cells == 0) & ~fixed
    discrete = (cube.cells > 0) & ~fixed
    if continuous.any() and iterations:
        for _ in range(2):
            starts = _refine(acquisition, starts, continuous, iterations, low, high)
            if discrete.any():
                starts = _sweep(acquisition, cube, starts, discrete, rng, low, high)
    elif discrete.any():  # two rounds with nothing between: the second skips what stood
        starts = _sweep(acquisition, cube, starts, discrete, rng, low, high, rounds=2)
    starts = cube.snap(starts)
    ranked = starts[np.argsort(-acquisition(starts))] if len(starts) > 1 else starts
    for point in np.vstack([ranked, candidates[np.argsort(-scores)]]):
        if not _seen(point, avoid):
            return point
    return candidates[rng.integers(len(candidates))]


def _seen(point: np.ndarray, points: np.ndarray) -> bool:
    """Whether ``point`` is (within 1e-5 of the range, in every coordinate) one of
    ``points``: evaluating a deterministic objective there again teaches nothing."""
    return bool(len(points)) and bool(np.any(np.all(np.abs(points - point) < 1e-5, axis=1)))


def _refine(
    acquisition: Acquisition | HypervolumeImprovement | _Interior,
    starts: np.ndarray,
    free: np.ndarray,
    iterations: int,
    low: np.ndarray,
    high: np.ndarray,
) -> np.ndarray:
    """L-BFGS-B on the ``free`` coordinates of every start at once, within [low, high]:
    the starts are independent, so one problem over their concatenation has their sum
    as objective."""
    points = starts.copy()
    count, width = len(points), int(free.sum())

    def negative(flat: np.ndarray) -> tuple[float, np.ndarray]:
        points[:, free] = flat.reshape(count, width)
        value, grad = acquisition.with_gradient(points)
        return -float(value.sum()), -grad[:, free].ravel()

    result = optimize.minimize(
        negative,
        starts[:, free].ravel(),
        jac=True,
        method="L-BFGS-B",
        bounds=list(zip(np.tile(low[free], count), np.tile(high[free], count), strict=True)),
        options={"maxiter": iterations},
    )
    points[:, free] = result.x.reshape(count, width)
    return points


def _sweep(
    acquisition: Acquisition | HypervolumeImprovement | _Interior,
    cube: UnitCube,
    starts: np.ndarray,
    free: np.ndarray,
    rng: np.random.Generator,
    low: np.ndarray,
    high: np.ndarray,
    rounds: int = 1,
) -> np.ndarray:
    """Coordinate ascent over discrete and categorical dimensions, one at a time,
    ``rounds`` times over: every value if there are few, else the neighbouring cells and
    a few random ones; only cells whose centres are within [low, high], but for the
    point's own.

    A dimension swept over every value is not swept again while nothing in the point
    has changed since: the same values would be scored and the same one chosen. (For
    the light GP in a trust region, 10 parameters of which 5 discrete, the second round
    was 5 of a proposal's 12 acquisition calls; it now makes 0-5.)"""
    points = cube.snap(starts.copy())
    # the step at which each point last changed, and each of its dimensions was swept
    changed = np.full(len(points), -1)
    swept = np.full((len(points), cube.dims), -2)
    step = 0
    for _ in range(rounds):
        for dim in np.flatnonzero(free).tolist():
            cells = int(cube.cells[dim])
            for i, point in enumerate(points):
                step += 1
                if cells <= _SWEEP_ALL and changed[i] <= swept[i, dim]:
                    continue
                best = _sweep_one(acquisition, point, dim, cells, rng, low, high)
                if not np.array_equal(best, point):
                    changed[i] = step
                points[i], swept[i, dim] = best, step
    return points


def _sweep_one(
    acquisition: Acquisition | HypervolumeImprovement | _Interior,
    point: np.ndarray,
    dim: int,
    cells: int,
    rng: np.random.Generator,
    low: np.ndarray,
    high: np.ndarray,
) -> np.ndarray:
    """``point`` with coordinate ``dim`` (of ``cells`` cells) at its best cell."""
    if cells <= _SWEEP_ALL:
        indices = np.arange(cells)
    else:
        current = int(point[dim] * cells)
        near = np.arange(current - 3, current + 4)
        indices = np.unique(np.concatenate([near, rng.integers(0, cells, 8)]))
        indices = indices[(indices >= 0) & (indices < cells)]
    centres = (indices + 0.5) / cells
    inside = (centres >= low[dim]) & (centres <= high[dim])
    indices = indices[inside | (indices == int(point[dim] * cells))]
    trials = np.repeat(point[None, :], len(indices), axis=0)
    trials[:, dim] = (indices + 0.5) / cells
    return trials[int(np.argmax(acquisition(trials)))]
