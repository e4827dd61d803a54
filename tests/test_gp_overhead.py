"""The shortcuts that make "auto"'s GPs cheaper give what the long way gives."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tunesmith.samplers._yeo_johnson import yeo_johnson_exponent


@pytest.mark.parametrize(
    "draw",
    [
        lambda rng, n: rng.normal(size=n),
        lambda rng, n: rng.lognormal(0, 2, size=n),
        lambda rng, n: -rng.lognormal(0, 1, size=n),
        lambda rng, n: rng.standard_cauchy(size=n),
        lambda rng, n: np.round(rng.normal(size=n), 1),
        lambda rng, n: np.zeros(n),
    ],
)
def test_the_yeo_johnson_exponent_is_scipys_to_the_last_bit(draw):
    rng = np.random.default_rng(0)
    for n in (3, 10, 57, 200):
        x = draw(rng, n)
        assert yeo_johnson_exponent(x) == stats.yeojohnson_normmax(x)


def test_the_yeo_johnson_exponent_rejects_what_scipy_rejects():
    with pytest.raises(ValueError, match="finite"):
        yeo_johnson_exponent(np.array([0.0, np.inf, 1.0]))
