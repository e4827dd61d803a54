"""Evolutionary search: tunesmith's CMA-ES and genetic samplers against Optuna's
CmaEsSampler (with and without restarts) and NSGAIISampler, nevergrad's NGOpt and CMA,
and random search, for cheap objectives and thousands of trials.

    bench/.venv/bin/python bench/evolutionary.py run [--tasks a,b] [--methods x,y]
        [--seeds 0-9] [--budget 5000] [--jobs 2] [--ref REF] [--force] [--out FILE]
    bench/.venv/bin/python bench/evolutionary.py --report [--out FILE] [--seeds 0-4] [--md FILE]
    bench/.venv/bin/python bench/evolutionary.py list

Tasks (from ``tasks.py``, the quality benchmark's): shifted Rosenbrock-10 and Ackley-10 on
[-5, 10]^10, shifted Levy-20 on [-10, 10]^20, and the mixed space ``mixed_nn`` (two log
floats, a log int, an int, two categoricals that move the optimum); on request
``mixed_hartmann``, ``ackley20`` and ``rosenbrock20``. Each costs 10-40 µs an evaluation.

``run`` does one run of ``--budget`` trials per (task, method, seed), in ``--jobs`` worker
processes (one BLAS thread each), and appends one JSON line per run to
``bench/out/evolutionary.jsonl``: the best value so far at each checkpoint (200, 1,000 and
5,000 trials among them: no method but NGOpt is told the budget, so one 5,000-trial run
gives all three) and the library's time up to each checkpoint, in CPU seconds of the
process and in wall seconds, the objective's own time left out. A run already in the file
is skipped; tunesmith's runs are redone when its source changes (a hash is stored with
each run). The workers import a pinned copy of tunesmith (the working tree, or git
``--ref REF``), as in ``quality.py``.

``--report`` prints median simple regret (best seen - the task's optimum) over the seeds
at each budget, library CPU time per trial, and the issue's targets, met or missed; with
``--seeds`` it is limited to those seeds (the development half 0-4, the held-out half
5-9).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import datetime  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from concurrent.futures import ProcessPoolExecutor, as_completed  # noqa: E402
from multiprocessing import get_context  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import quality as Q  # noqa: E402  (pinning, provenance, JSONL helpers)
import tasks as T  # noqa: E402

DEFAULT_OUT = HERE / "out" / "evolutionary.jsonl"
BUDGETS = (200, 1000, 5000)
CHECKPOINTS = (50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000)
DEFAULT_TASKS = ("rosenbrock10", "ackley10", "levy20", "mixed_nn")
EXTRA_TASKS = ("mixed_hartmann", "ackley20", "rosenbrock20")
DEV_SEEDS, HELD_SEEDS = tuple(range(5)), tuple(range(5, 10))
#: Regrets below this count as the optimum reached (ties, whatever the digits beyond).
REACHED = 1e-8

DESCRIPTIONS = {
    "ts_cmaes": 'tunesmith sampler="cmaes" (CmaEsSampler(): IPOP restarts, margin, CatCMA)',
    "ts_cmaes_bipop": 'tunesmith CmaEsSampler(restart_strategy="bipop")',
    "ts_genetic": 'tunesmith sampler="genetic" (GeneticSampler(), defaults)',
    "optuna_cmaes": "optuna.samplers.CmaEsSampler(seed=s), defaults (no restarts)",
    "optuna_cmaes_ipop": 'Optuna 4.3.0 CmaEsSampler(seed=s, restart_strategy="ipop")',
    "optuna_cmaes_bipop": 'Optuna 4.3.0 CmaEsSampler(seed=s, restart_strategy="bipop")',
    "optuna_nsga2": "optuna.samplers.NSGAIISampler(seed=s), one objective, defaults",
    "ng_ngopt": "nevergrad NGOpt(budget=5000, num_workers=1): told the budget",
    "ng_cma": "nevergrad CMA(budget=5000, num_workers=1)",
    "random": "plain random search with numpy (default_rng(s)), no library",
    "cmaes_plain": "a plain cmaes.CMA loop, no library: one run, one generator (seed s)",
    "cmaes_plain_reseed": "the same loop, its generator reseeded before every ask",
    "cmaes_plain_2x": "the same loop with twice the default population (IPOP's first restart's)",
    "ts_cmaes_2x": "tunesmith CmaEsSampler(population_size=2 * (4 + floor(3 ln d)))",
}
TUNESMITH = {"ts_cmaes", "ts_cmaes_bipop", "ts_cmaes_2x", "ts_genetic"}
#: Optuna's restarts need Optuna 4.3 (its own virtualenv): not in the default list
OPTUNA4 = {"optuna_cmaes_ipop", "optuna_cmaes_bipop"}
#: The first run of CMA-ES without a library (continuous tasks only): what tunesmith's and
#: Optuna's CMA-ES both are until a restart, to tell the algorithm from the library
REFERENCE = {"cmaes_plain", "cmaes_plain_reseed", "cmaes_plain_2x"}
DEFAULT_METHODS = [
    m
    for m in DESCRIPTIONS
    if m not in {"ts_cmaes_bipop", "ts_cmaes_2x"} and m not in OPTUNA4 | REFERENCE
]


def _double_population(d: int) -> int:
    return 2 * (4 + math.floor(3 * math.log(d)))


# --- the objective, instrumented ---------------------------------------------------------------


class Recorder:
    """Calls the task's function; keeps the best so far and the library's time (everything
    between two evaluations) at every checkpoint."""

    def __init__(self, task: T.Task, budget: int) -> None:
        self.fn = task.fn
        self.checkpoints = [c for c in CHECKPOINTS if c < budget] + [budget]
        self.n = 0
        self.best = math.inf
        self.lib_cpu = 0.0
        self.lib_wall = 0.0
        self.at: dict[int, dict[str, float]] = {}
        self._next = self.checkpoints[0]
        self._cpu = time.process_time()
        self._wall = time.perf_counter()

    def start(self) -> None:
        self._cpu, self._wall = time.process_time(), time.perf_counter()

    def __call__(self, params: dict[str, Any]) -> float:
        cpu, wall = time.process_time(), time.perf_counter()
        self.lib_cpu += cpu - self._cpu
        self.lib_wall += wall - self._wall
        if self.n == self._next:
            self._checkpoint()
        value = float(self.fn(params))
        self.n += 1
        self.best = min(self.best, value)
        self._cpu, self._wall = time.process_time(), time.perf_counter()
        return value

    def _checkpoint(self) -> None:
        # taken as trial n + 1 is evaluated: the library time so far includes the tell of
        # trial n and the ask of trial n + 1 (one ask too many, against one tell too few)
        self.at[self.n] = {"best": self.best, "cpu": self.lib_cpu, "wall": self.lib_wall}
        later = [c for c in self.checkpoints if c > self.n]
        self._next = later[0] if later else -1

    def stop(self) -> None:
        """After the last evaluation: the last tell counted, the last checkpoint taken."""
        self.lib_cpu += time.process_time() - self._cpu
        self.lib_wall += time.perf_counter() - self._wall
        if self.n not in self.at:
            self._checkpoint()


# --- adapters: (task, seed, budget, recorder) -> None -----------------------------------------


def _run_tunesmith(method: str) -> Callable[..., None]:
    def run(task: T.Task, seed: int, budget: int, rec: Recorder) -> None:
        import tunesmith as ts

        sampler: Any = {
            "ts_cmaes": "cmaes",
            "ts_genetic": "genetic",
            "ts_cmaes_bipop": ts.CmaEsSampler(restart_strategy="bipop"),
            "ts_cmaes_2x": ts.CmaEsSampler(population_size=_double_population(task.dims)),
        }[method]
        study = ts.create_study(sampler=sampler, seed=seed)
        rec.start()
        study.optimize(
            lambda trial: rec(T.suggest_params(trial, task.space)),
            n_trials=budget,
            progress_bar=False,
        )
        rec.stop()

    return run


def _run_optuna(method: str) -> Callable[..., None]:
    def run(task: T.Task, seed: int, budget: int, rec: Recorder) -> None:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        warnings.filterwarnings("ignore")
        samplers = optuna.samplers
        if method == "optuna_nsga2":
            sampler: Any = samplers.NSGAIISampler(seed=seed)
        elif method == "optuna_cmaes":
            sampler = samplers.CmaEsSampler(seed=seed)
        else:
            major, minor = (int(part) for part in optuna.__version__.split(".")[:2])
            if (major, minor) >= (4, 4):
                raise RuntimeError(
                    f"Optuna {optuna.__version__} runs CmaEsSampler(restart_strategy=...) "
                    "without restarts (since 4.4): run this method with "
                    "bench/.venv-optuna4/bin/python (Optuna 4.3.0, `make -C bench setup-optuna4`)"
                )
            restart = method.rsplit("_", 1)[1]
            sampler = samplers.CmaEsSampler(seed=seed, restart_strategy=restart)
        study = optuna.create_study(sampler=sampler)
        rec.start()
        study.optimize(lambda trial: rec(T.suggest_params(trial, task.space)), n_trials=budget)
        rec.stop()

    return run


def nevergrad_space(space: T.Space) -> Any:
    """The task's (flat) space as a nevergrad ``Dict`` parametrization."""
    import nevergrad as ng

    entries: dict[str, Any] = {}
    for p in space:
        if isinstance(p, T.Cat):
            if p.branches:
                raise ValueError("nevergrad adapter: conditional spaces are not supported")
            entries[p.name] = ng.p.Choice(list(p.choices))
        else:
            kind = ng.p.Log if p.log else ng.p.Scalar
            entry = kind(lower=p.low, upper=p.high)
            entries[p.name] = entry.set_integer_casting() if isinstance(p, T.Int) else entry
    return ng.p.Dict(**entries)


def _run_nevergrad(method: str) -> Callable[..., None]:
    def run(task: T.Task, seed: int, budget: int, rec: Recorder) -> None:
        import nevergrad as ng
        import numpy as np

        warnings.filterwarnings("ignore")
        parametrization = nevergrad_space(task.space)
        parametrization.random_state = np.random.RandomState(seed)
        kind = {"ng_ngopt": ng.optimizers.NGOpt, "ng_cma": ng.optimizers.CMA}[method]
        optimizer = kind(parametrization=parametrization, budget=budget, num_workers=1)
        rec.start()
        for _ in range(budget):
            candidate = optimizer.ask()
            params = {k: _plain(v) for k, v in candidate.value.items()}
            optimizer.tell(candidate, rec(params))
        rec.stop()

    return run


def _plain(value: Any) -> Any:
    """A nevergrad value as the objective expects it (a Python number or the choice)."""
    if hasattr(value, "item"):
        return value.item()
    return value


def _run_random(task: T.Task, seed: int, budget: int, rec: Recorder) -> None:
    import numpy as np

    rng = np.random.default_rng(seed)
    rec.start()
    for _ in range(budget):
        rec(T.random_params(task.space, rng))
    rec.stop()


def _run_cmaes_plain(method: str) -> Callable[..., None]:
    def run(task: T.Task, seed: int, budget: int, rec: Recorder) -> None:
        import cmaes
        import numpy as np

        params = list(T.all_params(task.space))
        if not all(isinstance(p, T.Float) for p in params):
            raise ValueError(f"{method}: continuous tasks only")
        low = np.array([math.log(p.low) if p.log else p.low for p in params])
        high = np.array([math.log(p.high) if p.log else p.high for p in params])
        logs = np.array([p.log for p in params])
        d = len(params)

        def value(u: np.ndarray) -> float:
            x = low + u * (high - low)
            x = np.where(logs, np.exp(x), x)
            return rec({p.name: float(x[i]) for i, p in enumerate(params)})

        # as the samplers do: the first trial at random, then one CMA-ES run (the centre,
        # sigma0 = 1/6 of the ranges, the default population), never restarted
        rng = np.random.default_rng(seed)
        population = _double_population(d) if method == "cmaes_plain_2x" else None
        optimizer = cmaes.CMA(
            np.full(d, 0.5),
            1 / 6,
            np.tile([0.0, 1.0], (d, 1)),
            seed=seed,
            population_size=population,
        )
        rec.start()
        value(rng.random(d))
        n, told = 1, []
        while n < budget:
            if method == "cmaes_plain_reseed":
                optimizer.reseed_rng(int(rng.integers(2**31 - 1)))
            u = optimizer.ask()
            told.append((u, value(u)))
            n += 1
            if len(told) == optimizer.population_size:
                optimizer.tell(told)
                told = []
        rec.stop()

    return run


ADAPTERS: dict[str, Callable[..., None]] = {
    **{m: _run_tunesmith(m) for m in TUNESMITH},
    **{m: _run_optuna(m) for m in DESCRIPTIONS if m.startswith("optuna_")},
    "ng_ngopt": _run_nevergrad("ng_ngopt"),
    "ng_cma": _run_nevergrad("ng_cma"),
    "random": _run_random,
    **{m: _run_cmaes_plain(m) for m in REFERENCE},
}


# --- run ---------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    from importlib import metadata

    found = {"python": platform.python_version()}
    for name in ("optuna", "cmaes", "nevergrad", "numpy", "scipy"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


def _init_worker(pinned: str) -> None:
    sys.path.insert(0, pinned)
    warnings.filterwarnings("ignore")


def run_one(task_name: str, method: str, seed: int, budget: int) -> dict[str, Any]:
    task = T.TASKS[task_name]
    rec = Recorder(task, budget)
    started = datetime.datetime.now(datetime.timezone.utc)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    error = None
    try:
        if method in TUNESMITH and __name__ == "__mp_main__":
            import tunesmith

            if ".pinned" not in tunesmith.__file__:
                raise RuntimeError(f"tunesmith imported from {tunesmith.__file__}, not the pin")
        ADAPTERS[method](task, seed, budget, rec)
    except Exception:
        error = traceback.format_exc(limit=8)
    return {
        "task": task_name,
        "method": method,
        "seed": seed,
        "budget": budget,
        "trials": rec.n,
        "at": {str(n): v for n, v in sorted(rec.at.items())},
        "wall": round(time.perf_counter() - wall0, 3),
        "cpu": round(time.process_time() - cpu0, 3),
        "error": error,
        "started": started.isoformat(timespec="seconds"),
        "load": os.getloadavg()[0],
    }


def _cost(method: str, task: str) -> float:
    """A rough order for the queue: the slowest runs first."""
    slow = {"optuna_nsga2": 6.0, "ng_ngopt": 4.0, "ng_cma": 3.0}.get(method, 1.0)
    if method.startswith("optuna_cmaes"):
        slow = 8.0
    return slow * T.TASKS[task].dims


def cmd_run(args: argparse.Namespace) -> None:
    tasks = Q._split(args.tasks) or list(DEFAULT_TASKS)
    methods = Q._split(args.methods) or DEFAULT_METHODS
    for name in tasks:
        if name not in T.TASKS:
            sys.exit(f"unknown task {name!r}; known: {', '.join(T.TASKS)}")
    for name in methods:
        if name not in ADAPTERS:
            sys.exit(f"unknown method {name!r}; known: {', '.join(ADAPTERS)}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    (HERE / "out").mkdir(exist_ok=True)
    pinned, src_hash = Q.pin_tunesmith(args.ref)
    commit, found = Q.git_commit(args.ref), versions()
    done = set()
    for r in Q.load_records(out):
        if r.get("error") or r["budget"] < args.budget:
            continue
        if r["method"] in TUNESMITH and r.get("src_hash") != src_hash:
            continue
        done.add((r["task"], r["method"], r["seed"]))
    seeds = Q._seeds(args.seeds, "synthetic")
    jobs = [
        (task, method, seed)
        for task in tasks
        for method in methods
        for seed in seeds
        if args.force or (task, method, seed) not in done
    ]
    # seed by seed in the order given (e.g. 0,5,1,6,...: both halves early), slowest first
    jobs.sort(key=lambda j: (seeds.index(j[2]), -_cost(j[1], j[0])))
    print(
        f"{len(jobs)} runs to do; tunesmith {commit} src {src_hash}; {args.jobs} workers; "
        f"{found}; load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    start = time.perf_counter()
    errors = 0
    with ProcessPoolExecutor(
        max_workers=args.jobs,
        mp_context=get_context("spawn"),
        initializer=_init_worker,
        initargs=(str(pinned),),
    ) as pool:
        futures = [pool.submit(run_one, t, m, s, args.budget) for t, m, s in jobs]
        for i, future in enumerate(as_completed(futures), 1):
            record = future.result()
            record.update(
                src_hash=src_hash if record["method"] in TUNESMITH else None,
                commit=commit,
                versions=found,
                command=" ".join(sys.argv),
            )
            Q._append_line(out, record)
            last = record["at"].get(str(record["trials"]), {})
            per_trial = 1000 * last.get("cpu", math.nan) / max(record["trials"], 1)
            status = "ERROR" if record["error"] else f"best {last.get('best', math.nan):.6g}"
            print(
                f"[{i}/{len(jobs)} {time.perf_counter() - start:6.0f}s] {record['task']:14s} "
                f"{record['method']:18s} seed {record['seed']}: {status}, wall "
                f"{record['wall']:.0f}s, library {per_trial:.3f} CPU ms/trial, "
                f"load {record['load']:.1f}",
                flush=True,
            )
            if record["error"]:
                errors += 1
                print(record["error"], flush=True)
    print(f"done: {len(jobs)} runs in {time.perf_counter() - start:.0f}s, {errors} errors")


# --- report ------------------------------------------------------------------------------------


def _latest(records: list[dict[str, Any]], seeds: set[int] | None) -> dict[tuple, dict]:
    """The error-free record per (task, method, seed) of the largest budget (the latest
    of those)."""
    latest: dict[tuple, dict] = {}
    for r in records:
        if r.get("error") or (seeds is not None and r["seed"] not in seeds):
            continue
        key = (r["task"], r["method"], r["seed"])
        if key not in latest or r["budget"] >= latest[key]["budget"]:
            latest[key] = r
    return latest


def _regret(record: dict[str, Any], budget: int, optimum: float) -> float | None:
    point = record["at"].get(str(budget))
    if point is None:
        return None
    return max(point["best"] - optimum, 0.0)


def _ms_per_trial(record: dict[str, Any], low: int, high: int, kind: str = "cpu") -> float | None:
    """Library time per trial over trials low..high of the run (ms)."""
    a = record["at"].get(str(low)) if low else {"cpu": 0.0, "wall": 0.0}
    b = record["at"].get(str(high))
    if a is None or b is None:
        return None
    return 1000 * (b[kind] - a[kind]) / (high - low)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def _fmt(x: float) -> str:
    if math.isnan(x):
        return "–"
    if x < REACHED:
        return "0"
    return f"{x:.3g}" if x < 1000 else f"{x:,.0f}"


def _not_worse(a: float, b: float) -> bool:
    return a <= b or (a < REACHED and b < REACHED)


def build_report(records: list[dict[str, Any]], seeds: set[int] | None) -> str:
    latest = _latest(records, seeds)
    tasks = [t for t in (*DEFAULT_TASKS, *EXTRA_TASKS) if any(k[0] == t for k in latest)]
    methods = [m for m in DESCRIPTIONS if any(k[1] == m for k in latest)]
    regrets: dict[tuple[str, str, int], list[float]] = {}
    by_seed: dict[tuple[str, str, int], dict[int, float]] = {}
    for (task, method, seed), r in sorted(latest.items()):
        optimum = T.TASKS[task].optimum
        assert optimum is not None
        for budget in BUDGETS:
            value = _regret(r, budget, optimum)
            if value is not None:
                regrets.setdefault((task, method, budget), []).append(value)
                by_seed.setdefault((task, method, budget), {})[seed] = value
    medians = {k: _median(v) for k, v in regrets.items()}
    lines = [
        "Median simple regret over the seeds (best seen - optimum; 25th-75th percentile in "
        f"brackets; 0 = within {REACHED:g}); best median of a column in bold.",
        "",
    ]
    for task in tasks:
        lines += [
            f"**{task}** ({T.TASKS[task].description}; optimum {T.TASKS[task].optimum:.6g})",
            "",
            "| method | " + " | ".join(f"{b:,} trials" for b in BUDGETS) + " | seeds |",
            "|---|" + "---:|" * len(BUDGETS) + "---:|",
        ]
        best = {
            b: min((medians.get((task, m, b), math.inf) for m in methods), default=math.inf)
            for b in BUDGETS
        }
        for method in methods:
            cells, count = [], 0
            for budget in BUDGETS:
                values = regrets.get((task, method, budget))
                if not values:
                    cells.append("–")
                    continue
                count = max(count, len(values))
                mid = medians[(task, method, budget)]
                q1, q3 = (
                    (values[0], values[0])
                    if len(values) < 2
                    else statistics.quantiles(values, n=4)[0:3:2]
                )
                text = f"{_fmt(mid)} ({_fmt(max(q1, 0.0))}–{_fmt(q3)})"
                cells.append(f"**{text}**" if _not_worse(mid, best[budget]) else text)
            if count:
                lines.append(f"| {method} | " + " | ".join(cells) + f" | {count} |")
        lines.append("")
    # library time per trial
    windows = [(0, 200), (200, 1000), (1000, 5000)]
    lines += [
        "Library time per trial, CPU ms (the objective's own time left out; median over the "
        "runs of every task and seed), over trials 1-200, 201-1,000, 1,001-5,000 and the "
        "whole run; wall ms over the whole run:",
        "",
        "| method | "
        + " | ".join(f"{a + 1:,}-{b:,}" for a, b in windows)
        + " | whole run | wall, whole run | runs |",
        "|---|" + "---:|" * (len(windows) + 3),
    ]
    overhead: dict[str, float] = {}
    for method in methods:
        runs = [r for k, r in latest.items() if k[1] == method]
        cells = []
        for low, high in windows:
            values = [v for r in runs if (v := _ms_per_trial(r, low, high)) is not None]
            cells.append(f"{_median(values):.3f}" if values else "–")
        whole = [_ms_per_trial(r, 0, r["trials"]) for r in runs]
        whole_wall = [_ms_per_trial(r, 0, r["trials"], "wall") for r in runs]
        overhead[method] = _median([v for v in whole if v is not None])
        wall = _median([v for v in whole_wall if v is not None])
        lines.append(
            f"| {method} | " + " | ".join(cells) + f" | {overhead[method]:.3f} | "
            f"{wall:.3f} | {len(runs)} |"
        )
    lines += ["", _targets(tasks, by_seed, overhead)]
    return "\n".join(lines)


def _difference(ours: list[float], theirs: list[float]) -> tuple[float, float, float]:
    """Mann-Whitney p of two sets of regrets (those below REACHED tied at 0), and a 95 %
    bootstrap interval of the difference of their medians."""
    import numpy as np
    from scipy.stats import mannwhitneyu

    a = np.where(np.array(ours) < REACHED, 0.0, ours)
    b = np.where(np.array(theirs) < REACHED, 0.0, theirs)
    p = 1.0 if np.array_equal(np.sort(a), np.sort(b)) else float(mannwhitneyu(a, b).pvalue)
    rng = np.random.default_rng(0)
    draws = [
        np.median(rng.choice(a, len(a))) - np.median(rng.choice(b, len(b))) for _ in range(2000)
    ]
    low, high = np.percentile(draws, [2.5, 97.5])
    return p, float(low), float(high)


def _signed(x: float) -> str:
    if abs(x) < REACHED:
        return "0"
    return f"{x:+.2g}" if abs(x) < 100 else f"{x:+,.0f}"


def _targets(
    tasks: list[str],
    by_seed: dict[tuple[str, str, int], dict[int, float]],
    overhead: dict[str, float],
) -> str:
    """The issue's targets; each regret comparison over the seeds both methods have."""
    rows = [
        "Targets (medians over the seeds both methods have at that budget; regrets below "
        f"{REACHED:g} count as equal). p: two-sided Mann-Whitney U test of the two sets of "
        "regrets; interval: 95 % bootstrap interval of the difference of medians "
        "(tunesmith - peer; 2,000 resamples):",
        "",
        "| target | task | budget | seeds | tunesmith | peer | p | difference, 95 % | met? |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]

    def compare(label: str, ours: str, peer: str, strict_on: set[str]) -> None:
        for task in tasks:
            for budget in BUDGETS:
                mine = by_seed.get((task, ours, budget), {})
                theirs = by_seed.get((task, peer, budget), {})
                seeds = sorted(set(mine) & set(theirs))
                if not seeds:
                    continue
                a = _median([mine[s] for s in seeds])
                b = _median([theirs[s] for s in seeds])
                strict = task in strict_on
                met = a < b if strict else _not_worse(a, b)
                p, low, high = _difference([mine[s] for s in seeds], [theirs[s] for s in seeds])
                rows.append(
                    f"| {label}{' (better)' if strict else ''} | {task} | {budget:,} | "
                    f"{len(seeds)} | {_fmt(a)} | {_fmt(b)} | {p:.2g} | "
                    f"{_signed(low)} to {_signed(high)} | {'yes' if met else '**no**'} |"
                )

    mixed = {t for t in tasks if t.startswith("mixed")}
    for peer in ("optuna_cmaes", "optuna_cmaes_ipop", "optuna_cmaes_bipop"):
        compare(f"ts_cmaes ≤ {peer}", "ts_cmaes", peer, mixed)
    compare("ts_cmaes_bipop ≤ optuna_cmaes_bipop", "ts_cmaes_bipop", "optuna_cmaes_bipop", mixed)
    compare("ts_genetic < optuna_nsga2", "ts_genetic", "optuna_nsga2", set(tasks))
    for ours, peer in (("ts_cmaes", "optuna_cmaes"), ("ts_genetic", "optuna_nsga2")):
        if ours in overhead and peer in overhead:
            a, b = overhead[ours], overhead[peer]
            rows.append(
                f"| overhead {ours} ≤ {peer} (CPU ms/trial) | all | whole run | – | {a:.3f} | "
                f"{b:.3f} | – | – | {'yes' if a <= b else '**no**'} |"
            )
    return "\n".join(rows)


def cmd_report(args: argparse.Namespace) -> None:
    records = []
    for path in args.out.split(","):
        records += Q.load_records(Path(path))
    halves = (
        [("the seeds given", set(Q._seeds(args.seeds, "synthetic")))]
        if args.seeds
        else [
            ("all seeds", None),
            (f"development half: seeds {DEV_SEEDS[0]}-{DEV_SEEDS[-1]}", set(DEV_SEEDS)),
            (f"held-out half: seeds {HELD_SEEDS[0]}-{HELD_SEEDS[-1]}", set(HELD_SEEDS)),
        ]
    )
    sections = []
    for title, seeds in halves:
        sections.append(f"### {title}\n\n" + build_report(records, seeds))
    text = "\n\n".join(sections)
    print(text)
    if args.md:
        Path(args.md).write_text(text + "\n")


def cmd_list(_: argparse.Namespace) -> None:
    for name in (*DEFAULT_TASKS, *EXTRA_TASKS):
        task = T.TASKS[name]
        print(f"{name:16s} {task.dims:3d} params  {task.description}")
    print()
    for name, text in DESCRIPTIONS.items():
        print(f"{name:20s} {text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=("run", "list"))
    parser.add_argument("--report", action="store_true", help="print the tables")
    parser.add_argument("--tasks", help=f"comma-separated (default: {','.join(DEFAULT_TASKS)})")
    parser.add_argument("--methods", help="comma-separated (default: all but ts_cmaes_bipop)")
    parser.add_argument("--seeds", help="N (0..N-1) or a list/range such as 0-4,7")
    parser.add_argument("--budget", type=int, default=5000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--ref", default=None, help="a git ref to pin (default: working tree)")
    parser.add_argument("--force", action="store_true", help="rerun runs already in --out")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="JSONL (report: comma-separated)")
    parser.add_argument("--md", default=None, help="also write the report to this file")
    args = parser.parse_args()
    if args.report:
        cmd_report(args)
    elif args.command == "run":
        cmd_run(args)
    elif args.command == "list":
        cmd_list(args)
    else:
        parser.error("give `run`, `list` or `--report`")


if __name__ == "__main__":
    main()
