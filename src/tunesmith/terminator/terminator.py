"""``optuna.terminator.terminator``: :class:`tunesmith.Terminator`."""

from tunesmith import Terminator

__all__ = ["Terminator"]
