"""Two diagnostics behind ts.AutoML's design, on bench/automl.py's splits.

``bagging``: does predicting with the k fold models, averaged (what an ensemble member
does, as there is no refit), lose to one model refitted on all the training rows? Each
portfolio model with its defaults, k = 3, 5 and 10, held-out accuracy or R².

``selection``: does greedy ensemble selection on accuracy overfit the out-of-fold rows, and
would selection by log loss (a smooth score) do better? One ``ts.AutoML`` fit per (data
set, seed) gives the pool of configurations; the same pool is then selected from by
accuracy and by log loss without a deadline, and the best configuration alone (its fold
models, averaged) is scored too; all on the held-out rows. "shipped" is what the fit
returned (its own selection, within its time).

``variants``: other ways to combine one fit's pool, on the held-out rows: the best alone
(its fold models), greedy selection at its best round (as ``fit`` does, with no deadline)
and after all its rounds (auto-sklearn's way), and the best 5 averaged equally.

``timeline``: where one fit's time went (search, ensemble selections, refit, end).

Run:
    PYTHONPATH=src bench/.venv/bin/python bench/automl_diagnostics.py bagging \\
        --datasets pima titanic auto_mpg --seeds 0 1 2 3 4
    PYTHONPATH=src bench/.venv/bin/python bench/automl_diagnostics.py selection \\
        --datasets pima titanic breast_cancer orange_juice credit_card wine --seeds 0 1 2 \\
        --budget 15
    PYTHONPATH=src bench/.venv/bin/python bench/automl_diagnostics.py variants \\
        --datasets pima wine boston titanic orange_juice breast_cancer auto_mpg carseats \\
        --seeds 0 1 2 --budget 15
    PYTHONPATH=src bench/.venv/bin/python bench/automl_diagnostics.py timeline \\
        --datasets default credit_card wine --seeds 0 --budget 30
"""

from __future__ import annotations

import argparse
import json
import math
import time
import warnings
from collections import defaultdict
from typing import Any

import numpy as np
from automl import split  # bench/automl.py: the same data sets and splits
from sklearn.base import clone
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from threadpoolctl import threadpool_limits

import tunesmith as ts
from tunesmith.automl import _automl
from tunesmith.automl._candidates import candidates
from tunesmith.automl._columns import Columns
from tunesmith.automl._ensemble import Ensemble, select
from tunesmith.automl._portfolio import Context
from tunesmith.automl._worker import predict, take


def bagging(names: list[str], seeds: list[int]) -> None:
    scores: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for name in names:
        for seed in seeds:
            task, X_train, X_test, y_train, y_test = split(name, seed)
            classification = task == "classification"
            y_train, y_test = np.asarray(y_train), np.asarray(y_test)
            classes = np.unique(y_train) if classification else None
            columns = Columns.of(X_train, "bench")
            context = Context(classification, seed, columns.width, 1)
            metric = accuracy_score if classification else r2_score
            chosen = candidates(None, classification, "accuracy" if classification else "r2", "")
            for candidate in chosen:
                defaults = candidate.defaults(context)
                params = {k.split(".", 1)[1]: v for k, v in defaults.items() if k != "model"}
                pipeline = candidate.pipeline(params, columns, context)
                got = scores[name, candidate.name]
                refit = clone(pipeline).fit(X_train, y_train)
                got["refit"].append(metric(y_test, refit.predict(X_test)))
                for k in (3, 5, 10):
                    kind = StratifiedKFold if classification else KFold
                    splitter = kind(k, shuffle=True, random_state=seed)
                    target = y_train if classification else None
                    predictions = []
                    for train, _ in splitter.split(np.zeros(len(y_train)), target):
                        model = clone(pipeline).fit(take(X_train, train), y_train[train])
                        predictions.append(predict(model, X_test, classes))
                    mean = np.mean(predictions, axis=0)
                    predicted = mean if classes is None else classes[np.argmax(mean, axis=1)]
                    got[f"{k} folds"].append(metric(y_test, predicted))
    print(f"\nHeld-out score, mean over seeds {seeds}\n")
    print("| data set | model | refit on all rows | 3 folds | 5 folds | 10 folds |")
    print("|---|---|---|---|---|---|")
    for (name, model), got in scores.items():
        cells = " | ".join(f"{np.mean(got[c]):.4f}" for c in ("refit", "3 folds", "5 folds"))
        print(f"| {name} | {model} | {cells} | {np.mean(got['10 folds']):.4f} |")


def _held_out(
    weights: dict[int, int], X: Any, y: Any, pool: Any, classes: Any, metric: Any = accuracy_score
) -> float:
    """The held-out accuracy (or ``metric``) of the pool's members weighted by ``weights``."""
    members = [(m.models, float(weights[m.trial])) for m in pool if m.trial in weights]
    return float(metric(y, Ensemble(members, classes).predict(X)))


def _capture_selection_pool() -> dict[str, Any]:
    """A dict that each AutoML fit's last ensemble selection fills with its pool, y and
    classes (AutoML._ensemble wrapped for the rest of the process)."""
    captured: dict[str, Any] = {}
    original = _automl.AutoML._ensemble

    def spy(self: Any, search: Any) -> Any:
        captured.update(pool=list(search.pool), y=search.y, classes=search.classes)
        return original(self, search)

    _automl.AutoML._ensemble = spy  # type: ignore[method-assign]
    return captured


def selection(names: list[str], seeds: list[int], budget: float) -> None:
    captured = _capture_selection_pool()
    rows = []
    for name in names:
        for seed in seeds:
            task, X_train, X_test, y_train, y_test = split(name, seed)
            automl = ts.AutoML(task=task, time_budget=budget, seed=seed, progress_bar=False)
            automl.fit(X_train, y_train)
            pool, y, classes = captured["pool"], captured["y"], captured["classes"]
            best = max(pool, key=lambda m: m.score)
            by_accuracy, _, _ = select(pool, y, "accuracy", classes, math.inf)
            by_log_loss, _, _ = select(pool, y, "neg_log_loss", classes, math.inf)
            test = (X_test, y_test, pool, classes)
            row = {
                "dataset": name,
                "seed": seed,
                "shipped": float(accuracy_score(y_test, automl.predict(X_test))),
                "best alone": _held_out({best.trial: 1}, *test),
                "by accuracy": _held_out(by_accuracy, *test),
                "by log loss": _held_out(by_log_loss, *test),
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    print("\n| data set | seed | shipped | best alone | by accuracy | by log loss |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        cells = " | ".join(
            f"{row[c]:.4f}" for c in ("shipped", "best alone", "by accuracy", "by log loss")
        )
        print(f"| {row['dataset']} | {row['seed']} | {cells} |")


def _all_rounds(pool: Any, y: Any, scoring: str, classes: Any) -> dict[int, int]:
    """Greedy selection's counts after all its rounds (as auto-sklearn keeps them), not
    at its best round."""
    from tunesmith.automl._ensemble import ROUNDS, _scoring

    ranked = sorted(pool, key=lambda m: -m.score)
    first = ranked[0].predictions
    rows = np.flatnonzero(np.all(np.isfinite(first.reshape(len(first), -1)), axis=1))
    score = _scoring(y, rows, scoring, classes)
    total, counts = first.copy(), {ranked[0].trial: 1}
    for size in range(2, ROUNDS + 1):
        pick = int(np.argmax([score((total + m.predictions) / size) for m in ranked]))
        total = total + ranked[pick].predictions
        counts[ranked[pick].trial] = counts.get(ranked[pick].trial, 0) + 1
    return counts


def variants(names: list[str], seeds: list[int], budget: float) -> None:
    """Held-out score of other ways to combine one fit's pool (no refits: fold models)."""
    captured = _capture_selection_pool()
    rows = []
    columns = ("shipped", "best alone", "best round", "all rounds", "top 5 equal")
    for name in names:
        for seed in seeds:
            task, X_train, X_test, y_train, y_test = split(name, seed)
            metric = accuracy_score if task == "classification" else r2_score
            scoring = "accuracy" if task == "classification" else "r2"
            automl = ts.AutoML(task=task, time_budget=budget, seed=seed, progress_bar=False)
            automl.fit(X_train, y_train)
            pool, y, classes = captured["pool"], captured["y"], captured["classes"]
            if len(pool) < 2:
                continue
            ranked = sorted(pool, key=lambda m: -m.score)
            best_round, _, _ = select(pool, y, scoring, classes, math.inf)
            test = (X_test, y_test, pool, classes, metric)
            row = {
                "dataset": name,
                "seed": seed,
                "shipped": float(metric(y_test, automl.predict(X_test))),
                "best alone": _held_out({ranked[0].trial: 1}, *test),
                "best round": _held_out(best_round, *test),
                "all rounds": _held_out(_all_rounds(pool, y, scoring, classes), *test),
                "top 5 equal": _held_out({m.trial: 1 for m in ranked[:5]}, *test),
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    print("\n| data set | seed | " + " | ".join(columns) + " |")
    print("|---|---|" + "---|" * len(columns))
    for row in rows:
        cells = " | ".join(f"{row[c]:.4f}" for c in columns)
        print(f"| {row['dataset']} | {row['seed']} | {cells} |")
    print("\nmean | " + " | ".join(f"{np.mean([r[c] for r in rows]):.4f}" for c in columns))


def timeline(names: list[str], seeds: list[int], budget: float) -> None:
    """Where one fit's time went: when the search stopped (and its deadline then), the
    ensemble selections (start, seconds, pool size, members, won), the refit (start,
    seconds) and the end, in seconds from the start of ``fit``."""
    events: dict[str, Any] = {}
    started = [0.0]
    search, select_, refit = _automl.AutoML._search, _automl.select, _automl.AutoML._refit

    def timed_search(self: Any, study: Any, state: Any, budget: float, start: float, bar: Any):
        started[0] = start
        search(self, study, state, budget, start, bar)
        events.setdefault("search stopped", []).append(round(time.monotonic() - start, 2))
        events.setdefault("its deadline", []).append(round(state.search_deadline() - start, 2))
        events["kept for the selection"] = round(state.ensemble_seconds, 3)

    def timed_select(pool: Any, *arguments: Any) -> Any:
        began = time.monotonic()
        weights, score, alone = select_(pool, *arguments)
        took = round(time.monotonic() - began, 3)
        events.setdefault("selections", []).append(
            [round(began - started[0], 2), took, len(pool), len(weights), score > alone]
        )
        return weights, score, alone

    def timed_refit(self: Any, state: Any) -> None:
        began = time.monotonic()
        refit(self, state)
        events["refit"] = [round(began - started[0], 2), round(time.monotonic() - began, 2)]

    _automl.AutoML._search = timed_search  # type: ignore[method-assign]
    _automl.select = timed_select  # type: ignore[assignment]
    _automl.AutoML._refit = timed_refit  # type: ignore[method-assign]
    for name in names:
        for seed in seeds:
            events.clear()
            task, X_train, _, y_train, _ = split(name, seed)
            began = time.monotonic()
            automl = ts.AutoML(task=task, time_budget=budget, seed=seed, progress_bar=False)
            automl.fit(X_train, y_train)
            events["end"] = round(time.monotonic() - began, 2)
            events["configurations"] = len(automl.leaderboard_)
            print(json.dumps({"dataset": name, "seed": seed, **events}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("bagging", "selection", "variants", "timeline"))
    parser.add_argument("--datasets", nargs="+", default=["pima", "titanic", "auto_mpg"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--budget", type=float, default=15.0)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    if args.what == "bagging":
        with threadpool_limits(1):
            bagging(args.datasets, args.seeds)
    elif args.what == "selection":
        selection(args.datasets, args.seeds, args.budget)
    elif args.what == "timeline":
        timeline(args.datasets, args.seeds, args.budget)
    else:
        variants(args.datasets, args.seeds, args.budget)


if __name__ == "__main__":
    main()
