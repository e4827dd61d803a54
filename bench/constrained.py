"""Constraints: tunesmith's constrained samplers against Optuna's (TPE, NSGA-II, GP with
``constraints_func``), by how close the best feasible trial comes to the feasible optimum.

    PYTHONPATH=$PWD/src bench/.venv/bin/python bench/constrained.py run \\
        [--problems gardner,bowl,tnk] [--optimizers ts_tpe,optuna_tpe,...] \\
        [--seeds 5] [--budget 200] [--tag SUFFIX] [--out bench/out/constrained.jsonl]
    PYTHONPATH=$PWD/src bench/.venv/bin/python bench/constrained.py report \\
        [--out bench/out/constrained.jsonl]

``run`` appends one JSON line per (problem, optimizer, seed): every trial's objective and
constraint values in evaluation order (``--tag`` is appended to the optimizer's name, to
keep another checkout's runs apart). ``report`` reads the best feasible trial (one
objective: its regret against the feasible optimum) or the feasible front (two: the
hypervolume ratio to the true feasible front's) off the first 20, 50, 100 and 200 trials.

Problems, each one whose unconstrained optimum is infeasible:
- "gardner": Gardner et al. (2014, sec. 5.1), min cos(2x) cos(y) + sin(x) on [0, 6]²
  subject to cos(x) cos(y) - sin(x) sin(y) <= 0.5 (a feasible region in bands);
- "bowl": (x - 0.8)² summed over 4 dimensions of [0, 1]⁴ subject to Σ x <= 1.6 and
  x₁ - x₂ <= 0.1 (the optimum, every x 0.4, on the first; the second holds there with
  room to spare but cuts off part of the space);
- "tnk": TNK (Tanaka 1995), two objectives x₁, x₂ on [0, π]² whose front lies on the
  wavy boundary of the first of two constraints, in pieces.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from functools import cache  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import tunesmith as ts  # noqa: E402

#: (x in the problem's box) -> (objectives, constraints); every constraint <= 0 to hold
Evaluate = Callable[[np.ndarray], tuple[tuple[float, ...], tuple[float, ...]]]
BUDGETS = (20, 50, 100, 200)


def gardner(x: np.ndarray) -> tuple[tuple[float, ...], tuple[float, ...]]:
    a, b = float(x[0]), float(x[1])
    value = np.cos(2 * a) * np.cos(b) + np.sin(a)
    return (float(value),), (float(np.cos(a) * np.cos(b) - np.sin(a) * np.sin(b) - 0.5),)


def bowl(x: np.ndarray) -> tuple[tuple[float, ...], tuple[float, ...]]:
    return (float(np.sum((x - 0.8) ** 2)),), (float(x.sum() - 1.6), float(x[0] - x[1] - 0.1))


def tnk(x: np.ndarray) -> tuple[tuple[float, ...], tuple[float, ...]]:
    a, b = float(x[0]), float(x[1])
    wave = 1 + 0.1 * np.cos(16 * np.arctan2(a, b))
    return (a, b), (float(wave - a * a - b * b), float((a - 0.5) ** 2 + (b - 0.5) ** 2 - 0.5))


#: name -> (lower bounds, upper bounds, objectives, function)
PROBLEMS: dict[str, tuple[tuple[float, ...], tuple[float, ...], int, Evaluate]] = {
    "gardner": ((0.0, 0.0), (6.0, 6.0), 1, gardner),
    "bowl": ((0.0,) * 4, (1.0,) * 4, 1, bowl),
    "tnk": ((1e-9, 1e-9), (np.pi, np.pi), 2, tnk),
}
REFERENCE = {"tnk": (1.2, 1.2)}


@cache
def optimum(name: str) -> float:
    """The feasible optimum (one objective) or the true feasible front's hypervolume,
    from a dense grid (gardner, tnk) or in closed form (bowl)."""
    if name == "bowl":  # the closest point of Σx = 1.6 to (0.8, ...): every x 0.4
        return float(4 * 0.4**2)
    if name == "gardner":
        grid = np.linspace(0, 6, 3001)
        a, b = np.meshgrid(grid, grid)
        value = np.cos(2 * a) * np.cos(b) + np.sin(a)
        feasible = np.cos(a) * np.cos(b) - np.sin(a) * np.sin(b) <= 0.5
        return float(value[feasible].min())
    grid = np.linspace(1e-9, 1.2, 2401)
    a, b = np.meshgrid(grid, grid)
    a, b = a.ravel(), b.ravel()
    ok = (a * a + b * b - 1 - 0.1 * np.cos(16 * np.arctan2(a, b)) >= 0) & (
        (a - 0.5) ** 2 + (b - 0.5) ** 2 <= 0.5
    )
    return ts.hypervolume(np.column_stack([a[ok], b[ok]]), REFERENCE[name])


# --- optimizers: each evaluates `budget` points and returns (objectives, constraints) --------

Run = Callable[[str, int, int], list[tuple[tuple[float, ...], tuple[float, ...]]]]


def _objective(name: str, suggest: Callable[[str, float, float], float]):
    low, high, _, function = PROBLEMS[name]
    x = np.array(
        [suggest(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(zip(low, high, strict=True))]
    )
    return function(x)


def _ts(make: Callable[[Callable], object]) -> Run:
    def run(name: str, budget: int, seed: int):
        objectives = PROBLEMS[name][2]

        def objective(trial):
            values, constraints = _objective(name, trial.suggest_float)
            trial.set_user_attr("c", list(constraints))
            return values if objectives > 1 else values[0]

        sampler = make(lambda trial: trial.user_attrs["c"])
        study = ts.create_study(directions=["minimize"] * objectives, sampler=sampler, seed=seed)
        study.optimize(objective, n_trials=budget)
        return [(tuple(t.values), tuple(t.user_attrs["c"])) for t in study.trials]

    return run


def _optuna(kind: str) -> Run:
    def run(name: str, budget: int, seed: int):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        # constraints_func is deprecated in Optuna 5 (for Trial.set_constraint), still works
        warnings.filterwarnings("ignore", category=FutureWarning)
        objectives = PROBLEMS[name][2]

        def constraints(trial):
            return trial.user_attrs["c"]

        sampler = {
            "tpe": lambda: optuna.samplers.TPESampler(seed=seed, constraints_func=constraints),
            "nsga2": lambda: optuna.samplers.NSGAIISampler(seed=seed, constraints_func=constraints),
            "gp": lambda: optuna.samplers.GPSampler(seed=seed, constraints_func=constraints),
        }[kind]()

        def objective(trial):
            values, c = _objective(name, trial.suggest_float)
            trial.set_user_attr("c", list(c))
            return values if objectives > 1 else values[0]

        study = optuna.create_study(directions=["minimize"] * objectives, sampler=sampler)
        study.optimize(objective, n_trials=budget)
        return [(tuple(t.values), tuple(t.user_attrs["c"])) for t in study.trials]

    return run


#: name -> (run, largest budget it is run to)
OPTIMIZERS: dict[str, tuple[Run, int]] = {
    "ts_tpe": (_ts(lambda c: ts.TPESampler(constraints=c)), 200),
    "ts_nsga2": (_ts(lambda c: ts.NSGAIISampler(constraints=c)), 200),
    "ts_gp": (_ts(lambda c: ts.GPSampler(constraints=c)), 100),
    "ts_random": (_ts(lambda c: ts.RandomSampler()), 200),
    "optuna_tpe": (_optuna("tpe"), 200),
    "optuna_nsga2": (_optuna("nsga2"), 200),
    "optuna_gp": (_optuna("gp"), 50),
}


def run(args: argparse.Namespace) -> None:
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    done = set()
    if out.exists():
        for line in out.read_text().splitlines():
            row = json.loads(line)
            done.add((row["problem"], row["optimizer"], row["seed"]))
    for seed in range(args.seeds):
        for problem in args.problems.split(","):
            for name in args.optimizers.split(","):
                label = name + args.tag
                if (problem, label, seed) in done:
                    continue
                function, largest = OPTIMIZERS[name]
                budget = min(largest, args.budget)
                started = time.time()
                trials = function(problem, budget, seed)
                seconds = time.time() - started
                row = {
                    "problem": problem,
                    "optimizer": label,
                    "seed": seed,
                    "seconds": seconds,
                    "values": [v for v, _ in trials],
                    "constraints": [c for _, c in trials],
                }
                with out.open("a") as file:
                    file.write(json.dumps(row) + "\n")
                print(f"{problem} {label} seed {seed}: {budget} trials in {seconds:.0f} s",
                      flush=True)  # fmt: skip


def score(problem: str, values: np.ndarray, constraints: np.ndarray) -> float:
    """Regret of the best feasible trial (one objective; inf without one) or the feasible
    front's hypervolume as a ratio to the true front's (two)."""
    feasible = np.all(constraints <= 0, axis=1)
    if values.shape[1] == 1:
        if not feasible.any():
            return float("inf")
        return float(values[feasible, 0].min() - optimum(problem))
    if not feasible.any():
        return 0.0
    return ts.hypervolume(values[feasible], REFERENCE[problem]) / optimum(problem)


def report(args: argparse.Namespace) -> None:
    rows = [json.loads(line) for line in Path(args.out).read_text().splitlines()]
    cells: dict[tuple[str, str], dict[int, list[float]]] = {}
    for row in rows:
        values, constraints = np.array(row["values"]), np.array(row["constraints"])
        for budget in BUDGETS:
            if len(values) >= budget:
                cells.setdefault((row["problem"], row["optimizer"]), {}).setdefault(
                    budget, []
                ).append(score(row["problem"], values[:budget], constraints[:budget]))
    lines = [
        "| problem | optimizer | " + " | ".join(f"@{b}" for b in BUDGETS) + " | seeds |",
        "|---|---|" + "---|" * len(BUDGETS) + "---|",
    ]
    for problem in [p for p in PROBLEMS if any(p == q for q, _ in cells)]:
        single = PROBLEMS[problem][2] == 1
        names = sorted((o for q, o in cells if q == problem), key=lambda o: (o.split("@")[0], o))
        best = {}
        for budget in BUDGETS:
            means = [
                np.mean(cells[problem, o][budget]) for o in names if budget in cells[problem, o]
            ]
            best[budget] = (min if single else max)(means) if means else None
        for name in names:
            shown = []
            for budget in BUDGETS:
                scores = cells[problem, name].get(budget)
                if not scores:
                    shown.append("–")
                    continue
                mean = float(np.mean(scores))
                text = f"{mean:.3g} (median {np.median(scores):.3g})" if single else (
                    f"{mean:.3f} ± {np.std(scores):.3f}")  # fmt: skip
                shown.append(f"**{text}**" if mean == best[budget] else text)
            seeds = max(len(v) for v in cells[problem, name].values())
            lines.append(f"| {problem} | {name} | " + " | ".join(shown) + f" | {seeds} |")
    seconds: dict[str, list[float]] = {}
    for row in rows:
        seconds.setdefault(row["optimizer"], []).append(row["seconds"] / len(row["values"]))
    lines += ["", "| optimizer | seconds a trial |", "|---|---|"]
    lines += [f"| {name} | {np.mean(s):.3f} |" for name, s in sorted(seconds.items())]
    print("\n".join(lines))


def main() -> None:
    logging.getLogger("tunesmith").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run")
    run_parser.add_argument("--problems", default=",".join(PROBLEMS))
    run_parser.add_argument("--optimizers", default=",".join(OPTIMIZERS))
    run_parser.add_argument("--seeds", type=int, default=5)
    run_parser.add_argument("--budget", type=int, default=200)
    run_parser.add_argument("--tag", default="")
    run_parser.add_argument("--out", default="bench/out/constrained.jsonl")
    report_parser = commands.add_parser("report")
    report_parser.add_argument("--out", default="bench/out/constrained.jsonl")
    args = parser.parse_args()
    {"run": run, "report": report}[args.command](args)


if __name__ == "__main__":
    main()
