"""optimize(n_jobs=k): worker processes sharing one study, its budget and its faults."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import tunesmith as ts


@pytest.mark.parametrize("storage", ["memory", "sqlite"])
def test_workers_run_exactly_the_budget_with_a_lambda_objective(storage, tmp_path):
    url = None if storage == "memory" else f"sqlite:///{tmp_path / 'w.db'}"
    study = ts.create_study(storage=url, sampler="random", seed=0)
    offset = 0.5
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + offset, n_trials=40, n_jobs=4)
    trials = study.trials
    assert [t.number for t in trials] == list(range(40))
    assert all(t.state is ts.TrialState.COMPLETE for t in trials)
    assert all(t.value == t.params["x"] + offset for t in trials)


@pytest.mark.parametrize(
    "sampler",
    [
        "random",
        "qmc",
        lambda: ts.GridSampler({"a": list(range(6)), "b": [0, 1]}),
        "grid",  # built from a declared space
    ],
)
def test_seeded_parallel_runs_sample_what_a_sequential_run_does(sampler):
    space = {"a": ts.Int(0, 5), "b": ts.Categorical([0, 1])} if sampler == "grid" else None

    def params(n_jobs):
        study = ts.create_study(sampler=sampler() if callable(sampler) else sampler, seed=11)
        study.optimize(
            lambda t: t.suggest_int("a", 0, 5) + t.suggest_categorical("b", [0, 1]) * 0.1,
            n_trials=12,
            n_jobs=n_jobs,
            space=space,
        )
        return sorted((t.params["a"], t.params["b"]) for t in study.trials)

    assert params(3) == params(1)


def test_the_first_uncaught_error_stops_the_workers_and_reaches_the_user():
    study = ts.create_study(sampler="random", seed=0)

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 5:
            raise ValueError("diverged")
        time.sleep(0.02)
        return x

    with pytest.raises(ValueError, match="diverged"):
        study.optimize(objective, n_trials=200, n_jobs=3)
    trials = study.trials
    assert trials[5].state is ts.TrialState.FAIL and trials[5].reason == "ValueError: diverged"
    assert len(trials) < 200
    assert not any(t.state is ts.TrialState.RUNNING for t in trials)


def test_caught_errors_let_the_workers_go_on():
    study = ts.create_study(sampler="random", seed=0)

    def objective(trial):
        if trial.number % 4 == 0:
            raise ArithmeticError("odd")
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=20, n_jobs=2, catch=(ArithmeticError,))
    states = [t.state for t in study.trials]
    assert len(states) == 20 and states.count(ts.TrialState.FAIL) == 5


def test_callbacks_run_here_and_can_stop_the_workers():
    study = ts.create_study(sampler="random", seed=0)
    seen = []

    def stop_after_ten(study, trial):
        seen.append(trial.number)
        if len(seen) == 10:
            study.stop()

    study.optimize(lambda t: time.sleep(0.02) or t.suggest_float("x", 0, 1), n_trials=500,
                   n_jobs=2, callbacks=[stop_after_ten])  # fmt: skip
    assert 10 <= len(study.trials) <= 25  # the trials already under way finish
    assert sorted(seen) == [t.number for t in study.trials]


def test_a_timeout_stops_the_workers():
    study = ts.create_study(sampler="random", seed=0)
    started = time.monotonic()
    study.optimize(lambda t: time.sleep(0.05) or t.suggest_float("x", 0, 1), timeout=0.6,
                   n_jobs=2)  # fmt: skip
    assert time.monotonic() - started < 3.0
    assert 4 <= len(study.trials) <= 30


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_trial_over_its_time_limit_fails_and_the_study_goes_on(n_jobs):
    study = ts.create_study(sampler="random", seed=0)

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        if trial.number in (1, 3):
            time.sleep(30)
        return x

    started = time.monotonic()
    study.optimize(objective, n_trials=6, n_jobs=n_jobs, trial_timeout=0.5)
    assert time.monotonic() - started < 10
    states = [t.state.name for t in study.trials]
    assert states.count("FAIL") == 2 and states.count("COMPLETE") == 4
    failed = [t for t in study.trials if t.state is ts.TrialState.FAIL]
    assert all("time limit of 0.5 s" in t.reason for t in failed)


def test_a_trial_over_its_memory_limit_fails_and_the_study_goes_on():
    study = ts.create_study(sampler="random", seed=0)

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 2:
            np.ones(4 * 1024**3 // 8)  # 4 GiB
        return x

    study.optimize(objective, n_trials=5, trial_memory_limit=3 * 1024**3)
    states = [t.state.name for t in study.trials]
    assert states == ["COMPLETE", "COMPLETE", "FAIL", "COMPLETE", "COMPLETE"]
    assert study.trials[2].reason.startswith("MemoryError")


def test_bad_parallel_arguments_are_clear_errors():
    study = ts.create_study()
    for kwargs, message in [
        ({"n_jobs": 0}, "`n_jobs` must be a positive integer or -1"),
        ({"trial_timeout": -1}, "`trial_timeout` must be a number > 0"),
        ({"trial_memory_limit": 1.5}, "`trial_memory_limit` must be an integer >= 1"),
    ]:
        with pytest.raises(ts.InvalidArgumentError, match=message):
            study.optimize(lambda t: 0.0, n_trials=1, **kwargs)


CTRL_C = textwrap.dedent(
    """
    import faulthandler, signal, sys, time
    import tunesmith as ts
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # stacks, should it hang
    study = ts.create_study(storage=sys.argv[1], study_name="s", sampler="random")
    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        time.sleep(0.2 if trial.number < 4 else 60)
        return x
    study.optimize(objective, n_trials=100, n_jobs=2)
    """
)


def _as_in_a_terminal() -> None:
    """SIGINT as a terminal's foreground process has it: a shell's background jobs (CI
    run in the background, say) inherit it ignored, and Ctrl-C would never arrive."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_fails_the_running_trials_and_leaves_no_process_behind(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    run = subprocess.Popen([sys.executable, "-c", CTRL_C, url], stderr=subprocess.PIPE,
                           text=True, start_new_session=True,
                           preexec_fn=_as_in_a_terminal)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            trials = ts.load_study(study_name="s", storage=url).trials
        except ts.StudyNotFoundError:
            trials = []
        if sum(t.state is ts.TrialState.COMPLETE for t in trials) >= 4 and len(trials) >= 6:
            break
        time.sleep(0.1)
    os.killpg(run.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
    try:
        _, stderr = run.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGUSR1)  # every process prints where it is stuck
        time.sleep(1)
        os.killpg(run.pid, signal.SIGKILL)
        pytest.fail(f"no exit 60 s after Ctrl-C; the processes' stacks:\n{run.communicate()[1]}")
    assert run.returncode != 0 and "KeyboardInterrupt" in stderr
    trials = ts.load_study(study_name="s", storage=url).trials
    states = [t.state for t in trials]
    assert ts.TrialState.RUNNING not in states
    assert states.count(ts.TrialState.COMPLETE) >= 4
    assert all(t.reason == "interrupted (KeyboardInterrupt)" for t in trials
               if t.state is ts.TrialState.FAIL)  # fmt: skip
    with pytest.raises(ProcessLookupError):
        os.killpg(run.pid, 0)  # no worker outlived the run


class _StuckOnce(ts.SQLiteStorage):
    """A SQLite storage that hangs the first worker process to read it, as a worker forked
    while another thread held a lock it needs does (seen under load: stuck forever in
    ``sqlite3.connect``)."""

    def read(self, study, after=0):
        parent = os.environ["STUCK_PARENT"]
        if str(os.getpid()) != parent:
            try:
                os.close(os.open(os.environ["STUCK_MARKER"], os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                pass
            else:
                time.sleep(3600)
        return super().read(study, after)


def _stuck_study(tmp_path, monkeypatch):
    monkeypatch.setenv("STUCK_PARENT", str(os.getpid()))
    monkeypatch.setenv("STUCK_MARKER", str(tmp_path / "stuck"))
    storage = _StuckOnce(str(tmp_path / "s.db"))
    return ts.create_study(storage=storage, sampler="random", seed=0)


@pytest.mark.timeout(60)
def test_a_worker_stuck_opening_the_study_is_replaced(tmp_path, monkeypatch):
    from tunesmith.study import _workers

    monkeypatch.setattr(_workers, "_START_GRACE", 1.0)
    monkeypatch.setattr(_workers, "_IDLE_GRACE", 60.0)
    study = _stuck_study(tmp_path, monkeypatch)
    # a slow objective: the healthy worker cannot spend the budget alone before the stuck
    # one is replaced
    study.optimize(lambda t: time.sleep(0.3) or t.suggest_float("x", 0, 1), n_trials=12, n_jobs=2)
    assert (tmp_path / "stuck").exists()  # one worker did hang
    assert [t.state for t in study.trials] == [ts.TrialState.COMPLETE] * 12
    assert len({t.worker for t in study.trials}) == 2  # its replacement ran trials


@pytest.mark.timeout(60)
def test_a_stuck_worker_does_not_hold_up_a_spent_budget(tmp_path, monkeypatch):
    from tunesmith.study import _workers

    monkeypatch.setattr(_workers, "_IDLE_GRACE", 0.5)
    study = _stuck_study(tmp_path, monkeypatch)
    started = time.monotonic()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5, n_jobs=2)
    assert (tmp_path / "stuck").exists()
    assert [t.state for t in study.trials] == [ts.TrialState.COMPLETE] * 5
    assert time.monotonic() - started < 30  # it waited forever before
