"""Faults a study must survive without losing what it was told (issue 10): a Ctrl-C in the
middle of a write, damaged storage, objectives whose values cannot be read."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

import pytest

import tunesmith as ts
from tunesmith.events import Enqueued
from tunesmith.storage.sqlite import SQLiteStorage


def _quadratic(trial: ts.Trial) -> float:
    return (trial.suggest_float("x", -1, 1) - 0.5) ** 2


needs_default_sigint = pytest.mark.skipif(
    signal.getsignal(signal.SIGINT) not in (signal.default_int_handler,)
    and "interrupts" not in repr(signal.getsignal(signal.SIGINT)),
    reason="SIGINT is handled by someone else here",
)


@needs_default_sigint
def test_ctrl_c_just_after_begin_leaves_no_lock_and_loses_no_write(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    storage = SQLiteStorage(path)
    ts.create_study(storage=storage, study_name="s")
    armed = [True]

    def interrupt_after_begin(statement: str) -> None:
        # The signal handler runs at the first bytecode after BEGIN IMMEDIATE returns:
        # the moment a transaction has begun and nothing guards it yet.
        if statement.startswith("BEGIN") and armed[0]:
            armed[0] = False
            os.kill(os.getpid(), signal.SIGINT)

    storage._connect().set_trace_callback(interrupt_after_begin)
    with pytest.raises(KeyboardInterrupt):
        storage.append("s", [Enqueued({"x": 0.25})])
    storage._connect().set_trace_callback(None)

    other = SQLiteStorage(path, timeout=0.5)  # another process's view: the lock is free
    other.append("s", [Enqueued({"x": 0.75})])
    storage.append("s", [Enqueued({"x": 1.0})])  # and this connection is not in a transaction
    queued = [event.params["x"] for _, event in other.read("s")]
    assert queued == [0.25, 0.75, 1.0]  # the interrupted write was completed, not lost


def _damage(path: Path, sql: str, *args: object) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(sql, args)


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE events SET payload = 'not json' WHERE kind = 'finished'", "event"),
        ("UPDATE events SET payload = '{\"s\": 99, \"v\": 1.0, \"t\": 0, \"r\": null}' "
         "WHERE kind = 'finished'", "event"),
        ("UPDATE events SET kind = 'mystery' WHERE kind = 'finished'", "mystery"),
        ("DELETE FROM events WHERE kind = 'created'", "never created|only trials"),
    ],
    ids=["corrupt-json", "unknown-state", "unknown-kind", "missing-creation"],
)  # fmt: skip
def test_damaged_storage_is_a_storage_error_naming_the_study(
    tmp_path: Path, sql: str, expected: str
) -> None:
    path = tmp_path / "runs.db"
    url = f"sqlite:///{path}"
    study = ts.create_study(storage=url, study_name="damaged", sampler="random")
    study.optimize(_quadratic, n_trials=3)
    _damage(path, sql)
    with pytest.raises(ts.StorageError, match="damaged") as caught:
        ts.load_study(study_name="damaged", storage=url)
    assert caught.match(expected)


def test_loading_listing_or_deleting_never_creates_a_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing.db'}"
    with pytest.raises(ts.StudyNotFoundError, match=r"missing\.db"):
        ts.load_study(study_name="s", storage=url)
    with pytest.raises(ts.StudyNotFoundError):
        ts.delete_study(study_name="s", storage=url)
    assert ts.list_studies(url) == []
    assert not (tmp_path / "missing.db").exists()


class _Unreadable:
    def __float__(self) -> float:
        raise RuntimeError("no number here")


@pytest.mark.parametrize("value", [10**400, _Unreadable(), "1.0", float("inf")])
def test_a_value_that_is_not_a_finite_float_fails_the_trial_and_the_study_goes_on(
    value: object,
) -> None:
    study = ts.create_study(sampler="random")
    study.optimize(lambda trial: value if trial.number == 0 else 1.0, n_trials=3)
    states = [trial.state for trial in study.trials]
    assert states == [ts.TrialState.FAIL, ts.TrialState.COMPLETE, ts.TrialState.COMPLETE]
    assert "not a finite number" in (study.trials[0].reason or "")
