"""AutoML: the model and its hyperparameters chosen together (``ts.AutoML``).

Needs scikit-learn: ``pip install 'tunesmith[sklearn]'`` (and pandas for DataFrames and
the leaderboard).

Example:
    >>> from tunesmith.automl import AutoML
"""

from tunesmith import errors

errors.require_module("sklearn", "sklearn", "tunesmith.automl")

from tunesmith.automl._automl import AutoML  # noqa: E402

__all__ = ["AutoML"]
