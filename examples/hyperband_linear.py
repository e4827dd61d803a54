"""Hyperband for the slope and intercept of a straight line: a cheap look at many
configurations, the whole data set only for the promising ones.

The classic Hyperband recipe (Li et al. 2017) on the line of grid_linear_model.py: random
(a, b) configurations, each scored by its mean squared error on a growing subset of 100
noisy points. The resource r runs 1, 3, 9, 27, 81 and buys r/81 of the points, rounded up
(2, 4, 12, 34 and all 100), so no budget is ever empty. Hyperband judges a configuration at
each budget against the others of its bracket and drops all but the best third.

What makes the cheap scores worth trusting: the points are shuffled once and every subset
is the first n of that order, so all configurations are compared on the same points, each
subset covers the whole x range, and the score at the full budget is exactly the error
plain random search minimizes. Nothing is fitted (a configuration is the line itself), so
the error on a subset is an unbiased estimate of the error on all points and no held-out
set is needed. Growing a subset scores only the new points, so a configuration costs the
size of the largest subset it reached.

Plain random search runs as many configurations, all on the full data. With the same seed
the random sampler proposes the very same configurations, so the comparison shows what
Hyperband saves and whether it ever dropped the best one.
"""

from __future__ import annotations

import math

import numpy as np

import tunesmith as ts

TRUE_SLOPE = 2.37
TRUE_INTERCEPT = 0.62
N_POINTS = 100
MAX_RESOURCE = 81
ETA = 3
RESOURCES = [1, 3, 9, 27, 81]  # r_min * eta^k up to R: where Hyperband's rungs are


def make_data(noise: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(42)  # shuffled already: any prefix is a random subset
    x = rng.uniform(-2.0, 2.0, N_POINTS)
    y = TRUE_SLOPE * x + TRUE_INTERCEPT + rng.normal(0.0, noise, N_POINTS)
    return x, y


def subset_size(resource: int) -> int:
    return math.ceil(N_POINTS * resource / MAX_RESOURCE)  # 1 -> 2 points, 81 -> 100


def search(sampler: str, pruner: ts.Pruner | str | None, n_trials: int) -> tuple[ts.Study, int]:
    """Run a study; returns it and the number of data points it evaluated."""
    x, y = make_data()
    points_evaluated = 0

    def objective(trial: ts.Trial) -> float:
        nonlocal points_evaluated
        a = trial.suggest_float("a", 1.0, 3.0)
        b = trial.suggest_float("b", 0.0, 2.0)
        squared_error, seen = 0.0, 0
        for resource in RESOURCES:
            n = subset_size(resource)
            # Only the points this subset adds are scored: the running sum carries the rest.
            squared_error += float(np.sum((y[seen:n] - (a * x[seen:n] + b)) ** 2))
            points_evaluated += n - seen
            seen = n
            trial.report(squared_error / n, step=resource)
            if trial.should_prune():  # Hyperband's decision at this budget
                raise ts.TrialPruned()
        return squared_error / N_POINTS

    study = ts.create_study(sampler=sampler, pruner=pruner, seed=0)
    study.optimize(objective, n_trials=n_trials, progress_bar=False)
    return study, points_evaluated


def row(label: str, study: ts.Study, points: int) -> None:
    best = study.best_params  # among the trials that ran on all 100 points
    full = sum(trial.state is ts.TrialState.COMPLETE for trial in study.trials)
    print(
        f"{label:<14} {best['a']:6.3f} {best['b']:6.3f} {study.best_value:9.5f} "
        f"{points:12d} {full:10d}"
    )


def main() -> None:
    hyperband = ts.HyperbandPruner(min_resource=1, max_resource=MAX_RESOURCE, reduction_factor=ETA)
    # One Hyperband iteration: the n_s of its brackets, 81 + 34 + 15 + 8 + 5 = 143 trials.
    n_trials = sum(n for n, _ in hyperband.brackets())
    print(f"true line: a = {TRUE_SLOPE:.3f}, b = {TRUE_INTERCEPT:.3f}")
    print(f"configurations per search: {n_trials}")
    print(f"points per budget: {[subset_size(r) for r in RESOURCES]}")
    print(f"{'search':<14} {'a':>6} {'b':>6} {'error':>9} {'data points':>12} {'full data':>10}")

    study, hyperband_points = search("random", hyperband, n_trials)  # the classic recipe
    row("hyperband", study, hyperband_points)
    study, random_points = search("random", "none", n_trials)  # every trial on all the points
    row("random search", study, random_points)
    # BOHB: Hyperband's budgets, with a TPE model proposing the configurations.
    study, bohb_points = search("bohb", None, n_trials)
    row("bohb", study, bohb_points)

    print(f"hyperband / random search data points: {hyperband_points / random_points:.2f}")
    slope, intercept = np.polyfit(*make_data(), deg=1)
    print(f"least squares: a = {slope:.3f}, b = {intercept:.3f}")


if __name__ == "__main__":
    main()
