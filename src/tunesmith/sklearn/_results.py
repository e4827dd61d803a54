"""``cv_results_`` in scikit-learn's layout, rebuilt from the study's trials.

Every finished trial is a candidate, in trial order (trials of an earlier ``fit`` on the
same study too, when it is resumed). Keys, as GridSearchCV writes them: ``mean_fit_time``,
``std_fit_time``, ``mean_score_time``, ``std_score_time``, ``param_<name>`` (masked arrays),
``params``, then per metric ``split<k>_test_<metric>``, ``mean_test_<metric>``,
``std_test_<metric>``, ``rank_test_<metric>`` and, with train scores, ``split<k>_train_<metric>``,
``mean_train_<metric>``, ``std_train_<metric>``. A trial the pruner stopped has NaN for the folds
it did not reach and a NaN mean (so it ranks last): a mean over fewer folds is not comparable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.ma import MaskedArray
from scipy.stats import rankdata

import tunesmith as ts


def build_cv_results(
    candidates: Sequence[tuple[ts.FrozenTrial, dict[str, Any]]],
    metrics: Sequence[str],
    n_splits: int,
    return_train_score: bool,
) -> dict[str, Any]:
    """``candidates``: each finished trial with the estimator parameters it had."""
    trials = [trial for trial, _ in candidates]
    results: dict[str, Any] = {}
    for key in ("fit_time", "score_time"):
        per_fold = _matrix(trials, f"cv_{key}", n_splits)
        results[f"mean_{key}"] = _nan_mean(per_fold)
        results[f"std_{key}"] = _nan_std(per_fold)
    params = [params for _, params in candidates]
    results.update(_param_columns(params))
    results["params"] = params
    for metric in metrics:
        _store(results, f"test_{metric}", _matrix(trials, f"cv_test_{metric}", n_splits), True)
        if return_train_score:
            train = _matrix(trials, f"cv_train_{metric}", n_splits)
            _store(results, f"train_{metric}", train, False)
    return results


def _matrix(trials: Sequence[ts.FrozenTrial], key: str, n_splits: int) -> np.ndarray:
    """(candidates, folds): what each trial stored, NaN where a fold has no value."""
    values = np.full((len(trials), n_splits), np.nan)
    for row, trial in enumerate(trials):
        stored = trial.user_attrs.get(key)
        if isinstance(stored, list):
            for column, value in enumerate(stored[:n_splits]):
                if value is not None:
                    values[row, column] = value
    return values


def _store(results: dict[str, Any], key: str, scores: np.ndarray, rank: bool) -> None:
    for fold in range(scores.shape[1]):
        results[f"split{fold}_{key}"] = scores[:, fold]
    with np.errstate(invalid="ignore"):
        means = scores.mean(axis=1)  # NaN unless every fold has a score
        stds = scores.std(axis=1)
    results[f"mean_{key}"] = means
    results[f"std_{key}"] = stds
    if rank:
        results[f"rank_{key}"] = _rank(means)


def _rank(means: np.ndarray) -> np.ndarray:
    """1 for the best mean; ties share the smaller rank; NaN ranks last (as sklearn)."""
    if means.size == 0 or np.isnan(means).all():
        return np.ones(means.shape, dtype=np.int32)
    filled = np.nan_to_num(means, nan=np.nanmin(means) - 1)
    return np.asarray(rankdata(-filled, method="min"), dtype=np.int32)


def _nan_mean(values: np.ndarray) -> np.ndarray:
    counts = np.sum(~np.isnan(values), axis=1)
    sums = np.nansum(values, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _nan_std(values: np.ndarray) -> np.ndarray:
    means = _nan_mean(values)
    counts = np.sum(~np.isnan(values), axis=1)
    squares = np.nansum((values - means[:, None]) ** 2, axis=1)
    return np.where(counts > 0, np.sqrt(squares / np.maximum(counts, 1)), np.nan)


def _param_columns(candidates: Sequence[Mapping[str, Any]]) -> dict[str, MaskedArray]:
    """One masked array per parameter, masked where a candidate has no such parameter;
    numeric dtypes where the values allow it, objects otherwise (strings included)."""
    by_name: dict[str, dict[int, Any]] = {}
    for index, params in enumerate(candidates):
        for name, value in params.items():
            by_name.setdefault(f"param_{name}", {})[index] = value
    columns = {}
    for key, values in by_name.items():
        dtype: Any = object
        try:
            inferred = np.array(list(values.values()))
        except ValueError:  # sequences of different lengths
            pass
        else:
            if inferred.dtype.kind not in "UO" and inferred.ndim == 1:
                dtype = inferred.dtype
        column = MaskedArray(np.empty(len(candidates), dtype=dtype), mask=True)
        for index, value in values.items():
            column[index] = value
        columns[key] = column
    return columns
