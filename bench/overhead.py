"""Per-trial overhead of tunesmith against Optuna: random sampler, trivial objective.

What is measured (one row per configuration):

- the wall time of each library's own ``optimize`` loop (what users run) and, as a second
  loop shape, of ``ask`` + ``tell`` written by hand, divided by the number of trials;
- with 3 and 10 parameters (suggest_float, suggest_int, suggest_categorical and
  suggest_float(log=True), in that rotation), at 1,000 and 10,000 trials;
- in memory and in SQLite (a fresh database file in a fresh temporary directory per run);
- the time per trial over each tenth of the run, so growth with the study size shows
  (for 10,000 trials: the last 1,000);
- peak memory of a 10,000-trial in-memory study (tracemalloc peak / trials), in runs of
  their own, since tracemalloc slows everything down.

The objective is the same function for both libraries and does almost nothing beyond the
``suggest_*`` calls (a sum of squares), so the time measured is the library's: its cost
without the library is measured with a stub trial and printed (about a microsecond).

Every configuration runs in a fresh subprocess (so neither library's imports, caches or
garbage affect the other), one at a time, libraries interleaved; each timed run is
preceded by a 20-trial warm-up study of the same kind (lazy imports, first-use caches),
which is not timed. Study creation is not timed either.

Usage (from the repository root)::

    bench/.venv/bin/python bench/overhead.py --quick        # smoke run, seconds
    bench/.venv/bin/python bench/overhead.py                # the full run (see RESULTS.md)
    bench/.venv/bin/python bench/overhead.py --profile tunesmith   # cProfile of ask+tell
"""

from __future__ import annotations

import argparse
import datetime
import gc
import hashlib
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LIBRARIES = ("tunesmith", "optuna")
KINDS = ("float", "int", "categorical", "float_log")
CHOICES = ("relu", "tanh", "sigmoid")
CHOICE_VALUE = {"relu": 0.0, "tanh": 1.0, "sigmoid": 2.0}
WARMUP_TRIALS = 20
CHUNKS = 10


# --- the objective (identical for both libraries) ---------------------------------------


def make_objective(n_params: int) -> Callable[[Any], float]:
    """Sum of squares of ``n_params`` parameters, of the four kinds in rotation."""
    plan = [(f"p{i}", KINDS[i % len(KINDS)]) for i in range(n_params)]

    def objective(trial: Any) -> float:
        total = 0.0
        for name, kind in plan:
            if kind == "float":
                value = trial.suggest_float(name, -5.0, 5.0)
            elif kind == "int":
                value = trial.suggest_int(name, -10, 10)
            elif kind == "categorical":
                value = CHOICE_VALUE[trial.suggest_categorical(name, CHOICES)]
            else:
                value = trial.suggest_float(name, 1e-3, 1e3, log=True)
            total += value * value
        return total

    return objective


class _StubTrial:
    """Answers ``suggest_*`` with constants: the objective's own cost, without a library."""

    def suggest_float(self, name: str, low: float, high: float, *, log: bool = False) -> float:
        return low

    def suggest_int(self, name: str, low: int, high: int) -> int:
        return low

    def suggest_categorical(self, name: str, choices: tuple[str, ...]) -> str:
        return choices[0]


def objective_cost_us(n_params: int, calls: int = 20_000) -> float:
    """Microseconds per call of the objective alone (best of 5)."""
    objective, trial = make_objective(n_params), _StubTrial()
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            objective(trial)
        best = min(best, time.perf_counter() - start)
    return best / calls * 1e6


# --- one configuration, in a subprocess -------------------------------------------------


def _make_runner(
    library: str, storage_url: str | None, name: str, settings: str = "default"
) -> tuple[Any, Callable]:
    """A new study and a ``run(objective, n, loop)`` function for it.

    ``settings`` (SQLite only): ``"default"`` is each library's own; ``"durable"`` is
    tunesmith's ``?durable=1`` (synchronous=FULL, like Optuna's default); ``"wal-normal"``
    gives Optuna tunesmith's default (journal_mode=WAL, synchronous=NORMAL).
    """
    if library == "tunesmith":
        import tunesmith as ts

        if storage_url is not None and settings == "durable":
            storage_url += "?durable=1"
        study = ts.create_study(sampler="random", seed=0, storage=storage_url, study_name=name)

        def run(objective: Callable, n: int, loop: str) -> None:
            if loop == "optimize":
                study.optimize(objective, n_trials=n, progress_bar=False)
            else:
                for _ in range(n):
                    trial = study.ask()
                    study.tell(trial, objective(trial))

        return study, run

    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.RandomSampler(seed=0)
    storage = _optuna_storage(storage_url) if settings == "wal-normal" else storage_url
    study = optuna.create_study(sampler=sampler, storage=storage, study_name=name)

    def run(objective: Callable, n: int, loop: str) -> None:
        if loop == "optimize":
            study.optimize(objective, n_trials=n)
        else:
            for _ in range(n):
                trial = study.ask()
                study.tell(trial, objective(trial))

    return study, run


def _optuna_storage(url: str) -> Any:
    """Optuna's RDB storage on a SQLite file in WAL mode with synchronous=NORMAL."""
    import sqlite3

    import optuna
    import sqlalchemy

    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    connection.execute("PRAGMA journal_mode=WAL")  # stored in the file
    connection.close()
    storage = optuna.storages.RDBStorage(url)

    @sqlalchemy.event.listens_for(storage.engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")  # per connection

    storage.engine.dispose()  # connections opened from now on get the pragma
    return storage


def _memory_status() -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of this process, in bytes (Linux; empty elsewhere)."""
    found = {}
    try:
        with open("/proc/self/status") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] = int(rest.split()[0]) * 1024
    except OSError:
        pass
    return found


def _count_complete(study: Any) -> int:
    """COMPLETE trials in the study (both libraries spell the state the same way)."""
    return sum(trial.state.name == "COMPLETE" for trial in study.trials)


def worker(config: dict[str, Any]) -> dict[str, Any]:
    """Run one configuration; return its measurements."""
    library, storage, loop = config["library"], config["storage"], config["loop"]
    n_trials, n_params = config["n_trials"], config["n_params"]
    objective = make_objective(n_params)
    directory = tempfile.mkdtemp(prefix=f"bench-{library}-", dir=config.get("tmpdir"))
    try:

        def url(label: str) -> str | None:
            if storage == "memory":
                return None
            return "sqlite:///" + os.path.join(directory, f"{label}.db")

        # Warm-up: lazy imports and first-use caches, on a throwaway study of the same kind.
        settings = config.get("sqlite_settings", "default")
        _, warm = _make_runner(library, url("warmup"), "warmup", settings)
        warm(objective, WARMUP_TRIALS, loop)
        del warm
        gc.collect()

        trace = config.get("tracemalloc", False)
        if trace:
            tracemalloc.start()
            traced_before = tracemalloc.get_traced_memory()[0]
        before = _memory_status()
        study, run = _make_runner(library, url("study"), "study", settings)
        chunk = max(1, n_trials // CHUNKS)
        chunk_seconds = []
        done = 0
        # CPU time of this process: on a shared machine, wall time counts other programs'
        clock = time.process_time if config.get("clock") == "cpu" else time.perf_counter
        while done < n_trials:
            size = min(chunk, n_trials - done)
            start = clock()
            run(objective, size, loop)
            chunk_seconds.append((size, clock() - start))
            done += size
        after = _memory_status()
        result: dict[str, Any] = dict(config)
        if trace:
            current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            result["traced_peak_bytes"] = peak - traced_before
            result["traced_retained_bytes"] = current - traced_before
        total = sum(seconds for _, seconds in chunk_seconds)
        result.update(
            seconds=total,
            ms_per_trial=total / n_trials * 1e3,
            trials_per_second=n_trials / total,
            chunks=chunk_seconds,
            last_chunk_ms_per_trial=chunk_seconds[-1][1] / chunk_seconds[-1][0] * 1e3,
            first_chunk_ms_per_trial=chunk_seconds[0][1] / chunk_seconds[0][0] * 1e3,
            rss_growth_bytes=after.get("VmRSS", 0) - before.get("VmRSS", 0),
            peak_rss_growth_bytes=after.get("VmHWM", 0) - before.get("VmHWM", 0),
        )
        if storage == "sqlite":
            db = os.path.join(directory, "study.db")
            result["db_bytes"] = sum(
                os.path.getsize(p) for p in (db, db + "-wal") if os.path.exists(p)
            )
        result["complete"] = _count_complete(study)
        result["module"] = sys.modules[library].__file__
        if result["complete"] != n_trials:
            raise RuntimeError(f"expected {n_trials} COMPLETE trials, got {result['complete']}")
        return result
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def run_in_subprocess(config: dict[str, Any], source: Path | None) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(config)]
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), env.get("PYTHONPATH")]))
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"worker failed for {config}:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- profile ----------------------------------------------------------------------------


def profile(library: str, n_params: int, n_trials: int, top: int) -> None:
    """cProfile of ask+tell by hand, in memory; prints the top functions by cumulative time."""
    import cProfile
    import pstats

    objective = make_objective(n_params)
    _, warm = _make_runner(library, None, "warmup")
    warm(objective, WARMUP_TRIALS, "asktell")
    _, run = _make_runner(library, None, "study")
    run(objective, n_trials // 2, "asktell")  # profile a study that already has trials
    profiler = cProfile.Profile()
    profiler.enable()
    run(objective, n_trials // 2, "asktell")
    profiler.disable()
    stats = pstats.Stats(profiler)
    entries = stats.stats  # type: ignore[attr-defined]
    total = max(cumtime for (_, _, _, cumtime, _) in entries.values())
    trials = n_trials // 2
    print(
        f"# cProfile: {library}, ask+tell by hand, memory, {n_params} params, "
        f"trials {n_trials - trials}..{n_trials} (profiled time {total:.3f} s, "
        f"{total / trials * 1e6:.1f} us/trial under the profiler)"
    )
    print(
        f"{'function':<64} {'calls/trial':>11} {'cum %':>6} {'self %':>6} "
        f"{'cum us/call':>11} {'cum us/trial':>12}"
    )
    rows = sorted(entries.items(), key=lambda item: item[1][3], reverse=True)
    for (filename, line, name), (_, ncalls, tottime, cumtime, _) in rows[:top]:
        where = _short(filename, line, name)
        print(
            f"{where:<64.64} {ncalls / trials:>11.2f} {100 * cumtime / total:>6.1f} "
            f"{100 * tottime / total:>6.1f} {cumtime / ncalls * 1e6:>11.2f} "
            f"{cumtime / trials * 1e6:>12.2f}"
        )


def _short(filename: str, line: int, name: str) -> str:
    if filename == "~":
        return name
    if "/tunesmith/" in filename:
        filename = "tunesmith/" + filename.rsplit("/tunesmith/", 1)[1]
    elif filename == str(Path(__file__).resolve()):
        filename = "bench/overhead.py"
    else:
        for marker in ("site-packages/", "/lib/python3"):
            if marker in filename:
                filename = filename.split(marker, 1)[1]
                break
    return f"{filename}:{line}({name})"


# --- the whole benchmark ----------------------------------------------------------------


def plan(args: argparse.Namespace) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The timed configurations (each run ``repeats`` times) and the memory configurations."""
    timed: list[dict[str, Any]] = []
    memory: list[dict[str, Any]] = []
    sizes = [args.quick_trials] if args.quick else args.sizes
    storages = args.storages

    def config(library: str, storage: str, n_params: int, n_trials: int, loop: str, **extra: Any):
        return dict(
            library=library,
            storage=storage,
            n_params=n_params,
            n_trials=n_trials,
            loop=loop,
            sqlite_settings=extra.pop("sqlite_settings", "default"),
            tmpdir=args.tmpdir,
            clock=args.clock,
            **extra,
        )

    for n_params in (3, 10):
        for storage in storages:
            for n_trials in sizes:
                for loop in ("optimize", "asktell"):
                    if loop == "asktell" and storage == "sqlite" and n_trials > 1_000:
                        continue  # ask+tell by hand on SQLite: 1,000 trials are enough
                    for library in LIBRARIES:
                        cap = args.optuna_sqlite_max_trials
                        if library == "optuna" and storage == "sqlite" and n_trials > cap:
                            continue
                        timed.append(config(library, storage, n_params, n_trials, loop))
        if "sqlite" in storages:
            # The same SQLite settings for both: each library also runs with the other's.
            for library, settings in (("tunesmith", "durable"), ("optuna", "wal-normal")):
                timed.append(
                    config(
                        library, "sqlite", n_params, sizes[0], "optimize", sqlite_settings=settings
                    )
                )
        if args.memory:
            for library in LIBRARIES:
                memory.append(
                    config(library, "memory", n_params, sizes[-1], "optimize", tracemalloc=True)
                )
    return timed, memory


def snapshot_source(ref: str, into: Path) -> dict[str, str]:
    """Copy tunesmith's source as it is now (``worktree``) or at a git ref into ``into``.

    The workers import this copy, so every configuration measures the same code even if
    someone edits src/ while the benchmark runs.
    """
    repo = HERE.parent
    if ref == "worktree":
        shutil.copytree(
            repo / "src" / "tunesmith",
            into / "tunesmith",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    else:
        archive = subprocess.run(
            ["git", "-C", str(repo), "archive", "--format=tar", ref, "src/tunesmith"],
            capture_output=True,
            check=True,
        )
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(into, **safe)
        shutil.move(into / "src" / "tunesmith", into / "tunesmith")
    digest = hashlib.sha256()
    for path in sorted((into / "tunesmith").rglob("*.py")):
        digest.update(str(path.relative_to(into)).encode() + b"\0" + path.read_bytes())
    return {
        "ref": ref,
        "commit": _git("rev-parse", "--short", "HEAD" if ref == "worktree" else ref),
        "worktree_src_modified": str(bool(_git("status", "--porcelain", "--", "src"))),
        "sha256": digest.hexdigest()[:16],
    }


def _git(*args: str) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(HERE.parent), *args], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    names = ("tunesmith", "optuna", "numpy", "scipy", "SQLAlchemy", "alembic")
    found = {name: version(name) for name in names}
    import sqlite3

    found["sqlite3 (library)"] = sqlite3.sqlite_version
    return found


def main_run(args: argparse.Namespace) -> None:
    timed, memory = plan(args)
    repeats = 1 if args.quick else args.repeats
    source_dir = Path(tempfile.mkdtemp(prefix="bench-tunesmith-src-"))
    try:
        source = snapshot_source(args.ref, source_dir)
        _run_all(args, timed, memory, repeats, source, source_dir)
    finally:
        shutil.rmtree(source_dir, ignore_errors=True)


def _run_all(
    args: argparse.Namespace,
    timed: list[dict[str, Any]],
    memory: list[dict[str, Any]],
    repeats: int,
    source: dict[str, str],
    source_dir: Path,
) -> None:
    meta = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "versions": _versions(),
        "tunesmith_source": source,
        "repeats": repeats,
        "warmup_trials": WARMUP_TRIALS,
        "objective_us": {n: objective_cost_us(n) for n in (3, 10)},
        "load_at_start": os.getloadavg(),
        "clock": args.clock,
    }
    _log(f"{len(timed)} timed configurations x {repeats} repeats, {len(memory)} memory runs")
    results: list[dict[str, Any]] = []
    started = time.monotonic()
    for repeat in range(repeats):
        for config in timed:
            result = run_in_subprocess(config, source_dir)
            result["repeat"] = repeat
            results.append(result)
            _log(
                f"[{time.monotonic() - started:7.1f}s] rep {repeat} {_label(config):<44} "
                f"{result['ms_per_trial']:9.4f} ms/trial  last tenth "
                f"{result['last_chunk_ms_per_trial']:9.4f}"
            )
    for config in memory:
        result = run_in_subprocess(config, source_dir)
        results.append(result)
        _log(
            f"[{time.monotonic() - started:7.1f}s] tracemalloc {_label(config):<36} "
            f"{result['traced_peak_bytes'] / result['n_trials']:9.0f} B/trial peak"
        )
    meta["load_at_end"] = os.getloadavg()
    meta["wall_seconds"] = time.monotonic() - started
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = Path(args.out) if args.out else HERE / "out" / f"overhead-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "results": results}, indent=1))
    _log(f"raw results: {out}")
    print(report(meta, results))


def _label(config: dict[str, Any]) -> str:
    settings = config.get("sqlite_settings", "default")
    storage = config["storage"] + ("" if settings == "default" else f"({settings})")
    return (
        f"{config['library']} {storage} {config['n_params']}p {config['n_trials']} {config['loop']}"
    )


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the report -------------------------------------------------------------------------


def _median(results: Iterable[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in results]
    return statistics.median(values) if values else None


def _pick(results: list[dict[str, Any]], **wanted: Any) -> list[dict[str, Any]]:
    return [
        r
        for r in results
        if "traced_peak_bytes" not in r and all(r[k] == v for k, v in wanted.items())
    ]


def _spread(results: list[dict[str, Any]], key: str) -> str:
    """``median (min-max)`` of a key over repeats, in ms, or the value alone for one run."""
    values = [r[key] for r in results]
    if not values:
        return "not run"
    if len(values) == 1:
        return _fmt(values[0], 4)
    return f"{_fmt(statistics.median(values), 4)} ({_fmt(min(values), 4)}-{_fmt(max(values), 4)})"


def _per(value: float | None, n: int) -> float | None:
    return None if value is None else value / n


def _fmt(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "not run"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def report(meta: dict[str, Any], results: list[dict[str, Any]]) -> str:
    """Markdown tables: per-trial time, trials/s, growth, memory, and the three targets."""
    lines: list[str] = []
    add = lines.append
    sizes = sorted({r["n_trials"] for r in results if "traced_peak_bytes" not in r})
    params = sorted({r["n_params"] for r in results})
    add(
        f"ms per trial = wall time of the run / trials: median of {meta['repeats']} runs "
        "(min-max in brackets); trials/s, ratios and the last tenth from the medians."
    )
    add("")
    checks: dict[str, list[float]] = {"memory": [], "sqlite": [], "bytes": []}
    for storage in ("memory", "sqlite"):
        for loop in ("optimize", "asktell"):
            rows = []
            for n_params in params:
                for n_trials in sizes:
                    cells = {
                        lib: _pick(
                            results,
                            library=lib,
                            storage=storage,
                            loop=loop,
                            n_params=n_params,
                            n_trials=n_trials,
                            sqlite_settings="default",
                        )
                        for lib in LIBRARIES
                    }
                    if not cells["tunesmith"]:
                        continue
                    ts_ms = _median(cells["tunesmith"], "ms_per_trial")
                    op_ms = _median(cells["optuna"], "ms_per_trial")
                    ts_last = _median(cells["tunesmith"], "last_chunk_ms_per_trial")
                    op_last = _median(cells["optuna"], "last_chunk_ms_per_trial")
                    ratio = ts_ms / op_ms if ts_ms and op_ms else None
                    speedup = op_ms / ts_ms if ts_ms and op_ms else None
                    if ratio is not None and loop == "optimize":
                        checks[storage].append(ratio if storage == "memory" else speedup)
                    rows.append(
                        f"| {n_params} | {n_trials:,} | "
                        f"{_spread(cells['tunesmith'], 'ms_per_trial')} | "
                        f"{_spread(cells['optuna'], 'ms_per_trial')} | "
                        f"{_fmt(ratio)} | {_fmt(1e3 / ts_ms if ts_ms else None, 0)} | "
                        f"{_fmt(1e3 / op_ms if op_ms else None, 0)} | {_fmt(speedup, 1)} | "
                        f"{_fmt(ts_last, 4)} | {_fmt(op_last, 4)} |"
                    )
            if not rows:
                continue
            shape = "`study.optimize`" if loop == "optimize" else "`ask` + `tell` by hand"
            add(f"#### {'SQLite' if storage == 'sqlite' else 'Memory'} storage, {shape}")
            add("")
            add(
                "| params | trials | tunesmith ms/trial | Optuna ms/trial | ratio (ts/Optuna) "
                "| tunesmith trials/s | Optuna trials/s | speed-up | tunesmith ms/trial, "
                "last tenth | Optuna ms/trial, last tenth |"
            )
            add("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            lines.extend(rows)
            add("")
    settings_rows = []
    for n_params in params:
        for n_trials in sizes:
            found = {
                (lib, settings): _median(
                    _pick(
                        results,
                        library=lib,
                        storage="sqlite",
                        loop="optimize",
                        n_params=n_params,
                        n_trials=n_trials,
                        sqlite_settings=settings,
                    ),
                    "ms_per_trial",
                )
                for lib, settings in (
                    ("tunesmith", "default"),
                    ("tunesmith", "durable"),
                    ("optuna", "default"),
                    ("optuna", "wal-normal"),
                )
            }
            if found["tunesmith", "durable"] is None or found["optuna", "wal-normal"] is None:
                continue
            ts_normal, ts_full = found["tunesmith", "default"], found["tunesmith", "durable"]
            op_full, op_normal = found["optuna", "default"], found["optuna", "wal-normal"]
            normal = op_normal / ts_normal if ts_normal and op_normal else None
            full = op_full / ts_full if ts_full and op_full else None
            settings_rows.append(
                f"| {n_params} | {n_trials:,} | {_fmt(ts_normal, 4)} | {_fmt(op_normal, 4)} | "
                f"{_fmt(normal, 1)} | {_fmt(ts_full, 4)} | {_fmt(op_full, 4)} | {_fmt(full, 1)} |"
            )
    if settings_rows:
        add("#### SQLite with the same settings for both, `study.optimize`")
        add("")
        add(
            "| params | trials | tunesmith ms/trial, WAL + NORMAL (its default) | Optuna "
            "ms/trial, WAL + NORMAL | speed-up | tunesmith ms/trial, WAL + FULL (`durable=1`) "
            "| Optuna ms/trial, rollback journal + FULL (its default) | speed-up |"
        )
        add("|---:|---:|---:|---:|---:|---:|---:|---:|")
        lines.extend(settings_rows)
        add("")
    memory_rows = []
    for n_params in params:
        cells = {
            lib: [
                r
                for r in results
                if "traced_peak_bytes" in r and r["library"] == lib and r["n_params"] == n_params
            ]
            for lib in LIBRARIES
        }
        if not cells["tunesmith"] or not cells["optuna"]:
            continue
        ts_r, op_r = cells["tunesmith"][0], cells["optuna"][0]
        n = ts_r["n_trials"]
        ts_b, op_b = ts_r["traced_peak_bytes"] / n, op_r["traced_peak_bytes"] / n
        ts_k, op_k = ts_r["traced_retained_bytes"] / n, op_r["traced_retained_bytes"] / n
        rss = {
            lib: _median(
                _pick(
                    results,
                    library=lib,
                    storage="memory",
                    loop="optimize",
                    n_params=n_params,
                    n_trials=n,
                ),
                "peak_rss_growth_bytes",
            )
            for lib in LIBRARIES
        }
        checks["bytes"].append(ts_b / op_b)
        memory_rows.append(
            f"| {n_params} | {n:,} | {ts_b:,.0f} | {op_b:,.0f} | {ts_b / op_b:.3f} | "
            f"{ts_k:,.0f} | {op_k:,.0f} | {_fmt(_per(rss['tunesmith'], n), 0)} | "
            f"{_fmt(_per(rss['optuna'], n), 0)} |"
        )
    if memory_rows:
        add("#### Memory per trial, in-memory storage, `study.optimize`")
        add("")
        add(
            "| params | trials | tunesmith B/trial (tracemalloc peak) | Optuna B/trial "
            "(tracemalloc peak) | ratio | tunesmith B/trial retained | Optuna B/trial retained "
            "| tunesmith peak-RSS growth / trial (timed runs) | Optuna peak-RSS growth / trial "
            "(timed runs) |"
        )
        add("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        lines.extend(memory_rows)
        add("")
    add("#### Targets")
    add("")
    add("| target | worst measured | met? |")
    add("|---|---:|---|")
    targets = (
        ("memory", "in-memory overhead <= 1/3 of Optuna's (ratio ts/Optuna)", max, 1 / 3, "<="),
        ("sqlite", "SQLite trials/s >= 10x Optuna's (speed-up)", min, 10.0, ">="),
        ("bytes", "memory per trial <= 1/2 of Optuna's (ratio ts/Optuna)", max, 0.5, "<="),
    )
    for key, text, worst, bound, op in targets:
        values = checks[key]
        if not values:
            add(f"| {text} | not run | - |")
            continue
        value = worst(values)
        met = value <= bound if op == "<=" else value >= bound
        add(f"| {text} | {value:.3f} | {'yes' if met else '**no**'} |")
    return "\n".join(lines)


# --- entry point ------------------------------------------------------------------------


def _storages(text: str) -> list[str]:
    names = text.split(",")
    unknown = set(names) - {"memory", "sqlite"}
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown storage {', '.join(sorted(unknown))}")
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one short run of each cell")
    parser.add_argument("--quick-trials", type=int, default=200, help="trials with --quick")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each timed cell")
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1_000, 10_000],
        help="trials per study, comma-separated (default 1000,10000)",
    )
    parser.add_argument(
        "--storages",
        type=_storages,
        default=["memory", "sqlite"],
        help="memory, sqlite or both (default memory,sqlite)",
    )
    parser.add_argument(
        "--no-memory",
        dest="memory",
        action="store_false",
        help="skip the tracemalloc runs",
    )
    parser.add_argument(
        "--optuna-sqlite-max-trials",
        type=int,
        default=10_000,
        help="largest study run on Optuna's SQLite storage (about 25 ms per 10-parameter "
        "trial here: 10,000 trials take 5 minutes); larger ones are reported as not run",
    )
    parser.add_argument(
        "--ref",
        default="worktree",
        help="tunesmith source to measure: 'worktree' (src/ as it is at the start, the "
        "default) or a git ref such as HEAD; copied once, so edits during the run do not mix in",
    )
    parser.add_argument("--tmpdir", default=None, help="where the SQLite files go")
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="time per trial as wall-clock time, or as this process's CPU time (for a "
        "machine other programs load: in memory, a trial's time is all CPU)",
    )
    parser.add_argument("--out", default=None, help="raw results (JSON); default bench/out/")
    parser.add_argument("--report", metavar="JSON", help="print the tables of a saved run")
    parser.add_argument("--profile", choices=LIBRARIES, help="cProfile ask+tell and exit")
    parser.add_argument("--profile-params", type=int, default=10)
    parser.add_argument("--profile-trials", type=int, default=10_000)
    parser.add_argument("--profile-top", type=int, default=40)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
    elif args.profile:
        with tempfile.TemporaryDirectory(prefix="bench-tunesmith-src-") as directory:
            source = snapshot_source(args.ref, Path(directory))
            sys.path.insert(0, directory)
            print(f"# tunesmith source: {source}")
            profile(args.profile, args.profile_params, args.profile_trials, args.profile_top)
    elif args.report:
        saved = json.loads(Path(args.report).read_text())
        print(report(saved["meta"], saved["results"]))
    else:
        main_run(args)


if __name__ == "__main__":
    main()
