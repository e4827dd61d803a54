"""Hyperparameter importance against analytic truth, and its cost; tunesmith's evaluators
beside Optuna's FanovaImportanceEvaluator and PedAnovaImportanceEvaluator on the very
same trials.

    bench/.venv/bin/python bench/importance.py [--seeds 3] [--trials 300]

Each function is defined on independent uniform parameters (uniform on the log scale for
a log-scaled one, over the choices for a categorical), so its variance decomposition is
known exactly: a parameter's true share is its main effect plus half of each pair
interaction it is in (the quantity tunesmith's fANOVA reports; Optuna's fANOVA reports
main effects only). Trials are drawn at random (what fANOVA's uniform measure assumes),
with noise of 1% of the function's standard deviation.

An evaluator is "right" on a run when (1) every pair of parameters whose true shares
differ by at least 0.05 is in the right order and (2) every unused parameter gets less
than 0.05. PED-ANOVA measures something else (what sets the top 10% apart), so its L1
error against the variance shares is shown but its rightness is the same ordering test.
Functions 1-6 resemble the unit tests (seen while developing); 7-12 were written after
the evaluators were done (held out).

`--truth ped` judges by PED-ANOVA's own estimand instead: each used parameter's Pearson
divergence between where the best 10% of the function's values lie and the uniform
density, from 200,000 random points (50 cells a float on its unit or log scale, one a
choice or integer value), as a share of their sum. That is what a PED-ANOVA evaluator
estimates from 300 trials, so it tells how well each one estimates it.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import optuna

import tunesmith as ts

optuna.logging.set_verbosity(optuna.logging.WARNING)
U = ("float", 0.0, 1.0, False)


def fn(name, space, f, truth, held_out):
    return {"name": name, "space": space, "f": f, "truth": truth, "held_out": held_out}


def _pad(space, d=5):
    space = dict(space)
    for i in range(len(space), d):
        space[f"unused{i}"] = U
    return space


FUNCTIONS = [
    fn("10*x1 + x2", _pad({"x1": U, "x2": U}), lambda p: 10 * p["x1"] + p["x2"],
       {"x1": 100 / 101, "x2": 1 / 101}, False),
    fn("x1 + x2 + x3", _pad({"x1": U, "x2": U, "x3": U}), lambda p: p["x1"] + p["x2"] + p["x3"],
       {"x1": 1 / 3, "x2": 1 / 3, "x3": 1 / 3}, False),
    fn("4x1 + 2x2 + x3", _pad({"x1": U, "x2": U, "x3": U}),
       lambda p: 4 * p["x1"] + 2 * p["x2"] + p["x3"], {"x1": 16 / 21, "x2": 4 / 21, "x3": 1 / 21},
       False),
    fn("(x1-.5)(x2-.5)", _pad({"x1": U, "x2": U}), lambda p: (p["x1"] - .5) * (p["x2"] - .5),
       {"x1": 0.5, "x2": 0.5}, False),
    fn("(x1-.5)^2 + 0.1 x2", _pad({"x1": U, "x2": U}), lambda p: (p["x1"] - .5) ** 2 + .1 * p["x2"],
       {"x1": (1 / 180) / (1 / 180 + 1 / 1200), "x2": (1 / 1200) / (1 / 180 + 1 / 1200)}, False),
    fn("sin(2 pi x1) + x2/2", _pad({"x1": U, "x2": U}),
       lambda p: math.sin(2 * math.pi * p["x1"]) + p["x2"] / 2, {"x1": 24 / 25, "x2": 1 / 25},
       False),
    fn("log10(lr) + 2y", _pad({"lr": ("float", 1e-5, 1.0, True), "y": U}),
       lambda p: math.log10(p["lr"]) + 2 * p["y"], {"lr": 25 / 29, "y": 4 / 29}, True),
    fn("cat {0,0,3,0} + x", _pad({"c": ("cat", ["a", "b", "c", "d"]), "x": U}),
       lambda p: {"a": 0, "b": 0, "c": 3, "d": 0}[p["c"]] + p["x"],
       {"c": 27 / 16 / (27 / 16 + 1 / 12), "x": 1 / 12 / (27 / 16 + 1 / 12)}, True),
    fn("2x1 + 4(x2-.5)(x3-.5)", _pad({"x1": U, "x2": U, "x3": U}),
       lambda p: 2 * p["x1"] + 4 * (p["x2"] - .5) * (p["x3"] - .5),
       {"x1": 0.75, "x2": 0.125, "x3": 0.125}, True),
    fn("n (int 1..10) + 10x", _pad({"n": ("int", 1, 10, False), "x": U}),
       lambda p: p["n"] + 10 * p["x"], {"n": 99 / 199, "x": 100 / 199},
       True),
    fn("5*[x1>.5] + x2", _pad({"x1": U, "x2": U}), lambda p: 5 * (p["x1"] > .5) + p["x2"],
       {"x1": 6.25 / (6.25 + 1 / 12), "x2": 1 / 12 / (6.25 + 1 / 12)}, True),
    fn("5x1+4x2+3x3+2x4+x5 (10 params)",
       _pad({f"x{i}": U for i in range(1, 6)}, 10),
       lambda p: sum((6 - i) * p[f"x{i}"] for i in range(1, 6)),
       {f"x{i}": (6 - i) ** 2 / 55 for i in range(1, 6)}, True),
]  # fmt: skip


def draw(space, rng):
    params = {}
    for name, (kind, *spec) in space.items():
        if kind == "cat":
            params[name] = spec[0][rng.integers(len(spec[0]))]
        elif kind == "int":
            params[name] = int(rng.integers(spec[0], spec[1] + 1))
        else:
            low, high, log = spec
            params[name] = (
                math.exp(rng.uniform(math.log(low), math.log(high)))
                if log
                else rng.uniform(low, high)
            )
    return params


def ts_dist(kind, *spec):
    if kind == "cat":
        return ts.Categorical(spec[0])
    if kind == "int":
        return ts.Int(spec[0], spec[1])
    return ts.Float(spec[0], spec[1], log=spec[2])


def optuna_dist(kind, *spec):
    d = optuna.distributions
    if kind == "cat":
        return d.CategoricalDistribution(spec[0])
    if kind == "int":
        return d.IntDistribution(spec[0], spec[1])
    return d.FloatDistribution(spec[0], spec[1], log=spec[2])


def studies(function, n_trials, seed):
    rng = np.random.default_rng(seed)
    rows = [draw(function["space"], rng) for _ in range(n_trials)]
    values = np.array([function["f"](p) for p in rows])
    values = values + rng.normal(0, 0.01 * values.std(), len(values))
    ours = ts.create_study(study_name=f"s{seed}")
    # tunesmith: enqueue the very parameters, then tell the values
    space = {n: ts_dist(*spec) for n, spec in function["space"].items()}
    for params, value in zip(rows, values, strict=True):
        ours.enqueue(params)
        trial = ours.ask(space)
        ours.tell(trial, float(value))
    theirs = optuna.create_study()
    dists = {n: optuna_dist(*spec) for n, spec in function["space"].items()}
    theirs.add_trials(
        [
            optuna.trial.create_trial(params=p, distributions=dists, value=float(v))
            for p, v in zip(rows, values, strict=True)
        ]
    )
    return ours, theirs


def ped_truth(function, fraction=0.1, n=200_000, cells=50):
    """PED-ANOVA's estimand for the used parameters, by Monte Carlo (see the docstring)."""
    rng = np.random.default_rng(12345)
    columns, units = {}, {}
    for name, (kind, *spec) in function["space"].items():
        if kind == "cat":
            index = rng.integers(len(spec[0]), size=n)
            columns[name] = [spec[0][i] for i in index]
            units[name] = (index, len(spec[0]))
        elif kind == "int":
            values = rng.integers(spec[0], spec[1] + 1, size=n)
            columns[name] = values.tolist()
            units[name] = (values - spec[0], spec[1] - spec[0] + 1)
        else:
            low, high, log = spec
            u = rng.uniform(size=n)
            values = np.exp(np.log(low) + u * np.log(high / low)) if log else low + u * (high - low)
            columns[name] = values.tolist()
            units[name] = (np.minimum((u * cells).astype(int), cells - 1), cells)
    rows = [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]
    values = np.array([function["f"](row) for row in rows])
    top = values <= np.quantile(values, fraction)
    divergence = {}
    for name in function["truth"]:
        index, k = units[name]
        p = np.bincount(index[top], minlength=k) / top.sum()
        divergence[name] = float(np.sum(p**2) * k - 1.0)
    total = sum(divergence.values())
    return {name: value / total for name, value in divergence.items()}


def right(shares, truth, names):
    full = {n: truth.get(n, 0.0) for n in names}
    for a in names:
        for b in names:
            if full[a] - full[b] >= 0.05 and not shares.get(a, 0) > shares.get(b, 0):
                return False
    return all(shares.get(n, 0) < 0.05 for n in names if full[n] == 0)


def l1(shares, truth, names):
    return sum(abs(shares.get(n, 0) - truth.get(n, 0)) for n in names)


def speed(n_trials=1000, d=10):
    space = {f"x{i}": U for i in range(d)}
    f = {"space": space, "f": lambda p: sum((d - i) * p[f"x{i}"] for i in range(d))}
    ours, theirs = studies(f, n_trials, 0)
    rows = []
    for name, call in [
        ("tunesmith FanovaEvaluator (default)", lambda: ts.importance(ours)),
        ("tunesmith PedAnovaEvaluator",
         lambda: ts.importance(ours, evaluator=ts.PedAnovaEvaluator())),
        ("tunesmith SklearnFanovaEvaluator",
         lambda: ts.importance(ours, evaluator=ts.SklearnFanovaEvaluator())),
        ("optuna FanovaImportanceEvaluator", lambda: optuna.importance.get_param_importances(
            theirs, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0))),
        ("optuna PedAnovaImportanceEvaluator", lambda: optuna.importance.get_param_importances(
            theirs, evaluator=optuna.importance.PedAnovaImportanceEvaluator())),
    ]:  # fmt: skip
        times, cpu = [], []
        for _ in range(3):
            start, start_cpu = time.perf_counter(), time.process_time()
            call()
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        rows.append((name, min(times), float(np.median(times)), float(np.median(cpu))))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--speed-only", action="store_true", help="only the timing table")
    parser.add_argument("--evaluators", default=None,
                        help="a comma-separated subset, e.g. 'ts fANOVA'")  # fmt: skip
    parser.add_argument("--no-speed", action="store_true", help="skip the timing table")
    parser.add_argument("--truth", choices=("variance", "ped"), default="variance",
                        help="judge by the variance shares or by PED-ANOVA's estimand")  # fmt: skip
    args = parser.parse_args()
    if not args.speed_only:
        agreement(args)
    if args.no_speed:
        return
    print("\nTime for importance on a 10-parameter, 1,000-trial study (s; wall clock min and")
    print("median of 3, and the median CPU time of the process: the machine may be shared):\n")
    print("| evaluator | wall min | wall median | CPU median |\n|---|---|---|---|")
    for name, best, median, cpu in speed():
        print(f"| {name} | {best:.2f} | {median:.2f} | {cpu:.2f} |")


def agreement(args):
    evaluators = {
        "ts fANOVA": lambda s, o: ts.importance(s),
        "ts sklearn fANOVA": lambda s, o: ts.importance(s, evaluator=ts.SklearnFanovaEvaluator()),
        "ts PED-ANOVA": lambda s, o: ts.importance(s, evaluator=ts.PedAnovaEvaluator()),
        "ts PED-ANOVA plain": lambda s, o: ts.importance(
            s, evaluator=ts.PedAnovaEvaluator(subtract_chance=False)),
        "optuna fANOVA": lambda s, o: optuna.importance.get_param_importances(
            o, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0)),
        "optuna PED-ANOVA": lambda s, o: optuna.importance.get_param_importances(
            o, evaluator=optuna.importance.PedAnovaImportanceEvaluator()),
    }  # fmt: skip
    if args.evaluators:
        evaluators = {name: evaluators[name] for name in args.evaluators.split(",")}
    tally = {name: {False: [0, 0, 0.0], True: [0, 0, 0.0]} for name in evaluators}
    print(
        f"{args.seeds} seeds x {args.trials} random trials per function, judged by "
        f"{'PED-ANOVA estimand' if args.truth == 'ped' else 'the variance shares'}\n"
    )
    print("| function | held out | " + " | ".join(evaluators) + " |")
    print("|---|---|" + "---|" * len(evaluators))
    for function in FUNCTIONS:
        truth = ped_truth(function) if args.truth == "ped" else function["truth"]
        cells = {name: [0, 0.0] for name in evaluators}
        for seed in range(args.seeds):
            ours, theirs = studies(function, args.trials, seed)
            names = list(function["space"])
            for name, evaluate in evaluators.items():
                shares = dict(evaluate(ours, theirs))
                ok = right(shares, truth, names)
                err = l1(shares, truth, names)
                cells[name][0] += ok
                cells[name][1] += err / args.seeds
                t = tally[name][function["held_out"]]
                t[0] += ok
                t[1] += 1
                t[2] += err
        row = [f"{cells[n][0]}/{args.seeds} right, L1 {cells[n][1]:.2f}" for n in evaluators]
        print(
            f"| {function['name']} | {'yes' if function['held_out'] else 'no'} | "
            + " | ".join(row)
            + " |"
        )
    print("\n| evaluator | right (functions 1-6, seen) | right (7-12, held out) "
          "| mean L1 seen | mean L1 held out |")  # fmt: skip
    print("|---|---|---|---|---|")
    for name, halves in tally.items():
        seen, held = halves[False], halves[True]
        print(f"| {name} | {seen[0]}/{seen[1]} | {held[0]}/{held[1]} "
              f"| {seen[2] / seen[1]:.3f} | {held[2] / held[1]:.3f} |")  # fmt: skip


if __name__ == "__main__":
    main()
