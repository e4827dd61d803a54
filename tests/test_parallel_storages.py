"""Several processes optimizing one study at once, on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

import tunesmith as ts

WORKER = textwrap.dedent(
    """
    import sys
    import tunesmith as ts
    study = ts.create_study(storage=sys.argv[1], study_name="shared", load_if_exists=True,
                            sampler="random")
    def objective(trial):
        for step in range(3):
            trial.report(float(step), step)
            trial.should_prune()
        return trial.suggest_float("x", 0, 1) + trial.suggest_int("k", 0, 3)
    study.optimize(objective, n_trials=int(sys.argv[2]))
    """
)


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_processes_sharing_a_study_lose_and_duplicate_nothing(kind, tmp_path, request):
    db = tmp_path / "shared.db"
    url = f"sqlite:///{db}" if kind == "sqlite" else request.getfixturevalue("postgres_url")
    ts.create_study(storage=url, study_name="shared")
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, "50"], stderr=subprocess.PIPE, text=True
        )
        for _ in range(8)
    ]
    errors = [worker.communicate(timeout=240)[1] for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * 8, errors
    assert not any("locked" in e for e in errors)
    trials = ts.load_study(study_name="shared", storage=url).trials
    assert len(trials) == 400
    assert [t.number for t in trials] == list(range(400))
    assert all(t.state is ts.TrialState.COMPLETE for t in trials)
    assert all(t.intermediate_values == {0: 0.0, 1: 1.0, 2: 2.0} for t in trials)
    if kind == "sqlite":
        with sqlite3.connect(db) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
