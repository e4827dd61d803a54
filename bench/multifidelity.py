"""Multi-fidelity benchmark: pruning methods on a neural network trained epoch by epoch.

The task: an MLP (scikit-learn's MLPClassifier, one hidden layer, Adam) trained on the
digits images one epoch at a time with ``partial_fit``, its validation log-loss reported
after every epoch, R = 27 epochs at most (``--max-epochs 81`` for a longer curve). Five
hyperparameters: learning rate and L2 penalty (log scale), batch size and hidden units
(integers, log scale), activation (categorical). The train/validation split and the
network's initialization are fixed, so a configuration always has the same learning
curve: the differences between methods are the methods'.

Compute is counted in epochs trained (the objective counts them), so results do not depend
on the machine's load; wall time is recorded as well. Every method runs until it has spent
a fixed budget of epochs (a callback calls ``study.stop()``; 100 full trainings unless
``--budget`` says otherwise), and the best full-budget (R-epoch) validation loss is
recorded as a function of the epochs spent: an anytime curve.

Methods (all minimize the same objective code; each library raises its own TrialPruned):

    random                  tunesmith random sampler, no pruning (every trial runs R epochs)
    ts-asha                 tunesmith random sampler + SuccessiveHalvingPruner (ASHA)
    ts-hyperband            tunesmith random sampler + HyperbandPruner (the classic recipe)
    ts-tpe-hyperband        tunesmith TPE + HyperbandPruner
    ts-bohb                 tunesmith sampler "bohb" (BOHBSampler + HyperbandPruner)
    optuna-random-hyperband Optuna RandomSampler + HyperbandPruner (a check on the pruner)
    optuna-tpe-hyperband    Optuna TPESampler + HyperbandPruner

and, on request (--methods), the samplers without pruning, to tell the sampler's share of a
result from the pruner's, and BOHB with the paper's model:

    ts-tpe                  tunesmith TPE, no pruning
    optuna-tpe              Optuna TPESampler, no pruning
    ts-bohb-kde             BOHBSampler(model="kde") + HyperbandPruner

Every pruner: min_resource=1, max_resource=R, reduction_factor=3. The objective does not
ask ``should_prune()`` after the last epoch, since the trial is done then (Optuna's
Hyperband has a rung at max_resource and would otherwise prune trials that have already
trained to the end; tunesmith's never prunes at max_resource).

Usage (from the repository root):

    bench/.venv/bin/python bench/multifidelity.py --quick          # smoke run, ~2 min
    bench/.venv/bin/python bench/multifidelity.py --ref HEAD       # the full run
    bench/.venv/bin/python bench/multifidelity.py --report bench/out/multifidelity.jsonl
    bench/.venv/bin/python bench/multifidelity.py --ref HEAD --methods ts-tpe optuna-tpe \
        --out bench/out/multifidelity-nopruning.jsonl
    bench/.venv/bin/python bench/multifidelity.py --report bench/out/multifidelity.jsonl \
        bench/out/multifidelity-nopruning.jsonl                   # both in one set of tables

Raw results: one JSON line per (method, seed) in bench/out/multifidelity.jsonl (the first
line describes the run); an interrupted run continues where it stopped with --resume.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import math
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "out" / "multifidelity.jsonl"
MAX_EPOCHS = 27  # the default; --max-epochs 81 for a longer curve
ETA = 3
METHODS = (
    "random",
    "ts-asha",
    "ts-hyperband",
    "ts-tpe-hyperband",
    "ts-bohb",
    "optuna-random-hyperband",
    "optuna-tpe-hyperband",
)
EXTRA_METHODS = ("ts-tpe", "optuna-tpe", "ts-bohb-kde")
BUDGET_FRACTIONS = (0.1, 0.2, 0.5, 1.0)
LOSS_CAP = 10.0  # a diverged network (NaN weights) scores this; chance level is ln 10 = 2.3

# --- the task -----------------------------------------------------------------------------


@dataclass
class Data:
    x_train: Any
    y_train: Any
    x_valid: Any
    y_valid: Any
    classes: Any


def load_data() -> Data:
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    features, labels = load_digits(return_X_y=True)
    features = features / 16.0  # pixel intensities 0..16 -> [0, 1]
    x_train, x_valid, y_train, y_valid = train_test_split(
        features, labels, test_size=1 / 3, random_state=0, stratify=labels
    )
    return Data(x_train, y_train, x_valid, y_valid, np.unique(labels))


@dataclass
class Run:
    """What one study spent and found; the objective writes to it."""

    budget: int
    epochs: int = 0
    objective_seconds: float = 0.0
    start: float = field(default_factory=time.perf_counter)
    trials: list[dict[str, Any]] = field(default_factory=list)


def make_objective(
    data: Data, run: Run, pruned: type[Exception], max_epochs: int = MAX_EPOCHS
) -> Callable[[Any], float]:
    """The objective, written once for both libraries (their trials have the same
    suggest_* / report / should_prune methods)."""
    import numpy as np
    from sklearn.metrics import log_loss
    from sklearn.neural_network import MLPClassifier

    def objective(trial: Any) -> float:
        params = {
            "learning_rate_init": trial.suggest_float("learning_rate_init", 1e-4, 0.3, log=True),
            "alpha": trial.suggest_float("alpha", 1e-6, 1e-1, log=True),
            "batch_size": trial.suggest_int("batch_size", 16, 256, log=True),
            "hidden": trial.suggest_int("hidden", 16, 256, log=True),
            "activation": trial.suggest_categorical("activation", ["relu", "tanh", "logistic"]),
        }
        model = MLPClassifier(
            hidden_layer_sizes=(params["hidden"],),
            activation=params["activation"],
            alpha=params["alpha"],
            batch_size=params["batch_size"],
            learning_rate_init=params["learning_rate_init"],
            random_state=0,
        )
        started = time.perf_counter()
        epoch, loss, error, complete = 0, math.nan, math.nan, False
        try:
            for epoch in range(1, max_epochs + 1):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model.partial_fit(data.x_train, data.y_train, classes=data.classes)
                    proba = model.predict_proba(data.x_valid)
                run.epochs += 1
                if np.all(np.isfinite(proba)):
                    loss = float(log_loss(data.y_valid, proba, labels=data.classes))
                    error = float(np.mean(data.classes[proba.argmax(1)] != data.y_valid))
                else:
                    loss, error = LOSS_CAP, 1.0
                trial.report(loss, step=epoch)
                if epoch < max_epochs and trial.should_prune():
                    raise pruned()
            complete = True
            return loss
        finally:
            now = time.perf_counter()
            run.objective_seconds += now - started
            run.trials.append(
                {
                    "epochs": run.epochs,  # spent so far, this trial included
                    "seconds": round(now - run.start, 4),
                    "reached": epoch,
                    "loss": loss if complete else None,
                    "error": error if complete else None,
                    "params": params,
                }
            )

    return objective


# --- the methods --------------------------------------------------------------------------


def optimize(method: str, seed: int, budget: int, data: Data, max_epochs: int = MAX_EPOCHS) -> Run:
    """Run one method with one seed until ``budget`` epochs are spent."""
    run = Run(budget)

    def stop_when_spent(study: Any, _trial: Any) -> None:
        if run.epochs >= budget:
            study.stop()

    if method.startswith("optuna-"):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        samplers = {
            "optuna-random-hyperband": optuna.samplers.RandomSampler,
            "optuna-tpe-hyperband": optuna.samplers.TPESampler,
            "optuna-tpe": optuna.samplers.TPESampler,
        }
        optuna_pruner: Any = optuna.pruners.HyperbandPruner(
            min_resource=1, max_resource=max_epochs, reduction_factor=ETA
        )
        if not method.endswith("-hyperband"):
            optuna_pruner = optuna.pruners.NopPruner()
        study = optuna.create_study(
            study_name=f"{method}-{seed}",  # Optuna's Hyperband draws brackets from the name
            sampler=samplers[method](seed=seed),
            pruner=optuna_pruner,
        )
        objective = make_objective(data, run, optuna.TrialPruned, max_epochs)
        study.optimize(objective, n_trials=budget, callbacks=[stop_when_spent])
    else:
        import tunesmith as ts

        hyperband = ts.HyperbandPruner(
            min_resource=1, max_resource=max_epochs, reduction_factor=ETA
        )
        asha = ts.SuccessiveHalvingPruner(
            min_resource=1, reduction_factor=ETA, max_resource=max_epochs
        )
        sampler, pruner = {
            "random": ("random", None),
            "ts-asha": ("random", asha),
            "ts-hyperband": ("random", hyperband),
            "ts-tpe-hyperband": ("tpe", hyperband),
            "ts-bohb": ("bohb", hyperband),
            "ts-bohb-kde": (ts.BOHBSampler(model="kde"), hyperband),
            "ts-tpe": ("tpe", None),
        }[method]
        study = ts.create_study(sampler=sampler, pruner=pruner, seed=seed)
        objective = make_objective(data, run, ts.TrialPruned, max_epochs)
        study.optimize(objective, n_trials=budget, callbacks=[stop_when_spent], progress_bar=False)
    return run


def job(method: str, seed: int, budget: int, max_epochs: int) -> dict[str, Any]:
    data = load_data()
    run = optimize(method, seed, budget, data, max_epochs)
    wall = time.perf_counter() - run.start
    return {
        "method": method,
        "seed": seed,
        "budget": budget,
        "max_epochs": max_epochs,
        "epochs": run.epochs,
        "wall_seconds": round(wall, 3),
        "objective_seconds": round(run.objective_seconds, 3),
        "trials": run.trials,
    }


# --- running ------------------------------------------------------------------------------


def _init_worker(directory: str) -> None:
    """Runs in each worker before any job, so before numpy is imported there."""
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"  # one thread per process: --jobs processes in all
    sys.path.insert(0, directory)  # the snapshot of tunesmith, ahead of the editable install


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in ("optuna", "scikit-learn", "numpy", "scipy")}


def main_run(args: argparse.Namespace) -> None:
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    done: set[tuple[str, int, int]] = set()
    if args.resume and out.exists():
        _, results = load(out)
        done = {(r["method"], r["seed"], r["budget"], _max_epochs(r)) for r in results}
    else:
        out.write_text("")
    todo = [
        (method, seed, args.budget, args.max_epochs)
        for seed in range(args.seeds)
        for method in args.methods
        if (method, seed, args.budget, args.max_epochs) not in done
    ]
    from overhead import snapshot_source

    with tempfile.TemporaryDirectory(prefix="bench-tunesmith-src-") as directory:
        source = snapshot_source(args.ref, Path(directory))
        if not done:
            meta = {
                "meta": True,
                "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
                "command": " ".join(sys.argv),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                f"Python {platform.python_version()}",
                "jobs": args.jobs,
                "max_epochs": args.max_epochs,
                "tunesmith_source": source,
                "versions": _versions(),
            }
            with out.open("a") as stream:
                stream.write(json.dumps(meta) + "\n")
        _log(f"{len(todo)} runs, {args.jobs} processes, tunesmith source {source}")
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=args.jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=(directory,),
        ) as pool:
            futures = {pool.submit(job, *item): item for item in todo}
            for future in concurrent.futures.as_completed(futures):
                result = future.result()
                with out.open("a") as stream:
                    stream.write(json.dumps(result) + "\n")
                finals = [t["loss"] for t in result["trials"] if t["loss"] is not None]
                _log(
                    f"{result['method']:<24} seed {result['seed']}: {len(result['trials'])} "
                    f"trials, {result['epochs']} epochs, {result['wall_seconds']:.0f} s, "
                    f"best {min(finals, default=math.nan):.4f}"
                )
    print(report(*load(out)))


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the report ---------------------------------------------------------------------------


def load(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    meta: dict[str, Any] = {}
    results = []
    for line in path.read_text().splitlines():
        if line.strip():
            record = json.loads(line)
            if record.get("meta"):
                meta = record
            else:
                results.append(record)
    return meta, results


def best_within(trials: list[dict[str, Any]], epochs: float) -> float:
    """The best full-budget loss among the trials finished once ``epochs`` were spent."""
    return min(
        (t["loss"] for t in trials if t["loss"] is not None and t["epochs"] <= epochs),
        default=math.inf,
    )


def first_reaching(trials: list[dict[str, Any]], target: float) -> dict[str, Any] | None:
    """The first trial after which the best full-budget loss is at or below ``target``."""
    for trial in trials:
        if trial["loss"] is not None and trial["loss"] <= target:
            return trial
    return None


def _median(values: Iterable[float]) -> float:
    ordered = list(values)
    return statistics.median(ordered) if ordered else math.nan


def _mean_std(values: list[float]) -> str:
    if not values or any(math.isinf(v) for v in values):
        return "none yet" if values else "-"
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.4f} ± {std:.4f}"


def report(meta: dict[str, Any], results: list[dict[str, Any]]) -> str:
    budget = max(r["budget"] for r in results)
    results = [r for r in results if r["budget"] == budget]  # runs of one budget only
    max_epochs = _max_epochs(results[0])
    results = [r for r in results if _max_epochs(r) == max_epochs]  # and one task
    by_method: dict[str, list[dict[str, Any]]] = {}
    order = [*METHODS, *EXTRA_METHODS]
    ranked = sorted(
        results,
        key=lambda r: (
            order.index(r["method"]) if r["method"] in order else len(order),
            r["method"],
            r["seed"],
        ),
    )
    for result in ranked:
        by_method.setdefault(result["method"], []).append(result)
    lines = []
    if meta:
        lines += [
            f"Run of {meta['date']}: `{meta['command']}`",
            f"Machine: {meta['machine']}; {meta['jobs']} processes; "
            f"tunesmith {meta['tunesmith_source']}; {meta['versions']}",
            "",
        ]
    seeds = {m: len(rs) for m, rs in by_method.items()}
    lines.append(
        f"Budget: {budget} epochs per run ({budget // max_epochs} full trainings of "
        f"{max_epochs} epochs); "
        f"seeds per method: {seeds}."
    )
    lines.append("")

    randoms = by_method.get("random", [])
    target = _median(best_within(r["trials"], budget) for r in randoms)
    if randoms:
        lines += [
            f"Target: random search's final loss, the median over seeds of its best after "
            f"{budget} epochs = {target:.4f}.",
            "",
            "| method | epochs to target (median) | ÷ budget | seeds reaching | "
            "wall s to target (median) | trials (median) | full-budget trials (median) | "
            "wall s per run (median) | library s per run (median) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for method, runs in by_method.items():
            hits = [first_reaching(r["trials"], target) for r in runs]
            epochs = [h["epochs"] if h else math.inf for h in hits]
            seconds = [h["seconds"] if h else math.inf for h in hits]
            mid = _median(epochs)
            reached = sum(h is not None for h in hits)
            lines.append(
                f"| {method} | {_fmt_epochs(mid, budget)} | "
                f"{'-' if math.isinf(mid) else f'{mid / budget:.2f}'} | "
                f"{reached}/{len(runs)} | "
                f"{'-' if math.isinf(_median(seconds)) else f'{_median(seconds):.0f}'} | "
                f"{_median(len(r['trials']) for r in runs):.0f} | "
                f"{_median(sum(t['loss'] is not None for t in r['trials']) for r in runs):.0f} | "
                f"{_median(r['wall_seconds'] for r in runs):.0f} | "
                f"{_median(r['wall_seconds'] - r['objective_seconds'] for r in runs):.1f} |"
            )
        lines.append("")

    points = [round(f * budget) for f in BUDGET_FRACTIONS]
    lines += [
        "Best full-budget validation log-loss after a share of the budget (mean ± std over "
        "seeds; lower is better):",
        "",
        "| method | "
        + " | ".join(f"{f:.0%} ({p} epochs)" for f, p in zip(BUDGET_FRACTIONS, points, strict=True))
        + " | error at 100% |",
        "|---|" + "---:|" * (len(points) + 1),
    ]
    for method, runs in by_method.items():
        cells = [_mean_std([best_within(r["trials"], p) for r in runs]) for p in points]
        errors = []
        for r in runs:
            complete = [t for t in r["trials"] if t["loss"] is not None]
            if complete:
                errors.append(min(complete, key=lambda t: t["loss"])["error"])
        error = f"{statistics.mean(errors):.2%}" if errors else "-"
        lines.append(f"| {method} | " + " | ".join(cells) + f" | {error} |")
    lines.append("")

    lines += targets(by_method, target, budget, points)
    return "\n".join(lines)


def _in_standard_errors(gap: float, first: list[float], second: list[float]) -> str:
    """The gap between two means in standard errors of their difference (Welch)."""
    if min(len(first), len(second)) < 2 or any(math.isinf(v) for v in first + second):
        return "no standard error"
    error = math.sqrt(
        statistics.variance(first) / len(first) + statistics.variance(second) / len(second)
    )
    return f"{abs(gap) / error:.1f} standard errors" if error > 0 else "no spread"


def _max_epochs(result: dict[str, Any]) -> int:
    return int(result.get("max_epochs", MAX_EPOCHS))


def _fmt_epochs(value: float, budget: int) -> str:
    return f"> {budget}" if math.isinf(value) else f"{value:.0f}"


def targets(
    by_method: dict[str, list[dict[str, Any]]], target: float, budget: int, points: list[int]
) -> list[str]:
    """The issue's two targets, each said to be met or missed."""
    lines = ["Targets:", ""]
    for method in ("ts-hyperband", "ts-bohb"):
        runs = by_method.get(method)
        if not runs or math.isnan(target):
            continue
        hits = [first_reaching(r["trials"], target) for r in runs]
        mid = _median(h["epochs"] if h else math.inf for h in hits)
        verdict = "MET" if mid <= budget / 5 else "MISSED"
        lines.append(
            f"- {method} reaches random search's final loss with at most 1/5 of its compute "
            f"({budget // 5} epochs): {verdict} (median {_fmt_epochs(mid, budget)} epochs"
            f"{'' if math.isinf(mid) else f', {mid / budget:.2f} of the budget'})."
        )
    bohb, optuna = by_method.get("ts-bohb"), by_method.get("optuna-tpe-hyperband")
    if bohb and optuna:
        pairs = {r["seed"]: r for r in optuna}
        verdicts = []
        for p in points:
            mine = [best_within(r["trials"], p) for r in bohb]
            theirs = [best_within(r["trials"], p) for r in optuna]
            paired = [
                (best_within(r["trials"], p), best_within(pairs[r["seed"]]["trials"], p))
                for r in bohb
                if r["seed"] in pairs
            ]
            wins = sum(a <= b for a, b in paired)
            gap = statistics.mean(mine) - statistics.mean(theirs)
            verdicts.append(gap <= 0)
            lines.append(
                f"  - at {p} epochs: BOHB {statistics.mean(mine):.4f}, Optuna TPE+Hyperband "
                f"{statistics.mean(theirs):.4f} (mean); difference {gap:+.4f} "
                f"({_in_standard_errors(gap, mine, theirs)}); BOHB at least as good on "
                f"{wins}/{len(paired)} seeds"
            )
        verdict = "MET" if all(verdicts) else "MISSED"
        lines.insert(
            len(lines) - len(points),
            f"- ts-bohb at least as good as Optuna TPE+Hyperband (mean best loss) at every "
            f"budget measured: {verdict}",
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds per method (0..n-1)")
    parser.add_argument(
        "--max-epochs", type=int, default=MAX_EPOCHS, help="epochs of a full training (R)"
    )
    parser.add_argument(
        "--budget", type=int, default=None, help="epochs each run may spend (100 trainings)"
    )
    parser.add_argument(
        "--methods", nargs="+", choices=METHODS + EXTRA_METHODS, default=list(METHODS)
    )
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--ref",
        default="worktree",
        help="tunesmith source to run: 'worktree' (src/ as it is at the start) or a git ref",
    )
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="raw results (JSON lines)")
    parser.add_argument("--resume", action="store_true", help="keep the runs already in --out")
    parser.add_argument("--quick", action="store_true", help="2 seeds, a 20%% budget")
    parser.add_argument(
        "--report", metavar="JSONL", nargs="+", help="print the tables of saved runs"
    )
    args = parser.parse_args()
    if args.report:
        meta, results = load(Path(args.report[0]))
        for extra in args.report[1:]:
            results += load(Path(extra))[1]
        print(report(meta, results))
        return
    if args.quick:
        args.seeds, args.budget = 2, 20 * args.max_epochs
        if args.out == str(DEFAULT_OUT):
            args.out = str(HERE / "out" / "multifidelity-quick.jsonl")
    if args.budget is None:
        args.budget = 100 * args.max_epochs
    main_run(args)


if __name__ == "__main__":
    main()
