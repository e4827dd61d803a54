"""Leases: a killed worker's trial is failed by the others; a live one is never."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import tunesmith as ts

WORKER = textwrap.dedent(
    """
    import sys, time
    import tunesmith as ts
    study = ts.load_study(study_name="s", storage=sys.argv[1], sampler="random")
    study.lease_seconds = float(sys.argv[2])
    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.report(x, 1)
        trial.should_prune()   # the report reaches the storage
        time.sleep(float(sys.argv[3]))
        return x
    study.optimize(objective, n_trials=1, retries=int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    """
)


def _wait_for_running(url, count=1, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = ts.load_study(study_name="s", storage=url).history().running()
        if len(running) >= count and all(t.intermediate_values for t in running):
            return running
        time.sleep(0.05)
    raise AssertionError("the worker never started its trial")


def test_a_killed_workers_trial_fails_within_two_leases_and_the_study_goes_on(tmp_path):
    db = tmp_path / "l.db"
    url = f"sqlite:///{db}"
    ts.create_study(storage=url, study_name="s")
    lease = 1.0
    worker = subprocess.Popen([sys.executable, "-c", WORKER, url, str(lease), "60"])
    try:
        [running] = _wait_for_running(url)
        os.kill(worker.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        worker.wait()
        survivor = ts.load_study(study_name="s", storage=url, sampler="random")
        while survivor.trials[running.number].state is ts.TrialState.RUNNING:
            assert time.monotonic() - killed_at < 2 * lease + 0.5
            time.sleep(0.05)
            survivor = ts.load_study(study_name="s", storage=url, sampler="random")
    finally:
        worker.kill()
    dead = survivor.trials[running.number]
    assert dead.state is ts.TrialState.FAIL and "lease expired" in dead.reason
    assert dead.intermediate_values == {1: running.intermediate_values[1]}  # kept
    survivor.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    states = [t.state for t in survivor.trials]
    assert states.count(ts.TrialState.COMPLETE) == 5 and len(states) == 6
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_live_trial_keeps_its_lease_however_long_it_runs(tmp_path):
    url = f"sqlite:///{tmp_path / 'l.db'}"
    ts.create_study(storage=url, study_name="s")
    lease = 0.5
    worker = subprocess.Popen([sys.executable, "-c", WORKER, url, str(lease), str(4 * lease)])
    _wait_for_running(url)
    other = ts.load_study(study_name="s", storage=url, sampler="random")
    other.lease_seconds = lease
    while worker.poll() is None:  # another worker keeps asking while the long trial runs
        other.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
        time.sleep(0.1)
    assert worker.returncode == 0
    trials = ts.load_study(study_name="s", storage=url).trials
    assert trials[0].state is ts.TrialState.COMPLETE
    assert all(t.state is ts.TrialState.COMPLETE for t in trials)


def test_trials_asked_by_hand_hold_no_lease():
    storage = ts.MemoryStorage()
    study = ts.create_study(storage=storage, study_name="s")
    study.ask()
    assert study.history().running()[0].expires_at is None
    other = ts.load_study(study_name="s", storage=storage)
    other.lease_seconds = 0.01
    time.sleep(0.05)
    other.optimize(lambda t: 1.0, n_trials=1)
    assert other.trials[0].state is ts.TrialState.RUNNING


def test_a_dead_trial_with_retries_left_runs_again_with_its_parameters(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    ts.create_study(storage=url, study_name="s")
    worker = subprocess.Popen([sys.executable, "-c", WORKER, url, "0.5", "60", "1"])
    try:
        [running] = _wait_for_running(url)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        worker.kill()
    time.sleep(0.7)
    survivor = ts.load_study(study_name="s", storage=url, sampler="random")
    survivor.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    dead, retry, fresh = survivor.trials
    assert dead.number == running.number
    assert dead.state is ts.TrialState.FAIL and "lease expired" in dead.reason
    assert retry.notes["retry_of"] == dead.number and retry.params == dead.params
    assert retry.fixed_params == dead.params and retry.state is ts.TrialState.COMPLETE
    assert "retry_of" not in fresh.notes
