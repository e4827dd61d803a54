"""Trials as tasks on a real Dask cluster (LocalCluster of worker processes)."""

from __future__ import annotations

import collections
import os
import signal
import time
from pathlib import Path

import pytest

import tunesmith as ts

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as client:
        yield client


@pytest.mark.parametrize("storage", ["memory", "sqlite"])
def test_trials_run_on_the_cluster_with_reports_and_pruning(client, storage, tmp_path):
    url = None if storage == "memory" else f"sqlite:///{tmp_path / 'd.db'}"
    study = ts.create_study(storage=url, sampler="random", pruner="successive_halving", seed=0)

    def objective(trial):
        trial.set_user_attr("pid", os.getpid())
        x = trial.suggest_float("x", 0, 1)
        for step in range(1, 10):
            trial.report(x + 1 / step, step)
            if trial.should_prune():
                raise ts.TrialPruned()
        return x

    finished = []
    study.optimize(objective, n_trials=24, client=client,
                   callbacks=[lambda study, trial: finished.append(trial.number)])  # fmt: skip
    trials = study.trials
    assert len(trials) == 24 and sorted(finished) == list(range(24))
    assert all(t.state.is_finished and t.intermediate_values for t in trials)
    assert any(t.state is ts.TrialState.PRUNED for t in trials)
    pids = {t.user_attrs["pid"] for t in trials}
    assert os.getpid() not in pids and len(pids) == 2  # the cluster's two worker processes


def test_an_error_in_the_objective_reaches_the_user(client):
    study = ts.create_study(sampler="random", seed=0)

    def objective(trial):
        if trial.number == 3:
            raise ValueError("diverged")
        return trial.suggest_float("x", 0, 1)

    with pytest.raises(ValueError, match="diverged"):
        study.optimize(objective, n_trials=50, client=client)
    assert study.trials[3].state is ts.TrialState.FAIL


def test_a_worker_killed_mid_trial_costs_no_requested_trial(client, tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    study = ts.create_study(storage=url, study_name="k", sampler="random", seed=0)
    study.lease_seconds = 1.0
    marker = Path(tmp_path / "killed")

    def objective(trial):
        trial.set_user_attr("pid", os.getpid())
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 5 and not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)  # the worker dies mid-trial
        time.sleep(0.05)
        return x

    study.optimize(objective, n_trials=20, client=client)
    trials = study.trials
    complete = [t for t in trials if t.state is ts.TrialState.COMPLETE]
    slots = collections.Counter(t.notes["task"] for t in complete)
    assert len(complete) == 20 and set(slots.values()) == {1}
    # failed when its task ran again, not a lease later; nothing is left RUNNING
    dead = trials[5]
    assert dead.state is ts.TrialState.FAIL and dead.failure is ts.Failure.WORKER_LOST
    assert all(t.state is not ts.TrialState.RUNNING for t in trials)


def _two_objectives(trial):
    x = trial.suggest_float("x", 0, 1)
    return x, (1 - x) ** 2


def test_a_study_of_two_objectives_runs_on_the_cluster(client, tmp_path):
    url = f"sqlite:///{tmp_path / 'mo.db'}"
    study = ts.create_study(
        storage=url, directions=["minimize", "minimize"], sampler="nsga2", seed=0
    )
    study.optimize(_two_objectives, n_trials=16, client=client)
    trials = study.trials
    assert len(trials) == 16 and all(t.state is ts.TrialState.COMPLETE for t in trials)
    assert all(t.values == _two_objectives_at(t.params["x"]) for t in trials)
    # x and (1 - x)² trade off on [0, 1]: every trial is on the front
    assert [t.number for t in study.best_trials] == list(range(16))


def _two_objectives_at(x):
    return x, (1 - x) ** 2


def _quadratic(trial):
    return (trial.suggest_float("x", -3, 3) - 1) ** 2 + trial.suggest_int("n", 1, 4)


def test_optunas_dask_example_pattern_submits_the_study_itself(client):
    # optuna-examples' dask_simple.py: DaskStorage, then client.submit(study.optimize, ...)
    import tunesmith as optuna

    storage = optuna.integration.dask.DaskStorage()
    study = optuna.create_study(storage=storage, direction="minimize")  # the default sampler
    futures = [client.submit(study.optimize, _quadratic, n_trials=3, pure=False) for _ in range(4)]
    distributed.wait(futures)
    assert [f.status for f in futures] == ["finished"] * 4
    assert len(study.trials) == 12
    assert all(t.state is ts.TrialState.COMPLETE for t in study.trials)
    assert len({t.worker for t in study.trials}) >= 2  # both worker processes took part
