"""Does a grid under parallel workers evaluate every point exactly once?

Grids inferred from the space (no explicit values), optimized with ``n_jobs`` worker
processes on an in-memory study, one study per seed; a run is bad when some point was
evaluated twice or never. Three spaces:

- ``plain``: two integer parameters (4 x 3 points), learned from the first trials;
- ``conditional``: a categorical with two branches, each with a parameter of its own
  (2 + 3 leaves);
- ``deep``: three models, one with a kernel choice below it, every branch ending in a
  parameter (3 + 2 + 4 + 2 leaves).

    bench/.venv/bin/python bench/grid_parallel.py --seeds 120 --jobs 3
"""

from __future__ import annotations

import argparse
import time

import tunesmith as ts


def plain(trial):
    return trial.suggest_int("a", 0, 3) + trial.suggest_int("b", 0, 2)


def conditional(trial):
    if trial.suggest_categorical("kind", ["a", "b"]) == "a":
        return float(trial.suggest_categorical("xa", [1, 2]))
    return trial.suggest_int("yb", 10, 12) / 100


def deep(trial):
    model = trial.suggest_categorical("model", ["svm", "tree", "knn"])
    if model == "svm":
        if trial.suggest_categorical("kernel", ["rbf", "linear"]) == "rbf":
            return trial.suggest_int("gamma", 1, 3)
        return trial.suggest_int("c", 1, 2)
    if model == "tree":
        return trial.suggest_int("depth", 1, 4)
    return trial.suggest_int("k", 1, 2)


SPACES = {"plain": (plain, 12), "conditional": (conditional, 5), "deep": (deep, 11)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=3)
    args = parser.parse_args()
    print(f"tunesmith {ts.__version__}, n_jobs={args.jobs}, {args.seeds} seeds per space")
    print("| space | points | runs with a point twice | runs with a point missed | seconds |")
    print("|---|---|---|---|---|")
    for name, (objective, size) in SPACES.items():
        twice = missed = 0
        start = time.perf_counter()
        for seed in range(args.seeds):
            study = ts.create_study(sampler="grid", seed=seed)
            study.optimize(objective, n_jobs=args.jobs)
            points = [tuple(sorted(t.params.items())) for t in study.trials]
            twice += len(set(points)) < len(points)
            missed += len(set(points)) < size
        seconds = time.perf_counter() - start
        print(f"| {name} | {size} | {twice} | {missed} | {seconds:.0f} |")


if __name__ == "__main__":
    main()
