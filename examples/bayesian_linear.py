"""Bayesian optimization of a straight line's slope and intercept, against random search.

The classic Bayesian-optimization recipe: fit y = a*x + b to noisy points by minimizing
the mean squared error over a in [1, 3] and b in [0, 2], with a Gaussian process and
expected improvement choosing each next (a, b). Then count how many trials random search
needs to do as well: the point of modelling the objective is to need fewer evaluations.
"""

from __future__ import annotations

import numpy as np

import tunesmith as ts

TRUE_SLOPE = 2.37
TRUE_INTERCEPT = 0.62
GP_TRIALS = 25
RANDOM_LIMIT = 5_000


def make_data(n_points: int = 200, noise: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(42)
    x = rng.uniform(-2.0, 2.0, n_points)
    y = TRUE_SLOPE * x + TRUE_INTERCEPT + rng.normal(0.0, noise, n_points)
    return x, y


def main() -> None:
    x, y = make_data()

    def mean_squared_error(params: dict[str, float]) -> float:
        return float(np.mean((y - (params["a"] * x + params["b"])) ** 2))

    space = {"a": (1.0, 3.0), "b": (0.0, 2.0)}
    bayesian = ts.minimize(mean_squared_error, space, n_trials=GP_TRIALS, sampler="gp", seed=0)
    a, b = bayesian.best_params["a"], bayesian.best_params["b"]
    print(f"true line:           a = {TRUE_SLOPE:.3f}, b = {TRUE_INTERCEPT:.3f}")
    print(f"Bayesian (GP-EI):    a = {a:.3f}, b = {b:.3f}")
    print(f"mean squared error:  {bayesian.best_value:.6f} after {GP_TRIALS} trials")

    # Random search, one trial at a time, until it does as well (or gives up).
    study = ts.create_study(sampler="random", seed=0)
    needed = None

    def stop_when_matched(study: ts.Study, trial: ts.FrozenTrial) -> None:
        nonlocal needed
        if trial.value is not None and trial.value <= bayesian.best_value:
            needed = trial.number + 1
            study.stop()

    study.optimize(
        lambda trial: mean_squared_error(trial.params),
        n_trials=RANDOM_LIMIT,
        space={"a": ts.Float(1.0, 3.0), "b": ts.Float(0.0, 2.0)},
        callbacks=[stop_when_matched],
        progress_bar=False,
    )
    shown = needed if needed is not None else f"more than {RANDOM_LIMIT}"
    print(f"random search needs: {shown} trials to match it")
    print(f"random search's best after {GP_TRIALS} trials: "
          f"{min(t.value for t in study.trials[:GP_TRIALS]):.6f}")  # fmt: skip


if __name__ == "__main__":
    main()
