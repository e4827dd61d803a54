"""Constraints given from the objective (``trial.set_constraint``, Optuna 5) under Optuna
and tunesmith: how often each library's samplers keep to the feasible region.

The objective pulls to the bounds of x in [-5, 5] (``-|x|``, minimized) while only
|x| <= 0.5 is feasible, so a sampler that ignores the constraint leaves the feasible
tenth of the range; one that uses it comes back. Reported per sampler and library, over
seeds: how many of trials 16-30 (of 30) were feasible, and the best feasible value
(-0.5 at best).

Usage (bench venv, repository root):
    PYTHONPATH=src bench/.venv/bin/python bench/set_constraint.py [--seeds 5]
"""

from __future__ import annotations

import argparse
import statistics
import warnings
from typing import Any


def objective(trial: Any) -> float:
    x = trial.suggest_float("x", -5, 5)
    trial.set_constraint("c", abs(x) - 0.5)
    return -abs(x)


def run(library: str, sampler: str, seed: int) -> tuple[int, float]:
    if library == "optuna":
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
    else:
        import tunesmith as optuna  # type: ignore[no-redef]
    make = {
        "tpe": lambda: optuna.samplers.TPESampler(seed=seed, n_startup_trials=5),
        "nsga2": lambda: optuna.samplers.NSGAIISampler(seed=seed, population_size=6),
        "gp": lambda: optuna.samplers.GPSampler(seed=seed, n_startup_trials=5),
    }[sampler]
    study = optuna.create_study(sampler=make())
    study.optimize(objective, n_trials=30)
    late = sum(abs(t.params["x"]) <= 0.5 for t in study.trials[15:])
    feasible = [t.value for t in study.trials if abs(t.params["x"]) <= 0.5]
    return late, min(feasible, default=float("nan"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print("| sampler | library | feasible of trials 16-30, per seed | mean | best value (mean) |")
    print("|---|---|---|---|---|")
    for sampler in ("tpe", "nsga2", "gp"):
        for library in ("optuna", "tunesmith"):
            runs = [run(library, sampler, seed) for seed in range(args.seeds)]
            late = [r[0] for r in runs]
            best = statistics.mean(r[1] for r in runs)
            print(
                f"| {sampler} | {library} | {late} | {statistics.mean(late):.1f} | {best:.3f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
