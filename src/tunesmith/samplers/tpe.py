"""Tree-structured Parzen estimator (sampler "tpe").

Bergstra, Bardenet, Bengio & Kégl (2011), "Algorithms for Hyper-Parameter Optimization",
with what a decade of use has taught: multivariate kernels (Falkner et al. 2018), a prior
component, bandwidths that shrink with the number of observations, age-weighted bad
trials, pruned trials ranked by how far they got, running trials counted as bad (the
"constant liar") and failed ones too, Sobol startup trials, and conditional spaces
sampled group by group (see :func:`._observations.modeling_space`), never silently as
independent draws.

Glossary (shapes):
    n       ranked trials: complete ones by loss, then pruned ones by (steps reached, loss)
    d       dimensions of the modeled space, in the unit cube (:mod:`tunesmith.encoding`)
    γ(n)    number of "good" trials: min(⌈0.1 n⌉, 25) (Bergstra et al. sec. 4.1);
            ⌈0.1 n⌉ with several objectives
    l(x)    Parzen density of the good trials, g(x) of the others (eq. 2 of the paper)
    μ       (k, d) kernel centres, one per observation plus the prior's
    σ       (k, d) bandwidths of numeric dimensions: per observation and dimension, the
            larger gap to its neighbours (sec. 4.2), clipped below at 1/min(100, k)
    β       categorical "bandwidth": the probability of leaving an observation's category
The next point maximizes l(x) / g(x) over candidates drawn from l (sec. 4.1, eq. 3: this
maximizes expected improvement under the TPE model).

Several objectives (MOTPE, Ozaki et al. 2020, "Multiobjective Tree-Structured Parzen
Estimator for Computationally Expensive Optimization Problems"): trials are ranked by
non-dominated sorting, so the good group is the first Pareto fronts. The front that does
not fit whole is cut as the paper does, by greedy hypervolume subset selection (exact
volumes for three objectives or more, estimated for two), against a reference point
10 % of that front's range beyond its worst point. On
bench/multiobjective.py at 200 trials this reached 0.64 of ZDT1's front and 0.64 of
ZDT3's (10 seeds) and 0.85 of DTLZ2's (3 objectives, 20 seeds) where the earlier cut
reached 0.52, 0.57 and 0.84: crowding distance for two objectives, each point's own
contribution against a reference beyond every trial for three. A far reference makes the
front's extreme points worth the most, and own contributions do not see that two
neighbours cover the same ground. The near reference costs on TNK, whose feasible front
the constrained ranking below reaches early (0.85 of it at 200 trials against 0.87 with
crowding, 10 seeds): a reference half the front's range out did as well as crowding
there but reached 0.56, 0.51 and 0.84 of ZDT1's, ZDT3's and DTLZ2's fronts. And the good
group is the best tenth of the trials however many there are (Optuna's MOTPE too), not
at most 25 of them: a front keeps growing with the trials, and 25 points of it are a
sparse sample of where to look (DTLZ2 at 1,000 trials, 4 seeds: 0.969 of the front
against 0.961, at twice the time a trial). With several objectives l and g are products
of one-dimensional densities by default (``multivariate``), as Optuna's MOTPE: that
tripled the hypervolume on ZDT3 at 200 trials. And the bad trials all weigh 1, not less
with age: forgetting old trials, which helps one objective move on from where it was,
cost MOTPE on ZDT1 at 200 trials 0.47 of the front against 0.67 (3 seeds; DTLZ2 0.81
against 0.82, 5 seeds; ZDT3 0.55 against 0.56).

Constraints (``constraints=``, c-TPE: Watanabe & Hutter 2023, "c-TPE: Tree-structured
Parzen Estimator with Inequality Constraints for Expensive Hyperparameter Optimization"):
with one objective, the objective's good group is every trial, feasible or not, at least
as good as the γ-th best feasible one (all trials while none is feasible, so that the
objective's term is flat and the constraints' alone lead); with several, it is the first
γ(n) of the feasible trials by Pareto front and then the infeasible ones by how far they
break their constraints (Deb's constrained domination, as Optuna ranks them): a Pareto
rank against the γ-th feasible trial let infeasible trials near the ideal point fill the
good group (on TNK at 200 trials, 10 seeds, 0.59 of the feasible front against 0.88).
Each constraint also gets a
pair of densities of its own: l_j(x) of the trials that meet it (while fewer than γ(n)
do, of the γ(n) with its smallest values), g_j(x) of the others. A candidate's score is
the sum over the objective and the constraints of log l / (γ l + (1 - γ) g), each with
its own share γ: the probability of improvement, and of meeting each constraint, under
the model (treated as independent). Candidates are drawn from the objective's l and from
every l_j. So the search is drawn to where the objective is good and the constraints are
met, near the boundary where the feasible optimum usually lies, rather than first to
wherever enough trials are feasible.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cache
from typing import Literal

import numpy as np
from scipy import special

from tunesmith.encoding import UnitCube
from tunesmith.errors import InvalidArgumentError
from tunesmith.history import FrozenTrial, History
from tunesmith.pareto import loss_hypervolume, pareto_mask
from tunesmith.samplers._failures import unless_failed
from tunesmith.samplers._observations import (
    ObservationCache,
    Observations,
    point_key,
)
from tunesmith.samplers.base import Suggestion
from tunesmith.samplers.qmc import QMCSampler
from tunesmith.space import SearchSpace
from tunesmith.states import TrialState
from tunesmith.validation import (
    check_bool,
    check_callable,
    check_int,
    check_number,
    check_seed,
    one_of,
)

Constraints = Callable[[FrozenTrial], Sequence[float]]

_PRIOR_SIGMA = 1.0


def _neighbour_gaps(centers: np.ndarray) -> np.ndarray:
    """Per observation and dimension, the larger gap to its neighbours along that
    dimension (Bergstra et al. 2011, sec. 4.2): narrow kernels where observations crowd.

    The lowest and the highest observation take the gap to their one inner neighbour,
    not to the end of the range: otherwise the edges of a tight cluster of good points
    get kernels as wide as the distance to the boundary, and l(x) spreads far beyond
    the cluster (on Hartmann-6 this halved TPE's regret at 100 trials).
    """
    count, dims = centers.shape
    if count <= 1:
        return np.ones((count, dims))
    order = np.argsort(centers, axis=0)
    sorted_ = np.take_along_axis(centers, order, axis=0)
    padded = np.vstack([np.zeros((1, dims)), sorted_, np.ones((1, dims))])
    gaps = np.maximum(padded[1:-1] - padded[:-2], padded[2:] - padded[1:-1])
    gaps[0] = sorted_[1] - sorted_[0]
    gaps[-1] = sorted_[-1] - sorted_[-2]
    result = np.empty_like(gaps)
    np.put_along_axis(result, order, gaps, axis=0)
    return result


def _cell_index(coordinates: np.ndarray, cells: int) -> np.ndarray:
    """Which of ``cells`` equal cells of [0, 1] each coordinate lies in."""
    return np.minimum(np.floor(coordinates * cells).astype(int), cells - 1)


def _inside(x: np.ndarray) -> np.ndarray:
    """Rows of ``x`` inside the unit cube."""
    return np.all((x >= 0.0) & (x <= 1.0), axis=1)


def good_count(n: int, several: bool = False) -> int:
    """γ(n): how many of n ranked trials form the good group; with ``several``
    objectives not capped at 25 (see the module's documentation)."""
    return math.ceil(0.1 * n) if several else min(math.ceil(0.1 * n), 25)


def age_weights(count: int) -> np.ndarray:
    """Weights of trials ordered oldest first: the 25 newest weigh 1, older ones ramp
    down to 1/count, so the model forgets slowly (Bergstra et al. 2011; Optuna)."""
    if count < 25:
        return np.ones(count)
    return np.concatenate([np.linspace(1.0 / count, 1.0, count - 25), np.ones(25)])


class ParzenEstimator:
    """A weighted mixture of product kernels over the unit cube, plus a prior component.

    Numeric dimensions use Gaussians truncated to [0, 1]; a discrete dimension takes the
    probability mass of each cell. Categorical dimensions keep an observation's category
    with probability 1 - β + β/k and spread β uniformly.
    """

    def __init__(
        self,
        centers: np.ndarray,
        weights: np.ndarray,
        cube: UnitCube,
        prior_weight: float,
        *,
        bandwidth: Literal["gaps", "scott"] = "gaps",
        independent: bool = False,
    ) -> None:
        count, dims = centers.shape
        self.cube = cube
        self.independent = independent
        prior = np.full((1, dims), 0.5)
        self.mu = np.vstack([centers, prior])
        # the prior weighs as much as one observation of weight prior_weight
        mixture = np.append(weights, prior_weight)
        self.log_weights = np.log(mixture / mixture.sum())
        scale = max(count, 1) ** (-1.0 / (dims + 4))
        low = 1.0 / min(100.0, 1.0 + count)
        numeric = ~cube.categorical
        if bandwidth == "gaps":
            sigma_all = np.ones((count, dims))  # categorical dimensions use β instead
            sigma_all[:, numeric] = _neighbour_gaps(centers[:, numeric])
        else:  # the normal reference rule, as BOHB's KDEs use (Scott 1992)
            spread = centers.std(axis=0) if count > 1 else np.ones(dims)
            sigma_all = np.tile(1.06 * spread * scale, (count, 1))
        sigma_all = np.clip(sigma_all, low, 1.0)  # the "magic clip"
        discrete = cube.cells > 0
        floor = 0.5 / np.maximum(cube.cells[discrete], 1)
        sigma_all[:, discrete] = np.maximum(sigma_all[:, discrete], floor)
        self.sigma = np.vstack([sigma_all, np.full((1, dims), _PRIOR_SIGMA)])
        self.beta = np.full(count + 1, min(0.5 * scale, 1.0))
        self.beta[-1] = 1.0  # the prior is uniform over categories
        inside = special.ndtr((1 - self.mu[:, numeric]) / self.sigma[:, numeric]) - special.ndtr(
            -self.mu[:, numeric] / self.sigma[:, numeric]
        )
        self._log_mass = np.log(np.maximum(inside, 1e-300))

    def _component_log_pdf(self, x: np.ndarray, dims: np.ndarray | None = None) -> np.ndarray:
        """log density of every component at every point, (m, k+1), over the dimensions
        selected by the mask ``dims`` (all by default)."""
        cube = self.cube
        use = np.ones(cube.dims, dtype=bool) if dims is None else dims
        total = np.zeros((len(x), len(self.mu)))
        continuous = ~cube.categorical & (cube.cells == 0) & use
        if continuous.any():
            # Σ_d ((x_d - μ_d) / σ_d)² as matrix products: no (m, k, d) array, so that a
            # g(x) of 10,000 trials stays cheap.
            mu, precision = self.mu[:, continuous], self.sigma[:, continuous] ** -2.0
            xc = x[:, continuous]
            quadratic = (
                (xc * xc) @ precision.T
                - 2.0 * xc @ (mu * precision).T
                + (mu * mu * precision).sum(axis=1)
            )
            total += -0.5 * quadratic + self._constant(continuous)
        # Discrete and categorical dimensions: a table of every component's log mass at
        # the few cells the points occupy, then gathered per point: (k+1, cells) work
        # instead of (m, k+1), and each cell edge's CDF computed once.
        discrete = ~cube.categorical & (cube.cells > 0) & use
        for dim in np.flatnonzero(discrete):
            cells, points_at = self._cells(x, dim)
            edges, position = np.unique(np.concatenate([cells, cells + 1]), return_inverse=True)
            count = int(cube.cells[dim])
            cdf = special.ndtr((edges / count - self.mu[:, dim, None]) / self.sigma[:, dim, None])
            lower, upper = position[: len(cells)], position[len(cells) :]
            table = np.log(np.maximum(cdf[:, upper] - cdf[:, lower], 1e-300))
            total += table[:, points_at].T
        if discrete.any():
            total -= self._numeric_log_mass(discrete).sum(axis=1)
        for dim in np.flatnonzero(cube.categorical & use):
            cells, points_at = self._cells(x, dim)
            component_cell = _cell_index(self.mu[:, dim], int(cube.cells[dim]))
            beta, choices = self.beta, cube.cells[dim]
            keep, leave = np.log(1.0 - beta + beta / choices), np.log(beta / choices)
            table = np.where(
                component_cell[:, None] == cells[None, :], keep[:, None], leave[:, None]
            )
            total += table[:, points_at].T
        return total

    def _cells(self, x: np.ndarray, dim: int | np.integer) -> tuple[np.ndarray, np.ndarray]:
        """The distinct cells the points occupy along a discrete or categorical ``dim``,
        and each point's index into them."""
        cells, points_at = np.unique(
            _cell_index(x[:, dim], int(self.cube.cells[dim])), return_inverse=True
        )
        return cells, points_at.reshape(-1)

    def _numeric_log_mass(self, dims: np.ndarray) -> np.ndarray:
        """log of each truncated Gaussian's mass inside [0, 1], (k+1, dims)."""
        return self._log_mass[:, dims[~self.cube.categorical]]

    def _constant(self, dims: np.ndarray) -> np.ndarray:
        """Σ_d -(log √(2π) σ_d + log mass_d) per component over continuous ``dims``."""
        sigma = self.sigma[:, dims]
        norm = -(np.log(sigma) + 0.5 * math.log(2 * math.pi)).sum(axis=1)
        return norm - self._numeric_log_mass(dims).sum(axis=1)

    def log_pdf(self, x: np.ndarray) -> np.ndarray:
        """log density of the mixture at points x (m, d) (independent: of the product of
        its marginals)."""
        if self.independent:
            return self._log_pdf_independent(x)
        log_terms = self._component_log_pdf(x)
        log_terms += self.log_weights
        # log Σ exp by rows; scipy's logsumexp costs several times more at 10,000 columns
        peak = log_terms.max(axis=1)
        np.subtract(log_terms, peak[:, None], out=log_terms)
        np.exp(log_terms, out=log_terms)
        return peak + np.log(log_terms.sum(axis=1))

    def _log_pdf_independent(self, x: np.ndarray) -> np.ndarray:
        """Σ_d log of the mixture's marginal density along d: the density of the
        product of the marginals (one-dimensional TPE in every dimension)."""
        total = np.zeros(len(x))
        for dim in range(self.cube.dims):
            mask = np.zeros(self.cube.dims, dtype=bool)
            mask[dim] = True
            log_terms = self._component_log_pdf(x, mask) + self.log_weights
            total += special.logsumexp(log_terms, axis=1)
        return total

    def _sample_independent(
        self, rng: np.random.Generator, count: int, fixed: np.ndarray, fixed_values: np.ndarray
    ) -> np.ndarray:
        """Points whose coordinates are drawn from the marginals independently."""
        free = np.zeros(self.cube.dims, dtype=bool)
        columns = [
            self._sample_joint(rng, count, free, fixed_values) for _ in range(self.cube.dims)
        ]
        x = np.column_stack([column[:, d] for d, column in enumerate(columns)])
        x[:, fixed] = fixed_values[fixed]
        return x

    def sample(
        self, rng: np.random.Generator, count: int, fixed: np.ndarray, fixed_values: np.ndarray
    ) -> np.ndarray:
        """Points drawn from the mixture conditioned on the ``fixed`` coordinates
        (independent: every coordinate from its marginal)."""
        if self.independent:
            return self._sample_independent(rng, count, fixed, fixed_values)
        return self._sample_joint(rng, count, fixed, fixed_values)

    def _sample_joint(
        self, rng: np.random.Generator, count: int, fixed: np.ndarray, fixed_values: np.ndarray
    ) -> np.ndarray:
        log_weights = self.log_weights
        if fixed.any():  # condition: weigh components by their density at the fixed values
            log_weights = log_weights + self._component_log_pdf(fixed_values[None, :], fixed)[0]
        probabilities = np.exp(log_weights - special.logsumexp(log_weights))
        chosen = rng.choice(len(self.mu), size=count, p=probabilities)
        mu, sigma = self.mu[chosen], self.sigma[chosen]
        # truncated normal by inverse CDF
        low, high = special.ndtr(-mu / sigma), special.ndtr((1 - mu) / sigma)
        u = low + rng.random(mu.shape) * (high - low)
        x = mu + sigma * special.ndtri(np.clip(u, 1e-12, 1 - 1e-12))
        categorical = self.cube.categorical
        if categorical.any():
            k = self.cube.cells[categorical]
            uniform = (rng.integers(0, k, size=(count, len(k))) + 0.5) / k
            leave = rng.random((count, len(k))) < self.beta[chosen][:, None]
            x[:, categorical] = np.where(leave, uniform, mu[:, categorical])
        x[:, fixed] = fixed_values[fixed]
        return self.cube.snap(x)


class TPESampler:
    """Tree-structured Parzen estimator.

    Args:
        n_startup_trials: Trials sampled from a Sobol sequence first (default 10).
        n_ei_candidates: Candidates drawn from l(x) to pick the best l/g from (default 24).
        prior_weight: Weight of the prior component against one observation's.
        constant_liar: Count running trials as bad, so parallel workers spread out.
        seed: The study's seed, as ``create_study(seed=...)`` (a study created or loaded
            without a seed takes its sampler's; given both, they must be equal).
        multivariate: Model the parameters jointly (True: multivariate kernels) or each
            on its own (False: l and g are products of one-dimensional densities). The
            default, None, is joint for one objective and independent for several, as
            Optuna's: on bench/multiobjective.py (6 seeds, 200 trials) independent MOTPE
            reached 0.81 of DTLZ2's front where joint reached 0.65, and on ZDT3 (3 seeds)
            0.55 where joint reached 0.16.
        group: Accepted as True (or None) for code written for Optuna: conditional spaces
            are always modeled group by group.
        warn_independent_sampling: Accepted for code written for Optuna; no parameter is
            left out of the model, so there is nothing to warn about.
        constraints: ``constraints(trial) -> [c1, c2, ...]``, called on each finished
            trial; the trial is feasible when every value is <= 0. The values are stored
            on the trial, each constraint is modeled by densities of its own (c-TPE, see
            the module's documentation), and the best trial(s) are feasible.
        constraints_func: Optuna's name for ``constraints``.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(sampler=TPESampler(), seed=0)
        >>> study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=40)
        >>> abs(study.best_params["x"] - 1) < 0.3
        True
    """

    #: Several objectives rank trials by Pareto front (MOTPE).
    multi_objective = True

    def __init__(
        self,
        *,
        n_startup_trials: int = 10,
        n_ei_candidates: int = 24,
        prior_weight: float = 1.0,
        constant_liar: bool = True,
        seed: int | None = None,
        multivariate: bool | None = None,
        group: bool | None = None,
        warn_independent_sampling: bool | None = None,
        constraints: Constraints | None = None,
        constraints_func: Constraints | None = None,
    ) -> None:
        constraints = one_of(
            "TPESampler", "constraints", constraints, "constraints_func", constraints_func
        )
        self.constraints = check_callable(
            "constraints", constraints, owner="TPESampler", optional=True
        )
        owner = "TPESampler"
        if group is not None and group is not True:
            raise InvalidArgumentError(
                f"TPESampler: `group` must be True or None, but got {group!r}; this TPE "
                "always models conditional spaces group by group (Optuna's group=True): "
                f"drop group={group!r}"
            )
        self.multivariate = (
            None if multivariate is None else check_bool("multivariate", multivariate, owner=owner)
        )
        self.seed = check_seed(seed, owner="TPESampler")
        owner = "TPESampler"
        self.n_startup_trials = check_int(
            "n_startup_trials", n_startup_trials, owner=owner, minimum=0
        )
        self.n_ei_candidates = check_int("n_ei_candidates", n_ei_candidates, owner=owner, minimum=1)
        self.prior_weight = check_number(
            "prior_weight", prior_weight, owner=owner, minimum=0, strict_minimum=True
        )
        self.constant_liar = check_bool("constant_liar", constant_liar, owner=owner)
        self._startup = QMCSampler()
        self._observations = ObservationCache()

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        joint, context, table = self._observations.for_trial(space, history, trial)
        good, bad, bad_weights, ranked = self._split(table, history, trial.number)
        if ranked < max(self.n_startup_trials, 1):
            return self._startup.sample(space, history, rng, trial)
        cube = table.cube
        independent = self._independent(history)
        below = ParzenEstimator(
            good, np.ones(len(good)), cube, self.prior_weight, independent=independent
        )
        above = ParzenEstimator(bad, bad_weights, cube, self.prior_weight, independent=independent)
        fixed, fixed_values = cube.fixed(context)
        candidates = below.sample(rng, self.n_ei_candidates, fixed, fixed_values)
        if not self._constrained(table):
            score = below.log_pdf(candidates) - above.log_pdf(candidates)
        else:
            pairs = [(below, above, len(good) / max(len(good) + len(bad), 1))]
            pairs += self._constraint_estimators(table, cube, independent)
            candidates = np.vstack(
                [candidates]
                + [
                    good_j.sample(rng, self.n_ei_candidates, fixed, fixed_values)
                    for good_j, _, _ in pairs[1:]
                ]
            )
            score = sum(
                (_log_relative_ratio(l_j, g_j, gamma, candidates) for l_j, g_j, gamma in pairs),
                start=np.zeros(len(candidates)),
            )
        # The best candidate no trial has evaluated yet (in discrete spaces l(x) often
        # puts the top candidates on a point already tried).
        taken = table.taken(history, exclude=trial.number)
        order = np.argsort(-score)
        chosen = next((i for i in order if point_key(candidates[i]) not in taken), order[0])
        params = cube.decode(candidates[chosen])
        suggestion = Suggestion({name: params[name] for name in joint})
        return unless_failed(suggestion, space, history, rng, trial)

    def _constrained(self, table: Observations) -> bool:
        """Whether trials are ranked with their constraints: given a constraints function,
        or when the objective set constraint values (``trial.set_constraint``)."""
        return self.constraints is not None or table.constrained

    def _split(
        self, table: Observations, history: History, number: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """Good points, bad points (running ones included), the bad points' weights, and
        how many finished trials were ranked."""
        x_complete, losses = table.complete_losses()
        x_pruned, pruned_loss, steps = table.pruned()
        # only the good group needs an order (every trial may be ranked: an upper bound)
        several = losses.shape[1] > 1
        needed = good_count(len(losses) + len(pruned_loss), several)
        feasible = None
        if not self._constrained(table):
            complete_order = rank_order(losses, needed)
        elif losses.shape[1] == 1:
            # c-TPE: the objective's good group is every trial (feasible or not) at least
            # as good as the γ-th best feasible one, all of them while none is feasible
            feasible = table.violations() <= 0.0
            complete_order = rank_order(losses, len(losses))
        else:
            # several objectives: feasible trials first, by Pareto front, then the others
            # by how far they break their constraints (see the module's documentation)
            violation = table.violations()
            met, broken = np.flatnonzero(violation <= 0.0), np.flatnonzero(violation > 0.0)
            broken = broken[np.argsort(violation[broken], kind="stable")]
            complete_order = np.concatenate([met[rank_order(losses[met], needed)], broken])
        pruned_loss = np.where(np.isnan(pruned_loss), np.inf, pruned_loss)
        pruned_order = np.lexsort((pruned_loss, -steps))
        ranked = np.vstack([x_complete[complete_order], x_pruned[pruned_order]])
        numbers = np.concatenate(
            [
                table.numbers(TrialState.COMPLETE)[complete_order],
                table.numbers(TrialState.PRUNED)[pruned_order],
            ]
        )
        # Trials from before a range was narrowed may lie outside it: they say nothing
        # about where to sample now.
        inside = _inside(ranked)
        ranked, numbers = ranked[inside], numbers[inside]
        n_good = good_count(len(ranked), several)
        if feasible is not None:
            met = np.concatenate([feasible[complete_order], np.zeros(len(pruned_order), bool)])
            positions = np.flatnonzero(met[inside])
            k = good_count(len(positions))
            n_good = int(positions[k - 1]) + 1 if k else len(complete_order)
        good, bad = ranked[:n_good], ranked[n_good:]
        weights = np.ones(len(bad))
        if losses.shape[1] == 1:  # several objectives: every bad trial weighs 1 (module doc)
            weights[np.argsort(numbers[n_good:], kind="stable")] = age_weights(len(bad))
        pending = table.running(history, exclude=number) if self.constant_liar else bad[:0]
        # failed trials are bad too: the objective raised there
        pending = np.vstack([pending, table.failed()])
        pending = pending[_inside(pending)]
        weights = np.concatenate([weights, np.ones(len(pending))])
        return good, np.vstack([bad, pending]), weights, len(ranked)

    def _independent(self, history: History) -> bool:
        """Whether the densities are products of one-dimensional ones (see ``multivariate``)."""
        if self.multivariate is not None:
            return not self.multivariate
        return len(history.directions) > 1

    def _constraint_estimators(
        self, table: Observations, cube: UnitCube, independent: bool
    ) -> list[tuple[ParzenEstimator, ParzenEstimator, float]]:
        """Per constraint, l(x) of the trials that satisfy it, g(x) of the others, and
        the share γ of the trials in l: while fewer than γ(n) trials satisfy it, the γ(n)
        with its smallest values, so the search heads for where it is met."""
        x, _ = table.complete_losses()
        values = table.constraints()
        inside = _inside(x)
        x, values = x[inside], values[inside]
        estimators = []
        for j in range(values.shape[1]):
            c = values[:, j]
            known = ~np.isnan(c)
            if known.sum() < 2:
                continue
            xj, c = x[known], c[known]
            satisfied = c <= 0.0
            if satisfied.sum() < good_count(len(c)):
                satisfied = np.zeros(len(c), dtype=bool)
                satisfied[np.argsort(c, kind="stable")[: good_count(len(c))]] = True
            if satisfied.all():  # l = g: the constraint says nothing about where to go
                continue
            good, bad = (
                ParzenEstimator(
                    xj[rows], np.ones(rows.sum()), cube, self.prior_weight, independent=independent
                )
                for rows in (satisfied, ~satisfied)
            )
            estimators.append((good, bad, float(satisfied.mean())))
        return estimators

    def __repr__(self) -> str:
        return (
            f"TPESampler(n_startup_trials={self.n_startup_trials}, "
            f"constraints={self.constraints!r})"
        )


def _log_relative_ratio(
    below: ParzenEstimator, above: ParzenEstimator, gamma: float, x: np.ndarray
) -> np.ndarray:
    """log l(x) / (γ l(x) + (1 - γ) g(x)): the probability of improvement under the TPE
    model up to a constant (Watanabe & Hutter 2023, eq. 6). Unlike l / g it stays on one
    scale whatever γ is, so the objective's and the constraints' terms can be added: a
    constraint nearly every trial meets (γ near 1) adds about nothing."""
    if gamma >= 1.0:
        return np.zeros(len(x))
    log_l, log_g = below.log_pdf(x), above.log_pdf(x)
    gamma = max(gamma, 1e-12)
    mixed: np.ndarray = np.logaddexp(np.log(gamma) + log_l, np.log1p(-gamma) + log_g)
    return log_l - mixed


def rank_order(losses: np.ndarray, needed: int) -> np.ndarray:
    """Complete trials best first: by loss (one objective) or by Pareto front (several:
    only as many fronts as the ``needed`` best take). The front that does not fit whole
    is ordered by greedy hypervolume subset selection, against a reference point just
    beyond that front (see the module's documentation)."""
    if losses.shape[1] == 1:
        return np.argsort(losses[:, 0], kind="stable")
    remaining = np.arange(len(losses))
    ordered: list[np.ndarray] = []
    taken = 0
    while len(remaining) and taken < needed:
        on_front = pareto_mask(losses[remaining])
        front = remaining[on_front]
        if taken + len(front) > needed:
            front = front[_greedy_by_hypervolume(losses[front], needed - taken)]
        ordered.append(front)
        taken += len(front)
        remaining = remaining[~on_front]
    return np.concatenate([*ordered, remaining]).astype(np.int64)


def _greedy_by_hypervolume(front: np.ndarray, count: int) -> np.ndarray:
    """The points of one front, the first ``count`` in the order greedy hypervolume
    subset selection takes them (each next point adds the most hypervolume to the points
    taken before it), the others after them.

    The reference point lies 10 % of the front's range beyond its worst point in every
    objective (so the front's extremes are not worth more than its middle). With three
    or more objectives volumes are exact (:func:`_greedy_by_exact_volume`); with two they
    are estimated from sampled points (:func:`_greedy_by_sampled_volume`), whose noise
    served MOTPE better there (bench/RESULTS.md, issue 15).
    """
    low, high = front.min(axis=0), front.max(axis=0)
    # an objective in which the points are all equal scales every volume alike
    reference = np.where(high > low, high + 0.1 * (high - low), high + 1.0)
    if front.shape[1] == 2:
        return _greedy_by_sampled_volume(front, count, low, reference)
    return _greedy_by_exact_volume(front, count, reference)


def _greedy_by_sampled_volume(
    front: np.ndarray, count: int, low: np.ndarray, reference: np.ndarray
) -> np.ndarray:
    """Greedy subset selection by volumes estimated from a fixed sample of 4,096 points
    of the box between the front's best values and the reference. On ZDT1 and ZDT3 at
    200 trials MOTPE reached 0.64 of the front with it and 0.55 and 0.53 with exact
    volumes (10 seeds): the estimate cannot tell apart the small gains of the last picks,
    and the near-random choice among them seems to keep the search wider."""
    sample = low + np.random.default_rng(0).random((4096, front.shape[1])) * (reference - low)
    dominating = np.ones((len(front), len(sample)), dtype=bool)  # (front, sample)
    for i in range(front.shape[1]):  # objective by objective: no (front, sample, m) array
        dominating &= front[:, i, None] <= sample[None, :, i]
    covered = np.zeros(len(sample), dtype=bool)
    left = list(range(len(front)))
    order: list[int] = []
    while left and len(order) < count:
        gains = (dominating[left] & ~covered).sum(axis=1)
        chosen = left.pop(int(np.argmax(gains)))
        order.append(chosen)
        covered |= dominating[chosen]
    return np.array(order + left, dtype=np.int64)


def _greedy_by_exact_volume(front: np.ndarray, count: int, reference: np.ndarray) -> np.ndarray:
    """Greedy subset selection by exact volumes, lazily recomputed: what a point adds
    only shrinks as points are taken (the hypervolume is submodular), so its last value
    bounds it, as does what it adds to the last point taken alone, and only points whose
    bound beats the best recomputed gain are recomputed. On a 500-point front of DTLZ2
    the sampled estimate kept 99 % of the exact subset's hypervolume but only 44 of its
    100 points, and with exact volumes MOTPE found more of DTLZ2's front at 1,000 trials
    (bench/RESULTS.md, issue 15)."""
    boxes = np.prod(reference - front, axis=1)  # what a point adds to nothing
    bound = boxes.copy()
    left = np.ones(len(front), dtype=bool)
    order: list[int] = []
    while len(order) < min(count, len(front)):
        waiting = np.flatnonzero(left)
        best, best_gain = -1, -1.0
        for i in waiting[np.argsort(-bound[waiting], kind="stable")]:
            if bound[i] <= best_gain:
                break
            bound[i] = _added_volume(front[i], front[order], reference)
            if bound[i] > best_gain:
                best, best_gain = int(i), float(bound[i])
        order.append(best)
        left[best] = False
        # what a point adds to the taken points is at most what it adds to the last one
        overlap = np.prod(reference - np.maximum(front, front[best]), axis=1)
        bound = np.minimum(bound, boxes - overlap)
    return np.array(order + list(np.flatnonzero(left)), dtype=np.int64)


def _added_volume(point: np.ndarray, taken: np.ndarray, reference: np.ndarray) -> float:
    """The hypervolume ``point`` adds to the points ``taken``: its box up to the reference
    less the part of it they dominate (their corners clipped to the box)."""
    box = float(np.prod(reference - point))
    if len(taken) == 0:
        return box
    clipped = np.maximum(taken, point)
    return box - _union_volume(clipped[pareto_mask(clipped)], reference)


def _union_volume(points: np.ndarray, reference: np.ndarray) -> float:
    """The hypervolume of a few points by inclusion and exclusion (the volume of every
    subset's common box, signed by the subset's size), else by slicing: clipped to one
    point's box, the taken points that matter are about four on DTLZ2's fronts, where
    this is several times faster than slicing."""
    if len(points) > 8:
        return loss_hypervolume(points, reference)
    masks, signs = _subsets(len(points))
    corners = np.where(masks[:, :, None], points[None], -np.inf).max(axis=1)
    return float(signs @ np.prod(reference - corners, axis=1))


@cache
def _subsets(count: int) -> tuple[np.ndarray, np.ndarray]:
    """(2^count - 1, count) masks of the non-empty subsets of ``count`` items, and +1 or
    -1 for an odd or even size."""
    masks = (np.arange(1, 2**count)[:, None] >> np.arange(count)) & 1
    return masks.astype(bool), np.where(masks.sum(axis=1) % 2, 1.0, -1.0)
