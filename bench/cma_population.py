"""tunesmith's CMA-ES with other first populations, step sizes, learning rates or
LRA-CMA, on the evolutionary tasks: the best regret at 200, 1,000 (and 5,000) trials of
each run, one JSON line per (variant, task, seed) on stdout.

    BUDGET=1000 bench/.venv/bin/python bench/cma_population.py NAME FIRST_SEED END_SEED \
        '{"sigma0": 0.25}' [rosenbrock10,ackley10,levy20] > NAME.jsonl
    bench/.venv/bin/python bench/cma_population.py compare base.jsonl NAME.jsonl ...

The JSON holds ``CmaEsSampler`` keywords, or ``{"minus": k}`` (a population of Hansen's
4 + floor(3 ln d) less k for every run), or ``{"lra": true}`` (``cmaes.CMA`` with
learning-rate adaptation, Nomura et al. 2023), or ``{"rates": f}`` (``cmaes.CMA``'s
covariance learning rates c_1 and c_mu times f, as a larger alpha_cov would give).
``{}`` is the sampler as it is. ``compare`` prints, per task and budget, each variant's
median regret over the seeds it shares with the variant named ``base``, the two-sided
Mann-Whitney p against it, and on how many seeds it is better / worse.
"""

from __future__ import annotations

import json
import math
import os
import statistics
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


def with_rates(factor: float) -> None:
    """Make every ``cmaes.CMA`` the sampler builds learn its covariance ``factor`` times
    faster (rank-one c_1 and rank-mu c_mu; their sum kept below 1)."""
    import cmaes

    class FasterRates(cmaes.CMA):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._c1 *= factor
            self._cmu = min(1 - self._c1 - 1e-8, self._cmu * factor)

    cmaes.CMA = FasterRates


def compare(paths: list[str]) -> None:
    from scipy.stats import mannwhitneyu

    runs: dict[tuple[str, str], dict[int, dict]] = {}
    for path in paths:
        with open(path) as lines:
            for line in lines:
                record = json.loads(line)
                runs.setdefault((record["variant"], record["task"]), {})[record["seed"]] = record
    variants = sorted({v for v, _ in runs}, key=lambda v: (v != "base", v))
    for task in sorted({t for _, t in runs}):
        base = runs.get(("base", task), {})
        for budget in map(str, CHECKPOINTS):
            cells = []
            for variant in variants:
                mine = runs.get((variant, task), {})
                seeds = sorted(s for s in mine if budget in mine[s] and budget in base.get(s, {}))
                if not seeds:
                    continue
                a = [max(mine[s][budget], 0.0) for s in seeds]
                b = [max(base[s][budget], 0.0) for s in seeds]
                p = 1.0 if a == b else float(mannwhitneyu(a, b).pvalue)
                better = sum(x < y for x, y in zip(a, b, strict=True))
                worse = sum(x > y for x, y in zip(a, b, strict=True))
                cells.append(
                    f"{variant} {statistics.median(a):.3g} (p {p:.2f}, {better}/{worse}, "
                    f"{len(seeds)} seeds)"
                )
            if cells:
                print(f"{task} {budget}: " + " | ".join(cells))


def main() -> None:
    if sys.argv[1] == "compare":
        compare(sys.argv[2:])
        return
    name, first, end = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    options = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    names = sys.argv[5].split(",") if len(sys.argv) > 5 else ["rosenbrock10", "ackley10", "levy20"]
    budget = int(os.environ.get("BUDGET", 1000))
    if options.pop("lra", False):
        with_lr_adapt()
    if "rates" in options:
        with_rates(options.pop("rates"))
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
