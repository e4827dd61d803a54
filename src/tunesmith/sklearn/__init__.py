"""scikit-learn integration: ``TuneSearchCV`` and ``cv_score``.

Needs scikit-learn: ``pip install 'tunesmith[sklearn]'``.

Example:
    >>> from tunesmith.sklearn import TuneSearchCV, cv_score
"""

from tunesmith import errors

errors.require_module("sklearn", "sklearn", "tunesmith.sklearn")

from tunesmith.sklearn._cv_score import cv_score  # noqa: E402
from tunesmith.sklearn._search import TuneSearchCV  # noqa: E402

__all__ = ["TuneSearchCV", "cv_score"]
