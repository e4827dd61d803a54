"""``optuna.terminator.improvement``: the improvement evaluator
(:class:`tunesmith.RegretBoundEvaluator`)."""

from tunesmith import RegretBoundEvaluator

__all__ = ["RegretBoundEvaluator"]
