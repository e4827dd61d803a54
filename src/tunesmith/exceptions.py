"""Optuna's exception names (``optuna.exceptions.X``), as the tunesmith errors they are.

``except optuna.exceptions.OptunaError`` catches every tunesmith error once the import is
swapped, because ``OptunaError`` *is* :class:`tunesmith.TunesmithError`.

Example:
    >>> import tunesmith as ts
    >>> from tunesmith.exceptions import OptunaError, TrialPruned
    >>> TrialPruned is ts.TrialPruned, issubclass(ts.InvalidArgumentError, OptunaError)
    (True, True)
"""

from __future__ import annotations

from tunesmith import (
    DuplicatedStudyError,
    StorageError,
    TrialPruned,
    TunesmithError,
)

OptunaError = TunesmithError
StorageInternalError = StorageError


class ExperimentalWarning(Warning):
    """Optuna warns with this about experimental features; tunesmith never does, so
    ``warnings.filterwarnings("ignore", category=ExperimentalWarning)`` has nothing to
    silence (and keeps working)."""


class CLIUsageError(TunesmithError):
    """Optuna's error for bad command-line use (tunesmith's CLI exits with status 2)."""


__all__ = [
    "CLIUsageError",
    "DuplicatedStudyError",
    "ExperimentalWarning",
    "OptunaError",
    "StorageInternalError",
    "TrialPruned",
]
