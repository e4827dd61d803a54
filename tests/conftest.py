"""Shared fixtures: every storage the conformance suites run against."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import tunesmith as ts

StorageFactory = Callable[[], ts.Storage]


@pytest.fixture(params=["memory", "sqlite"])
def make_storage(request: pytest.FixtureRequest, tmp_path: Path) -> StorageFactory:
    """A factory for a fresh storage of each kind (SQLite: a real file in tmp_path)."""
    counter = iter(range(1_000_000))

    def make() -> ts.Storage:
        if request.param == "memory":
            return ts.MemoryStorage()
        return ts.SQLiteStorage(tmp_path / f"study-{next(counter)}.db")

    return make


@pytest.fixture
def storage(make_storage: StorageFactory) -> ts.Storage:
    return make_storage()
