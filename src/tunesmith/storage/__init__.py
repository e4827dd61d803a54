"""Storages: where a study's event log lives."""

from tunesmith.storage.base import Storage, StudyInfo
from tunesmith.storage.memory import MemoryStorage
from tunesmith.storage.postgres import PostgresStorage
from tunesmith.storage.sqlite import SQLiteStorage

__all__ = ["MemoryStorage", "PostgresStorage", "SQLiteStorage", "Storage", "StudyInfo"]
