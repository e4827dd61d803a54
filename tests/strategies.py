"""Hypothesis strategies for distributions, values and event sequences."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

import tunesmith as ts

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
json_scalars = st.none() | st.booleans() | st.integers(-1000, 1000) | finite | st.text(max_size=5)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def floats(draw: st.DrawFn) -> ts.Float:
    kind = draw(st.sampled_from(["linear", "log", "step"]))
    if kind == "log":
        low = draw(st.floats(1e-6, 1e3))
        return ts.Float(low, low * draw(st.floats(1.0, 1e6)), log=True)
    low = draw(st.floats(-1e3, 1e3))
    if kind == "step":
        step = draw(st.sampled_from([0.5, 0.25, 1.0, 2.0]))
        return ts.Float(low, low + step * draw(st.integers(0, 50)), step=step)
    return ts.Float(low, low + draw(st.floats(0.0, 1e3)))


@st.composite
def ints(draw: st.DrawFn) -> ts.Int:
    if draw(st.booleans()):
        low = draw(st.integers(1, 1000))
        return ts.Int(low, low + draw(st.integers(0, 10_000)), log=True)
    low = draw(st.integers(-1000, 1000))
    step = draw(st.integers(1, 5))
    return ts.Int(low, low + step * draw(st.integers(0, 100)), step=step)


categoricals = (
    st.lists(json_values, min_size=1, max_size=6, unique_by=lambda v: repr(v))
    .filter(lambda choices: _distinct(choices))
    .map(ts.Categorical)
)

distributions = floats() | ints() | categoricals
spaces = st.dictionaries(st.text(min_size=1, max_size=8), distributions, min_size=1, max_size=6)


def _distinct(choices: list[Any]) -> bool:
    try:
        ts.Categorical(choices)
    except ts.InvalidSpaceError:
        return False
    return True
