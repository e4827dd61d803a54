"""``optuna.terminator.erroreval``: the error evaluators and
:func:`tunesmith.report_cross_validation_scores`."""

from tunesmith import (
    CrossValidationErrorEvaluator,
    StaticErrorEvaluator,
    report_cross_validation_scores,
)

__all__ = [
    "CrossValidationErrorEvaluator",
    "StaticErrorEvaluator",
    "report_cross_validation_scores",
]
