"""Optuna's ``optuna.integration`` names that tunesmith covers: ``OptunaSearchCV``
(:class:`tunesmith.sklearn.TuneSearchCV` under Optuna's arguments) and ``DaskStorage``
(:func:`tunesmith.integration.dask.DaskStorage`). Each loads its framework when first
used. The framework callbacks (LightGBM, XGBoost, PyTorch Lightning, Keras, ...) are not
here: report each epoch with ``trial.report(value, step)`` and ask
``trial.should_prune()``, which works with any framework.

Example:
    >>> import tunesmith as optuna
    >>> optuna.integration.OptunaSearchCV.__name__
    'OptunaSearchCV'
"""

from __future__ import annotations

import importlib
from typing import Any

_NAMES = {
    "OptunaSearchCV": "tunesmith.integration.sklearn",
    "DaskStorage": "tunesmith.integration.dask",
}
_SUBMODULES = {"sklearn", "dask"}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"tunesmith.integration.{name}")
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(
            f"tunesmith.integration has no {name!r}: of Optuna's integrations it has "
            f"{sorted(_NAMES)}. For a framework's pruning callback, call "
            "trial.report(value, step) after each epoch and raise TrialPruned when "
            "trial.should_prune() says so"
        )
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_NAMES, *_SUBMODULES])
