"""Sampler quality: tunesmith's samplers against Optuna, Hyperopt, scikit-optimize and
random search, on the same tasks (bench/tasks.py), budgets and seeds.

Three steps, each its own sub-command (run from the repository root):

    bench/.venv/bin/python bench/quality.py run     [--suite synthetic|real|all] [--tasks a,b]
                                                    [--optimizers x,y] [--seeds 5] [--budget 100]
                                                    [--jobs 2] [--force] [--results FILE]
    bench/.venv/bin/python bench/quality.py report  [--results FILE] [--md FILE]
    bench/.venv/bin/python bench/quality.py overhead [--samplers tpe,optuna_tpe] [--trials 10000]
                                                    [--sizes 100,300,1000,10000] [--max-seconds S]
    bench/.venv/bin/python bench/quality.py list    # tasks and optimizers

``run`` evaluates every (task, optimizer, seed) with ``--budget`` trials, 2 worker processes
by default (one BLAS/torch thread each), and appends one JSON line per run to
``bench/out/quality.jsonl``: the objective values in evaluation order, the parameters, the
objective's time and the optimizer's time before each trial. Runs already in the file are
skipped (unless ``--force``); tunesmith's runs are redone when tunesmith's source changed
(a hash of src/tunesmith is stored with every run), the other libraries' are kept. The
workers import a pinned copy of tunesmith (the working tree, or git ``--ref REF``) taken
when the run starts, so edits to src/ during a run do not mix in.

``report`` reads the file and prints (and with ``--md`` writes) the tables: simple regret
(synthetic) or loss (real) at 30, 50 and 100 trials, read off the best-so-far curve of one
100-trial run (valid because no sampler here knows the budget); the normalized score
(0 = random search's mean best, 100 = the best value any optimizer found on the task);
mean ranks; wins of auto/gp/tpe against Optuna's default sampler; time per trial; repeated
evaluations; and the targets of the issue, met or missed.

``overhead`` measures ask + tell per trial (objective excluded) in a 10-parameter space,
each sampler in a fresh subprocess, one at a time.
"""

from __future__ import annotations

import os

for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import datetime  # noqa: E402
import hashlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tarfile  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import warnings  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Callable  # noqa: E402
from concurrent.futures import ProcessPoolExecutor, as_completed  # noqa: E402
from multiprocessing import get_context  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import tasks as T  # noqa: E402

OUT = HERE / "out"
DEFAULT_RESULTS = OUT / "quality.jsonl"
DEFAULT_OVERHEAD = OUT / "quality-overhead.jsonl"
BUDGETS = (30, 50, 100)
#: Per-task normalized scores are clipped below at this (see build_report).
SCORE_FLOOR = -100.0

TUNESMITH = {
    "auto": "auto",
    "gp": "gp",
    "gp_int": "gp_int",
    "auto_s10": "auto_s10",
    "auto_nowarp": "auto_nowarp",
    "auto_warp": "auto_warp",
    "auto_s10_warp": "auto_s10_warp",
    "auto_plain": "auto_plain",
    "auto_qmc": "auto_qmc",
    "auto_rank": "auto_rank",
    "auto_tail": "auto_tail",
    "auto_noprior": "auto_noprior",
    "auto_noedge": "auto_noedge",
    "auto_tr10": "auto_tr10",
    "auto_trl": "auto_trl",
    "tpe": "tpe",
    "qmc": "qmc",
    "ts_random": "random",
}
OPTIMIZERS = [
    "auto",
    "gp",
    "gp_int",
    "auto_s10",
    "auto_nowarp",
    "auto_warp",
    "auto_s10_warp",
    "auto_plain",
    "auto_qmc",
    "auto_rank",
    "auto_tail",
    "auto_noprior",
    "auto_noedge",
    "auto_tr10",
    "auto_trl",
    "tpe",
    "qmc",
    "ts_random",
    "optuna_tpe",
    "optuna_gp",
    "hyperopt_tpe",
    "skopt_gp",
    "hebo",
    "smac",
    "ngopt",
    "random",
]
# options under evaluation, run on request
EXPERIMENTS = (
    "gp_int",
    "auto_s10",
    "auto_nowarp",
    "auto_warp",
    "auto_s10_warp",
    "auto_plain",
    "auto_qmc",
    "auto_rank",
    "auto_tail",
    "auto_noprior",
    "auto_noedge",
    "auto_tr10",
    "auto_trl",
)
DEFAULT_OPTIMIZERS = [o for o in OPTIMIZERS if o not in EXPERIMENTS]
DESCRIPTIONS = {
    "auto": "tunesmith sampler='auto' (GP-EI while it pays for its time, then TPE)",
    "gp": "tunesmith sampler='gp'",
    "gp_int": "tunesmith GPSampler(integrate=10): EI averaged over 10 slice-sampled kernels",
    "auto_s10": "tunesmith AutoSampler whose full GP starts from 10 Sobol points, no input warp",
    "auto_nowarp": "tunesmith AutoSampler, its GPs with warp_inputs=False (auto before issue 11)",
    "auto_warp": "tunesmith AutoSampler, its GPs with warp_inputs=True (now auto's default)",
    "auto_s10_warp": "auto_warp whose full GP starts from 10 Sobol points (experiment)",
    "auto_plain": "AutoSampler without an explorer: the GP proposes after a tie too (auto "
    "before the tie rule)",
    "auto_rank": "AutoSampler whose GPs model the normal scores of the losses' ranks "
    "(experiment; auto's: Yeo-Johnson)",
    "auto_tail": "AutoSampler whose GPs compress the worse half of the losses "
    "logarithmically (experiment)",
    "auto_qmc": "AutoSampler whose proposal after a GP trial that tied an earlier value is "
    "the next Sobol point (experiment; auto's is TPE's)",
    "auto_noprior": "AutoSampler whose GPs have interior_prior=0 (auto before the prior "
    "against the ends of integer ranges)",
    "auto_noedge": "AutoSampler whose GPs have edge_width=0 (auto before the variance "
    "shrunk at the ends of log-scaled float ranges)",
    "auto_tr10": "AutoSampler whose light GP in a trust region refines its best candidate "
    "(10 L-BFGS-B steps from the default count of candidates; experiment)",
    "auto_trl": "AutoSampler whose full GP stays global in 10+ dimensions, only the light "
    "GP in a trust region (experiment)",
    "tpe": "tunesmith sampler='tpe'",
    "qmc": "tunesmith sampler='qmc' (scrambled Sobol)",
    "ts_random": "tunesmith sampler='random'",
    "optuna_tpe": "optuna.samplers.TPESampler(seed=s), Optuna's default sampler",
    "optuna_gp": "optuna.samplers.GPSampler(seed=s)",
    "hyperopt_tpe": "hyperopt.fmin(algo=tpe.suggest, rstate=default_rng(s))",
    "skopt_gp": "skopt.gp_minimize(random_state=s), defaults (gp_hedge, 10 initial points)",
    "hebo": "hebo.optimizers.hebo.HEBO(space), defaults, numpy/torch seeded with s",
    "smac": "smac.HyperparameterOptimizationFacade(Scenario(deterministic=True, seed=s))",
    "ngopt": "nevergrad.optimizers.NGOpt(budget=the run's, num_workers=1), seeded with s",
    "random": "plain random search with numpy (default_rng(s)), no library",
}


# --- the objective, instrumented ---------------------------------------------------------------


class ValueCache:
    """Objective values of the deterministic real tasks, shared by every run and worker
    (an SQLite file in bench/out): a configuration is trained once, whichever optimizer
    and seed asks for it again. Its time is recorded with the value, and a hit sleeps that
    long (no CPU), so an optimizer that watches the objective's time (tunesmith's "auto")
    sees the same durations with or without the cache."""

    def __init__(self, path: Path) -> None:
        import sqlite3

        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=60, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS cache (task TEXT, key TEXT, value REAL, seconds REAL, "
            "PRIMARY KEY (task, key))"
        )

    def get(self, task: str, key: str) -> tuple[float, float] | None:
        row = self._db.execute(
            "SELECT value, seconds FROM cache WHERE task = ? AND key = ?", (task, key)
        ).fetchone()
        return None if row is None else (float(row[0]), float(row[1]))

    def put(self, task: str, key: str, value: float, seconds: float) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO cache VALUES (?, ?, ?, ?)", (task, key, value, seconds)
        )


DEFAULT_CACHE = OUT / "values.sqlite"


class Recorder:
    """Calls the task's function, keeping every value, its parameters and its timing."""

    def __init__(self, task: T.Task, cache: bool, shared: ValueCache | None = None) -> None:
        self.task = task
        self.values: list[float] = []
        self.params: list[dict[str, Any]] = []
        self.obj_time: list[float] = []
        self.gap: list[float] = []  # optimizer time before each evaluation
        self._last = time.perf_counter()
        self._cache: dict[tuple, float] | None = {} if cache else None
        self._shared = shared if cache else None

    def start(self) -> None:
        self._last = time.perf_counter()

    def __call__(self, params: dict[str, Any]) -> float:
        start = time.perf_counter()
        self.gap.append(start - self._last)
        key = tuple(sorted(params.items()))
        hit = None
        if self._cache is not None and key in self._cache:
            value = self._cache[key]
        elif self._shared is not None and (
            hit := self._shared.get(self.task.name, json.dumps(key))
        ):
            value = hit[0]
            time.sleep(hit[1])
        else:
            value = float(self.task.fn(params))
            if self._shared is not None:
                self._shared.put(
                    self.task.name, json.dumps(key), value, time.perf_counter() - start
                )
        if self._cache is not None:
            self._cache[key] = value
        end = time.perf_counter()
        self.values.append(value)
        self.params.append(params)
        self.obj_time.append(end - start)
        self._last = end
        return value


# --- adapters: (task, seed, budget, recorder) -> None; the recorder keeps the sequence --------


def _run_tunesmith(sampler: str) -> Callable[..., None]:
    def run(task: T.Task, seed: int, budget: int, rec: Recorder) -> None:
        import tunesmith as ts

        chosen: Any = ts.GPSampler(integrate=10) if sampler == "gp_int" else sampler
        if sampler == "auto_noprior":  # auto before the prior against the ends of ranges
            chosen = ts.AutoSampler()
            chosen.gp.interior_prior = chosen.light.interior_prior = 0.0
        elif sampler == "auto_noedge":  # auto before the variance shrunk at log ends
            chosen = ts.AutoSampler()
            chosen.gp.edge_width = chosen.light.edge_width = 0.0
        elif sampler in ("auto_plain", "auto_qmc"):  # experiments: what follows a tie
            chosen = ts.AutoSampler()
            chosen.explorer = None if sampler == "auto_plain" else ts.QMCSampler()
        elif sampler in ("auto_rank", "auto_tail"):  # experiments: the GP's loss warping
            chosen = ts.AutoSampler()
            warping = sampler.removeprefix("auto_")
            chosen.gp = ts.GPSampler(warping=warping)
            chosen.light = ts.GPSampler(
                warping=warping,
                fit_every=chosen.light_fit_every,
                n_restarts=1,
                refine_iterations=10,
            )
        elif sampler.startswith("auto_"):  # experiments: the GP's startup, its input warp
            chosen = ts.AutoSampler()
            startup = 10 if "_s10" in sampler else None
            warp = sampler.endswith("_warp")
            chosen.gp = ts.GPSampler(n_startup_trials=startup, warp_inputs=warp)
            chosen.light = ts.GPSampler(
                n_startup_trials=startup,
                warp_inputs=warp,
                fit_every=chosen.light_fit_every,
                n_restarts=1,
                refine_iterations=10,
            )
            chosen._names = {id(chosen.gp): "gp", id(chosen.light): "light", id(chosen.tpe): "tpe"}
        elif sampler in ("auto_tr10", "auto_trl"):  # experiments: the trust region
            chosen = ts.AutoSampler()
            if sampler == "auto_tr10":  # the light GP refines its best candidate in the box
                chosen.local_light = ts.GPSampler(
                    fit_every=chosen.light_fit_every,
                    n_restarts=1,
                    refine_iterations=10,
                    interior_prior=10.0,
                    trust_region=True,
                    warp_inputs=False,
                )
            else:  # the full GP stays global, only the light GP searches a trust region
                chosen.local = chosen.gp
        study = ts.create_study(sampler=chosen, seed=seed)
        rec.start()
        study.optimize(
            lambda trial: rec(T.suggest_params(trial, task.space)),
            n_trials=budget,
            progress_bar=False,
        )

    return run


def _run_optuna(kind: str) -> Callable[..., None]:
    def run(task: T.Task, seed: int, budget: int, rec: Recorder) -> None:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        warnings.filterwarnings("ignore")
        if kind == "tpe":
            sampler = optuna.samplers.TPESampler(seed=seed)
        else:
            sampler = optuna.samplers.GPSampler(seed=seed)
        study = optuna.create_study(sampler=sampler)
        rec.start()
        study.optimize(lambda trial: rec(T.suggest_params(trial, task.space)), n_trials=budget)

    return run


def hyperopt_space(nodes: T.Space) -> dict[str, Any]:
    """The tree as hyperopt expressions: a categorical with branches is an ``hp.choice``
    of dicts (hyperopt's own conditional space); ints are quantized uniform (or
    log-uniform) over [low - 0.5, high + 0.5], rounded, so every int has its share."""
    from hyperopt import hp
    from hyperopt.pyll import scope

    space: dict[str, Any] = {}
    for p in nodes:
        if isinstance(p, T.Float):
            if p.log:
                space[p.name] = hp.loguniform(p.name, math.log(p.low), math.log(p.high))
            else:
                space[p.name] = hp.uniform(p.name, p.low, p.high)
        elif isinstance(p, T.Int):
            lo, hi = p.low - 0.49999, p.high + 0.49999
            if p.log:
                space[p.name] = scope.int(
                    hp.qloguniform(p.name, math.log(max(lo, 1e-9)), math.log(hi), 1)
                )
            else:
                space[p.name] = scope.int(hp.quniform(p.name, lo, hi, 1))
        elif p.branches:
            space[p.name] = hp.choice(
                p.name,
                [{"__choice__": c, **hyperopt_space(p.branches.get(c, ()))} for c in p.choices],
            )
        else:
            space[p.name] = hp.choice(p.name, list(p.choices))
    return space


def hyperopt_flatten(sample: dict[str, Any], nodes: T.Space) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for p in nodes:
        value = sample[p.name]
        if isinstance(p, T.Cat) and p.branches:
            params[p.name] = value["__choice__"]
            params.update(hyperopt_flatten(value, p.branches.get(value["__choice__"], ())))
        elif isinstance(p, T.Int):
            params[p.name] = int(min(max(round(value), p.low), p.high))
        elif isinstance(p, T.Float):
            params[p.name] = float(min(max(value, p.low), p.high))
        else:
            params[p.name] = value
    return params


def _run_hyperopt(task: T.Task, seed: int, budget: int, rec: Recorder) -> None:
    import numpy as np
    from hyperopt import STATUS_OK, Trials, fmin, tpe

    space = hyperopt_space(task.space)

    def objective(sample: dict[str, Any]) -> dict[str, Any]:
        return {"loss": rec(hyperopt_flatten(sample, task.space)), "status": STATUS_OK}

    rec.start()
    fmin(
        objective,
        space,
        algo=tpe.suggest,
        max_evals=budget,
        trials=Trials(),
        rstate=np.random.default_rng(seed),
        show_progressbar=False,
    )


def _run_skopt(task: T.Task, seed: int, budget: int, rec: Recorder) -> None:
    """gp_minimize has no conditional spaces: every parameter of every branch is a
    dimension, and the objective sees only the active ones (the others are ignored)."""
    from skopt import gp_minimize
    from skopt.space import Categorical, Integer, Real

    params = list(T.all_params(task.space))
    dims = []
    for p in params:
        if isinstance(p, T.Float):
            dims.append(
                Real(p.low, p.high, prior="log-uniform" if p.log else "uniform", name=p.name)
            )
        elif isinstance(p, T.Int):
            dims.append(
                Integer(p.low, p.high, prior="log-uniform" if p.log else "uniform", name=p.name)
            )
        else:
            dims.append(Categorical(list(p.choices), name=p.name))

    def objective(x: list[Any]) -> float:
        values = {}
        for p, v in zip(params, x, strict=True):
            values[p.name] = (
                int(v) if isinstance(p, T.Int) else float(v) if isinstance(p, T.Float) else str(v)
            )
        return rec(T.active_params(task.space, values))

    warnings.filterwarnings("ignore")
    rec.start()
    gp_minimize(objective, dims, n_calls=budget, random_state=seed)


def _flat_values(params: list[T.Param], x: Any) -> dict[str, Any]:
    """Every parameter's value from a flat assignment, in the task's types."""
    values = {}
    for p in params:
        v = x[p.name]
        values[p.name] = (
            round(float(v))
            if isinstance(p, T.Int)
            else float(v)
            if isinstance(p, T.Float)
            else str(v)
        )
        if isinstance(p, T.Int | T.Float):
            values[p.name] = min(max(values[p.name], p.low), p.high)
    return values


def _run_hebo(task: T.Task, seed: int, budget: int, rec: Recorder) -> None:
    """HEBO with its defaults; no conditional spaces: every parameter of every branch is
    a dimension (as for scikit-optimize), the objective sees the active ones."""
    import numpy as np
    import torch
    from hebo.design_space.design_space import DesignSpace
    from hebo.optimizers.hebo import HEBO

    params = list(T.all_params(task.space))
    spec = []
    for p in params:
        if isinstance(p, T.Float):
            kind = "pow" if p.log else "num"
            spec.append({"name": p.name, "type": kind, "lb": p.low, "ub": p.high})
        elif isinstance(p, T.Int):
            spec.append({"name": p.name, "type": "int", "lb": p.low, "ub": p.high})
        else:
            spec.append({"name": p.name, "type": "cat", "categories": list(p.choices)})
    np.random.seed(seed)
    torch.manual_seed(seed)
    optimizer = HEBO(DesignSpace().parse(spec))
    rec.start()
    for _ in range(budget):
        suggestion = optimizer.suggest(n_suggestions=1)
        row = suggestion.iloc[0]
        value = rec(T.active_params(task.space, _flat_values(params, row)))
        optimizer.observe(suggestion, np.array([[value]]))


def _run_smac(task: T.Task, seed: int, budget: int, rec: Recorder) -> None:
    """SMAC3's HyperparameterOptimizationFacade (random forest, log EI) with its defaults,
    deterministic; every parameter of every branch a dimension, as for the GPs."""
    import shutil as _shutil

    from ConfigSpace import Categorical, ConfigurationSpace, Float, Integer
    from smac import HyperparameterOptimizationFacade, Scenario

    params = list(T.all_params(task.space))
    space = ConfigurationSpace(seed=seed)
    for p in params:
        if isinstance(p, T.Float):
            space.add(Float(p.name, (p.low, p.high), log=p.log))
        elif isinstance(p, T.Int):
            space.add(Integer(p.name, (p.low, p.high), log=p.log))
        else:
            space.add(Categorical(p.name, list(p.choices)))

    def objective(config: Any, seed: int = 0) -> float:
        return rec(T.active_params(task.space, _flat_values(params, dict(config))))

    out = Path(tempfile.mkdtemp(prefix="smac-"))
    scenario = Scenario(space, deterministic=True, n_trials=budget, seed=seed, output_directory=out)
    rec.start()
    HyperparameterOptimizationFacade(
        scenario, objective, overwrite=True, logging_level=40
    ).optimize()
    _shutil.rmtree(out, ignore_errors=True)


def _run_ngopt(task: T.Task, seed: int, budget: int, rec: Recorder) -> None:
    """nevergrad's NGOpt, told the budget (it chooses its algorithm by it and by the
    space), seeded through the parametrization's random state; every parameter of every
    branch a dimension, as for the GPs. An exception inside nevergrad (NGOpt has crashed
    under numpy 2.4 in bench/evolutionary.py) ends the run as an error, which the report
    lists: nothing is retried or hidden."""
    import nevergrad as ng
    import numpy as np

    params = list(T.all_params(task.space))
    entries: dict[str, Any] = {}
    for p in params:
        if isinstance(p, T.Cat):
            entries[p.name] = ng.p.Choice(list(p.choices))
        else:
            entry = (ng.p.Log if p.log else ng.p.Scalar)(lower=p.low, upper=p.high)
            entries[p.name] = entry.set_integer_casting() if isinstance(p, T.Int) else entry
    parametrization = ng.p.Dict(**entries)
    parametrization.random_state = np.random.RandomState(seed)
    optimizer = ng.optimizers.NGOpt(parametrization=parametrization, budget=budget, num_workers=1)
    rec.start()
    for _ in range(budget):
        candidate = optimizer.ask()
        values = {k: v.item() if hasattr(v, "item") else v for k, v in candidate.value.items()}
        optimizer.tell(candidate, rec(T.active_params(task.space, _flat_values(params, values))))


def _run_random(task: T.Task, seed: int, budget: int, rec: Recorder) -> None:
    import numpy as np

    rng = np.random.default_rng(seed)
    rec.start()
    for _ in range(budget):
        rec(T.random_params(task.space, rng))


ADAPTERS: dict[str, Callable[..., None]] = {
    **{name: _run_tunesmith(sampler) for name, sampler in TUNESMITH.items()},
    "optuna_tpe": _run_optuna("tpe"),
    "optuna_gp": _run_optuna("gp"),
    "hyperopt_tpe": _run_hyperopt,
    "skopt_gp": _run_skopt,
    "hebo": _run_hebo,
    "smac": _run_smac,
    "ngopt": _run_ngopt,
    "random": _run_random,
}


# --- provenance ---------------------------------------------------------------------------------


def tunesmith_source_hash(package: Path | None = None) -> str:
    """A hash of tunesmith's Python source (the pinned copy, or src/tunesmith)."""
    package = package or ROOT / "src" / "tunesmith"
    digest = hashlib.sha1()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def pin_tunesmith(ref: str | None) -> tuple[Path, str]:
    """A copy of tunesmith's source (the working tree, or git ``ref``) that the workers
    import, so that edits to src/ during a run do not mix in; and its hash."""
    staging = Path(tempfile.mkdtemp(prefix="pin-", dir=OUT))
    if ref:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", ref, "src/tunesmith"],
            capture_output=True,
            check=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(staging, filter="data")
        shutil.move(staging / "src" / "tunesmith", staging / "tunesmith")
        shutil.rmtree(staging / "src")
    else:
        shutil.copytree(
            ROOT / "src" / "tunesmith",
            staging / "tunesmith",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    digest = tunesmith_source_hash(staging / "tunesmith")
    pinned = OUT / ".pinned" / digest
    pinned.parent.mkdir(parents=True, exist_ok=True)
    try:
        staging.rename(pinned)
    except OSError:  # already pinned (by another run starting at the same moment, too)
        shutil.rmtree(staging)
    return pinned, digest


def git_commit(ref: str | None = None) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", ref or "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if ref:
            return out
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "src"], capture_output=True, text=True
        ).stdout.strip()
        return out + ("+dirty-src" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def versions() -> dict[str, str]:
    from importlib import metadata

    found = {"python": platform.python_version()}
    for name in (
        "tunesmith",
        "optuna",
        "hyperopt",
        "scikit-optimize",
        "hebo",
        "smac",
        "nevergrad",
        "scikit-learn",
        "numpy",
        "scipy",
        "torch",
    ):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


# --- run ------------------------------------------------------------------------------------------


def _init_worker(pinned: str | None = None) -> None:
    if pinned:
        sys.path.insert(0, pinned)
    warnings.filterwarnings("ignore")
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass


def run_one(task_name: str, optimizer: str, seed: int, budget: int) -> dict[str, Any]:
    task = T.TASKS[task_name]
    rec = Recorder(task, cache=task.kind == "real", shared=ValueCache(DEFAULT_CACHE))
    started = time.time()
    wall0 = time.perf_counter()
    error = None
    try:
        if optimizer in TUNESMITH and __name__ == "__mp_main__":
            import tunesmith

            if ".pinned" not in tunesmith.__file__:
                raise RuntimeError(f"tunesmith imported from {tunesmith.__file__}, not the pin")
        ADAPTERS[optimizer](task, seed, budget, rec)
    except Exception:
        error = traceback.format_exc(limit=8)
    wall = time.perf_counter() - wall0
    return {
        "task": task_name,
        "optimizer": optimizer,
        "seed": seed,
        "budget": budget,
        "values": rec.values,
        "params": rec.params,
        "obj_time": [round(t, 5) for t in rec.obj_time],
        "gap": [round(t, 5) for t in rec.gap],
        "wall": round(wall, 3),
        "error": error,
        "started": datetime.datetime.fromtimestamp(started, datetime.UTC).isoformat(
            timespec="seconds"
        ),
    }


def _append_line(path: Path, record: dict[str, Any]) -> None:
    """One write(2) with O_APPEND: lines from concurrent runners never interleave."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (json.dumps(record) + "\n").encode())
    finally:
        os.close(fd)


def load_records(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    records = []
    with path.open() as f:
        for line in f:
            line = line.strip()
            if line:
                records.append(json.loads(line))
    return records


def _split(text: str | None) -> list[str] | None:
    return None if text is None else [t for t in text.split(",") if t]


def _seeds(text: str | None, kind: str) -> list[int]:
    if text is None:
        return list(range(5))
    if "," in text or "-" in text:
        out: list[int] = []
        for part in text.split(","):
            if "-" in part:
                a, b = part.split("-")
                out.extend(range(int(a), int(b) + 1))
            elif part:
                out.append(int(part))
        return out
    return list(range(int(text)))


def _cost(task: str, optimizer: str) -> float:
    heavy = {"auto": 6, "gp": 6, "gp_int": 8, "optuna_gp": 8, "skopt_gp": 8}.get(optimizer, 1)
    return heavy * (4 if T.TASKS[task].kind == "real" else 1) * (1 + T.TASKS[task].dims / 10)


def cmd_run(args: argparse.Namespace) -> None:
    tasks = _split(args.tasks) or (
        T.SYNTHETIC
        if args.suite == "synthetic"
        else T.REAL
        if args.suite == "real"
        else T.SYNTHETIC + T.REAL
    )
    if args.half != "all":
        tasks = [t for t in tasks if T.TASKS[t].half == args.half]
    optimizers = _split(args.optimizers) or DEFAULT_OPTIMIZERS
    for name in tasks:
        if name not in T.TASKS:
            sys.exit(f"unknown task {name!r}; known: {', '.join(T.TASKS)}")
    for name in optimizers:
        if name not in ADAPTERS:
            sys.exit(f"unknown optimizer {name!r}; known: {', '.join(ADAPTERS)}")
    path = Path(args.results)
    path.parent.mkdir(parents=True, exist_ok=True)
    pinned, src_hash = pin_tunesmith(args.ref)
    commit, vers = git_commit(args.ref), versions()
    done: set[tuple[str, str, int]] = set()
    for r in load_records(path):
        if r.get("error") or r["budget"] < args.budget:
            continue
        if r["optimizer"] in TUNESMITH and r.get("src_hash") != src_hash:
            continue
        done.add((r["task"], r["optimizer"], r["seed"]))
    jobs = []
    for task in tasks:
        for optimizer in optimizers:
            for seed in _seeds(args.seeds, T.TASKS[task].kind):
                if args.force or (task, optimizer, seed) not in done:
                    jobs.append((task, optimizer, seed))
    skipped = sum(len(_seeds(args.seeds, T.TASKS[t].kind)) for t in tasks) * len(optimizers) - len(
        jobs
    )
    # the runs the targets need first (so a cut-short run still answers them), then the
    # cheap peers, then the costly ones (Optuna's GP, then scikit-optimize, the slowest);
    # longest first within each group
    group = {
        "random": 0,
        "gp": 0,
        "auto": 0,
        "tpe": 0,
        "optuna_tpe": 0,
        "optuna_gp": 2,
        "skopt_gp": 3,
    }
    jobs.sort(key=lambda j: (group.get(j[1], 1), -_cost(j[0], j[1])))
    print(
        f"{len(jobs)} runs to do ({skipped} already in {path}); tunesmith {commit} src {src_hash}; "
        f"{args.jobs} workers",
        flush=True,
    )
    if not jobs:
        return
    start = time.perf_counter()
    errors = 0
    with ProcessPoolExecutor(
        max_workers=args.jobs,
        mp_context=get_context("spawn"),
        initializer=_init_worker,
        initargs=(str(pinned),),
    ) as pool:
        futures = {pool.submit(run_one, t, o, s, args.budget): (t, o, s) for t, o, s in jobs}
        for i, future in enumerate(as_completed(futures), 1):
            record = future.result()
            record.update(
                src_hash=src_hash if record["optimizer"] in TUNESMITH else None,
                commit=commit,
                versions=vers,
            )
            _append_line(path, record)
            best = min(record["values"]) if record["values"] else float("nan")
            status = "ERROR" if record["error"] else f"best {best:.6g}"
            overhead = (record["wall"] - sum(record["obj_time"])) / max(len(record["values"]), 1)
            print(
                f"[{i}/{len(jobs)} {time.perf_counter() - start:7.0f}s] {record['task']:18s} "
                f"{record['optimizer']:13s} seed {record['seed']}: {status}  "
                f"wall {record['wall']:.1f}s, optimizer {overhead * 1000:.0f} ms/trial",
                flush=True,
            )
            if record["error"]:
                errors += 1
                print(record["error"], flush=True)
    print(
        f"done: {len(jobs)} runs in {time.perf_counter() - start:.0f}s, {errors} errors", flush=True
    )


# --- report ---------------------------------------------------------------------------------------


def _best_so_far(values: list[float], budget: int) -> float:
    """Best of the first ``budget`` values; NaN if the run was shorter."""
    return min(values[:budget]) if len(values) >= budget else math.nan


def _fmt(x: float, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if x == 0:
        return "0"
    if abs(x) >= 1e4 or abs(x) < 1e-3:
        return f"{x:.{digits - 1}e}"
    return f"{x:.{digits}g}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _rank(values: dict[str, float]) -> dict[str, float]:
    """Average ranks (1 = best = smallest), ties shared."""
    items = sorted(values.items(), key=lambda kv: kv[1])
    ranks: dict[str, float] = {}
    i = 0
    while i < len(items):
        j = i
        while j + 1 < len(items) and items[j + 1][1] == items[i][1]:
            j += 1
        for k in range(i, j + 1):
            ranks[items[k][0]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def _duplicates(params: list[dict[str, Any]]) -> int:
    seen, count = set(), 0
    for p in params:
        key = json.dumps(p, sort_keys=True)
        count += key in seen
        seen.add(key)
    return count


def _unit(task: T.Task) -> Callable[[dict[str, Any]], tuple[tuple, Any]]:
    """Params -> (categorical/active-set key, numeric coordinates in [0, 1])."""
    import numpy as np

    specs = {p.name: p for p in T.all_params(task.space)}

    def encode(params: dict[str, Any]) -> tuple[tuple, Any]:
        key, coords = [], []
        for name in sorted(params):
            p, v = specs[name], params[name]
            if isinstance(p, T.Cat):
                key.append((name, v))
            elif p.log:
                coords.append(
                    (math.log(v) - math.log(p.low)) / (math.log(p.high) - math.log(p.low))
                )
            else:
                coords.append((v - p.low) / (p.high - p.low) if p.high > p.low else 0.0)
        return tuple(key), np.array(coords)

    return encode


def _near_repeats(task: T.Task, params: list[dict[str, Any]], tol: float = 1e-3) -> int:
    """Trials within ``tol`` of the range (every coordinate, same categories) of an earlier
    trial: evaluations that could not teach the optimizer anything new."""
    encode = _unit(task)
    seen: dict[tuple, list] = defaultdict(list)
    count = 0
    for p in params:
        key, x = encode(p)
        if any(len(x) == 0 or float(abs(x - y).max()) <= tol for y in seen[key]):
            count += 1
        seen[key].append(x)
    return count


def cmd_report(args: argparse.Namespace) -> None:
    text = build_report(
        Path(args.results),
        Path(args.overhead),
        _split(args.optimizers),
        _split(args.tasks),
        alias_auto=args.alias_auto,
        ignore=_split(args.ignore),
    )
    print(text)
    if args.md:
        Path(args.md).write_text(text + "\n")
        print(f"\n(written to {args.md})", file=sys.stderr)


def build_report(
    path: Path,
    overhead_path: Path,
    only_opts: list[str] | None,
    only_tasks: list[str] | None,
    alias_auto: bool = False,
    ignore: list[str] | None = None,
) -> str:
    records = [r for r in load_records(path) if r["optimizer"] not in (ignore or ())]
    latest: dict[tuple[str, str, int], dict[str, Any]] = {}
    errors = []
    for r in records:
        if r.get("error"):
            errors.append(r)
            continue
        latest[(r["task"], r["optimizer"], r["seed"])] = r  # later lines win
    runs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for (task, opt, _seed), r in sorted(latest.items()):
        if (only_opts and opt not in only_opts) or (only_tasks and task not in only_tasks):
            continue
        runs[(task, opt)].append(r)
    aliased = []
    if alias_auto and (only_opts is None or "auto" in only_opts):
        for (task, opt), rs in list(runs.items()):
            if opt == "gp" and (task, "auto") not in runs:
                runs[(task, "auto")] = rs
                aliased.append(task)
    tasks = [t for t in T.TASKS if any(k[0] == t for k in runs)]
    opts = [o for o in OPTIMIZERS if any(k[1] == o for k in runs)]
    out: list[str] = []
    hashes = sorted({r.get("src_hash") for rs in runs.values() for r in rs if r.get("src_hash")})
    commits = sorted({r.get("commit", "?") for rs in runs.values() for r in rs})
    vers = next((r.get("versions") for rs in runs.values() for r in rs), {})
    out.append(
        f"Results: `{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}` "
        f"({len(latest)} runs; tunesmith source hash(es) {', '.join(hashes) or '–'}; "
        f"commit(s) {', '.join(commits)})."
    )
    if aliased:
        out.append(
            f"`auto` = `gp`'s runs on {len(aliased)} task(s) that have no `auto` runs: below 200 "
            "trials and 30 parameters AutoSampler delegates every call to a GPSampler(), so "
            "its runs are the same trial for trial (checked: `run --optimizers auto,gp` gives "
            "identical values); `--no-alias-auto` to show only real `auto` runs."
        )
    if len(hashes) > 1:
        out.append("**Warning: tunesmith runs from more than one source version are mixed here.**")
    if vers:
        out.append("Versions: " + ", ".join(f"{k} {v}" for k, v in vers.items()) + ".")
    seeds_used = {t: sorted({r["seed"] for o in opts for r in runs.get((t, o), [])}) for t in tasks}
    incomplete = [
        f"{t}/{o} ({len(runs.get((t, o), []))} seeds)"
        for t in tasks
        for o in opts
        if len(runs.get((t, o), [])) != len(seeds_used[t])
    ]
    if incomplete:
        out.append("**Incomplete:** " + ", ".join(incomplete))
    if errors:
        out.append(
            "**Errors:** "
            + ", ".join(f"{r['task']}/{r['optimizer']}/seed {r['seed']}" for r in errors[-20:])
        )

    # mean best-so-far per (task, opt, budget), normalized scores, ranks
    mean_best: dict[tuple[str, str, int], float] = {}
    for (task, opt), rs in runs.items():
        for b in BUDGETS:
            bests = [_best_so_far(r["values"], b) for r in rs]
            if not any(math.isnan(v) for v in bests):
                mean_best[(task, opt, b)] = statistics.fmean(bests)
    # the best value seen on each task by any optimizer in any run (filters do not change it)
    reference = {
        t: min(
            min(r["values"][: max(BUDGETS)])
            for (tt, _o, _s), r in latest.items()
            if tt == t and r["values"]
        )
        for t in tasks
    }
    score: dict[tuple[str, str, int], float] = {}
    for t in tasks:
        for b in BUDGETS:
            base = mean_best.get((t, "random", b))
            if base is None or base - reference[t] <= 0:
                continue
            for o in opts:
                if (t, o, b) in mean_best:
                    value = 100 * (base - mean_best[(t, o, b)]) / (base - reference[t])
                    # where random search comes within a hair of the best value (a flat
                    # task), one bad seed would otherwise score -3,000 and swamp the mean
                    score[(t, o, b)] = max(value, SCORE_FLOOR)
    ranks: dict[tuple[str, str, int], float] = {}
    for t in tasks:
        for b in BUDGETS:
            present = {o: mean_best[(t, o, b)] for o in opts if (t, o, b) in mean_best}
            for o, rk in _rank(present).items():
                ranks[(t, o, b)] = rk

    def mean_over(table: dict, o: str, b: int, kind: str | None) -> float:
        vals = [
            table[(t, o, b)]
            for t in tasks
            if (t, o, b) in table and (kind is None or T.TASKS[t].kind == kind)
        ]
        return statistics.fmean(vals) if vals else math.nan

    def mean_in(table: dict, o: str, b: int, kind: str, half: str) -> float:
        vals = [
            table[(t, o, b)]
            for t in tasks
            if (t, o, b) in table and T.TASKS[t].kind == kind and T.TASKS[t].half == half
        ]
        return statistics.fmean(vals) if vals else math.nan

    out.append(
        "\n### By half: development tasks (changes were measured on them) and held-out "
        "tasks (only reported)"
    )
    out.append(
        f"Normalized scores per task are clipped below at {SCORE_FLOOR:g} (a task where "
        "random search comes within a hair of the best value would otherwise let one seed "
        "dominate the mean)."
    )
    for kind, what in (("real", "mean normalized score"), ("synthetic", "mean rank")):
        table = score if kind == "real" else ranks
        halves = [
            h
            for h in ("dev", "held")
            if any(T.TASKS[t].half == h and T.TASKS[t].kind == kind for t in tasks)
        ]
        if not halves:
            continue
        counts = {
            h: sum(1 for t in tasks if T.TASKS[t].half == h and T.TASKS[t].kind == kind)
            for h in halves
        }
        header = ["optimizer"] + [f"{h} ({counts[h]}) @{b}" for h in halves for b in BUDGETS]
        rows = []
        for o in opts:
            cells = [mean_in(table, o, b, kind, h) for h in halves for b in BUDGETS]
            rows.append([o] + [_fmt(c) if kind == "real" else f"{c:.2f}" for c in cells])
        out.append(f"\n#### {kind} tasks: {what}\n")
        out.append(_table(header, rows))

    kinds = [k for k in ("synthetic", "real") if any(T.TASKS[t].kind == k for t in tasks)]
    out.append(
        "\n### Summary: mean normalized score (0 = random search, 100 = best seen) and mean rank"
    )
    header = ["optimizer"]
    for b in BUDGETS:
        header += [f"score@{b} {k}" for k in kinds] + ([f"score@{b} all"] if len(kinds) > 1 else [])
    header += [f"rank@{b}" for b in BUDGETS]
    rows = []
    for o in opts:
        row = [o]
        for b in BUDGETS:
            row += [f"{mean_over(score, o, b, k):.1f}" for k in kinds]
            if len(kinds) > 1:
                row.append(f"{mean_over(score, o, b, None):.1f}")
        row += [f"{mean_over(ranks, o, b, None):.2f}" for b in BUDGETS]
        rows.append(row)
    out.append(_table(header, rows))
    out.append(
        f"Ranks: per task, optimizers ranked by mean best value over seeds "
        f"(1 = best of {len(opts)}), averaged over tasks."
    )

    for b in BUDGETS:
        out.append(f"\n### Normalized score per task at {b} trials")
        rows = [[t] + [_fmt(score.get((t, o, b), math.nan)) for o in opts] for t in tasks]
        out.append(_table(["task", *opts], rows))

    for b in BUDGETS:
        out.append(f"\n### Simple regret (synthetic) / loss (real) at {b} trials: mean over seeds")
        rows = []
        for t in tasks:
            optimum = T.TASKS[t].optimum
            row = [t + (" (regret)" if optimum is not None else " (loss)")]
            for o in opts:
                v = mean_best.get((t, o, b), math.nan)
                row.append(_fmt(v - optimum, 3) if optimum is not None else _fmt(v, 4))
            rows.append(row)
        out.append(_table(["task", *opts], rows))
    out.append(
        "Optima: "
        + ", ".join(
            f"{t} {T.TASKS[t].optimum:.6g}" for t in tasks if T.TASKS[t].optimum is not None
        )
        + ". Seeds per task: "
        + ", ".join(f"{t} {len(seeds_used[t])}" for t in tasks)
        + "."
    )

    # head to head against Optuna's default sampler
    if "optuna_tpe" in opts:
        out.append(
            "\n### Against Optuna's default sampler (TPESampler): tasks better / tied / worse "
            "(mean best over seeds)"
        )
        rows = []
        for o in [
            x for x in ("auto", "gp", "tpe", "optuna_gp", "hyperopt_tpe", "skopt_gp") if x in opts
        ]:
            row = [o]
            for b in BUDGETS:
                w = tie = lose = 0
                for t in tasks:
                    a, ref = mean_best.get((t, o, b)), mean_best.get((t, "optuna_tpe", b))
                    if a is None or ref is None:
                        continue
                    if math.isclose(a, ref, rel_tol=1e-12, abs_tol=1e-12):
                        tie += 1
                    elif a < ref:
                        w += 1
                    else:
                        lose += 1
                n = w + tie + lose
                row.append(f"{w}/{tie}/{lose} ({100 * w / n:.0f}%)" if n else "–")
            rows.append(row)
        out.append(_table(["optimizer"] + [f"@{b}" for b in BUDGETS], rows))
        for o in [x for x in ("auto", "gp", "tpe") if x in opts]:
            lost = [
                f"{t} ({_fmt(score.get((t, o, 100), math.nan))} vs "
                f"{_fmt(score.get((t, 'optuna_tpe', 100), math.nan))})"
                for t in tasks
                if mean_best.get((t, o, 100), -math.inf)
                > mean_best.get((t, "optuna_tpe", 100), math.inf)
            ]
            if lost:
                out.append(
                    f"- `{o}` worse than optuna_tpe at 100 trials on: "
                    + ", ".join(lost)
                    + " (normalized scores)"
                )

    # time
    out.append("\n### Time: optimizer seconds per trial (wall minus objective), and run wall time")
    rows = []
    for o in opts:
        row = [o]
        for k in kinds:
            rs = [
                r for (t, oo), lst in runs.items() if oo == o and T.TASKS[t].kind == k for r in lst
            ]
            if not rs:
                row += ["–", "–", "–"]
                continue
            per_trial = [(r["wall"] - sum(r["obj_time"])) / len(r["values"]) for r in rs]
            late = [statistics.fmean(r["gap"][-10:]) for r in rs]
            row += [
                f"{statistics.fmean(per_trial) * 1000:.0f} ms",
                f"{max(late) * 1000:.0f} ms",
                f"{sum(r['wall'] for r in rs) / 60:.1f} min",
            ]
        rows.append(row)
    header = ["optimizer"]
    for k in kinds:
        header += [f"{k}: mean/trial", f"{k}: worst run, last 10 trials", f"{k}: total wall"]
    out.append(_table(header, rows))
    unique = {id(r): r for rs in runs.values() for r in rs}.values()  # aliased runs once
    by_kind = defaultdict(float)
    for r in unique:
        by_kind[T.TASKS[r["task"]].kind] += r["wall"]
    out.append(
        f"Sum of run wall times: {sum(by_kind.values()) / 60:.1f} worker-minutes ("
        + ", ".join(f"{k} {v / 60:.1f}" for k, v in sorted(by_kind.items()))
        + "); the rows of `auto` aliased to `gp` are counted once."
    )

    # repeated points
    out.append(
        "\n### Near-repeats: trials within 0.1% of the range (every coordinate, same "
        "categories) of an earlier trial, mean per 100-trial run (exact repeats in brackets)"
    )
    rows = []
    for t in tasks:
        row = [t]
        for o in opts:
            rs = runs.get((t, o), [])
            row.append(
                f"{statistics.fmean(_near_repeats(T.TASKS[t], r['params']) for r in rs):.1f} "
                f"({statistics.fmean(_duplicates(r['params']) for r in rs):.1f})"
                if rs
                else "–"
            )
        rows.append(row)
    out.append(_table(["task", *opts], rows))

    # targets
    out.append("\n### Targets of the issue (quality)")
    for b in (30, 50):
        for o in ("gp", "auto"):
            if o not in opts:
                continue
            mine = mean_over(score, o, b, None)
            others = {x: mean_over(score, x, b, None) for x in opts if x not in ("gp", "auto")}
            best_other = max(others, key=lambda x: others[x])
            ok = mine >= others[best_other]
            out.append(
                f"- `{o}` best mean normalized score at {b} trials: "
                f"{'MET' if ok else 'MISSED'} ({mine:.1f} vs best other {best_other} "
                f"{others[best_other]:.1f})"
            )
    for o in ("gp", "auto"):
        if o not in opts or "optuna_tpe" not in opts:
            continue
        for b in BUDGETS:
            n = sum(
                1 for t in tasks if (t, o, b) in mean_best and (t, "optuna_tpe", b) in mean_best
            )
            wins = sum(
                1
                for t in tasks
                if (t, o, b) in mean_best
                and (t, "optuna_tpe", b) in mean_best
                and mean_best[(t, o, b)] < mean_best[(t, "optuna_tpe", b)]
                and not math.isclose(
                    mean_best[(t, o, b)],
                    mean_best[(t, "optuna_tpe", b)],
                    rel_tol=1e-12,
                    abs_tol=1e-12,
                )
            )
            if n:
                out.append(
                    f"- `{o}` better than optuna_tpe on ≥70% of tasks at {b} trials: "
                    f"{'MET' if wins >= 0.7 * n else 'MISSED'} ({wins}/{n} = {100 * wins / n:.0f}%)"
                )
    if "tpe" in opts:
        mine = mean_over(score, "tpe", 100, None)
        for other in ("optuna_tpe", "hyperopt_tpe"):
            if other in opts:
                theirs = mean_over(score, other, 100, None)
                out.append(
                    f"- `tpe` mean normalized score at 100 trials ≥ {other}: "
                    f"{'MET' if mine >= theirs else 'MISSED'} ({mine:.1f} vs {theirs:.1f})"
                )
    if overhead_path.exists():
        out.append(overhead_report(overhead_path))
    return "\n".join(out)


def _at_bounds(task: T.Task, runs: list[dict[str, Any]]) -> float:
    """Share of trials 7-30 (past the first Sobol points of a GP) that put some numeric
    parameter at its low or high end: a GP's boundary over-exploration shows here (a
    random point is at a bound of an integer with k values with probability 2/k)."""
    numeric = [p for p in T.all_params(task.space) if isinstance(p, T.Int | T.Float)]

    def at_bound(value: Any, p: T.Int | T.Float) -> bool:
        return value is not None and any(
            math.isclose(value, end, rel_tol=1e-6, abs_tol=1e-12) for end in (p.low, p.high)
        )

    flags = [
        any(at_bound(params.get(p.name), p) for p in numeric)
        for r in runs
        for params in r["params"][6:30]
    ]
    return sum(flags) / len(flags) if flags else 0.0


def cmd_diagnose(args: argparse.Namespace) -> None:
    """Per task: each optimizer's best at 30/50/100 per seed, where its trials went (the
    share of each top-level category, the share at a bound), repeated points, and its time
    per trial late in the run."""
    latest: dict[tuple[str, str, int], dict[str, Any]] = {}
    for r in load_records(Path(args.results)):
        if not r.get("error"):
            latest[(r["task"], r["optimizer"], r["seed"])] = r
    only_opts, only_tasks = _split(args.optimizers), _split(args.tasks)
    for task in T.TASKS:
        if only_tasks and task not in only_tasks:
            continue
        rows = []
        top_cats = [p for p in T.TASKS[task].space if isinstance(p, T.Cat)]
        for opt in OPTIMIZERS:
            rs = [latest[k] for k in sorted(latest) if k[0] == task and k[1] == opt]
            if not rs or (only_opts and opt not in only_opts):
                continue
            optimum = T.TASKS[task].optimum or 0.0
            cells = [opt]
            for b in BUDGETS:
                bests = [_best_so_far(r["values"], b) - optimum for r in rs]
                cells.append(
                    " ".join(_fmt(v, 2 if T.TASKS[task].optimum is not None else 4) for v in bests)
                )
            # share of trials per choice of the first categorical, after the first 20 trials
            if top_cats:
                cat = top_cats[0]
                counts = defaultdict(int)
                for r in rs:
                    for p in r["params"][20:]:
                        counts[p[cat.name]] += 1
                total = sum(counts.values()) or 1
                cells.append(" ".join(f"{c}:{100 * counts[c] / total:.0f}%" for c in cat.choices))
            cells.append(f"{100 * _at_bounds(T.TASKS[task], rs):.0f}%")
            cells.append(
                " ".join(str(_near_repeats(T.TASKS[task], r["params"])) for r in rs)
                + f" ({statistics.fmean(_duplicates(r['params']) for r in rs):.1f})"
            )
            cells.append(
                f"{statistics.fmean(statistics.fmean(r['gap'][-10:]) for r in rs) * 1000:.0f} ms"
            )
            rows.append(cells)
        if not rows:
            continue
        what = "regret" if T.TASKS[task].optimum is not None else "loss"
        header = ["optimizer"] + [f"{what}@{b} per seed" for b in BUDGETS]
        if top_cats:
            header.append(f"{top_cats[0].name} share after trial 20")
        header += [
            "trials 7-30 at a bound",
            "near-repeats per seed (exact, mean)",
            "late ms/trial",
        ]
        print(f"\n#### {task}: {T.TASKS[task].description}\n")
        print(_table(header, rows))


# --- overhead -----------------------------------------------------------------------------------

KINDS = ("float", "int", "categorical", "float_log")
CHOICES = ("relu", "tanh", "sigmoid")


def _overhead_objective_params(trial: Any, n_params: int) -> float:
    total = 0.0
    for i in range(n_params):
        kind, name = KINDS[i % 4], f"p{i}"
        if kind == "float":
            v = trial.suggest_float(name, -5.0, 5.0)
        elif kind == "int":
            v = trial.suggest_int(name, -10, 10)
        elif kind == "categorical":
            v = float(CHOICES.index(trial.suggest_categorical(name, list(CHOICES))))
        else:
            v = trial.suggest_float(name, 1e-3, 1e3, log=True)
        total += v * v
    return total


def overhead_worker(config: dict[str, Any]) -> dict[str, Any]:
    """ask + suggest + tell per trial for one sampler, up to ``n_trials`` or ``max_seconds``."""
    _init_worker(config.get("pinned"))
    sampler, n_trials, n_params = config["sampler"], config["n_trials"], config["n_params"]
    if sampler in TUNESMITH:
        import tunesmith as ts

        chosen: Any = TUNESMITH[sampler]
        if sampler == "auto" and config.get("local_seconds") is not None:
            chosen = ts.samplers.AutoSampler(local_seconds=config["local_seconds"])
        study = ts.create_study(sampler=chosen, seed=0)
    else:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        s = (
            optuna.samplers.TPESampler(seed=0)
            if sampler == "optuna_tpe"
            else optuna.samplers.GPSampler(seed=0)
        )
        study = optuna.create_study(sampler=s)
    times: list[float] = []
    cpu: list[float] = []
    start = time.perf_counter()
    stopped = None
    for i in range(n_trials):
        t0, c0 = time.perf_counter(), time.process_time()
        trial = study.ask()
        # the suggests are sampling (Optuna samples there); the sum of squares is ~1 µs
        value = _overhead_objective_params(trial, n_params)
        study.tell(trial, value)
        cpu.append(time.process_time() - c0)
        times.append(time.perf_counter() - t0)
        if config["max_seconds"] and time.perf_counter() - start > config["max_seconds"]:
            stopped = i + 1
            break
    return {
        "sampler": sampler,
        "n_params": n_params,
        "local_seconds": config.get("local_seconds"),
        "n_trials": len(times),
        "asked": n_trials,
        "stopped_early": stopped,
        "times": [round(t, 6) for t in times],
        "cpu": [round(t, 6) for t in cpu],
        "load": os.getloadavg(),
        "total": time.perf_counter() - start,
    }


def cmd_overhead(args: argparse.Namespace) -> None:
    samplers = _split(args.samplers) or ["tpe", "optuna_tpe", "gp", "optuna_gp"]
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    pinned, src_hash = pin_tunesmith(args.ref)
    commit, vers = git_commit(args.ref), versions()
    for sampler in samplers:
        n_trials = args.trials or (10_000 if sampler in ("tpe", "optuna_tpe", "ts_random") else 300)
        config = {
            "sampler": sampler,
            "n_trials": n_trials,
            "n_params": args.params,
            "max_seconds": args.max_seconds,
            "pinned": str(pinned),
            "local_seconds": args.local_seconds,
        }
        print(f"{sampler}: {n_trials} trials, {args.params} parameters ...", flush=True)
        proc = subprocess.run(
            [sys.executable, __file__, "_overhead_worker", json.dumps(config)],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            print(proc.stderr, flush=True)
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result.update(
            src_hash=src_hash if sampler in TUNESMITH else None,
            commit=commit,
            versions=vers,
            date=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        )
        _append_line(path, result)
        times = result["times"]
        summary = ", ".join(
            f"{n}: {statistics.fmean(result['cpu'][int(0.9 * n) : n]) * 1000:.2f} ms CPU"
            f" / {statistics.fmean(times[int(0.9 * n) : n]) * 1000:.2f} ms wall"
            for n in SIZES
            if n <= len(times)
        )
        print(
            f"  {result['n_trials']} trials in {result['total']:.0f}s"
            f"{' (stopped at the time limit)' if result['stopped_early'] else ''}; "
            f"per trial over the last 10%: {summary}",
            flush=True,
        )
    print(overhead_report(path))


SIZES = (100, 300, 1000, 10_000)


def overhead_report(path: Path) -> str:
    latest: dict[tuple[str, int], dict[str, Any]] = {}
    for r in load_records(path):
        latest[(r["sampler"], r["n_params"])] = r  # later lines win
    out = [
        "\n### Overhead per trial: ask + suggest + tell, objective excluded",
        "Mean over trials 0.9N..N of one run, in CPU time of the process (robust to other "
        "load on the machine; one thread, so ≈ wall time on an idle machine) and wall time.",
    ]
    rows = []
    order = {name: i for i, name in enumerate(OPTIMIZERS)}
    for (sampler, n_params), r in sorted(latest.items(), key=lambda kv: order.get(kv[0][0], 99)):
        for clock in ("cpu", "times"):
            if clock not in r:
                continue
            series = r[clock]
            row = [sampler, str(n_params), "CPU" if clock == "cpu" else "wall"]
            for n in SIZES:
                row.append(
                    f"{statistics.fmean(series[int(0.9 * n) : n]) * 1000:.2f} ms"
                    if n <= len(series)
                    else ("not run" if n > r["asked"] else "stopped")
                )
            load = r.get("load")
            row.append(
                f"{r['total']:.0f} s for {r['n_trials']}, {r.get('date', '?')}"
                + (f", load {load[0]:.1f}" if load else "")
            )
            rows.append(row)
    out.append(_table(["sampler", "params", "clock"] + [f"N={n}" for n in SIZES] + ["run"], rows))

    def at(sampler: str, n: int) -> float | None:
        r = latest.get((sampler, 10))
        if r is None:
            return None
        series = r.get("cpu", r["times"])
        return statistics.fmean(series[int(0.9 * n) : n]) if len(series) >= n else None

    out.append("\nTargets (overhead, CPU time):")
    a, b = at("tpe", 1000), at("optuna_tpe", 1000)
    if a and b:
        out.append(
            "- TPE at 1,000 trials ≤ 1/3 of Optuna's TPESampler: "
            f"{'MET' if a <= b / 3 else 'MISSED'} "
            f"({a * 1000:.2f} ms vs {b * 1000:.2f} ms, ratio {a / b:.2f})"
        )
    a = at("tpe", 10_000)
    if a:
        out.append(
            f"- TPE at 10,000 trials < 20 ms: {'MET' if a < 0.020 else 'MISSED'} "
            f"({a * 1000:.2f} ms)"
        )
    a, b = at("gp", 300), at("optuna_gp", 300)
    if a and b:
        out.append(
            f"- GP at 300 trials ≤ 1/2 of Optuna's GPSampler: {'MET' if a <= b / 2 else 'MISSED'} "
            f"({a * 1000:.0f} ms vs {b * 1000:.0f} ms, ratio {a / b:.2f})"
        )
    for sampler, n in (
        ("tpe", 1000),
        ("optuna_tpe", 1000),
        ("tpe", 10_000),
        ("optuna_tpe", 10_000),
        ("gp", 300),
        ("optuna_gp", 300),
    ):
        r = latest.get((sampler, 10))
        if r is not None and len(r["times"]) < n and r["asked"] >= n:
            out.append(
                f"- {sampler}: stopped after {r['n_trials']} trials ({r['total']:.0f} s): "
                f"N={n} not measured (not extrapolated)"
            )
    return "\n".join(out)


# --- CLI ------------------------------------------------------------------------------------------


def cmd_merge(args: argparse.Namespace) -> None:
    """One results file from several, for one report: each input as ``FILE`` or
    ``FILE:old=new,...`` (runs of optimizer ``old`` renamed ``new``, e.g. "auto" runs of
    an earlier commit as the experiment that reproduces them), optionally only some seeds."""
    seeds = None if args.seeds is None else set(_seeds(args.seeds, "real"))
    lines = []
    for spec in args.inputs:
        path, _, renames = spec.partition(":")
        rename = dict(pair.split("=") for pair in renames.split(",") if pair)
        for record in load_records(Path(path)):
            if seeds is None or record["seed"] in seeds:
                record["optimizer"] = rename.get(record["optimizer"], record["optimizer"])
                lines.append(json.dumps(record) + "\n")
    Path(args.out).write_text("".join(lines))
    print(f"{len(lines)} runs to {args.out}")


def cmd_list(_: argparse.Namespace) -> None:
    print("tasks:")
    for t in T.TASKS.values():
        print(f"  {t.name:20s} {t.kind:9s} {t.dims:2d} params  {t.description}")
    print("optimizers:")
    for o in OPTIMIZERS:
        print(
            f"  {o:13s} {DESCRIPTIONS[o]}"
            + ("" if o in DEFAULT_OPTIMIZERS else "  (not run by default)")
        )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_overhead_worker":
        print(json.dumps(overhead_worker(json.loads(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="run optimizers on tasks; appends to the results file")
    p.add_argument("--suite", choices=("synthetic", "real", "all"), default="all")
    p.add_argument(
        "--half", choices=("dev", "held", "all"), default="all", help="development or held-out"
    )
    p.add_argument("--tasks", help="comma-separated task names (overrides --suite)")
    p.add_argument("--optimizers", help=f"comma-separated, default {','.join(DEFAULT_OPTIMIZERS)}")
    p.add_argument(
        "--seeds",
        help="a count (5 -> 0..4) or a list/range (0,2 or 0-4); default 5",
    )
    p.add_argument("--budget", type=int, default=100)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--force", action="store_true", help="rerun runs already in the file")
    p.add_argument("--results", default=str(DEFAULT_RESULTS))
    p.add_argument("--ref", help="run tunesmith as of this git ref (default: the working tree)")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("report", help="tables from the results file")
    p.add_argument("--results", default=str(DEFAULT_RESULTS))
    p.add_argument("--overhead", default=str(DEFAULT_OVERHEAD))
    p.add_argument("--optimizers")
    p.add_argument("--tasks")
    p.add_argument("--md", help="also write the report to this Markdown file")
    p.add_argument(
        "--alias-auto",
        dest="alias_auto",
        action="store_true",
        help="show gp's runs as auto's where auto has none (valid only for runs of "
        "commits before 69aaeca, where auto was the GP below 200 trials)",
    )
    p.add_argument(
        "--ignore",
        help="comma-separated optimizers whose runs in the file are left out (e.g. auto's "
        "runs of an older commit, so that gp's stand in for them)",
    )
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("diagnose", help="per-seed results, category shares, repeats, time")
    p.add_argument("--results", default=str(DEFAULT_RESULTS))
    p.add_argument("--optimizers")
    p.add_argument("--tasks")
    p.set_defaults(func=cmd_diagnose)
    p = sub.add_parser("overhead", help="ask+tell time per trial, one sampler at a time")
    p.add_argument("--samplers", help="default tpe,optuna_tpe,gp,optuna_gp")
    p.add_argument("--trials", type=int, help="default 10000 for TPE, 300 for GP")
    p.add_argument("--params", type=int, default=10)
    p.add_argument(
        "--max-seconds",
        type=float,
        default=1800.0,
        help="stop a run after this long and report the sizes it reached",
    )
    p.add_argument("--out", default=str(DEFAULT_OVERHEAD))
    p.add_argument("--ref", help="tunesmith as of this git ref (default: the working tree)")
    p.add_argument(
        "--local-seconds",
        type=float,
        help="'auto' as AutoSampler(local_seconds=S): 1 keeps its light GP in a trust region "
        "(10+ parameters) from trial 20 on, to measure that GP's own cost",
    )
    p.set_defaults(func=cmd_overhead)
    p = sub.add_parser("merge", help="several results files as one, runs renamed")
    p.add_argument("out")
    p.add_argument("inputs", nargs="+", help="FILE or FILE:old=new,... (optimizers renamed)")
    p.add_argument("--seeds", help="only these seeds (as run's --seeds)")
    p.set_defaults(func=cmd_merge)
    p = sub.add_parser("list", help="tasks and optimizers")
    p.set_defaults(func=cmd_list)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
