"""Exceptions raised by tunesmith.

Every error is a :class:`TunesmithError` and also the builtin it refines, so
``except ValueError`` keeps working for callers that do not know tunesmith.
Messages say what must hold, what was given, and how to fix it.
"""

from __future__ import annotations


class TunesmithError(Exception):
    """Base class of every error tunesmith raises on purpose."""


class InvalidSpaceError(TunesmithError, ValueError):
    """A search-space definition breaks a rule (bounds, step, choices)."""


class IncompatibleParameterError(TunesmithError, ValueError):
    """A parameter name was used with a different kind than before in the study."""


class InvalidArgumentError(TunesmithError, ValueError):
    """An argument to a tunesmith function is not acceptable."""


class DuplicatedStudyError(TunesmithError, ValueError):
    """A study with this name already exists in the storage."""


class StudyNotFoundError(TunesmithError, LookupError):
    """No study with this name exists in the storage."""


class TrialFinishedError(TunesmithError, RuntimeError):
    """A finished trial was asked to change; finished trials are never changed."""


class SamplerError(TunesmithError, RuntimeError):
    """A sampler returned something outside the space it was asked to fill."""


class NoCompletedTrialError(TunesmithError, ValueError):
    """``best_*`` was asked for before any trial completed."""


class StorageError(TunesmithError, RuntimeError):
    """The storage could not do what was asked (bad URL, schema, I/O)."""


class MissingDependencyError(TunesmithError, ImportError):
    """An optional dependency is not installed; the message names the extra."""


class TrialPruned(TunesmithError):
    """Raise inside an objective to stop the trial early; it is recorded as PRUNED."""


def require_module(module: str, extra: str, purpose: str) -> object:
    """Import ``module`` or raise :class:`MissingDependencyError` naming the extra."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"{purpose} needs the optional package '{module}', which is not installed; "
            f"install it with: pip install 'tunesmith[{extra}]'"
        ) from exc


class WorkerDiedError(TunesmithError, RuntimeError):
    """Worker processes of ``optimize(n_jobs=...)`` kept dying before finishing a trial."""
