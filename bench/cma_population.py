"""tunesmith's CMA-ES with other first populations, step sizes or LRA-CMA, on the
evolutionary tasks: the best regret at 200, 1,000 (and 5,000) trials of each run, one
JSON line per (variant, task, seed) on stdout.

    BUDGET=1000 bench/.venv/bin/python bench/cma_population.py NAME FIRST_SEED END_SEED \
        '{"sigma0": 0.25}' [rosenbrock10,ackley10,levy20]

The JSON holds ``CmaEsSampler`` keywords, or ``{"minus": k}`` (a population of Hansen's
4 + floor(3 ln d) less k for every run), or ``{"lra": true}`` (``cmaes.CMA`` with
learning-rate adaptation, Nomura et al. 2023). ``{}`` is the sampler as it is.
"""

from __future__ import annotations

import json
import math
import os
import sys

import tasks as T

import tunesmith as ts

CHECKPOINTS = (200, 1000, 5000)


def run(task: T.Task, sampler: ts.CmaEsSampler, seed: int, budget: int) -> dict[str, float]:
    best, regrets = math.inf, {}

    def objective(trial: ts.Trial) -> float:
        nonlocal best
        value = task.fn(T.suggest_params(trial, task.space))
        best = min(best, value)
        if trial.number + 1 in CHECKPOINTS:
            regrets[str(trial.number + 1)] = best - task.optimum
        return value

    study = ts.create_study(sampler=sampler, seed=seed)
    study.optimize(objective, n_trials=budget)
    return regrets


def with_lr_adapt() -> None:
    """Make every ``cmaes.CMA`` the sampler builds adapt its learning rates."""
    import cmaes

    class LearningRateAdapted(cmaes.CMA):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, lr_adapt=True, **kwargs)

    cmaes.CMA = LearningRateAdapted


def main() -> None:
    name, first, end = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    options = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    names = sys.argv[5].split(",") if len(sys.argv) > 5 else ["rosenbrock10", "ackley10", "levy20"]
    budget = int(os.environ.get("BUDGET", 1000))
    if options.pop("lra", False):
        with_lr_adapt()
    minus = options.pop("minus", 0)
    ts.logging.set_verbosity(ts.logging.WARNING)
    for task_name in names:
        task = T.TASKS[task_name]
        keywords = dict(options)
        if minus:
            keywords["population_size"] = 4 + math.floor(3 * math.log(task.dims)) - minus
        for seed in range(first, end):
            regrets = run(task, ts.CmaEsSampler(**keywords), seed, budget)
            print(json.dumps({"variant": name, "task": task_name, "seed": seed, **regrets}))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
