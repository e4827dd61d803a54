"""The unit-cube encoding: every point decodes into the space, and values round-trip."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import spaces

import tunesmith as ts
from tunesmith.encoding import UnitCube, decode_value, encode_value


@settings(max_examples=200, deadline=None)
@given(space=spaces, data=st.data())
def test_every_cube_point_decodes_to_a_value_of_the_space(space, data):
    cube = UnitCube(space)
    coordinates = data.draw(st.lists(st.floats(0, 1), min_size=cube.dims, max_size=cube.dims))
    params = cube.decode(np.array(coordinates))
    for name, distribution in space.items():
        assert distribution.contains(params[name]), (name, distribution, params[name])
        if isinstance(distribution, ts.Int):
            assert type(params[name]) is int
        if isinstance(distribution, ts.Float):
            assert type(params[name]) is float


@settings(max_examples=200, deadline=None)
@given(space=spaces, data=st.data())
def test_decoding_an_encoded_point_gives_the_same_parameters(space, data):
    cube = UnitCube(space)
    u = np.array(data.draw(st.lists(st.floats(0, 1), min_size=cube.dims, max_size=cube.dims)))
    params = cube.decode(u)
    again = cube.decode(cube.encode(params))
    for name, distribution in space.items():
        if isinstance(distribution, ts.Float) and distribution.step is None:
            assert np.isclose(again[name], params[name], rtol=1e-9, atol=1e-9)
        else:
            assert again[name] == params[name] and type(again[name]) is type(params[name])


def test_each_integer_owns_an_equal_cell_on_a_linear_scale():
    d = ts.Int(0, 3)
    assert [decode_value(d, x) for x in (0.0, 0.24, 0.26, 0.49, 0.51, 0.74, 0.76, 1.0)] == [
        0,
        0,
        1,
        1,
        2,
        2,
        3,
        3,
    ]


def test_log_scale_puts_the_midpoint_at_the_geometric_mean():
    assert np.isclose(decode_value(ts.Float(1e-4, 1e-2, log=True), 0.5), 1e-3)


def test_values_outside_a_narrowed_range_encode_outside_the_cube():
    assert encode_value(ts.Float(0, 1), 2.0) == 2.0
    assert encode_value(ts.Float(0, 1), -1.0) == -1.0


@settings(max_examples=200, deadline=None)
@given(space=spaces, data=st.data())
def test_snapping_keeps_the_parameters_and_is_idempotent(space, data):
    cube = UnitCube(space)
    u = np.array(data.draw(st.lists(st.floats(-0.5, 1.5), min_size=cube.dims, max_size=cube.dims)))
    snapped = cube.snap(u.copy())
    assert cube.decode(snapped) == cube.decode(np.clip(u, 0, 1))
    assert np.array_equal(cube.snap(snapped.copy()), snapped)
    assert ((snapped >= 0) & (snapped <= 1)).all()
