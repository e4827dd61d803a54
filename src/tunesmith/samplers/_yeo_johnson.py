"""The maximum-likelihood Yeo-Johnson exponent, as ``scipy.stats.yeojohnson_normmax``
computes it, to the last bit, at a tenth of its cost; and the transform, as
``scipy.stats.yeojohnson`` with an exponent does it.

scipy's version evaluates its log-likelihood through an array-API and NaN-policy wrapper
that costs about 0.3 ms a call, and its bounded search makes 20-40 calls: 5-6 ms a fit,
which the GP paid for every kernel fit (every trial for the full GP; bench/RESULTS.md,
issue 11's overhead in 10 parameters). Here the same arithmetic runs on plain numpy
arrays, and the part of the log-likelihood that does not depend on the exponent is
computed once. Same operations in the same order, so the same exponent
(tests/test_gp_overhead.py compares them).
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

_EPS = float(np.finfo(np.float64).eps)
_SMALLEST = float(np.finfo(np.float64).smallest_normal)


def yeo_johnson(x: np.ndarray, lmbda: float) -> np.ndarray:
    """``scipy.stats.yeojohnson(x, lmbda)`` for a float array ``x``: the same values."""
    x = np.asarray(x, dtype=np.float64)
    return _transform(x, x >= 0, lmbda)


def _transform(x: np.ndarray, positive: np.ndarray, lmbda: float) -> np.ndarray:
    """Yeo-Johnson transform of ``x`` (``positive`` is ``x >= 0``)."""
    out = np.zeros_like(x)
    if abs(lmbda) < _EPS:
        out[positive] = np.log1p(x[positive])
    else:  # ((x + 1) ** lmbda - 1) / lmbda, stably
        out[positive] = np.expm1(lmbda * np.log1p(x[positive])) / lmbda
    negative = ~positive
    if abs(lmbda - 2) > _EPS:
        out[negative] = -np.expm1((2 - lmbda) * np.log1p(-x[negative])) / (2 - lmbda)
    else:
        out[negative] = -np.log1p(-x[negative])
    return out


def yeo_johnson_exponent(x: np.ndarray) -> float:
    """The exponent that maximizes the Yeo-Johnson profile log-likelihood of ``x``
    (finite values, 1-d), searched by ``fminbound`` within bounds that keep the
    transform from overflowing, as scipy does."""
    x = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(x)):
        raise ValueError("Yeo-Johnson input must be finite.")
    if np.all(x == 0):
        return 1.0
    positive = x >= 0
    n = x.shape[0]
    # the log-Jacobian's sum, the same for every exponent
    jacobian = np.sum(np.sign(x) * np.log1p(np.abs(x)), axis=0)

    def negative_llf(lmbda: float) -> float:
        variance = np.var(_transform(x, positive, lmbda), axis=0)
        log_variance = np.log(variance) if variance >= _SMALLEST else -np.inf
        llf = -n / 2 * log_variance + (lmbda - 1) * jacobian
        return -llf if not np.isinf(llf) else np.inf

    # bounds as scipy's: values up to 20 times the largest may be transformed safely
    log1p_max_x = np.log1p(20 * np.max(np.abs(x)))
    log_eps = np.log(_EPS)
    log_tiny = (np.log(np.finfo(np.float64).tiny) - log_eps) / 2
    log_max = (np.log(np.finfo(np.float64).max) + log_eps) / 2
    low, high = log_tiny / log1p_max_x, log_max / log1p_max_x
    if np.all(x < 0):
        low, high = 2 - high, 2 - low
    elif np.any(x < 0):
        low, high = max(2 - high, low), min(2 - low, high)
    with np.errstate(invalid="ignore"):
        return float(optimize.fminbound(negative_llf, low, high, xtol=1.48e-08))
