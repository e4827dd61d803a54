"""tunesmith: hyperparameter optimization for Python.

Example:
    >>> import tunesmith as ts
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", -5, 5)
    ...     return (x - 1) ** 2
    >>> study = ts.create_study(seed=0)
    >>> study.optimize(objective, n_trials=30, progress_bar=False)
    >>> abs(study.best_params["x"] - 1) < 1
    True
"""

from typing import TYPE_CHECKING, Any

from tunesmith.errors import (
    DuplicatedStudyError,
    IncompatibleParameterError,
    InvalidArgumentError,
    InvalidSpaceError,
    MissingDependencyError,
    NoCompletedTrialError,
    SamplerError,
    StorageError,
    StudyNotFoundError,
    TrialFinishedError,
    TrialPruned,
    TunesmithError,
    WorkerDiedError,
)
from tunesmith.history import FrozenTrial, History
from tunesmith.importance import (
    Decomposition,
    FanovaEvaluator,
    ImportanceEvaluator,
    MeanDecreaseImpurityEvaluator,
    PedAnovaEvaluator,
    SklearnFanovaEvaluator,
)

# Front-ends last: they use the names above through the package.
from tunesmith.minimize import OptimizeResult, maximize, minimize, parse_space
from tunesmith.pareto import hypervolume
from tunesmith.pruners import (
    Decision,
    HyperbandPruner,
    MedianPruner,
    NopPruner,
    PatientPruner,
    PercentilePruner,
    Pruner,
    SuccessiveHalvingPruner,
    ThresholdPruner,
    WilcoxonPruner,
)
from tunesmith.samplers import (
    AutoSampler,
    BOHBSampler,
    BruteForceSampler,
    CmaEsSampler,
    FiniteSampler,
    GeneticSampler,
    GPSampler,
    GridSampler,
    NSGAIIISampler,
    NSGAIISampler,
    PartialFixedSampler,
    QMCSampler,
    RandomSampler,
    Sampler,
    Suggestion,
    TPESampler,
)
from tunesmith.space import Categorical, Distribution, Float, Int, SearchSpace
from tunesmith.states import Direction, Failure, TrialState
from tunesmith.storage import (
    MemoryStorage,
    PostgresStorage,
    SQLiteStorage,
    Storage,
    StudyInfo,
)
from tunesmith.study import (
    CrossValidationErrorEvaluator,
    RegretBoundEvaluator,
    StaticErrorEvaluator,
    Study,
    StudySummary,
    Terminator,
    TerminatorCallback,
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    list_studies,
    load_study,
    make_storage,
    report_cross_validation_scores,
    serve_storage,
)
from tunesmith.trial import FixedTrial, Trial, create_trial

# After the package tunesmith.importance was imported above: from here on the name
# ``tunesmith.importance`` is the function (``from tunesmith.importance import ...``
# still reaches the package's evaluators).
from tunesmith.analysis import importance  # isort: skip

# Modules that answer Optuna's names (``optuna.trial``, ``optuna.distributions``, ...), so
# code written for Optuna runs with ``import tunesmith as optuna``.
from tunesmith import distributions, exceptions, logging, search_space, storages  # isort: skip
from tunesmith import terminator  # isort: skip

if not TYPE_CHECKING:
    # ``tunesmith.importance`` is one object: the evaluators' package, callable as the
    # function above, with Optuna's names (``get_param_importances``) as attributes.
    import sys as _sys

    from tunesmith.analysis.importance_module import ImportanceModule as _ImportanceModule

    _sys.modules["tunesmith.importance"].__class__ = _ImportanceModule
    importance = _sys.modules["tunesmith.importance"]

if TYPE_CHECKING:
    from tunesmith.automl import AutoML as AutoML
    from tunesmith.sklearn import cv_score as cv_score

__version__ = "0.1.0"

# Front-ends that need scikit-learn are imported when first used: ``import tunesmith``
# does not import scikit-learn.
_LAZY = {"cv_score": "tunesmith.sklearn", "AutoML": "tunesmith.automl"}
_LAZY_MODULES = {"integration", "visualization"}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _LAZY_MODULES:
        return importlib.import_module(f"tunesmith.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tunesmith' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY, *_LAZY_MODULES])


__all__ = [
    "AutoSampler",
    "BOHBSampler",
    "BruteForceSampler",
    "Categorical",
    "CmaEsSampler",
    "CrossValidationErrorEvaluator",
    "Decision",
    "Decomposition",
    "Direction",
    "Distribution",
    "DuplicatedStudyError",
    "Failure",
    "FanovaEvaluator",
    "FiniteSampler",
    "FixedTrial",
    "Float",
    "FrozenTrial",
    "GPSampler",
    "GeneticSampler",
    "GridSampler",
    "History",
    "HyperbandPruner",
    "ImportanceEvaluator",
    "IncompatibleParameterError",
    "Int",
    "InvalidArgumentError",
    "InvalidSpaceError",
    "MeanDecreaseImpurityEvaluator",
    "MedianPruner",
    "MemoryStorage",
    "MissingDependencyError",
    "NSGAIIISampler",
    "NSGAIISampler",
    "NoCompletedTrialError",
    "NopPruner",
    "OptimizeResult",
    "PartialFixedSampler",
    "PatientPruner",
    "PedAnovaEvaluator",
    "PercentilePruner",
    "PostgresStorage",
    "Pruner",
    "QMCSampler",
    "RandomSampler",
    "RegretBoundEvaluator",
    "SQLiteStorage",
    "Sampler",
    "SamplerError",
    "SearchSpace",
    "SklearnFanovaEvaluator",
    "StaticErrorEvaluator",
    "Storage",
    "StorageError",
    "Study",
    "StudyInfo",
    "StudyNotFoundError",
    "StudySummary",
    "SuccessiveHalvingPruner",
    "Suggestion",
    "TPESampler",
    "Terminator",
    "TerminatorCallback",
    "ThresholdPruner",
    "Trial",
    "TrialFinishedError",
    "TrialPruned",
    "TrialState",
    "TunesmithError",
    "WilcoxonPruner",
    "WorkerDiedError",
    "copy_study",
    "create_study",
    "create_trial",
    "delete_study",
    "distributions",
    "exceptions",
    "get_all_study_names",
    "get_all_study_summaries",
    "hypervolume",
    "importance",
    "list_studies",
    "load_study",
    "logging",
    "make_storage",
    "maximize",
    "minimize",
    "parse_space",
    "report_cross_validation_scores",
    "search_space",
    "serve_storage",
    "storages",
    "terminator",
]
