"""Faults injected at random points: Ctrl-C anywhere in ask/tell, kill -9 anywhere in a
write, a worker that segfaults. After each, nothing the study was told is lost, nothing
stays RUNNING, and the storage takes the next write. Seeded, so a failure replays."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import tunesmith as ts
from tunesmith.events import Enqueued

pytestmark = pytest.mark.skipif(
    signal.getsignal(signal.SIGINT) is signal.SIG_IGN, reason="SIGINT is ignored here"
)


def _quick(trial: ts.Trial) -> float:
    return trial.suggest_float("x", -1, 1) ** 2 + trial.suggest_int("n", 0, 3)


def _interrupt_after(seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    return timer


def _check_consistent(study: ts.Study, told: int) -> None:
    trials = study.trials
    assert [t.number for t in trials] == list(range(len(trials)))
    assert all(t.state is not ts.TrialState.RUNNING for t in trials)
    assert all(t.failure is ts.Failure.INTERRUPTED for t in trials if t.state.name == "FAIL")
    assert sum(t.state is ts.TrialState.COMPLETE for t in trials) >= told


@pytest.mark.parametrize("storage", ["memory", "sqlite"])
def test_ctrl_c_at_random_points_of_ask_and_tell_loses_nothing(tmp_path: Path, storage) -> None:
    url = None if storage == "memory" else f"sqlite:///{tmp_path / 'runs.db'}"
    study = ts.create_study(storage=url, sampler="random", seed=0)
    chance = random.Random(1)
    complete = 0
    for _ in range(25):
        timer = None
        with contextlib.suppress(KeyboardInterrupt):
            timer = _interrupt_after(chance.uniform(0.0, 0.03))
            study.optimize(_quick, n_trials=10_000)
        with contextlib.suppress(KeyboardInterrupt):  # one that came late lands here
            if timer is not None:
                timer.join()
            time.sleep(0.01)
        _check_consistent(study, complete)
        complete = sum(t.state is ts.TrialState.COMPLETE for t in study.trials)
        study.storage.append(study.study_name, [Enqueued({"x": 0.5})])  # not locked
    if url is not None:
        reloaded = ts.load_study(study_name=study.study_name, storage=url)
        assert len(reloaded.trials) == len(study.trials)


WRITER = textwrap.dedent(
    """
    import sys
    import tunesmith as ts
    study = ts.load_study(study_name="s", storage=sys.argv[1])
    study.lease_seconds = 0.5
    def objective(trial):
        trial.report(1.0, 1)
        trial.set_user_attr("seen", True)
        return trial.suggest_float("x", -1, 1) ** 2
    study.optimize(objective, n_trials=100000)
    """
)


def test_kill_9_at_random_points_of_sqlite_writes_leaves_a_study_that_loads(tmp_path) -> None:
    path = tmp_path / "runs.db"
    url = f"sqlite:///{path}"
    ts.create_study(storage=url, study_name="s", sampler="random", seed=0)
    chance = random.Random(2)
    completed_before = 0
    for _ in range(5):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, url])
        before = len(ts.load_study(study_name="s", storage=url).trials)
        deadline = time.monotonic() + 60
        while len(ts.load_study(study_name="s", storage=url).trials) < before + 5:
            assert time.monotonic() < deadline and writer.poll() is None
            time.sleep(0.02)
        time.sleep(chance.uniform(0.0, 0.05))  # somewhere in the writes
        writer.kill()
        writer.wait()
        trials = ts.load_study(study_name="s", storage=url).trials  # loads: nothing damaged
        assert [t.number for t in trials] == list(range(len(trials)))
        complete = [t for t in trials if t.state is ts.TrialState.COMPLETE]
        assert len(complete) >= completed_before  # nothing finished is ever lost
        assert all(t.user_attrs.get("seen") and t.intermediate_values for t in complete)
        assert sum(t.state is ts.TrialState.RUNNING for t in trials) <= 1  # the killed one
        completed_before = len(complete)
    time.sleep(0.6)  # the last killed trial's lease runs out
    study = ts.load_study(study_name="s", storage=url)
    study.optimize(_quick, n_trials=3)  # the next writer is not blocked
    trials = study.trials
    assert all(t.state is not ts.TrialState.RUNNING for t in trials)
    assert completed_before > 0
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _segfaults_once(marker: Path):
    def objective(trial: ts.Trial) -> float:
        x = trial.suggest_float("x", -1, 1)
        if trial.number == 2 and not marker.exists():
            marker.touch()
            import ctypes

            ctypes.string_at(0)  # a crash in native code, as a broken extension would
        return x

    return objective


def test_a_worker_that_segfaults_fails_its_trial_and_the_study_goes_on(tmp_path) -> None:
    study = ts.create_study(sampler="random")
    study.optimize(_segfaults_once(tmp_path / "crashed"), n_trials=8, n_jobs=2)
    trials = study.trials
    crashed = trials[2]
    assert crashed.failure is ts.Failure.WORKER_LOST and "SIGSEGV" in (crashed.reason or "")
    assert "x" in crashed.params  # which configuration crashed it
    assert sum(t.state is ts.TrialState.COMPLETE for t in trials) == 8
