"""Optuna's logging controls (``optuna.logging.X``) for the ``"tunesmith"`` logger.

tunesmith logs only what needs attention (warnings: a failed trial, a step reported
twice), never a line per trial, so ``set_verbosity(WARNING)`` changes nothing by default
and ``set_verbosity(ERROR)`` silences the warnings.

Example:
    >>> from tunesmith import logging as ts_logging
    >>> ts_logging.set_verbosity(ts_logging.ERROR)
    >>> ts_logging.get_verbosity() == ts_logging.ERROR
    True
    >>> ts_logging.set_verbosity(ts_logging.WARNING)
"""

from __future__ import annotations

import logging as _logging

CRITICAL = _logging.CRITICAL
FATAL = _logging.FATAL
ERROR = _logging.ERROR
WARNING = _logging.WARNING
WARN = _logging.WARN
INFO = _logging.INFO
DEBUG = _logging.DEBUG

_LOGGER = _logging.getLogger("tunesmith")
# tunesmith adds no handler: its warnings reach whatever the application configured,
# or Python's last-resort handler (stderr). "Disabling the default handler" mutes that.
_MUTE = _logging.NullHandler()


def get_logger(name: str) -> _logging.Logger:
    """A child of the tunesmith logger."""
    return _logging.getLogger(name if name.startswith("tunesmith") else f"tunesmith.{name}")


def set_verbosity(verbosity: int) -> None:
    """The lowest level tunesmith logs at (``ERROR`` silences its warnings)."""
    _LOGGER.setLevel(verbosity)


def get_verbosity() -> int:
    return _LOGGER.getEffectiveLevel()


def disable_default_handler() -> None:
    """Stop tunesmith's messages from reaching stderr when the application configured
    no logging."""
    if _MUTE not in _LOGGER.handlers:
        _LOGGER.addHandler(_MUTE)


def enable_default_handler() -> None:
    _LOGGER.removeHandler(_MUTE)


def disable_propagation() -> None:
    _LOGGER.propagate = False


def enable_propagation() -> None:
    _LOGGER.propagate = True


__all__ = [
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "FATAL",
    "INFO",
    "WARN",
    "WARNING",
    "disable_default_handler",
    "disable_propagation",
    "enable_default_handler",
    "enable_propagation",
    "get_logger",
    "get_verbosity",
    "set_verbosity",
]
