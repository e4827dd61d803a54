"""Shared fixtures: every storage the conformance suites run against, including a real
PostgreSQL server started for the session."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.postgres_server import create_database, postgres_server

import tunesmith as ts

StorageFactory = Callable[[], ts.Storage]
# Scripts that tests/test_optuna_scripts.py runs as programs, not modules to collect.
collect_ignore = ["optuna_scripts"]
_DATABASES = itertools.count()


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    if os.environ.get("TUNESMITH_SKIP_POSTGRES"):
        pytest.skip("TUNESMITH_SKIP_POSTGRES is set")
    with postgres_server() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> str:
    """A fresh, empty database."""
    return create_database(postgres_admin_url, f"tunesmith_{os.getpid()}_{next(_DATABASES)}")


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def make_storage(request: pytest.FixtureRequest, tmp_path: Path) -> StorageFactory:
    """A factory for a fresh storage of each kind (SQLite: a real file in tmp_path;
    PostgreSQL: a new database on a real server)."""
    counter = iter(range(1_000_000))

    def make() -> ts.Storage:
        if request.param == "memory":
            return ts.MemoryStorage()
        if request.param == "sqlite":
            return ts.SQLiteStorage(tmp_path / f"study-{next(counter)}.db")
        admin = request.getfixturevalue("postgres_admin_url")
        return ts.PostgresStorage(
            create_database(admin, f"tunesmith_{os.getpid()}_{next(_DATABASES)}")
        )

    return make


@pytest.fixture
def storage(make_storage: StorageFactory) -> ts.Storage:
    return make_storage()
