"""Parallel throughput: finished trials per second with 1-16 workers on one study.

What is measured (one cell per library × storage × way of running × objective × workers):

- two objectives with the same three parameters (``suggest_float``, ``suggest_int``,
  ``suggest_categorical``): one that sleeps 0.1 s (the CPU is idle while it runs, so k
  workers can ideally finish k / 0.1 s trials per second even on 2 cores) and one that
  returns at once (0 s: the cost is all library and storage, and more workers than cores
  cannot help);
- 1, 2, 4, 8 and 16 workers, each a separate OS process running the same loop against
  one study in a shared storage;
- tunesmith on SQLite and on PostgreSQL, run two ways: ``study.optimize(objective,
  n_trials=N, n_jobs=k)`` in one process (it forks k workers), and k separate processes
  each running ``ts.load_study(...).optimize(objective, n_trials=N/k)``; optionally the
  in-memory study served to ``n_jobs`` workers;
- Optuna (random sampler too: this is about storage and parallel overhead, not sampling)
  as k processes each running ``optuna.load_study(...).optimize(objective,
  n_trials=N/k)``, against its RDB storage on SQLite (``sqlite:///...``), its journal
  storage on a file (``JournalStorage(JournalFileBackend(path))``) and its RDB storage on
  PostgreSQL (``postgresql+psycopg://...``).

How:

- **Budget**: sleeping objective, a fixed number of trials, ``--trials-per-worker`` (30)
  per worker (each process of k runs 30; ``n_jobs=k`` shares 30·k), so a cell ideally
  takes 3 s whatever k; 0 s objective, a time window: every loop runs with
  ``timeout=--window`` (4 s) and the trials it finished are counted.
- **Timing**: every worker process imports its library, runs a 5-trial warm-up study in
  memory (lazy imports, first-use caches), opens the study, says it is ready and waits.
  The clock starts when all are ready and the driver tells them to go, and stops when the
  last one's ``optimize`` returns. trials/s = COMPLETE trials in the study / that time.
  With ``n_jobs=k`` the one process is the worker the driver waits for, so forking the k
  workers and joining them is inside the time.
- **Fresh storage per cell**: a new SQLite or journal file in a new temporary directory,
  a new PostgreSQL database. The study is created by the driver, untimed.
- **PostgreSQL**: a throwaway server started for the run by ``tests/postgres_server.py``
  (initdb into a temporary directory, ``fsync=off``, on 127.0.0.1), the same for both
  libraries. Needs ``psycopg`` (in bench/requirements.txt) and PostgreSQL's server
  binaries (``apt-get install postgresql``); ``--storages`` without postgres skips it.
- **Order**: per repeat, per objective, per worker count, the configurations in turn
  (libraries interleaved), one cell at a time; the table shows the median over repeats.
- **Pinned source** (``--ref``), as in the other benchmarks: workers import a copy of
  ``src/tunesmith`` taken at the start.

Usage (from the repository root)::

    bench/.venv/bin/python bench/throughput.py --quick          # smoke run, about 2 minutes
    bench/.venv/bin/python bench/throughput.py --ref HEAD       # the full run (RESULTS.md)
    bench/.venv/bin/python bench/throughput.py --report bench/out/throughput.json
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CHOICES = ("relu", "tanh", "sigmoid")
WARMUP_TRIALS = 5
CELL_TIMEOUT = 300.0

#: (library, storage, how): how = "n_jobs" (one optimize call forking k workers) or
#: "processes" (k separate processes, each loading the study and calling optimize).
CONFIGS: tuple[tuple[str, str, str], ...] = (
    ("tunesmith", "sqlite", "n_jobs"),
    ("tunesmith", "sqlite", "processes"),
    ("optuna", "sqlite", "processes"),
    ("optuna", "journal", "processes"),
    ("tunesmith", "postgres", "n_jobs"),
    ("tunesmith", "postgres", "processes"),
    ("optuna", "postgres", "processes"),
    ("tunesmith", "memory", "n_jobs"),
)
STORAGE_NAMES = {
    ("tunesmith", "sqlite"): "SQLite",
    ("tunesmith", "postgres"): "PostgreSQL",
    ("tunesmith", "memory"): "in memory (served)",
    ("optuna", "sqlite"): "RDB, SQLite",
    ("optuna", "journal"): "journal file",
    ("optuna", "postgres"): "RDB, PostgreSQL",
}


# --- the objective (identical for both libraries) ---------------------------------------


def make_objective(sleep: float) -> Any:
    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", -5.0, 5.0)
        k = trial.suggest_int("k", 0, 10)
        c = trial.suggest_categorical("c", CHOICES)
        if sleep:
            time.sleep(sleep)
        return x * x + k * k + CHOICES.index(c)

    return objective


# --- a worker process -------------------------------------------------------------------


def _optuna_storage(kind: str, url: str) -> Any:
    import optuna

    if kind == "journal":
        return optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(url))
    return url


def worker(config: dict[str, Any]) -> dict[str, Any]:
    """One worker process: warm up, open the study, wait for "go", optimize, report."""
    library, storage = config["library"], config["storage"]
    objective = make_objective(config["sleep"])
    warm = make_objective(0.0)
    if library == "tunesmith":
        import tunesmith as ts

        ts.create_study(sampler="random").optimize(warm, n_trials=WARMUP_TRIALS, progress_bar=False)
        if storage == "memory":
            study = ts.create_study(sampler="random", study_name=config["study"])
        else:
            study = ts.load_study(
                study_name=config["study"], storage=config["url"], sampler="random"
            )

        def run() -> None:
            study.optimize(
                objective,
                n_trials=config["n_trials"],
                timeout=config["timeout"],
                n_jobs=config["n_jobs"],
                progress_bar=False,
            )

    else:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        sampler = optuna.samplers.RandomSampler
        optuna.create_study(sampler=sampler()).optimize(warm, n_trials=WARMUP_TRIALS)
        study = optuna.load_study(
            study_name=config["study"],
            storage=_optuna_storage(storage, config["url"]),
            sampler=sampler(),
        )

        def run() -> None:
            study.optimize(objective, n_trials=config["n_trials"], timeout=config["timeout"])

    print("ready", flush=True)
    sys.stdin.readline()
    start = time.time()
    error = None
    try:
        run()
    except Exception as exc:  # reported, and the cell is marked
        error = f"{type(exc).__name__}: {exc}"
    end = time.time()
    result: dict[str, Any] = {"start": start, "end": end, "error": error, "pid": os.getpid()}
    if storage == "memory":
        result["states"] = _states(study)
    result["module"] = sys.modules[library].__file__
    return result


def _states(study: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for trial in study.trials:
        counts[trial.state.name] = counts.get(trial.state.name, 0) + 1
    return counts


# --- the driver -------------------------------------------------------------------------


def _create_study(library: str, storage: str, url: str, name: str) -> None:
    if library == "tunesmith":
        import tunesmith as ts

        ts.create_study(storage=url, study_name=name, sampler="random")
    else:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        optuna.create_study(storage=_optuna_storage(storage, url), study_name=name)


def _count_states(library: str, storage: str, url: str, name: str) -> dict[str, int]:
    if library == "tunesmith":
        import tunesmith as ts

        return _states(ts.load_study(study_name=name, storage=url))
    import optuna

    study = optuna.load_study(study_name=name, storage=_optuna_storage(storage, url))
    counts: dict[str, int] = {}
    for trial in study.get_trials(deepcopy=False):
        counts[trial.state.name] = counts.get(trial.state.name, 0) + 1
    return counts


def run_cell(
    cell: dict[str, Any], source_dir: Path, postgres_admin: str | None, index: int
) -> dict[str, Any]:
    library, storage, how, workers = cell["library"], cell["storage"], cell["how"], cell["workers"]
    directory = tempfile.mkdtemp(prefix="bench-throughput-")
    name = f"cell{index}"
    logs: list[Any] = []  # the workers' stderr
    try:
        if storage == "sqlite":
            url = "sqlite:///" + os.path.join(directory, "study.db")
        elif storage == "journal":
            url = os.path.join(directory, "journal.log")
        elif storage == "postgres":
            from tests.postgres_server import create_database

            assert postgres_admin is not None
            url = create_database(postgres_admin, f"bench_{index}_{os.getpid()}")
            if library == "optuna":
                url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        else:
            url = ""
        if storage != "memory":
            _create_study(library, storage, url, name)
        sleeping = cell["objective"] == "sleep"
        processes = workers if how == "processes" else 1
        config = {
            "library": library,
            "storage": storage,
            "url": url,
            "study": name,
            "sleep": cell["sleep"] if sleeping else 0.0,
            "n_jobs": workers if how == "n_jobs" else 1,
            "n_trials": (cell["trials_per_worker"] * (workers // processes)) if sleeping else None,
            "timeout": None if sleeping else cell["window"],
        }
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source_dir), env.get("PYTHONPATH")]))
        env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(config)]
        for i in range(processes):
            logs.append(open(os.path.join(directory, f"worker{i}.err"), "w+"))  # noqa: SIM115
        procs = [
            subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                env=env,
            )
            for log in logs
        ]
        try:
            for proc in procs:
                assert proc.stdout is not None
                line = proc.stdout.readline()
                if line.strip() != "ready":
                    proc.wait()
                    raise RuntimeError(f"a worker failed to start: {line}{_tail(logs)}")
        except BaseException:
            for proc in procs:
                proc.kill()
                proc.wait()
            raise
        load = os.getloadavg()[0]
        go = time.time()
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        reports = []
        deadline = time.monotonic() + CELL_TIMEOUT
        for proc in procs:
            try:
                out, _ = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                for other in procs:
                    other.kill()
                    other.wait()
                raise RuntimeError(f"workers still running after {CELL_TIMEOUT:.0f} s") from None
            if proc.returncode != 0:
                raise RuntimeError(f"a worker exited {proc.returncode}:\n{_tail(logs)}")
            reports.append(json.loads(out.strip().splitlines()[-1]))
        seconds = max(r["end"] for r in reports) - go
        states = (
            reports[0]["states"]
            if storage == "memory"
            else _count_states(library, storage, url, name)
        )
        complete = states.get("COMPLETE", 0)
        result = dict(cell)
        result.update(
            seconds=seconds,
            complete=complete,
            states=states,
            trials_per_second=complete / seconds,
            errors=[r["error"] for r in reports if r["error"]],
            stderr=_tail(logs, 500),
            start_spread=max(r["start"] for r in reports) - go,
            load_at_start=load,
            module=reports[0]["module"],
        )
        return result
    finally:
        for log in logs:
            log.close()
        shutil.rmtree(directory, ignore_errors=True)


def _tail(logs: list[Any], size: int = 2000) -> str:
    """The end of the workers' stderr (the first that wrote any)."""
    for log in logs:
        log.flush()
        log.seek(0)
        text = log.read().strip()
        if text:
            return text[-size:]
    return ""


def plan(args: argparse.Namespace) -> list[dict[str, Any]]:
    cells = []
    for objective in args.objectives:
        for workers in args.workers:
            for library, storage, how in CONFIGS:
                if storage not in args.storages or how not in args.how:
                    continue
                if library not in args.libraries:
                    continue
                cells.append(
                    {
                        "library": library,
                        "storage": storage,
                        "how": how,
                        "objective": objective,
                        "workers": workers,
                        "sleep": args.sleep,
                        "trials_per_worker": args.trials_per_worker,
                        "window": args.window,
                    }
                )
    return cells


@contextlib.contextmanager
def _postgres(wanted: bool) -> Iterator[tuple[str | None, str | None]]:
    if not wanted:
        yield None, None
        return
    sys.path.insert(0, str(REPO))
    from tests.postgres_server import postgres_server

    with postgres_server() as admin:
        import psycopg

        with psycopg.connect(admin) as connection:
            row = connection.execute("SHOW server_version").fetchone()
        yield admin, None if row is None else str(row[0])


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("tunesmith", "optuna", "numpy", "SQLAlchemy", "psycopg", "psycopg-binary"):
        with contextlib.suppress(PackageNotFoundError):
            found[name] = version(name)
    import sqlite3

    found["sqlite3 (library)"] = sqlite3.sqlite_version
    return found


def main_run(args: argparse.Namespace) -> None:
    from overhead import snapshot_source

    cells = plan(args)
    out = Path(args.out) if args.out else HERE / "out" / "throughput.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    source_dir = Path(tempfile.mkdtemp(prefix="bench-tunesmith-src-"))
    try:
        source = snapshot_source(args.ref, source_dir)
        sys.path.insert(0, str(source_dir))  # the driver creates and counts with the same copy
        with _postgres("postgres" in args.storages) as (admin, pg_version):
            meta = {
                "command": " ".join([Path(sys.executable).name, *sys.argv]),
                "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
                "versions": _versions(),
                "postgres_server": pg_version,
                "tunesmith_source": source,
                "repeats": args.repeats,
                "load_at_start": os.getloadavg(),
            }
            _log(f"{len(cells)} cells x {args.repeats} repeats")
            results = []
            started = time.monotonic()
            index = 0
            for repeat in range(args.repeats):
                for cell in cells:
                    index += 1
                    try:
                        result = run_cell(cell, source_dir, admin, index)
                    except Exception as exc:  # the cell failed; the run goes on
                        _log(f"rep {repeat} {_label(cell)} FAILED: {exc}")
                        results.append(dict(cell, repeat=repeat, failed=str(exc)))
                        continue
                    result["repeat"] = repeat
                    results.append(result)
                    _log(
                        f"[{time.monotonic() - started:7.1f}s] rep {repeat} {_label(cell):<46} "
                        f"{result['trials_per_second']:9.1f} trials/s  "
                        f"{result['complete']:6d} in {result['seconds']:6.2f} s  "
                        f"load {result['load_at_start']:.2f}"
                        + (f"  ERRORS {result['errors'][:1]}" if result["errors"] else "")
                    )
                    out.write_text(json.dumps({"meta": meta, "results": results}, indent=1))
            meta["load_at_end"] = os.getloadavg()
            meta["wall_seconds"] = time.monotonic() - started
    finally:
        shutil.rmtree(source_dir, ignore_errors=True)
    out.write_text(json.dumps({"meta": meta, "results": results}, indent=1))
    _log(f"raw results: {out}")
    print(report(meta, results))


def _label(cell: dict[str, Any]) -> str:
    return (
        f"{cell['library']} {cell['storage']} {cell['how']} {cell['objective']} {cell['workers']}w"
    )


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the report -------------------------------------------------------------------------


def _rate(results: list[dict[str, Any]], **wanted: Any) -> float | None:
    rates = [
        r["trials_per_second"]
        for r in results
        if "failed" not in r and all(r[k] == v for k, v in wanted.items())
    ]
    return statistics.median(rates) if rates else None


def _config_name(library: str, storage: str, how: str) -> str:
    if library == "tunesmith":
        way = "`n_jobs=k`" if how == "n_jobs" else "k processes"
    else:
        way = "k processes"
    return f"{library}, {STORAGE_NAMES[(library, storage)]}, {way}"


def report(meta: dict[str, Any], results: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    add = lines.append
    source = meta["tunesmith_source"]
    add(
        f"# {meta['date']}, tunesmith {source['ref']} = {source['commit']} "
        f"(source {source['sha256']}), {meta['repeats']} repeat(s), load "
        f"{meta['load_at_start'][0]:.2f} at start, {meta.get('load_at_end', [0])[0]:.2f} at "
        f"end, {meta.get('wall_seconds', 0) / 60:.1f} min; PostgreSQL {meta['postgres_server']}"
    )
    add("")
    configs = [
        c for c in CONFIGS if any((r["library"], r["storage"], r["how"]) == c for r in results)
    ]
    workers = sorted({r["workers"] for r in results})
    sleep = next((r["sleep"] for r in results), 0.1)
    for objective in ("sleep", "zero"):
        mine = [r for r in results if r["objective"] == objective]
        if not mine:
            continue
        if objective == "sleep":
            per = mine[0]["trials_per_worker"]
            add(
                f"#### Objective sleeping {sleep:g} s: trials/s (speed-up over 1 worker, % of "
                f"ideal = workers / {sleep:g} s); {per} trials per worker"
            )
        else:
            add(
                f"#### Objective returning at once (0 s): trials/s (speed-up over 1 worker); "
                f"{mine[0]['window']:g} s window"
            )
        add("")
        add("| library, storage, workers as | " + " | ".join(f"{w}" for w in workers) + " |")
        add("|---|" + "---:|" * len(workers))
        for library, storage, how in configs:
            base = _rate(mine, library=library, storage=storage, how=how, workers=1)
            cells = []
            for w in workers:
                rate = _rate(mine, library=library, storage=storage, how=how, workers=w)
                if rate is None:
                    failed = any(
                        "failed" in r
                        and (r["library"], r["storage"], r["how"], r["workers"])
                        == (library, storage, how, w)
                        for r in mine
                    )
                    cells.append("failed" if failed else "-")
                    continue
                text = f"{rate:,.1f}" if rate < 100 else f"{rate:,.0f}"
                extra = []
                if base:
                    extra.append(f"×{rate / base:.2f}")
                if objective == "sleep":
                    extra.append(f"{100 * rate * sleep / w:.0f}%")
                if extra:
                    text += f" ({', '.join(extra)})"
                bad = [
                    r
                    for r in mine
                    if (r["library"], r["storage"], r["how"], r["workers"])
                    == (library, storage, how, w)
                    and ("failed" in r or r["errors"] or set(r["states"]) - {"COMPLETE"})
                ]
                if bad:
                    text += " †"
                cells.append(text)
            add(f"| {_config_name(library, storage, how)} | " + " | ".join(cells) + " |")
        add("")
    problems = [
        r for r in results if "failed" in r or r["errors"] or set(r["states"]) - {"COMPLETE"}
    ]
    if problems:
        add("† cells with errors or trials not COMPLETE:")
        for r in problems:
            if "failed" in r:
                add(f"- rep {r['repeat']} {_label(r)}: failed: {r['failed'][-300:]}")
                continue
            add(f"- rep {r['repeat']} {_label(r)}: states {r['states']}, errors {r['errors'][:2]}")
        add("")
    add(targets(results))
    return "\n".join(lines)


def targets(results: list[dict[str, Any]]) -> str:
    lines = ["#### Targets", "", "| target | cell | measured | met? |", "|---|---|---:|---|"]
    sleep = next((r["sleep"] for r in results), 0.1)
    for storage in ("sqlite", "postgres"):
        rates = {
            how: _rate(results, library="tunesmith", storage=storage, how=how, workers=8,
                       objective="sleep")
            for how in ("n_jobs", "processes")
        }  # fmt: skip
        for how, rate in rates.items():
            if rate is None:
                continue
            share = rate * sleep / 8
            lines.append(
                f"| ≥ 90% of ideal speed-up, 8 workers, {sleep:g} s objective | tunesmith, "
                f"{STORAGE_NAMES[('tunesmith', storage)]}, {how} | {rate:.1f}/s = "
                f"{100 * share:.0f}% of {8 / sleep:.0f}/s | {'yes' if share >= 0.9 else '**no**'} |"
            )
    optuna_rates = {
        storage: _rate(results, library="optuna", storage=storage, workers=4, objective="zero")
        for storage in ("sqlite", "journal", "postgres")
    }
    for storage in ("sqlite", "postgres"):
        for how in ("n_jobs", "processes"):
            rate = _rate(results, library="tunesmith", storage=storage, how=how, workers=4,
                         objective="zero")  # fmt: skip
            if rate is None:
                continue
            for peer, peer_rate in optuna_rates.items():
                if peer_rate is None or (storage == "sqlite" and peer == "postgres"):
                    continue
                if storage == "postgres" and peer != "postgres":
                    continue
                ratio = rate / peer_rate
                lines.append(
                    f"| ≥ 3× Optuna's trials/s, 4 workers, 0 s objective | tunesmith "
                    f"{STORAGE_NAMES[('tunesmith', storage)]} ({how}) against Optuna "
                    f"{STORAGE_NAMES[('optuna', peer)]} | {rate:,.0f} against "
                    f"{peer_rate:,.0f}/s = {ratio:.1f}× | {'yes' if ratio >= 3 else '**no**'} |"
                )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])

    def ints(text: str) -> list[int]:
        return [int(n) for n in text.split(",")]

    def names(text: str) -> list[str]:
        return [n.strip() for n in text.split(",") if n.strip()]

    parser.add_argument("--quick", action="store_true", help="smoke run: 1-4 workers, short")
    parser.add_argument("--workers", type=ints, default=[1, 2, 4, 8, 16])
    parser.add_argument("--objectives", type=names, default=["sleep", "zero"])
    parser.add_argument(
        "--storages",
        type=names,
        default=["sqlite", "journal", "postgres"],
        help="sqlite, journal (Optuna only), postgres, memory (tunesmith n_jobs only; not by "
        "default: with 8 workers it can hang, see RESULTS.md)",
    )
    parser.add_argument("--how", type=names, default=["n_jobs", "processes"])
    parser.add_argument("--libraries", type=names, default=["tunesmith", "optuna"])
    parser.add_argument("--sleep", type=float, default=0.1, help="the sleeping objective's sleep")
    parser.add_argument("--trials-per-worker", type=int, default=30)
    parser.add_argument("--window", type=float, default=4.0, help="seconds, 0 s objective")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--ref", default="worktree", help="tunesmith source: worktree or a git ref")
    parser.add_argument("--out", default=None, help="raw results (JSON)")
    parser.add_argument("--report", metavar="JSON", help="print the tables of a saved run")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
    elif args.report:
        saved = json.loads(Path(args.report).read_text())
        print(report(saved["meta"], saved["results"]))
    else:
        if args.quick:
            args.workers = [w for w in args.workers if w <= 4]
            args.trials_per_worker = 5
            args.window = 1.0
            args.repeats = 1
        main_run(args)


if __name__ == "__main__":
    main()
