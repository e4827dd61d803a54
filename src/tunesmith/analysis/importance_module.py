"""``tunesmith.importance``: the package of evaluators, which is also callable as
``ts.importance(study, ...)``, and answers Optuna's names (``optuna.importance.X``):
``get_param_importances``, ``FanovaImportanceEvaluator``, ``PedAnovaImportanceEvaluator``,
``MeanDecreaseImpurityImportanceEvaluator``,
``BaseImportanceEvaluator``.

The package's module object gets this class when ``tunesmith`` is imported, so both
``ts.importance(study)`` and ``from tunesmith.importance import get_param_importances``
work, whichever way code was written.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Any

import numpy as np

import tunesmith as ts
from tunesmith.analysis.parameter_importance import Target, importance


def get_param_importances(
    study: ts.Study,
    *,
    evaluator: ts.ImportanceEvaluator | None = None,
    params: Sequence[str] | None = None,
    target: Target | None = None,
    normalize: bool = True,
) -> dict[str, float]:
    """Optuna's name for ``ts.importance``: each parameter's share, largest first."""
    if normalize is not True:
        raise ts.InvalidArgumentError(
            "get_param_importances: shares always sum to 1 here; drop normalize=False"
        )
    return importance(study, evaluator=evaluator, params=params, target=target)


def FanovaImportanceEvaluator(
    *, n_trees: int = 64, max_depth: int = 64, seed: int | None = None
) -> ts.FanovaEvaluator:
    """fANOVA, as Optuna's default evaluator: ``ts.FanovaEvaluator`` (trees grown in numpy,
    as deep as the data allows, so ``max_depth`` is not needed)."""
    return ts.FanovaEvaluator(n_trees=n_trees, seed=0 if seed is None else seed)


class PedAnovaImportanceEvaluator(ts.PedAnovaEvaluator):
    """PED-ANOVA under Optuna's name and arguments: ``baseline_quantile`` is the share of
    best trials explained (``top_fraction``), ``evaluate_on_local`` is ``local``."""

    def __init__(self, *, baseline_quantile: float = 0.1, evaluate_on_local: bool = True):
        super().__init__(local=evaluate_on_local)
        self.baseline_quantile = baseline_quantile

    def evaluate(
        self,
        trials: Sequence[ts.FrozenTrial],
        loss: np.ndarray,
        params: Sequence[str],
        *,
        top_fraction: float | None = None,
    ) -> dict[str, float]:
        chosen = self.baseline_quantile if top_fraction is None else top_fraction
        return super().evaluate(trials, loss, params, top_fraction=chosen)


def MeanDecreaseImpurityImportanceEvaluator(
    *, n_trees: int = 64, max_depth: int = 64, seed: int | None = None
) -> ts.MeanDecreaseImpurityEvaluator:
    """Optuna's name for ``ts.MeanDecreaseImpurityEvaluator``, with its arguments."""
    return ts.MeanDecreaseImpurityEvaluator(
        n_trees=n_trees, max_depth=max_depth, seed=0 if seed is None else seed
    )


class ImportanceModule(types.ModuleType):
    """The class of the ``tunesmith.importance`` module object."""

    def __call__(self, study: ts.Study, **kwargs: Any) -> dict[str, float]:
        return importance(study, **kwargs)

    get_param_importances = staticmethod(get_param_importances)
    FanovaImportanceEvaluator = staticmethod(FanovaImportanceEvaluator)
    MeanDecreaseImpurityImportanceEvaluator = staticmethod(MeanDecreaseImpurityImportanceEvaluator)
    PedAnovaImportanceEvaluator = PedAnovaImportanceEvaluator
    BaseImportanceEvaluator = ts.ImportanceEvaluator
