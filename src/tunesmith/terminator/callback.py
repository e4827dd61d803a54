"""``optuna.terminator.callback``: :class:`tunesmith.TerminatorCallback`."""

from tunesmith import TerminatorCallback

__all__ = ["TerminatorCallback"]
