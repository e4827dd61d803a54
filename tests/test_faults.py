"""Faults a study must survive without losing what it was told (issue 10): a Ctrl-C in the
middle of a write, damaged storage, objectives whose values cannot be read."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
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


def _dies_once(marker: Path, at: int):
    def objective(trial: ts.Trial) -> float:
        x = trial.suggest_float("x", -1, 1)
        if trial.number == at and not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
        return x

    return objective


@pytest.mark.parametrize("storage", ["memory", "sqlite"])
def test_a_dead_worker_is_noticed_at_once_replaced_and_the_budget_kept(tmp_path, storage):
    url = None if storage == "memory" else f"sqlite:///{tmp_path / 'runs.db'}"
    study = ts.create_study(storage=url, sampler="random")  # leases of 60 s: not waited for
    started = time.monotonic()
    study.optimize(_dies_once(tmp_path / "killed", at=3), n_trials=10, n_jobs=2)
    assert time.monotonic() - started < 30
    trials = study.trials
    dead = trials[3]
    assert dead.state is ts.TrialState.FAIL and dead.failure is ts.Failure.WORKER_LOST
    assert "SIGKILL" in (dead.reason or "") and dead.worker in (dead.reason or "")
    assert [t.state for t in trials].count(ts.TrialState.COMPLETE) == 10  # budget given back


def _always_dies(trial: ts.Trial) -> float:
    trial.suggest_float("x", -1, 1)
    os.kill(os.getpid(), signal.SIGKILL)
    return 0.0


def test_workers_that_keep_dying_stop_optimize_with_an_error() -> None:
    study = ts.create_study(sampler="random")
    with pytest.raises(ts.WorkerDiedError, match="died before finishing a trial"):
        study.optimize(_always_dies, n_trials=50, n_jobs=2)
    trials = study.trials
    assert trials and all(t.failure is ts.Failure.WORKER_LOST for t in trials)


class _PickyError(Exception):
    def __init__(self, code: int, detail: str) -> None:
        super().__init__(f"{code}: {detail}")


def _raises_picky(trial: ts.Trial) -> float:
    trial.suggest_float("x", -1, 1)
    raise _PickyError(7, "needs two arguments to be made again")


def test_an_exception_the_parent_cannot_recreate_still_says_what_happened() -> None:
    study = ts.create_study(sampler="random")
    with pytest.raises(RuntimeError, match="_PickyError: 7: needs two arguments") as caught:
        study.optimize(_raises_picky, n_trials=4, n_jobs=2)
    assert "_raises_picky" in str(caught.value.__cause__)  # the worker's traceback
    assert study.trials[0].failure is ts.Failure.OBJECTIVE


ORPHAN = textwrap.dedent(
    """
    import sys, time
    import tunesmith as ts
    study = ts.create_study(storage=sys.argv[1], study_name="s", sampler="random")
    def objective(trial):
        time.sleep(0.05)
        return trial.suggest_float("x", 0, 1)
    study.optimize(objective, n_trials=100000, n_jobs=2)
    """
)


def test_workers_die_with_their_parent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    parent = subprocess.Popen([sys.executable, "-c", ORPHAN, url])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if len(ts.load_study(study_name="s", storage=url).trials) >= 4:
                break
        except ts.StudyNotFoundError:
            pass
        time.sleep(0.1)
    parent.kill()  # kill -9: no chance to clean up
    parent.wait()
    time.sleep(1.5)
    before = len(ts.load_study(study_name="s", storage=url).trials)
    time.sleep(1.5)
    after = ts.load_study(study_name="s", storage=url).trials
    assert len(after) == before  # no worker goes on writing trials
    # the workers failed what they were running on their way out
    assert all(t.state is not ts.TrialState.RUNNING for t in after)


JOBLIB = textwrap.dedent(
    """
    import sys
    import tunesmith as ts
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    X, y = load_iris(return_X_y=True)
    def objective(trial):
        c = trial.suggest_float("C", 1e-2, 10, log=True)
        model = LogisticRegression(C=c, max_iter=200)
        return cross_val_score(model, X, y, cv=3, n_jobs=-1).mean()
    study = ts.create_study(direction="maximize", storage=sys.argv[1] or None)
    study.optimize(objective, n_trials=4, n_jobs=2)
    print(sum(t.state.name == "COMPLETE" for t in study.trials))
    """
)


@pytest.mark.parametrize("storage", ["memory", "sqlite"])
def test_an_objective_using_joblib_processes_runs_under_n_jobs(tmp_path, storage) -> None:
    pytest.importorskip("sklearn")
    url = "" if storage == "memory" else f"sqlite:///{tmp_path / 'runs.db'}"
    done = subprocess.run(
        [sys.executable, "-c", JOBLIB, url], capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "4"


def test_the_storage_server_survives_junk_and_silent_clients() -> None:
    import socket

    from tunesmith.events import TrialCreated
    from tunesmith.storage.memory import MemoryStorage
    from tunesmith.study._remote import RemoteStorage, StorageServer

    storage = MemoryStorage()
    server = StorageServer(storage).start()
    try:
        remote = RemoteStorage(server.address, server.authkey)
        remote.create(ts.StudyInfo("s", ts.Direction.MINIMIZE, 0, 0.0))
        silent = [socket.create_connection(server.address) for _ in range(20)]  # say nothing
        short = socket.create_connection(server.address)
        short.sendall(b"\x00\x00\x00\x04")  # four bytes, then silence
        for junk in (b"\xff" * 8 + b"x" * 100, b"GET / HTTP/1.0\r\n\r\n" * 4):
            with socket.create_connection(server.address) as stranger:
                stranger.sendall(junk)  # a wrong answer to the challenge
                stranger.settimeout(5)
                received = b""
                with contextlib.suppress(ConnectionResetError):  # closed on it
                    while chunk := stranger.recv(1 << 16):  # the challenge, then the end
                        received += chunk
                assert len(received) <= 32
        started = time.monotonic()
        fresh = RemoteStorage(server.address, server.authkey)  # a new worker connects
        assert fresh.append("s", [TrialCreated(1.0)]) == 1
        assert len(remote.read("s")) == 1
        assert time.monotonic() - started < 2  # nobody waited for the silent ones
        for connection in [*silent, short]:
            connection.close()
    finally:
        server.close()


def test_a_worker_whose_storage_server_is_gone_gets_an_error_not_a_hang() -> None:
    from tunesmith.storage.memory import MemoryStorage
    from tunesmith.study._remote import RemoteStorage, StorageServer

    server = StorageServer(MemoryStorage()).start()
    remote = RemoteStorage(server.address, server.authkey)
    assert remote.studies() == []
    server.close()
    with pytest.raises(ts.StorageError, match="storage server"):
        for _ in range(3):  # the open connection may need a call to notice
            remote.studies()
            time.sleep(0.1)
