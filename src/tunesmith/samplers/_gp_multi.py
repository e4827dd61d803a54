"""What the GP sampler maximizes beyond plain expected improvement: the probability of
feasibility under constraints, and expected hypervolume improvement for several
objectives.

Glossary (shapes):
    m           points scored at once
    q           objectives (2 or 3 for EHVI)
    μ, σ²       (m,) posterior mean and variance of one objective's (or constraint's) GP
    box k       [l_k, u_k]: the region no observed point dominates, bounded above by the
                reference point r, cut into K disjoint boxes (l may be -inf)
    h(z)        φ(z) + z Φ(z), so that E[(t - Y)⁺] = σ h((t - μ) / σ) for Y ~ N(μ, σ²)

**Constrained EI** (Gardner et al. 2014, "Bayesian Optimization with Inequality
Constraints"): each constraint c_j gets its own GP, and EI is multiplied by
P(c_j(x) <= 0), the probability that the point is feasible; before any trial is feasible
the sampler maximizes that probability alone.

**EHVI** (Emmerich et al. 2006; in log space as Ament et al. 2023 recommend): with
independent GPs per objective, the hypervolume a point y would add is
HVI(y) = Σ_k Π_i (u_ki - max(l_ki, y_i))⁺, and since (u - max(l, y))⁺ = (u - y)⁺ - (l - y)⁺,
E[HVI] = Σ_k Π_i σ_i (h(b_ki) - h(a_ki)) with a = (l - μ) / σ, b = (u - μ) / σ:
exact, with no Monte Carlo.

**Floors**: an objective that cannot go below some value (a network's smallest size) is
still modelled by a GP that extrapolates below it, and every box beyond the front's
extreme point in that objective is open downwards, so EHVI pays for the chance of going
past the extreme point with the whole width of the other objectives. Once two trials
that differ in another objective reach an objective's minimum exactly (:func:`floors`),
the boxes stop there.

**Where EHVI is weak: DTLZ2** (3 objectives, 6 variables; bench/multiobjective.py). There
the GP's front trailed random search at 50 trials. As far as diagnosed (bench/RESULTS.md):
each objective is (1 + g) times a trigonometric factor of x₀, x₁, with g a shallow bowl in
x₂..x₅ centred on 0.5. With 20 to 30 trials each objective's GP fits long length scales
to x₂..x₅ (a symmetric bowl that small beside the trigonometric factor looks like
noise), so the model sees nothing to gain there. Meanwhile at x₀ or x₁ = 0 or 1 two
objectives are about 0, so points (0, 0, 1 + g) sit on the observed front, and with the
reference point beyond every observed value (about 2.2 in DTLZ2's units, whose true front
lies within [0, 1]) improving those corners is worth r₁ r₂ Δz, more than the interior
offers; EHVI's reward for uncertainty, compounded across three objectives, then sends
proposals to the cube's corners in x₂..x₅ too. Most points the model chose sat on such
edges. A reference at the front's nadir helped DTLZ2 but ruined ZDT1; a tighter
length-scale prior and a Chebyshev scalarization (ParEGO) did not close the gap. So
"auto" sends three or more objectives to multi-objective TPE.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy import special

from tunesmith.pareto import pareto_mask
from tunesmith.samplers._gp import GaussianProcess, log_h

_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)


def nondominated_boxes(front: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(K, q) lower and upper corners of disjoint boxes whose union is the region below
    ``reference`` that no point of ``front`` dominates (lower corners may be -inf).

    Two objectives: the staircase's columns. More: slices along the last objective,
    each slice the region of the lower objectives that the points below it leave free.
    """
    q = len(reference)
    if q == 1:
        top = front[:, 0].min() if len(front) else reference[0]
        return np.array([[-np.inf]]), np.array([[min(top, reference[0])]])
    if q == 2:
        points = front[pareto_mask(front)] if len(front) else front
        points = points[np.argsort(points[:, 0])]
        x_edges = np.concatenate([[-np.inf], points[:, 0], [reference[0]]])
        y_tops = np.concatenate([[reference[1]], points[:, 1]])
        lower = np.column_stack([x_edges[:-1], np.full(len(y_tops), -np.inf)])
        upper = np.column_stack([x_edges[1:], y_tops])
        keep = (upper[:, 0] > lower[:, 0]) & (upper[:, 1] > -np.inf)
        return lower[keep], upper[keep]
    levels = np.unique(front[:, -1]) if len(front) else np.empty(0)
    edges = np.concatenate([[-np.inf], levels[levels < reference[-1]], [reference[-1]]])
    lowers, uppers = [], []
    for bottom, top in itertools.pairwise(edges):
        below = front[front[:, -1] <= bottom, :-1] if len(front) else front[:, :-1]
        low, up = nondominated_boxes(below, reference[:-1])
        lowers.append(np.column_stack([low, np.full(len(low), bottom)]))
        uppers.append(np.column_stack([up, np.full(len(up), top)]))
    return np.vstack(lowers), np.vstack(uppers)


def _log_expected_box_side(
    mean: np.ndarray, sigma: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """log E[(u - max(l, Y))⁺] for every point and box, (m, K), and its derivatives by
    μ and σ (of the expectation itself, divided by it)."""
    b = (upper[None, :] - mean[:, None]) / sigma[:, None]
    a = (lower[None, :] - mean[:, None]) / sigma[:, None]
    log_hb = log_h(b)
    finite = np.isfinite(a)
    log_ha = np.where(finite, log_h(np.where(finite, a, 0.0)), -np.inf)
    # log(h(b) - h(a)) = log h(b) + log(1 - exp(log h(a) - log h(b)))
    gap = np.minimum(log_ha - log_hb, -1e-12)
    log_side = np.log(sigma)[:, None] + log_hb + np.log(-np.expm1(gap))
    side = np.exp(log_side)
    cdf_b, cdf_a = special.ndtr(b), np.where(finite, special.ndtr(np.where(finite, a, 0.0)), 0.0)
    pdf_b = np.exp(-0.5 * b * b - _LOG_SQRT_2PI)
    pdf_a = np.where(finite, np.exp(-0.5 * np.where(finite, a, 0.0) ** 2 - _LOG_SQRT_2PI), 0.0)
    safe = np.maximum(side, 1e-300)
    return log_side, -(cdf_b - cdf_a) / safe, (pdf_b - pdf_a) / safe


def floors(losses: np.ndarray) -> np.ndarray:
    """(q,) each objective's smallest value where trials that differ in another objective
    reached exactly it, else -inf: a value the objective cannot go below.

    A GP does not know that an objective has a floor (a network's smallest size, an error
    of 0), so it extrapolates below the lowest value seen, and EHVI rewards the chance of
    going past the front's extreme point with the whole width of the front's other
    objectives: on bench/multiobjective.py's MLP (error against log10 weights) the GP
    proposed the smallest network (one layer of 2 units) in more than half of its
    trials, four of them a configuration already evaluated. A minimum that trials at
    different points hit exactly is such a floor (a smooth objective never ties); trials
    equal in every objective are more likely one configuration evaluated twice, which
    says nothing of a floor."""
    floor = np.full(losses.shape[1], -np.inf)
    for i, column in enumerate(losses.T):
        lowest = column.min()
        if len(np.unique(losses[column == lowest], axis=0)) >= 2:
            floor[i] = lowest
    return floor


class Feasibility:
    """log P(every constraint <= 0), from one GP per constraint (each fitted to the
    constraint's standardized values, with ``threshold`` where the raw value is 0)."""

    def __init__(self, models: list[tuple[GaussianProcess, float]]) -> None:
        self.models = models

    def with_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        value = np.zeros(len(points))
        grad = np.zeros(points.shape)
        for model, threshold in self.models:
            mean, variance, d_mean, d_variance = model.predict_with_gradient(points)
            sigma = np.sqrt(variance)
            z = (threshold - mean) / sigma
            log_cdf = special.log_ndtr(z)
            ratio = np.exp(-0.5 * z * z - _LOG_SQRT_2PI - log_cdf)  # φ(z) / Φ(z)
            # dz/dμ = -1/σ, dz/dσ² = -z / (2σ²)
            value += log_cdf
            grad += ratio[:, None] * (
                -d_mean / sigma[:, None] - (z / (2 * variance))[:, None] * d_variance
            )
        return value, grad

    def __call__(self, points: np.ndarray) -> np.ndarray:
        value = np.zeros(len(points))
        for model, threshold in self.models:
            mean, variance = model.predict(points)
            value += special.log_ndtr((threshold - mean) / np.sqrt(variance))
        return value


class HypervolumeImprovement:
    """log EHVI over independent GPs of the objectives' standardized losses (plus log
    feasibility under constraints); the interface of :class:`~.gp.Acquisition`."""

    def __init__(
        self,
        models: list[GaussianProcess],
        front: np.ndarray,
        reference: np.ndarray,
        feasibility: Feasibility | None = None,
        floor: np.ndarray | None = None,
    ) -> None:
        self.models = models
        self.lower, self.upper = nondominated_boxes(front, reference)
        if floor is not None:  # nothing to gain below an objective's floor (see floors())
            self.lower = np.maximum(self.lower, floor)
            keep = np.all(self.upper > self.lower, axis=1)
            self.lower, self.upper = self.lower[keep], self.upper[keep]
        self.feasibility = feasibility

    def best_first(self, points: np.ndarray) -> np.ndarray:
        """The points by the Pareto rank of their predicted losses (where EHVI's peaks
        usually are: near the front)."""
        means = np.column_stack([model.predict(points)[0] for model in self.models])
        return np.argsort(~pareto_mask(means), kind="stable")

    def __call__(self, points: np.ndarray) -> np.ndarray:
        total = np.zeros((len(points), len(self.lower)))
        for i, model in enumerate(self.models):
            mean, variance = model.predict(points)
            total += _log_expected_box_side(
                mean, np.sqrt(variance), self.lower[:, i], self.upper[:, i]
            )[0]
        value: np.ndarray = special.logsumexp(total, axis=1)
        if self.feasibility is not None:
            value = value + self.feasibility(points)
        return value

    def with_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        total = np.zeros((len(points), len(self.lower)))
        parts = []
        for i, model in enumerate(self.models):
            mean, variance, d_mean, d_variance = model.predict_with_gradient(points)
            sigma = np.sqrt(variance)
            log_side, by_mean, by_sigma = _log_expected_box_side(
                mean, sigma, self.lower[:, i], self.upper[:, i]
            )
            total += log_side
            parts.append((by_mean, by_sigma, sigma, d_mean, d_variance))
        value = special.logsumexp(total, axis=1)
        weights = np.exp(total - value[:, None])  # each box's share of the expectation
        grad = np.zeros(points.shape)
        for by_mean, by_sigma, sigma, d_mean, d_variance in parts:
            # d log E[HVI] = Σ_k w_k Σ_i d log E_ki; dσ = dσ² / (2σ)
            mean_term = (weights * by_mean).sum(axis=1)
            sigma_term = (weights * by_sigma).sum(axis=1) / (2 * sigma)
            grad += mean_term[:, None] * d_mean + sigma_term[:, None] * d_variance
        if self.feasibility is not None:
            feasible, d_feasible = self.feasibility.with_gradient(points)
            value, grad = value + feasible, grad + d_feasible
        return value, grad
