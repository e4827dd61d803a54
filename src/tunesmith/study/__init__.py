"""Studies: the only place samplers, pruners and storages are put together.

``StudyDirection``, ``MaxTrialsCallback``, ``copy_study``, ``get_all_study_names`` and
``get_all_study_summaries`` are here under Optuna's names (``tunesmith.study.X`` as
``optuna.study.X``).
"""

from tunesmith.states import Direction as StudyDirection
from tunesmith.study._add import copy_study
from tunesmith.study._callbacks import MaxTrialsCallback
from tunesmith.study._factory import (
    StudySummary,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    list_studies,
    load_study,
    make_storage,
)
from tunesmith.study._remote import serve_storage
from tunesmith.study._study import Study
from tunesmith.study._terminator import (
    CrossValidationErrorEvaluator,
    RegretBoundEvaluator,
    StaticErrorEvaluator,
    Terminator,
    TerminatorCallback,
    report_cross_validation_scores,
)

__all__ = [
    "CrossValidationErrorEvaluator",
    "MaxTrialsCallback",
    "RegretBoundEvaluator",
    "StaticErrorEvaluator",
    "Study",
    "StudyDirection",
    "StudySummary",
    "Terminator",
    "TerminatorCallback",
    "copy_study",
    "create_study",
    "delete_study",
    "get_all_study_names",
    "get_all_study_summaries",
    "list_studies",
    "load_study",
    "make_storage",
    "report_cross_validation_scores",
    "serve_storage",
]
