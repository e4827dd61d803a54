"""The declarative front door: ts.minimize / ts.maximize over a dict space."""

from __future__ import annotations

import pytest

import tunesmith as ts


def error(p):
    return (p["a"] - 2) ** 2 + p["b"]


def test_grid_over_lists_stops_after_every_point():
    result = ts.minimize(error, {"a": [1.5, 2.0, 2.5], "b": [0.5, 1.0, 1.5]}, sampler="grid")
    assert result.n_trials == 9
    assert result.best_params == {"a": 2.0, "b": 0.5} and result.best_value == 0.5


def test_random_over_ranges_keeps_ints_as_ints():
    seen = []

    def record(p):
        seen.append(p)
        return error(p) + p["k"]

    result = ts.minimize(record, {"a": (1.0, 3.0), "b": (0.0, 2.0), "k": (0, 3)}, n_trials=40,
                         sampler="random", seed=1)  # fmt: skip
    assert result.n_trials == 40 and len(seen) == 40
    assert all(type(p["k"]) is int and 0 <= p["k"] <= 3 for p in seen)
    assert all(type(p["a"]) is float and 1.0 <= p["a"] <= 3.0 for p in seen)
    assert result.best_value == min(record_value for record_value in
                                    (error(p) + p["k"] for p in seen))  # fmt: skip
    assert result.study.best_params == result.best_params


def test_the_function_receives_every_parameter_from_the_first_trial():
    result = ts.minimize(lambda p: len(p), {"x": (0.0, 1.0), "c": ["u", "v"]}, n_trials=3)
    assert [set(t.params) for t in result.study.trials] == [{"x", "c"}] * 3


def test_maximize_and_distributions_pass_through():
    result = ts.maximize(
        lambda p: -((p["lr"] - 0.01) ** 2),
        {"lr": ts.Float(1e-4, 1e-1, log=True)},
        n_trials=30,
        sampler="qmc",
        seed=0,
    )
    assert result.study.direction is ts.Direction.MAXIMIZE
    assert result.best_value == max(t.value for t in result.study.trials)


def test_the_same_seed_reproduces_the_result():
    space = {"a": (1.0, 3.0), "b": (0.0, 2.0)}
    first = ts.minimize(error, space, n_trials=10, seed=3)
    second = ts.minimize(error, space, n_trials=10, seed=3)
    assert first.best_params == second.best_params


def test_a_budget_is_required_unless_the_grid_ends_it():
    with pytest.raises(ts.InvalidArgumentError, match="needs a budget: give n_trials or timeout"):
        ts.minimize(error, {"a": (1.0, 3.0), "b": [0, 1]})


@pytest.mark.parametrize(
    ("space", "message"),
    [
        ({}, "space must be a non-empty dict"),
        ({"a": (1.0, 2.0, 3.0)}, "must be a list of choices, a (low, high) tuple"),
        ({"a": "abc"}, "must be a list of choices"),
        ({"a": (3.0, 1.0)}, "`low <= high` must hold"),
        ({"a": []}, "must not be empty"),
    ],
)
def test_bad_spaces_are_clear_errors(space, message):
    with pytest.raises(ts.InvalidSpaceError) as info:
        ts.minimize(error, space, n_trials=1)
    assert message in str(info.value)
