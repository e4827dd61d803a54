"""Optuna's ``optuna.terminator`` names: stop a study once further improvement is within
the noise of the objective (:class:`tunesmith.Terminator`).

Example:
    >>> from tunesmith.terminator import Terminator, TerminatorCallback
    >>> TerminatorCallback().terminator.min_n_trials
    20
"""

from __future__ import annotations

from tunesmith import (
    CrossValidationErrorEvaluator,
    RegretBoundEvaluator,
    StaticErrorEvaluator,
    Terminator,
    TerminatorCallback,
    report_cross_validation_scores,
)

__all__ = [
    "CrossValidationErrorEvaluator",
    "RegretBoundEvaluator",
    "StaticErrorEvaluator",
    "Terminator",
    "TerminatorCallback",
    "report_cross_validation_scores",
]
