"""TuneSearchCV against scikit-learn's searches and Optuna's OptunaSearchCV.

Each model/data pair is searched by every method with the same 3-fold splits (a seed's
shuffle) and the same space; the table gives the best mean cross-validated score found
after 20 and after 50 candidates, averaged over the seeds, and the wall time of the
50-candidate search.

- TuneSearchCV: its default sampler (TPE), no pruning; "TuneSearchCV (auto)" runs it with
  tunesmith's "auto" sampler (Sobol, then GP-EI), the default before; "TuneSearchCV
  (startup 5)" with TPE after 5 Sobol points instead of 10.
- RandomizedSearchCV: scipy.stats distributions.
- OptunaSearchCV (optuna-integration): Optuna's default sampler (TPE).
- GridSearchCV: a grid of about 20 and of about 50 points (two searches; seeds change only
  the folds).
- HalvingRandomSearchCV: 20 and 50 random candidates, factor 3 over the rows; its score is
  the best at the last rung, and its cost is given in full-data fits (candidates times the
  fraction of rows they were fitted on), which is far below 20 and 50.

Run (Optuna and optuna-integration in the venv):
    PYTHONPATH=src bench/.venv/bin/python bench/search_cv.py --seeds 5 \
        --out bench/out/search_cv.json
    PYTHONPATH=src bench/.venv/bin/python bench/search_cv.py --report bench/out/search_cv.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import stats
from sklearn import datasets
from sklearn.ensemble import RandomForestRegressor
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import ElasticNet, LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    HalvingRandomSearchCV,
    KFold,
    RandomizedSearchCV,
    StratifiedKFold,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

import tunesmith as ts
from tunesmith.sklearn import TuneSearchCV

# A space: name -> ("float", low, high, log) | ("int", low, high, log) | ("cat", choices)
Space = dict[str, tuple[Any, ...]]


def _scaled(model: Any) -> Any:
    return make_pipeline(StandardScaler(), model)


PAIRS: dict[str, tuple[Callable[[], Any], Callable[[], tuple[Any, Any]], Space, str]] = {
    "svc/breast_cancer": (
        lambda: _scaled(SVC()),
        lambda: datasets.load_breast_cancer(return_X_y=True),
        {"svc__C": ("float", 1e-2, 1e3, True), "svc__gamma": ("float", 1e-5, 1.0, True)},
        "accuracy",
    ),
    "knn/digits": (
        lambda: _scaled(KNeighborsClassifier()),
        lambda: datasets.load_digits(return_X_y=True),
        {
            "kneighborsclassifier__n_neighbors": ("int", 1, 40, False),
            "kneighborsclassifier__weights": ("cat", ["uniform", "distance"]),
            "kneighborsclassifier__p": ("cat", [1, 2]),
        },
        "accuracy",
    ),
    "logreg/wine": (
        lambda: _scaled(LogisticRegression(max_iter=2000)),
        lambda: datasets.load_wine(return_X_y=True),
        {
            "logisticregression__C": ("float", 1e-4, 1e3, True),
            "logisticregression__class_weight": ("cat", [None, "balanced"]),
        },
        "accuracy",
    ),
    "tree/breast_cancer": (
        lambda: DecisionTreeClassifier(random_state=0),
        lambda: datasets.load_breast_cancer(return_X_y=True),
        {
            "max_depth": ("int", 1, 20, False),
            "min_samples_leaf": ("int", 1, 50, True),
            "criterion": ("cat", ["gini", "entropy"]),
        },
        "accuracy",
    ),
    "elasticnet/diabetes": (
        lambda: _scaled(ElasticNet(max_iter=10_000)),
        lambda: datasets.load_diabetes(return_X_y=True),
        {
            "elasticnet__alpha": ("float", 1e-4, 10.0, True),
            "elasticnet__l1_ratio": ("float", 0.0, 1.0, False),
        },
        "r2",
    ),
    "svr/diabetes": (
        lambda: _scaled(SVR()),
        lambda: datasets.load_diabetes(return_X_y=True),
        {
            "svr__C": ("float", 1e-1, 1e4, True),
            "svr__gamma": ("float", 1e-4, 1.0, True),
            "svr__epsilon": ("float", 1e-2, 50.0, True),
        },
        "r2",
    ),
    "forest/diabetes": (
        lambda: RandomForestRegressor(n_estimators=30, random_state=0),
        lambda: datasets.load_diabetes(return_X_y=True),
        {
            "max_depth": ("int", 2, 20, False),
            "min_samples_leaf": ("int", 1, 40, True),
            "max_features": ("float", 0.1, 1.0, False),
        },
        "r2",
    ),
}


def scipy_space(space: Space) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, (kind, *rest) in space.items():
        if kind == "cat":
            out[name] = rest[0]
        elif kind == "float":
            low, high, log = rest
            out[name] = stats.loguniform(low, high) if log else stats.uniform(low, high - low)
        else:
            low, high, log = rest
            out[name] = stats.randint(low, high + 1) if not log else _log_int(low, high)
    return out


def _log_int(low: int, high: int) -> list[int]:
    # scipy has no log-uniform integers: the distinct rounded values of a log grid
    return sorted({round(v) for v in np.geomspace(low, high, 64)})


def tunesmith_space(space: Space) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, (kind, *rest) in space.items():
        if kind == "cat":
            out[name] = rest[0]
        elif kind == "float":
            out[name] = ts.Float(rest[0], rest[1], log=rest[2])
        else:
            out[name] = ts.Int(rest[0], rest[1], log=rest[2])
    return out


def optuna_space(space: Space) -> dict[str, Any]:
    import optuna

    out: dict[str, Any] = {}
    for name, (kind, *rest) in space.items():
        if kind == "cat":
            out[name] = optuna.distributions.CategoricalDistribution(rest[0])
        elif kind == "float":
            out[name] = optuna.distributions.FloatDistribution(rest[0], rest[1], log=rest[2])
        else:
            out[name] = optuna.distributions.IntDistribution(rest[0], rest[1], log=rest[2])
    return out


def grid(space: Space, size: int) -> dict[str, list[Any]]:
    """About ``size`` points: every choice of each categorical, the rest spread evenly."""
    choices = math.prod(len(rest[0]) for kind, *rest in space.values() if kind == "cat")
    ranges = [name for name, (kind, *_) in space.items() if kind != "cat"]
    per_range = max(2, round((size / choices) ** (1 / max(1, len(ranges)))))
    out: dict[str, list[Any]] = {}
    for name, (kind, *rest) in space.items():
        if kind == "cat":
            out[name] = list(rest[0])
            continue
        low, high, log = rest
        points = np.geomspace(low, high, per_range) if log else np.linspace(low, high, per_range)
        out[name] = sorted({round(p) for p in points}) if kind == "int" else points.tolist()
    return out


def best_after(scores: list[float], n: int) -> float:
    finite = [s for s in scores[:n] if math.isfinite(s)]
    return max(finite) if finite else math.nan


def run_pair(name: str, seed: int, methods: list[str]) -> dict[str, Any]:
    make_model, load, space, scoring = PAIRS[name]
    X, y = load()
    classification = scoring == "accuracy"
    splitter = StratifiedKFold if classification else KFold
    cv = splitter(n_splits=3, shuffle=True, random_state=seed)
    results: dict[str, Any] = {}

    def timed(search: Any) -> tuple[Any, float]:
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            search.fit(X, y)
        return search, time.perf_counter() - started

    common = {"cv": cv, "scoring": scoring, "refit": False}
    for method, sampler in (
        ("TuneSearchCV", None),
        ("TuneSearchCV (auto)", "auto"),
        ("TuneSearchCV (startup 5)", "startup 5"),
    ):
        if method not in methods:
            continue
        if sampler == "startup 5":
            sampler = ts.TPESampler(n_startup_trials=5)
        search, seconds = timed(
            TuneSearchCV(
                make_model(),
                tunesmith_space(space),
                n_trials=50,
                random_state=seed,
                sampler=sampler,
                **common,
            )
        )
        scores = list(search.cv_results_["mean_test_score"])
        results[method] = (best_after(scores, 20), best_after(scores, 50), seconds)

    if "RandomizedSearchCV" in methods:
        search, seconds = timed(
            RandomizedSearchCV(
                make_model(), scipy_space(space), n_iter=50, random_state=seed, **common
            )
        )
        scores = list(search.cv_results_["mean_test_score"])
        results["RandomizedSearchCV"] = (best_after(scores, 20), best_after(scores, 50), seconds)
    if "OptunaSearchCV" in methods:
        _optuna(results, make_model, space, cv, scoring, seed, timed)
    if "GridSearchCV" in methods:
        _grid(results, make_model, space, common, timed)
    if "HalvingRandomSearchCV" in methods:
        _halving(results, make_model, space, cv, scoring, seed, timed)
    return results


def _optuna(
    results: dict[str, Any],
    make_model: Any,
    space: Space,
    cv: Any,
    scoring: str,
    seed: int,
    timed: Any,
) -> None:
    import optuna
    from optuna_integration import OptunaSearchCV

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    search, seconds = timed(
        OptunaSearchCV(
            make_model(),
            optuna_space(space),
            n_trials=50,
            random_state=seed,
            cv=cv,
            scoring=scoring,
            refit=False,
            verbose=0,
        )
    )
    scores = [t.value if t.value is not None else math.nan for t in search.trials_]
    results["OptunaSearchCV"] = (best_after(scores, 20), best_after(scores, 50), seconds)


def _grid(
    results: dict[str, Any], make_model: Any, space: Space, common: dict[str, Any], timed: Any
) -> None:
    grid_scores = []
    for size in (20, 50):
        search, seconds = timed(GridSearchCV(make_model(), grid(space, size), **common))
        grid_scores.append(
            (
                best_after(list(search.cv_results_["mean_test_score"]), 10**6),
                len(search.cv_results_["params"]),
                seconds,
            )
        )
    results["GridSearchCV"] = (grid_scores[0][0], grid_scores[1][0], grid_scores[1][2])
    results["grid sizes"] = (grid_scores[0][1], grid_scores[1][1])


def _halving(
    results: dict[str, Any],
    make_model: Any,
    space: Space,
    cv: Any,
    scoring: str,
    seed: int,
    timed: Any,
) -> None:
    halving = []
    for candidates in (20, 50):
        search, seconds = timed(
            HalvingRandomSearchCV(
                make_model(),
                scipy_space(space),
                n_candidates=candidates,
                factor=3,
                random_state=seed,
                cv=cv,
                scoring=scoring,
                refit=False,
            )
        )
        full = float(np.sum(np.asarray(search.n_candidates_) * np.asarray(search.n_resources_)))
        halving.append((float(search.best_score_), full / search.n_resources_[-1], seconds))
    results["HalvingRandomSearchCV"] = (halving[0][0], halving[1][0], halving[1][2])
    results["halving full-data fits"] = (halving[0][1], halving[1][1])


METHODS = [
    "TuneSearchCV",
    "TuneSearchCV (auto)",
    "TuneSearchCV (startup 5)",
    "OptunaSearchCV",
    "RandomizedSearchCV",
    "GridSearchCV",
    "HalvingRandomSearchCV",
]


def report(paths: list[str]) -> None:
    runs: list[dict[str, Any]] = []
    for path in paths:  # several files: runs of other seeds, e.g. from parallel processes
        with open(path) as handle:
            runs.extend(json.load(handle))
    merged: dict[tuple[str, int], dict[str, Any]] = {}
    for run in runs:  # a (pair, seed)'s methods may come from several files
        merged.setdefault((run["pair"], run["seed"]), {}).update(run["results"])
    by_pair: dict[str, list[dict[str, Any]]] = {}
    for pair, seed in sorted(merged, key=lambda k: (list(PAIRS).index(k[0]), k[1])):
        by_pair.setdefault(pair, []).append(merged[pair, seed])
    methods = [m for m in METHODS if any(m in r for rs in by_pair.values() for r in rs)]
    # bold: the best of the equal-budget methods (not halving, not TuneSearchCV's variants)
    variants = ("HalvingRandomSearchCV", "TuneSearchCV (auto)", "TuneSearchCV (startup 5)")
    rivals = [m for m in methods if m not in variants]
    for budget, column in (("20", 0), ("50", 1)):
        print(f"\nBest mean CV score after {budget} candidates (mean over seeds; best in bold)\n")
        print("| pair | seeds | " + " | ".join(methods) + " |")
        print("|---" * (len(methods) + 2) + "|")
        for pair, results in by_pair.items():
            means = {m: _mean([r.get(m) for r in results], column) for m in methods}
            top = max((means[m] for m in rivals), default=math.nan)  # no rival: no bold
            cells = [
                f"**{means[m]:.4f}**" if means[m] == top else f"{means[m]:.4f}" for m in methods
            ]
            seeds = min(sum(m in r for r in results) for m in methods)
            print(f"| {pair} | {seeds} | " + " | ".join(cells) + " |")
    print("\nWall seconds of the 50-candidate search (mean over seeds)\n")
    print("| pair | " + " | ".join(methods) + " | grid sizes | halving full-data fits |")
    print("|---" * (len(methods) + 3) + "|")
    for pair, results in by_pair.items():
        cells = [f"{_mean([r.get(m) for r in results], 2):.1f}" for m in methods]
        sizes = next((r["grid sizes"] for r in results if "grid sizes" in r), ("-", "-"))
        halving = [r["halving full-data fits"] for r in results if "halving full-data fits" in r]
        fits = np.mean(halving, axis=0) if halving else (math.nan, math.nan)
        print(
            f"| {pair} | " + " | ".join(cells) + f" | {sizes[0]}, {sizes[1]} | "
            f"{fits[0]:.1f}, {fits[1]:.1f} |"
        )


def _mean(values: list[Any], column: int) -> float:
    """The mean of a column over the seeds that ran the method."""
    got = [v[column] for v in values if v is not None]
    return float(np.mean(got)) if got else math.nan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument(
        "--seed-list", type=int, nargs="*", help="these seeds instead of 0..seeds-1"
    )
    parser.add_argument("--pairs", nargs="*", default=list(PAIRS))
    parser.add_argument("--methods", nargs="*", default=METHODS, choices=METHODS)
    parser.add_argument("--out", default="bench/out/search_cv.json")
    parser.add_argument(
        "--report", nargs="*", help="print the tables of these results files and stop"
    )
    args = parser.parse_args()
    threadpool_limits(1)  # one BLAS/OpenMP thread per fit: small data, shared cores
    if args.report:
        report(args.report)
        return
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    runs: list[dict[str, Any]] = []
    if os.path.exists(args.out):
        with open(args.out) as handle:
            runs = json.load(handle)
    done = {(r["pair"], r["seed"]) for r in runs}
    seeds = args.seed_list if args.seed_list else range(args.seeds)
    for seed, pair in itertools.product(seeds, args.pairs):
        if (pair, seed) in done:
            continue
        started = time.perf_counter()
        results = run_pair(pair, seed, args.methods)
        runs.append({"pair": pair, "seed": seed, "results": results})
        with open(args.out, "w") as handle:
            json.dump(runs, handle, indent=1)
        print(f"{pair} seed {seed}: {time.perf_counter() - started:.0f} s", flush=True)
    report([args.out])


if __name__ == "__main__":
    main()
