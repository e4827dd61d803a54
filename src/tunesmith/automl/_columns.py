"""Columns: which are numbers and which are categories, and the preprocessing for each.

Numbers: missing values imputed (mean or median, with an indicator column saying which
were missing), then scaled for the models that need it. Categories (pandas ``category``,
``object``, ``string`` and ``bool`` columns): one-hot columns for linear models, kernels,
distances and networks (rare categories pooled, so a column of IDs does not explode);
ordinal codes for trees. Missing categories are a category of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    OneHotEncoder,
    OrdinalEncoder,
    QuantileTransformer,
    RobustScaler,
    StandardScaler,
)

import tunesmith as ts

_MAX_ONE_HOT = 30  # one-hot columns per categorical column at most; the rarer pooled
SCALERS = ("standard", "robust", "quantile")
IMPUTERS = ("mean", "median")


@dataclass(frozen=True)
class Columns:
    """The input's columns by kind (names for a DataFrame, positions for an array)."""

    numeric: tuple[Any, ...]
    categorical: tuple[Any, ...]
    missing_numbers: bool  # some numeric value is missing: imputation is in the space
    width: int  # columns after one-hot encoding (at most _MAX_ONE_HOT per category)

    @classmethod
    def of(cls, X: Any, owner: str) -> Columns:
        if hasattr(X, "dtypes") and hasattr(X, "columns"):
            return cls._of_frame(X, owner)
        array = np.asarray(X)
        if array.ndim != 2:
            raise ts.InvalidArgumentError(
                f"{owner}: `X` must be 2-dimensional (rows of features), but got an array of "
                f"shape {array.shape}"
            )
        if array.dtype.kind in "biuf":
            missing = bool(np.isnan(array.astype(float)).any())
            positions = tuple(range(array.shape[1]))
            return cls(positions, (), missing, array.shape[1])
        raise ts.InvalidArgumentError(
            f"{owner}: `X` must hold numbers (or be a pandas DataFrame, whose text and "
            f"category columns are encoded), but got an array of dtype {array.dtype}"
        )

    @classmethod
    def _of_frame(cls, frame: Any, owner: str) -> Columns:
        numeric, categorical, width = [], [], 0
        for name, dtype in frame.dtypes.items():
            kind = getattr(dtype, "kind", "O")
            if kind in "iuf":
                numeric.append(name)
                width += 1
            elif kind in "bOSU" or str(dtype) in ("category", "string", "str", "boolean"):
                categorical.append(name)
                width += min(frame[name].nunique(dropna=False), _MAX_ONE_HOT)
            else:
                raise ts.InvalidArgumentError(
                    f"{owner}: column {name!r} has dtype {dtype}, which is neither numbers nor "
                    "categories; convert it (e.g. a date to its year, month and weekday)"
                )
        missing = bool(frame[numeric].isna().to_numpy().any()) if numeric else False
        return cls(tuple(numeric), tuple(categorical), missing, max(width, 1))


def preprocessor(columns: Columns, *, scaler: str | None, imputer: str, ordinal: bool) -> Any:
    """A ColumnTransformer for these columns (numbers first, then categories)."""
    steps: list[tuple[str, Any]] = []
    if columns.missing_numbers:
        steps.append(("impute", SimpleImputer(strategy=imputer, add_indicator=True)))
    if scaler is not None:
        steps.append(("scale", _scaler(scaler)))
    parts: list[tuple[str, Any, Any]] = []
    if columns.numeric:
        parts.append(
            ("numbers", Pipeline(steps) if steps else "passthrough", list(columns.numeric))
        )
    if columns.categorical:
        encoder: Any
        if ordinal:
            encoder = OrdinalEncoder(
                handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-2
            )
        else:
            encoder = OneHotEncoder(
                handle_unknown="infrequent_if_exist",
                max_categories=_MAX_ONE_HOT,
                sparse_output=False,
            )
        parts.append(("categories", encoder, list(columns.categorical)))
    return ColumnTransformer(parts, remainder="drop", verbose_feature_names_out=False)


def _scaler(name: str) -> Any:
    if name == "standard":
        return StandardScaler()
    if name == "robust":
        return RobustScaler()
    return QuantileTransformer(n_quantiles=100, output_distribution="normal", random_state=0)
