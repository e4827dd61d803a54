"""Hyperparameter importance: which parameters explain a study's results.

Evaluators read finished trials (values, not a study) and return each parameter's share:

- :class:`FanovaEvaluator` (the default): functional ANOVA on extremely randomized
  trees grown in numpy; main effects plus half of each pair interaction.
- :class:`SklearnFanovaEvaluator`: the same decomposition on scikit-learn's random forest,
  as Optuna's fANOVA evaluator (needs ``tunesmith[sklearn]``).
- :class:`MeanDecreaseImpurityEvaluator`: a random forest's mean decrease in impurity,
  as Optuna's evaluator of that name (needs ``tunesmith[sklearn]``).
- :class:`PedAnovaEvaluator`: PED-ANOVA, what sets the top fraction of trials apart.

``tunesmith.importance(study, ...)`` is the front door that takes a study.
"""

from tunesmith.importance._fanova import Decomposition
from tunesmith.importance.base import ImportanceEvaluator
from tunesmith.importance.fanova import FanovaEvaluator
from tunesmith.importance.mean_decrease_impurity import MeanDecreaseImpurityEvaluator
from tunesmith.importance.ped_anova import PedAnovaEvaluator
from tunesmith.importance.sklearn_fanova import SklearnFanovaEvaluator

__all__ = [
    "Decomposition",
    "FanovaEvaluator",
    "ImportanceEvaluator",
    "MeanDecreaseImpurityEvaluator",
    "PedAnovaEvaluator",
    "SklearnFanovaEvaluator",
]
