"""One trial loop, three places to run it: the same scenarios in this process, in worker
processes (``n_jobs=2``) and as tasks on a Dask cluster, with the same trials expected."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import tunesmith as ts

distributed = pytest.importorskip("distributed")

RUNNERS = ["here", "processes", "dask"]


@pytest.fixture(scope="module")
def cluster_client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(params=RUNNERS)
def run(request, cluster_client):
    """``run(study, objective, **options)``: optimize in the runner's way."""
    where = {"here": {}, "processes": {"n_jobs": 2}, "dask": {"client": cluster_client}}

    def optimize(study: ts.Study, objective, **options) -> None:
        study.optimize(objective, **where[request.param], **options)

    optimize.runner = request.param  # type: ignore[attr-defined]
    return optimize


def _study(tmp_path: Path, **kwargs) -> ts.Study:
    return ts.create_study(storage=f"sqlite:///{tmp_path / 'runs.db'}", seed=3, **kwargs)


def _x(trial: ts.Trial) -> float:
    time.sleep(0.02)
    return trial.suggest_float("x", 0.0, 4.0)


def _settled(study: ts.Study) -> list[ts.FrozenTrial]:
    """The trials once none is RUNNING: a Dask task cancelled while it ran still ends
    its trial, a moment after optimize has returned (its result is not lost)."""
    deadline = time.monotonic() + 30
    while any(t.state is ts.TrialState.RUNNING for t in study.trials):
        assert time.monotonic() < deadline, "a trial stayed RUNNING"
        time.sleep(0.05)
    return study.trials


def _states(study: ts.Study) -> list[str]:
    return [trial.state.name for trial in study.trials]


def test_a_grid_stops_when_done_without_repeating_a_point(tmp_path, run):
    study = _study(tmp_path, sampler=ts.GridSampler({"x": [1.0, 2.0, 3.0]}))
    run(study, _x, n_trials=8)
    xs = sorted(trial.params["x"] for trial in study.trials)
    if run.runner == "here":
        assert xs == [1.0, 2.0, 3.0]
    else:
        # every point; two workers that start a trial at the same moment when one point is
        # left can both take it (a known race, at most once: 8 trials with repeats before)
        assert sorted(set(xs)) == [1.0, 2.0, 3.0] and len(xs) <= 4
    assert set(_states(study)) == {"COMPLETE"}


def test_a_trial_budget_runs_exactly_that_many_trials(tmp_path, run):
    study = _study(tmp_path, sampler="random")
    run(study, _x, n_trials=6)
    assert _states(study) == ["COMPLETE"] * 6


def test_a_time_budget_starts_no_trial_after_it(tmp_path, run):
    study = _study(tmp_path, sampler="random")
    started = time.time()
    run(study, _x, timeout=1.0)
    trials = study.trials
    assert trials and all(trial.state is ts.TrialState.COMPLETE for trial in trials)
    assert all(trial.started_at <= started + 1.0 + 0.5 for trial in trials)


def _slow_x(trial: ts.Trial) -> float:
    time.sleep(0.4)
    return _x(trial)


def test_a_task_queued_past_the_time_budget_starts_no_trial(tmp_path):
    # One process and a window of 2 x CPUs tasks: those queued behind the first trials
    # start past the 1 s budget, and used to run a trial each all the same.
    study = _study(tmp_path, sampler="random")
    started = time.time()
    with concurrent.futures.ProcessPoolExecutor(1) as pool:
        study.optimize(_slow_x, client=pool, timeout=1.0)
    starts = [trial.started_at - started for trial in study.trials]
    assert starts and max(starts) < 1.0 + 0.5, starts


def test_stop_from_a_callback_ends_the_run_with_nothing_left_running(tmp_path, run):
    study = _study(tmp_path, sampler="random")

    def stop_after_three(study: ts.Study, trial: ts.FrozenTrial) -> None:
        if sum(t.state is ts.TrialState.COMPLETE for t in study.trials) >= 3:
            study.stop()

    run(study, _x, n_trials=60, callbacks=[stop_after_three])
    states = _states(study)
    # the trials already running when stop() was called end normally, and those finished
    # before the callback saw them; no new one starts once it has
    assert set(states) == {"COMPLETE"}
    assert len(states) == 3 if run.runner == "here" else 3 <= len(states) <= 15


def _fails_at_two(trial: ts.Trial) -> float:
    x = _x(trial)
    if trial.number == 2:
        raise ValueError("diverged at trial 2")
    return x


def test_an_objective_error_fails_its_trial_and_reaches_the_caller(tmp_path, run):
    study = _study(tmp_path, sampler="random")
    with pytest.raises(ValueError, match="diverged at trial 2"):
        run(study, _fails_at_two, n_trials=30)
    trials = _settled(study)
    assert trials[2].state is ts.TrialState.FAIL and trials[2].failure is ts.Failure.OBJECTIVE
    assert "ValueError: diverged at trial 2" in (trials[2].reason or "")
    assert len(trials) < 30


def test_a_caught_error_fails_the_trial_and_the_run_goes_on(tmp_path, run):
    study = _study(tmp_path, sampler="random")
    run(study, _fails_at_two, n_trials=5, catch=(ValueError,))
    assert _states(study).count("FAIL") == 1 and len(study.trials) == 5


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    import tunesmith as ts

    def objective(trial):
        x = trial.suggest_float("x", 0.0, 4.0) + trial.suggest_int("n", 1, 9)
        if trial.number == 0:  # the first trial: nothing proposed, all sampled as asked
            os.kill(os.getpid(), signal.SIGKILL)
        return x

    study = ts.load_study(study_name="s", storage=sys.argv[1])
    study.lease_seconds = 1.0
    study.optimize(objective, n_trials=5, retries=1)
    """
)


def _dies_at_one(marker: Path):
    def objective(trial: ts.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 4.0) + trial.suggest_int("n", 1, 9)
        # the first trial (nothing proposed: its parameters are sampled as it asks)
        if trial.number == 0 and not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)  # its worker dies mid-trial
        time.sleep(0.02)
        return x

    return objective


def test_a_killed_worker_s_trial_is_failed_and_rerun_with_its_parameters(tmp_path, run):
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    study = ts.create_study(storage=url, study_name="s", sampler="random", seed=3)
    objective = _dies_at_one(tmp_path / "killed")
    if run.runner == "here":
        # this process is the worker: a process like it dies, and a later run in this one
        # notices (the lease runs out) and retries
        script = tmp_path / "killer.py"
        script.write_text(KILLER)
        subprocess.run([sys.executable, str(script), url], timeout=120, check=False)
        (tmp_path / "killed").touch()
        time.sleep(1.2)
        study = ts.load_study(study_name="s", storage=url)
        run(study, objective, n_trials=1)
    else:
        study.lease_seconds = 1.0
        run(study, objective, n_trials=6, retries=1)
    trials = _settled(study)
    dead = trials[0]
    assert dead.state is ts.TrialState.FAIL and dead.failure is ts.Failure.WORKER_LOST
    # its parameters reached the storage while it ran, and the retry ran exactly those
    assert set(dead.params) == {"x", "n"}
    retry = [t for t in trials if t.notes.get("retry_of") == 0]
    assert len(retry) == 1 and retry[0].params == dead.params
    assert retry[0].state is ts.TrialState.COMPLETE


def test_a_grid_on_a_process_pool_executor_runs_each_point_once(tmp_path):
    study = _study(tmp_path, sampler=ts.GridSampler({"x": [1.0, 2.0, 3.0]}))
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        study.optimize(_x, n_trials=8, client=pool)
    assert sorted(trial.params["x"] for trial in study.trials) == [1.0, 2.0, 3.0]
