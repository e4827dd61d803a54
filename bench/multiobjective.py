"""Several objectives: tunesmith's samplers against Optuna's (NSGA-II, NSGA-III, TPE, GP) and
pymoo's NSGA-II, by the hypervolume of the front found after 50, 200 and 1,000 trials.

    PYTHONPATH=$PWD/src bench/.venv/bin/python bench/multiobjective.py run \\
        [--problems zdt1,zdt2,zdt3,dtlz2,tree,mlp] [--optimizers ts_auto,ts_nsga2,...] \\
        [--seeds 3] [--first-seed 0] [--budget 1000] [--out bench/out/multiobjective.jsonl]
    PYTHONPATH=$PWD/src bench/.venv/bin/python bench/multiobjective.py report \\
        [--out bench/out/multiobjective.jsonl] [--md FILE]

Every problem is a function of the unit cube [0, 1]^d, the same for every library (the
tree problem decodes its coordinates into hyperparameters itself). ``run`` appends one
JSON line per (problem, optimizer, seed): the objective values in evaluation order. The
hypervolume at 50, 200 and 1,000 trials is read off the first 50, 200 or 1,000 trials
of one run (no optimizer here knows its budget), against a fixed reference point, and
reported as a ratio to the true front's (the tree and MLP problems: raw hypervolume). Optimizers
whose cost grows fast (the GPs) run to a smaller ``max budget`` (see OPTIMIZERS).

Problems: ZDT1, ZDT2, ZDT3 (Zitzler, Deb & Thiele 2000) and DTLZ2 (Deb et al. 2002, 3
objectives) with 6 variables; "tree": a decision tree on the digits images, 3-fold
cross-validated error against log2 of its number of leaves (max_depth, min_samples_leaf,
max_features, criterion); "mlp": a small neural network on the digits images, 3-fold
cross-validated error against log10 of its number of weights (see :func:`mlp`).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from functools import cache  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import tunesmith as ts  # noqa: E402

Problem = tuple[int, int, Callable[[np.ndarray], tuple[float, ...]]]
BUDGETS = (50, 200, 1000)


def zdt(kind: int) -> Callable[[np.ndarray], tuple[float, ...]]:
    def evaluate(x: np.ndarray) -> tuple[float, ...]:
        f1 = float(x[0])
        g = 1 + 9 * float(np.mean(x[1:]))
        ratio = f1 / g
        if kind == 1:
            h = 1 - np.sqrt(ratio)
        elif kind == 2:
            h = 1 - ratio**2
        else:
            h = 1 - np.sqrt(ratio) - ratio * np.sin(10 * np.pi * f1)
        return f1, float(g * h)

    return evaluate


def dtlz2(x: np.ndarray) -> tuple[float, ...]:
    g = float(np.sum((x[2:] - 0.5) ** 2))
    a, b = x[0] * np.pi / 2, x[1] * np.pi / 2
    return (
        (1 + g) * np.cos(a) * np.cos(b),
        (1 + g) * np.cos(a) * np.sin(b),
        (1 + g) * np.sin(a),
    )


@cache
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    data = load_digits()
    return data.data, data.target


def tree(x: np.ndarray) -> tuple[float, ...]:
    from sklearn.model_selection import cross_val_score
    from sklearn.tree import DecisionTreeClassifier

    features, labels = _digits()
    model = DecisionTreeClassifier(
        max_depth=1 + int(x[0] * 19.999),
        min_samples_leaf=1 + int(x[1] * 49.999),
        max_features=0.05 + 0.95 * float(x[2]),
        criterion="gini" if x[3] < 0.5 else "entropy",
        random_state=0,
    )
    error = 1 - cross_val_score(model, features, labels, cv=3).mean()
    model.fit(features, labels)
    return float(error), float(np.log2(model.get_n_leaves()))


#: The MLP's data: 500 of the digits images (pixels scaled to [0, 1]), always the same.
MLP_SAMPLES = 500
#: Epochs of Adam a fit gets (sklearn's ``max_iter``): enough to rank configurations, not
#: to converge (a fit of 3 folds costs 0.08 s of CPU on average over the cube).
MLP_EPOCHS = 30


def _mlp_config(x: np.ndarray) -> tuple[tuple[int, ...], float, float]:
    """The unit cube's point as an MLP: one or two hidden layers (x0), each 2 to 64 units
    wide on a log scale (x1, x2; x2 unused with one layer), the learning rate 1e-4 to 1e-1
    (x3) and the L2 penalty 1e-6 to 1 (x4), both on a log scale in steps of 0.1 decade:
    so nearby points are the same configuration, fitted once (see :func:`_mlp_error`)."""
    widths = [round(2 ** (1 + 5 * float(v))) for v in x[1:3]]
    layers = tuple(widths[: 1 if x[0] < 0.5 else 2])
    learning_rate = round(-4 + 3 * float(x[3]), 1)
    penalty = round(-6 + 6 * float(x[4]), 1)
    return layers, learning_rate, penalty


@cache
def _mlp_error(layers: tuple[int, ...], learning_rate: float, penalty: float) -> float:
    """3-fold cross-validated error of one configuration (log10 rates), cached: every
    optimizer in one process shares the cache, so a configuration is fitted once however
    often it is proposed (fits are deterministic: fixed folds and initial weights)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.neural_network import MLPClassifier

    features, labels = _digits()
    rows = np.random.default_rng(0).permutation(len(labels))[:MLP_SAMPLES]
    model = MLPClassifier(
        hidden_layer_sizes=layers,
        learning_rate_init=10.0**learning_rate,
        alpha=10.0**penalty,
        max_iter=MLP_EPOCHS,
        random_state=0,
    )
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(model, features[rows] / 16, labels[rows], cv=folds)
    return float(1 - scores.mean())


def mlp(x: np.ndarray) -> tuple[float, ...]:
    """Cross-validated error of an MLP on the digits images against log10 of its number
    of weights and biases (64 inputs, 10 outputs)."""
    layers, learning_rate, penalty = _mlp_config(x)
    sizes = (64, *layers, 10)
    weights = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
    return _mlp_error(layers, learning_rate, penalty), float(np.log10(weights))


PROBLEMS: dict[str, Problem] = {
    "zdt1": (6, 2, zdt(1)),
    "zdt2": (6, 2, zdt(2)),
    "zdt3": (6, 2, zdt(3)),
    "dtlz2": (6, 3, dtlz2),
    "tree": (4, 2, tree),
    "mlp": (5, 2, mlp),
}
REFERENCE = {
    "zdt1": (1.1, 1.1),
    "zdt2": (1.1, 1.1),
    "zdt3": (1.1, 1.1),
    "dtlz2": (1.1, 1.1, 1.1),
    "tree": (1.0, 10.0),
    "mlp": (1.0, 5.0),
}


def true_front(name: str) -> np.ndarray | None:
    """Points of the problem's Pareto front, dense enough for its hypervolume to 1e-3."""
    f1 = np.linspace(0, 1, 20001)
    if name == "zdt1":
        return np.column_stack([f1, 1 - np.sqrt(f1)])
    if name == "zdt2":
        return np.column_stack([f1, 1 - f1**2])
    if name == "zdt3":
        points = np.column_stack([f1, 1 - np.sqrt(f1) - f1 * np.sin(10 * np.pi * f1)])
        return points[ts.pareto.pareto_mask(points)]
    if name == "dtlz2":
        a, b = np.meshgrid(np.linspace(0, np.pi / 2, 60), np.linspace(0, np.pi / 2, 60))
        a, b = a.ravel(), b.ravel()
        return np.column_stack([np.cos(a) * np.cos(b), np.cos(a) * np.sin(b), np.sin(a)])
    return None


# --- optimizers: each evaluates `budget` points of [0, 1]^d and returns their values -----


def _ts(sampler: Callable[[], object]) -> Callable[..., list[tuple[float, ...]]]:
    def run(dims: int, objectives: int, evaluate, budget: int, seed: int):
        study = ts.create_study(directions=["minimize"] * objectives, sampler=sampler(), seed=seed)
        study.optimize(
            lambda t: evaluate(np.array([t.suggest_float(f"x{i}", 0, 1) for i in range(dims)])),
            n_trials=budget,
        )
        return [t.values for t in study.trials]

    return run


def _optuna(kind: str) -> Callable[..., list[tuple[float, ...]]]:
    def run(dims: int, objectives: int, evaluate, budget: int, seed: int):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        sampler = {
            "nsga2": lambda: optuna.samplers.NSGAIISampler(seed=seed),
            "nsga3": lambda: optuna.samplers.NSGAIIISampler(seed=seed),
            "tpe": lambda: optuna.samplers.TPESampler(seed=seed),
            "gp": lambda: optuna.samplers.GPSampler(seed=seed),
        }[kind]()
        study = optuna.create_study(directions=["minimize"] * objectives, sampler=sampler)
        study.optimize(
            lambda t: evaluate(np.array([t.suggest_float(f"x{i}", 0, 1) for i in range(dims)])),
            n_trials=budget,
        )
        return [tuple(t.values) for t in study.trials]

    return run


def _pymoo(dims: int, objectives: int, evaluate, budget: int, seed: int):
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.evaluator import Evaluator
    from pymoo.core.problem import Problem as PymooProblem
    from pymoo.problems.static import StaticProblem

    problem = PymooProblem(n_var=dims, n_obj=objectives, xl=0.0, xu=1.0)
    algorithm = NSGA2(pop_size=50)
    algorithm.setup(problem, termination=("n_eval", budget), seed=seed)
    values: list[tuple[float, ...]] = []
    while len(values) < budget:
        population = algorithm.ask()
        f = np.array([evaluate(x) for x in population.get("X")])
        values.extend(tuple(map(float, row)) for row in f)
        Evaluator().eval(StaticProblem(problem, F=f), population)
        algorithm.tell(infills=population)
    return values[:budget]


#: name -> (run, largest budget it is run to; "auto" leaves the GP after 200 trials)
OPTIMIZERS: dict[str, tuple[Callable[..., list[tuple[float, ...]]], int]] = {
    "ts_auto": (_ts(lambda: "auto"), 1000),
    "ts_nsga2": (_ts(ts.NSGAIISampler), 1000),
    "ts_nsga3": (_ts(ts.NSGAIIISampler), 1000),
    "ts_tpe": (_ts(ts.TPESampler), 1000),
    "ts_gp": (_ts(ts.GPSampler), 200),
    "ts_random": (_ts(ts.RandomSampler), 1000),
    "optuna_nsga2": (_optuna("nsga2"), 1000),
    "optuna_nsga3": (_optuna("nsga3"), 1000),
    "optuna_tpe": (_optuna("tpe"), 1000),
    "optuna_gp": (_optuna("gp"), 200),
    "pymoo_nsga2": (_pymoo, 1000),
}


def run(args: argparse.Namespace) -> None:
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    done = set()
    if out.exists():
        for line in out.read_text().splitlines():
            row = json.loads(line)
            done.add((row["problem"], row["optimizer"], row["seed"]))
    for seed in range(args.first_seed, args.seeds):
        for problem in args.problems.split(","):
            for name in args.optimizers.split(","):
                if (problem, name, seed) in done:
                    continue
                dims, objectives, evaluate = PROBLEMS[problem]
                function, largest = OPTIMIZERS[name]
                budget = min(largest, args.budget)
                started = time.time()
                values = function(dims, objectives, evaluate, budget, seed)
                seconds = time.time() - started
                row = {"problem": problem, "optimizer": name, "seed": seed, "values": values,
                       "seconds": seconds}  # fmt: skip
                with out.open("a") as file:
                    file.write(json.dumps(row) + "\n")
                print(f"{problem} {name} seed {seed}: {budget} trials in {seconds:.0f} s",
                      flush=True)  # fmt: skip


def _hypervolumes(rows: list[dict]) -> dict[tuple[str, str], dict[int, list[float]]]:
    scores: dict[tuple[str, str], dict[int, list[float]]] = {}
    truth = {}
    for row in rows:
        problem = row["problem"]
        if problem not in truth:
            front = true_front(problem)
            truth[problem] = None if front is None else ts.hypervolume(front, REFERENCE[problem])
        values = np.array(row["values"], dtype=float)
        for budget in BUDGETS:
            if len(values) < budget:
                continue
            volume = ts.hypervolume(values[:budget], REFERENCE[problem])
            if truth[problem]:
                volume /= truth[problem]
            key = (problem, row["optimizer"])
            scores.setdefault(key, {}).setdefault(budget, []).append(volume)
    return scores


def report(args: argparse.Namespace) -> None:
    rows = [json.loads(line) for line in Path(args.out).read_text().splitlines()]
    # one run per (problem, optimizer, seed): the longest, when a seed was rerun further
    longest: dict[tuple[str, str, int], dict] = {}
    for row in rows:
        key = (row["problem"], row["optimizer"], row["seed"])
        if key not in longest or len(row["values"]) > len(longest[key]["values"]):
            longest[key] = row
    rows = list(longest.values())
    scores = _hypervolumes(rows)
    problems = sorted({p for p, _ in scores}, key=list(PROBLEMS).index)
    optimizers = [o for o in OPTIMIZERS if any(o == name for _, name in scores)]
    lines = [
        "| problem | optimizer | " + " | ".join(f"HV @{b}" for b in BUDGETS) + " | seeds |",
        "|---|---|" + "---|" * len(BUDGETS) + "---|",
    ]
    for problem in problems:
        best = {
            b: max(
                (np.mean(v[b]) for (p, _), v in scores.items() if p == problem and b in v),
                default=None,
            )
            for b in BUDGETS
        }
        for name in optimizers:
            cells = scores.get((problem, name))
            if not cells:
                continue
            shown = []
            for budget in BUDGETS:
                if budget not in cells:
                    shown.append("–")
                    continue
                mean, spread = np.mean(cells[budget]), np.std(cells[budget])
                text = f"{mean:.3f} ± {spread:.3f}"
                shown.append(f"**{text}**" if mean == best[budget] else text)
            seeds = "/".join(str(len(cells[b])) if b in cells else "–" for b in BUDGETS)
            lines.append(f"| {problem} | {name} | " + " | ".join(shown) + f" | {seeds} |")
    seconds = {}
    for row in rows:
        seconds.setdefault(row["optimizer"], []).append(row["seconds"] / len(row["values"]))
    lines += ["", "| optimizer | seconds a trial (mean over runs, objective included) |",
              "|---|---|"]  # fmt: skip
    lines += [f"| {name} | {np.mean(seconds[name]):.3f} |" for name in optimizers]
    text = "\n".join(lines)
    print(text)
    if args.md:
        Path(args.md).write_text(text + "\n")


def main() -> None:
    logging.getLogger("tunesmith").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run")
    run_parser.add_argument("--problems", default=",".join(PROBLEMS))
    run_parser.add_argument("--optimizers", default=",".join(OPTIMIZERS))
    run_parser.add_argument("--seeds", type=int, default=3)
    run_parser.add_argument("--first-seed", type=int, default=0, help="run seeds from this on")
    run_parser.add_argument("--budget", type=int, default=1000)
    run_parser.add_argument("--out", default="bench/out/multiobjective.jsonl")
    report_parser = commands.add_parser("report")
    report_parser.add_argument("--out", default="bench/out/multiobjective.jsonl")
    report_parser.add_argument("--md", default=None)
    args = parser.parse_args()
    {"run": run, "report": report}[args.command](args)


if __name__ == "__main__":
    main()
