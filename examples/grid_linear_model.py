"""Grid search for the slope and intercept of a straight line.

The classic first recipe: generate noisy points from y = a*x + b, then try every (a, b)
on a grid and keep the pair with the smallest mean squared error. The true values
(a=2.37, b=0.62) lie between grid points on purpose: grid search finds the nearest grid
point, never better than the grid's spacing (0.1 here).
"""

from __future__ import annotations

import numpy as np

import tunesmith as ts

TRUE_SLOPE = 2.37
TRUE_INTERCEPT = 0.62


def make_data(n_points: int = 200, noise: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(42)
    x = rng.uniform(-2.0, 2.0, n_points)
    y = TRUE_SLOPE * x + TRUE_INTERCEPT + rng.normal(0.0, noise, n_points)
    return x, y


def main() -> None:
    x, y = make_data()

    def mean_squared_error(params: dict[str, float]) -> float:
        predicted = params["a"] * x + params["b"]
        return float(np.mean((y - predicted) ** 2))

    # (low, high) is a continuous range; the grid sampler lays 21 evenly spaced points on
    # each (step 0.1), so the grid has 21 * 21 = 441 points. minimize() stops by itself
    # once every point has been evaluated: no n_trials needed.
    result = ts.minimize(
        mean_squared_error,
        {"a": (1.0, 3.0), "b": (0.0, 2.0)},
        sampler=ts.GridSampler(points_per_range=21, seed=0),
    )

    a, b = result.best_params["a"], result.best_params["b"]
    print(f"true line:     a = {TRUE_SLOPE:.3f}, b = {TRUE_INTERCEPT:.3f}")
    print(f"best on grid:  a = {a:.3f}, b = {b:.3f}")
    print(f"mean squared error: {result.best_value:.5f}")
    print(f"grid points evaluated: {result.n_trials}")

    # For comparison: the least-squares fit, which grid search approximates.
    slope, intercept = np.polyfit(x, y, deg=1)
    print(f"least squares: a = {slope:.3f}, b = {intercept:.3f}")


if __name__ == "__main__":
    main()
