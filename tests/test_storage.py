"""The storage conformance suite: every storage keeps the same contract."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

import pytest
from tests.fixtures.make_store import record

import tunesmith as ts
from tunesmith.events import Enqueued, ParamsSet, TrialCreated, TrialFinished


def _info(name: str = "s", direction: ts.Direction = ts.Direction.MINIMIZE) -> ts.StudyInfo:
    return ts.StudyInfo(name, direction, 123, time.time())


def test_create_is_unique_by_name(storage):
    assert storage.create(_info("a")) is True
    assert storage.create(_info("a", ts.Direction.MAXIMIZE)) is False
    assert storage.info("a").direction is ts.Direction.MINIMIZE
    assert storage.info("missing") is None


def test_studies_are_listed_oldest_first(storage):
    for name in ("b", "a", "c"):
        storage.create(_info(name))
    assert [info.name for info in storage.studies()] == ["b", "a", "c"]
    assert storage.studies()[0].seed == 123


def test_append_returns_the_last_sequence_number_and_batches_are_consecutive(storage):
    storage.create(_info())
    first = storage.append("s", [TrialCreated(1.0)])
    last = storage.append("s", [TrialCreated(2.0), TrialCreated(3.0)])
    records = storage.read("s")
    assert [seq for seq, _ in records] == [first, last - 1, last]
    assert [event.time for _, event in records] == [1.0, 2.0, 3.0]


def test_append_if_last_writes_only_when_nobody_wrote_since(storage):
    storage.create(_info())
    assert storage.append("s", [TrialCreated(1.0)], 0) == 1  # an empty study: last is 0
    assert storage.append("s", [TrialCreated(2.0)], 0) == -1  # stale: nothing written
    assert [event.time for _, event in storage.read("s")] == [1.0]
    assert storage.append("s", [TrialCreated(2.0), TrialCreated(3.0)], 1) == 3
    assert storage.append("s", [TrialCreated(4.0)], None) == 4  # None: unconditional
    with pytest.raises(ts.StudyNotFoundError):
        storage.append("missing", [TrialCreated(1.0)], 0)


def test_read_after_returns_only_newer_events(storage):
    storage.create(_info())
    seq = storage.append("s", [TrialCreated(1.0)])
    storage.append("s", [TrialFinished(0, ts.TrialState.COMPLETE, 2.5, 3.0)])
    newer = storage.read("s", after=seq)
    assert len(newer) == 1 and newer[0][1] == TrialFinished(0, ts.TrialState.COMPLETE, 2.5, 3.0)
    assert storage.read("s", after=newer[0][0]) == []


def test_events_come_back_equal_with_their_python_types(storage):
    storage.create(_info())
    space = {"x": ts.Float(0, 1), "n": ts.Int(1, 5), "c": ts.Categorical([None, (1, 2), True])}
    params = ParamsSet(0, space, {"x": 0.25, "n": 3, "c": (1, 2)}, {"note": 1})
    storage.append("s", [TrialCreated(0.0), params, Enqueued({"c": (1, 2), "n": 2})])
    _, (_, again, queued) = zip(*storage.read("s"), strict=True)
    assert again == params and type(again.values["c"]) is tuple
    assert queued.params == {"c": (1, 2), "n": 2}


def test_studies_do_not_see_each_others_events(storage):
    storage.create(_info("a"))
    storage.create(_info("b"))
    storage.append("a", [TrialCreated(1.0)])
    storage.append("b", [TrialCreated(2.0)])
    assert [e.time for _, e in storage.read("a")] == [1.0]
    assert [e.time for _, e in storage.read("b")] == [2.0]


def test_delete_removes_the_study_and_its_events(storage):
    storage.create(_info("a"))
    storage.append("a", [TrialCreated(1.0)])
    assert storage.delete("a") is True
    assert storage.delete("a") is False
    assert storage.info("a") is None
    storage.create(_info("a"))
    assert storage.read("a") == []


def test_unknown_studies_raise_a_lookup_error(storage):
    with pytest.raises(ts.StudyNotFoundError, match="'nope'"):
        storage.append("nope", [TrialCreated(1.0)])
    with pytest.raises(LookupError):
        storage.read("nope")


def test_sqlite_reopens_what_another_connection_wrote(tmp_path):
    path = tmp_path / "x.db"
    ts.SQLiteStorage(path).create(_info())
    ts.SQLiteStorage(path).append("s", [TrialCreated(1.0)])
    assert len(ts.SQLiteStorage(path).read("s")) == 1
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        version = connection.execute(
            "SELECT value FROM tunesmith_meta WHERE key = 'schema_version'"
        ).fetchone()[0]
    assert version == "1"


def test_sqlite_refuses_a_newer_schema(tmp_path):
    path = tmp_path / "x.db"
    ts.SQLiteStorage(path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE tunesmith_meta SET value = '99'")
    with pytest.raises(ts.StorageError, match="schema version 99"):
        ts.SQLiteStorage(path)


def test_sqlite_in_a_missing_directory_says_which(tmp_path):
    with pytest.raises(ts.StorageError, match="does not exist"):
        ts.SQLiteStorage(tmp_path / "no" / "such" / "x.db")


def test_sqlite_rejects_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "x.db"
    path.write_text("hello, I am a text file" * 100)
    with pytest.raises(ts.StorageError, match=r"x\.db"):
        ts.SQLiteStorage(path)


def _old_store(fmt: str, kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """tests/fixtures/<fmt>.db, or the same rows in a new PostgreSQL database."""
    path = tmp_path / f"{fmt}.db"
    shutil.copy(Path(__file__).parent / "fixtures" / f"{fmt}.db", path)
    if kind == "sqlite":
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    storage = ts.PostgresStorage(url)
    source = sqlite3.connect(path)
    studies = source.execute("SELECT id, name, direction, seed, created_at FROM studies")
    for study_id, name, direction, seed, created_at in studies.fetchall():
        storage.create(ts.StudyInfo.from_stored(name, direction, seed, created_at))
        rows = source.execute(
            "SELECT seq, kind, trial, payload FROM events WHERE study_id = ? ORDER BY seq",
            (study_id,),
        ).fetchall()
        with storage._transaction() as cursor:
            cursor.execute("SELECT id FROM tunesmith_studies WHERE name = %s", (name,))
            (new_id,) = cursor.fetchone()
            cursor.executemany(
                "INSERT INTO tunesmith_events (study_id, seq, kind, trial, payload) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(new_id, *row) for row in rows],
            )
            cursor.execute(
                "UPDATE tunesmith_studies SET last_seq = %s WHERE id = %s", (rows[-1][0], new_id)
            )
    return url


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@pytest.mark.parametrize("fmt", ["format1", "format2"])
def test_an_older_store_loads_with_every_trial_as_it_was(tmp_path, request, kind, fmt):
    # tests/fixtures/format1.db was written by tunesmith at commit a40f014, whose trials'
    # finishes said "parameters as proposed" instead of writing them; format2.db at
    # bf7718c, which wrote a trial's starting proposal as a record of its own
    # (tests/fixtures/make_store.py). formatN.json holds the trials as that version read
    # them back. PostgreSQL stores the same rows.
    url = _old_store(fmt, kind, tmp_path, request)
    expected = json.loads((Path(__file__).parent / "fixtures" / f"{fmt}.json").read_text())
    for name, trials in expected.items():
        study = ts.load_study(study_name=name, storage=url)
        assert [record(t) for t in study.trials] == trials
    study = ts.load_study(study_name="single", storage=url, sampler="tpe")
    assert study.trials[-1].state is ts.TrialState.RUNNING  # its worker stopped mid-trial
    study.optimize(lambda t: t.suggest_float("x", 1e-3, 10.0, log=True), n_trials=3)
    assert len(study.trials) == len(expected["single"]) + 3


def _in_a_process_that_may_not_write(task):
    """task() in a forked child that cannot write what it did not create: as root, the
    child becomes nobody (root ignores file modes). Returns what task returned."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read)
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            result = ("ok", task())
        except BaseException as exc:
            result = ("raised", f"{type(exc).__name__}: {exc}")
        finally:
            with os.fdopen(write, "wb") as pipe:
                pickle.dump(result, pipe)
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        outcome = pickle.load(pipe)
    os.waitpid(pid, 0)
    return outcome


@pytest.mark.parametrize("files", ["the database alone", "with its WAL files"])
def test_a_read_only_sqlite_file_loads_and_shows_its_studies_and_refuses_writes(files):
    # Two cases: a copied file (SQLite cannot create the shared-memory file a WAL database
    # needs in a read-only folder), and a file whose WAL files a writer left there.
    made = Path(tempfile.mkdtemp(prefix="tunesmith-rw-"))
    study = ts.create_study(
        storage=f"sqlite:///{made / 'runs.db'}", study_name="s", sampler="random", seed=0
    )
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    best = study.best_value
    if files == "the database alone":
        folder = Path(tempfile.mkdtemp(prefix="tunesmith-ro-"))  # not under pytest's 0700 tmp
        with (
            sqlite3.connect(made / "runs.db") as source,
            sqlite3.connect(folder / "runs.db") as copy,
        ):
            source.backup(copy)
    else:
        folder = made
    assert (folder / "runs.db-wal").exists() is (files == "with its WAL files")
    url = f"sqlite:///{folder / 'runs.db'}"
    os.chmod(folder / "runs.db", 0o444)
    os.chmod(folder, 0o555)
    import multiprocessing  # noqa: F401  (the child may not be able to read the stdlib)

    def read_it():
        loaded = ts.load_study(study_name="s", storage=url)
        return len(loaded.trials), loaded.best_value, [s.study_name for s in ts.list_studies(url)]

    assert _in_a_process_that_may_not_write(read_it) == ("ok", (3, best, ["s"]))
    writes = {
        "ask": lambda: ts.load_study(study_name="s", storage=url).ask(),
        "optimize": lambda: ts.load_study(study_name="s", storage=url).optimize(
            lambda t: t.suggest_float("x", 0, 1), n_trials=1
        ),
        "create": lambda: ts.create_study(storage=url, study_name="other"),
        "delete": lambda: ts.delete_study(study_name="s", storage=url),
    }
    for name, write in writes.items():
        outcome, message = _in_a_process_that_may_not_write(write)
        assert outcome == "raised", name
        assert message.startswith("StorageError: cannot write to") and "read-only" in message, name
    os.chmod(folder, 0o755)
    shutil.rmtree(folder)
    shutil.rmtree(made, ignore_errors=True)
