"""Optuna's ``optuna.integration`` names that tunesmith covers: ``OptunaSearchCV``
(:class:`tunesmith.sklearn.TuneSearchCV` under Optuna's arguments), ``DaskStorage``
(:func:`tunesmith.integration.dask.DaskStorage`), and the pruning callbacks of LightGBM,
XGBoost, CatBoost and PyTorch Lightning (``LightGBMPruningCallback``,
``XGBoostPruningCallback``, ``CatBoostPruningCallback``,
``PyTorchLightningPruningCallback``). Each loads its framework when first used. For
other frameworks (Keras, fastai, ...), report each epoch with
``trial.report(value, step)`` and ask ``trial.should_prune()``, which works with any.

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
    "LightGBMPruningCallback": "tunesmith.integration.lightgbm",
    "XGBoostPruningCallback": "tunesmith.integration.xgboost",
    "CatBoostPruningCallback": "tunesmith.integration.catboost",
    "PyTorchLightningPruningCallback": "tunesmith.integration.pytorch_lightning",
}
_SUBMODULES = {"sklearn", "dask", "lightgbm", "xgboost", "catboost", "pytorch_lightning"}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"tunesmith.integration.{name}")
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(
            f"tunesmith.integration has no {name!r}: of Optuna's integrations it has "
            f"{sorted(_NAMES)}. For another framework's pruning callback, call "
            "trial.report(value, step) after each epoch and raise TrialPruned when "
            "trial.should_prune() says so"
        )
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_NAMES, *_SUBMODULES])
